//go:build linux

package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/e2e"
	"github.com/svcgen/svcgen/internal/winetest"
)

// The Windows upgrade suite's service: the e2e upgrade service
// (internal/e2e/upgrade/testdata/upgrade, an HTTP API answering "<version>
// <pid>") built for Windows as 1.0.0 and 2.0.0, installed under Wine's
// Service Control Manager with its ports in an env file, as
// internal/e2e/wine TestUpgradeUnderWine does.
var winUpgradeBuilds = e2e.UpgradeBuilds{GOOS: "windows"}

// winUpgradeSource is the upgrade service's project, from bench/.
var winUpgradeSource = filepath.Join("..", "internal", "e2e", "upgrade", "testdata", "upgrade")

// winUpgradeService is one installed service of that build.
type winUpgradeService struct {
	p         *winetest.Prefix
	name, exe string
	api       string // host:port of the HTTP API
}

// installWinUpgradeService installs bin as a service and starts it; the
// service is removed when the test ends.
func installWinUpgradeService(t *testing.T, p *winetest.Prefix, bin string) *winUpgradeService {
	t.Helper()
	dir := t.TempDir()
	s := &winUpgradeService{p: p, name: winetest.UniqueName("bench-upgrade"), exe: filepath.Join(dir, "upg.exe"), api: e2e.FreePort(t)}
	if err := e2e.Install(bin, s.exe); err != nil {
		t.Fatal(err)
	}
	envFile := filepath.Join(dir, "upg.env")
	env := fmt.Sprintf("UPG_API_ADDR=%s\nUPG_RPC_ADDR=%s\nUPG_ADMIN_ADDR=%s\n", s.api, e2e.FreePort(t), e2e.FreePort(t))
	if err := os.WriteFile(envFile, []byte(env), 0o644); err != nil {
		t.Fatal(err)
	}
	winEnv, err := winetest.WinPath(envFile)
	if err != nil {
		t.Fatal(err)
	}
	p.CreateService(t, s.name, s.exe, "service", "-env-file", winEnv)
	if err := s.start(context.Background()); err != nil {
		t.Fatalf("%v\n%s", err, s.log())
	}
	return s
}

// log is the service's log, which its process and its workers share.
func (s *winUpgradeService) log() string {
	b, _ := os.ReadFile(filepath.Join(s.p.ProgramData(), s.name, s.name+".log"))
	return string(b)
}

// start is `sc start`, then waiting for RUNNING.
func (s *winUpgradeService) start(ctx context.Context) error {
	if _, err := s.p.SC(ctx, "start", s.name); err != nil {
		return fmt.Errorf("sc start %s: %w", s.name, err)
	}
	_, err := s.p.WaitState(ctx, s.name, winetest.StateRunning, time.Minute, nil)
	return err
}

// restart is what a plain restart to a new binary is under the SCM: `sc
// stop`, waiting for STOPPED, then start. The new binary must already be
// at the service's path.
func (s *winUpgradeService) restart(ctx context.Context) error {
	if _, err := s.p.SC(ctx, "stop", s.name); err != nil {
		return fmt.Errorf("sc stop %s: %w", s.name, err)
	}
	if _, err := s.p.WaitState(ctx, s.name, winetest.StateStopped, time.Minute, nil); err != nil {
		return err
	}
	return s.start(ctx)
}

var handedOver = regexp.MustCompile(`upgraded: worker pid (\d+) serves`)

// upgrade runs the upgrade verb of the binary at the service's path and
// returns the PID of the worker it names.
func (s *winUpgradeService) upgrade(ctx context.Context) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	out, errOut, err := s.p.Run(ctx, s.exe, "upgrade", "-name", s.name)
	if err != nil {
		return 0, fmt.Errorf("upgrade verb: %w\n%s%s", err, out, errOut)
	}
	m := handedOver.FindStringSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("upgrade verb named no worker:\n%s%s", out, errOut)
	}
	return strconv.Atoi(m[1])
}

// scmWatch records every state `sc query` shows other than RUNNING until
// ended, and how many queries it made: an upgrade should show none.
type scmWatch struct {
	mu      sync.Mutex
	queries int
	seen    []string
	cancel  context.CancelFunc
	done    chan struct{}
}

// watchRunning polls the service's state every 100 ms (each query is a
// Wine process of about 0.1 s of its own).
func watchRunning(p *winetest.Prefix, name string) *scmWatch {
	ctx, cancel := context.WithCancel(context.Background())
	w := &scmWatch{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for ctx.Err() == nil {
			st, err := p.Query(ctx, name)
			if err == nil {
				w.mu.Lock()
				w.queries++
				if st.State != winetest.StateRunning {
					w.seen = append(w.seen, st.State)
				}
				w.mu.Unlock()
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	return w
}

// end stops the watch and returns the queries made and the states other
// than RUNNING seen.
func (w *scmWatch) end() (queries int, notRunning []string) {
	w.cancel()
	<-w.done
	return w.queries, w.seen
}

// statesWord joins states for a BENCH value, which holds no spaces.
func statesWord(states []string) string {
	if len(states) == 0 {
		return "none"
	}
	return strings.Join(states, ",")
}
