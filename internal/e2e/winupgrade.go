package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/winetest"
)

// WinUpgradeService is the upgrade service (internal/e2e/upgrade/testdata/
// upgrade: an HTTP API and a gRPC server answering "<version> <pid>")
// built for Windows and installed under a Service Control Manager (Wine's,
// or the machine's own on Windows), its ports and the tests' switches in
// an env file. The Windows upgrade tests and benchmarks share it.
type WinUpgradeService struct {
	P         *winetest.Prefix
	Name, Exe string
	API, RPC  string // host:port each
	// BreakFile says what version 1.0.0 does in its warmup (warm.go).
	BreakFile string
	envFile   string
	env       string
}

// WinUpgradeBuilds are 1.0.0 and 2.0.0 of the upgrade service for Windows.
var WinUpgradeBuilds = UpgradeBuilds{GOOS: "windows"}

// InstallWinUpgradeService installs bin as a service reading its
// addresses from an env file, and starts it; the service is removed when
// the test ends.
func InstallWinUpgradeService(t testing.TB, p *winetest.Prefix, bin string) *WinUpgradeService {
	t.Helper()
	dir := t.TempDir()
	s := &WinUpgradeService{P: p, Name: winetest.UniqueName("upgrade"), Exe: filepath.Join(dir, "upg.exe"),
		API: FreePort(t), RPC: FreePort(t), BreakFile: filepath.Join(dir, "break.txt"), envFile: filepath.Join(dir, "upg.env")}
	if err := Install(bin, s.Exe); err != nil {
		t.Fatal(err)
	}
	winBreak, err := winetest.WinPath(s.BreakFile)
	if err != nil {
		t.Fatal(err)
	}
	s.env = fmt.Sprintf("UPG_API_ADDR=%s\nUPG_RPC_ADDR=%s\nUPG_ADMIN_ADDR=%s\nE2E_BREAK_VERSION=1.0.0\nE2E_BREAK_FILE=%s\n",
		s.API, s.RPC, FreePort(t), winBreak)
	s.SetEnv(t, "")
	winEnv, err := winetest.WinPath(s.envFile)
	if err != nil {
		t.Fatal(err)
	}
	p.CreateService(t, s.Name, s.Exe, "service", "-env-file", winEnv)
	if err := s.Start(context.Background()); err != nil {
		t.Fatalf("%v\n%s", err, s.Log())
	}
	return s
}

// SetEnv writes the env file: the addresses and switches, then extra
// lines. A worker reads it as it is at the upgrade.
func (s *WinUpgradeService) SetEnv(t testing.TB, extra string) {
	t.Helper()
	if err := os.WriteFile(s.envFile, []byte(s.env+extra), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Log is the service's log: the default one in its data folder, which the
// service process and its workers share.
func (s *WinUpgradeService) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.P.ProgramData(), s.Name, s.Name+".log"))
	return string(b)
}

// Start is `sc start`, then waiting for RUNNING.
func (s *WinUpgradeService) Start(ctx context.Context) error {
	if _, err := s.P.SC(ctx, "start", s.Name); err != nil {
		return fmt.Errorf("sc start %s: %w", s.Name, err)
	}
	_, err := s.P.WaitState(ctx, s.Name, winetest.StateRunning, time.Minute, nil)
	return err
}

// Restart is a plain restart under the SCM: `sc stop`, waiting for
// STOPPED, then Start. A new binary must already be at the service's path.
func (s *WinUpgradeService) Restart(ctx context.Context) error {
	if _, err := s.P.SC(ctx, "stop", s.Name); err != nil {
		return fmt.Errorf("sc stop %s: %w", s.Name, err)
	}
	if _, err := s.P.WaitState(ctx, s.Name, winetest.StateStopped, time.Minute, nil); err != nil {
		return err
	}
	return s.Start(ctx)
}

var handedOver = regexp.MustCompile(`upgraded: worker pid (\d+) serves`)

// Upgrade runs the upgrade verb of the binary at the service's path; it
// returns the verb's output and the PID of the worker it names (0 when it
// names none).
func (s *WinUpgradeService) Upgrade(ctx context.Context) (pid int, out string, err error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	stdout, stderr, err := s.P.Run(ctx, s.Exe, "upgrade", "-name", s.Name)
	out = stdout + stderr
	if m := handedOver.FindStringSubmatch(stdout); m != nil {
		pid, _ = strconv.Atoi(m[1])
	}
	return pid, out, err
}

// SCMWatch records every state `sc query` shows other than RUNNING, and how
// many queries it made, until ended: an upgrade shows none.
type SCMWatch struct {
	mu      sync.Mutex
	queries int
	seen    []string
	cancel  context.CancelFunc
	done    chan struct{}
}

// WatchRunning polls the service's state every 100 ms (under Wine each
// query is a process of about 0.1 s of its own).
func WatchRunning(p *winetest.Prefix, name string) *SCMWatch {
	ctx, cancel := context.WithCancel(context.Background())
	w := &SCMWatch{cancel: cancel, done: make(chan struct{})}
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

// End stops the watch and returns the queries made and the states other
// than RUNNING seen.
func (w *SCMWatch) End() (queries int, notRunning []string) {
	w.cancel()
	<-w.done
	return w.queries, w.seen
}
