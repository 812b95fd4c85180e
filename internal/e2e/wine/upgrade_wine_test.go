package wine

import (
	"context"
	"fmt"
	"io"
	"net/http"
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

// The Windows upgrade under Wine's Service Control Manager: the upgrade
// tests' service (../upgrade/testdata/upgrade, an HTTP API and a gRPC
// server answering "<version> <pid>") built for Windows as 1.0.0 and
// 2.0.0, installed as a service, and upgraded with its own verb while the
// upgrade tests' four loads run.
var winUpgradeBuilds = e2e.UpgradeBuilds{GOOS: "windows"}

// upgradeService is one installed service of that build.
type upgradeService struct {
	p         *winetest.Prefix
	name, exe string
	api, rpc  string
	breakFile string // what the version named in the env file does (warm.go)
	envFile   string // the service's configuration: env, then what setEnv adds
	env       string
}

// setEnv writes the env file: the addresses and switches, then extra
// lines. A worker reads it as it is at the upgrade.
func (s *upgradeService) setEnv(t *testing.T, extra string) {
	t.Helper()
	if err := os.WriteFile(s.envFile, []byte(s.env+extra), 0o644); err != nil {
		t.Fatal(err)
	}
}

// installUpgradeService installs 1.0.0 as a service reading its addresses
// and the test's switches from an env file, and starts it.
func installUpgradeService(t *testing.T, p *winetest.Prefix) *upgradeService {
	t.Helper()
	v1, _ := winUpgradeBuilds.Binaries(t, "../upgrade/testdata/upgrade", false)
	dir := t.TempDir()
	s := &upgradeService{p: p, name: winetest.UniqueName("upgrade"), exe: filepath.Join(dir, "upg.exe"),
		api: e2e.FreePort(t), rpc: e2e.FreePort(t), breakFile: filepath.Join(dir, "break.txt"), envFile: filepath.Join(dir, "upg.env")}
	if err := e2e.Install(v1, s.exe); err != nil {
		t.Fatal(err)
	}
	winBreak, err := winetest.WinPath(s.breakFile)
	if err != nil {
		t.Fatal(err)
	}
	s.env = fmt.Sprintf("UPG_API_ADDR=%s\nUPG_RPC_ADDR=%s\nUPG_ADMIN_ADDR=%s\nE2E_BREAK_VERSION=1.0.0\nE2E_BREAK_FILE=%s\n",
		s.api, s.rpc, e2e.FreePort(t), winBreak)
	s.setEnv(t, "")
	winEnv, err := winetest.WinPath(s.envFile)
	if err != nil {
		t.Fatal(err)
	}
	p.CreateService(t, s.name, s.exe, "service", "-env-file", winEnv)
	ctx := context.Background()
	if _, err := p.SC(ctx, "start", s.name); err != nil {
		t.Fatalf("sc start: %v\n%s", err, s.log())
	}
	if _, err := p.WaitState(ctx, s.name, winetest.StateRunning, time.Minute, nil); err != nil {
		t.Fatalf("%v\n%s", err, s.log())
	}
	return s
}

// log is the service's log: the default one in its data folder, which the
// service process and its workers share.
func (s *upgradeService) log() string {
	b, _ := os.ReadFile(filepath.Join(s.p.ProgramData(), s.name, s.name+".log"))
	return string(b)
}

// answer is what the API answers now: version and PID.
func (s *upgradeService) answer(t *testing.T) (string, int) {
	t.Helper()
	resp, err := http.Get("http://" + s.api + "/")
	if err != nil {
		t.Fatalf("GET /: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	version, pid, _ := strings.Cut(string(b), " ")
	n, err := strconv.Atoi(pid)
	if err != nil {
		t.Fatalf("GET / answered %q", b)
	}
	return version, n
}

// upgrade installs bin at the service's path, as a deployment does, and
// runs the upgrade verb; it returns the verb's output and error.
func (s *upgradeService) upgrade(t *testing.T, bin string) (string, error) {
	t.Helper()
	if err := e2e.Install(bin, s.exe); err != nil {
		t.Fatal(err)
	}
	return s.upgradeVerb()
}

// upgradeVerb runs the upgrade verb of the binary at the service's path.
func (s *upgradeService) upgradeVerb() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, errOut, err := s.p.Run(ctx, s.exe, "upgrade", "-name", s.name)
	return out + errOut, err
}

// scmWatch records every state `sc query` shows other than RUNNING until
// stopped: an upgrade must not show one.
type scmWatch struct {
	mu     sync.Mutex
	seen   []string
	cancel context.CancelFunc
	done   chan struct{}
}

func watchRunning(p *winetest.Prefix, name string) *scmWatch {
	ctx, cancel := context.WithCancel(context.Background())
	w := &scmWatch{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for ctx.Err() == nil {
			st, err := p.Query(ctx, name)
			if err == nil && st.State != winetest.StateRunning {
				w.mu.Lock()
				w.seen = append(w.seen, st.State)
				w.mu.Unlock()
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	return w
}

func (w *scmWatch) end(t *testing.T) {
	t.Helper()
	w.cancel()
	<-w.done
	if len(w.seen) > 0 {
		t.Errorf("the SCM showed %v during the upgrades, want RUNNING throughout", w.seen)
	}
}

// waitLogCount waits until the service's log has n lines containing text.
func waitLogCount(t *testing.T, s *upgradeService, text string, n int) {
	deadline := time.Now().Add(time.Minute)
	for strings.Count(s.log(), text) < n {
		if time.Now().After(deadline) {
			t.Errorf("the log never had %d lines with %q", n, text)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var handedOver = regexp.MustCompile(`upgraded: worker pid (\d+) serves`)

// TestUpgradeUnderWine upgrades the running service twice under load (the
// service process's own engine hands over to a worker, then that worker to
// another), tries two broken binaries, then stops it under load with `sc
// stop`: nothing refused or lost, RUNNING throughout the upgrades, each
// new worker answering, the worker it replaced exiting 0, and the stop
// clean.
func TestUpgradeUnderWine(t *testing.T) {
	p := winetest.New(t)
	s := installUpgradeService(t, p)
	_, v2 := winUpgradeBuilds.Binaries(t, "../upgrade/testdata/upgrade", false)
	v1, _ := winUpgradeBuilds.Binaries(t, "../upgrade/testdata/upgrade", false)
	defer func() {
		if t.Failed() {
			t.Logf("service log:\n%s", s.log())
		}
	}()
	version, servicePID := s.answer(t)
	if version != "1.0.0" {
		t.Fatalf("before the upgrade: version %s", version)
	}
	loads := e2e.StartUpgradeLoads(s.api, s.rpc)
	watch := watchRunning(p, s.name)
	loads.WaitAnswered(t, 300)

	var workers []int
	for i, bin := range []string{v2, v2} {
		var refused chan string
		if i == 1 {
			// The second worker warms up for 2 s (the env file as it is at
			// the upgrade); an upgrade asked meanwhile is refused.
			s.setEnv(t, "E2E_WARM_SLEEP=2s\n")
			refused = make(chan string, 1)
			go func() {
				waitLogCount(t, s, "upgrade: new process warming up", 2)
				out, err := s.upgradeVerb()
				refused <- fmt.Sprintf("%s(err: %v)", out, err)
			}()
		}
		out, err := s.upgrade(t, bin)
		t.Logf("upgrade %d: %s", i+1, out)
		if refused != nil {
			second := <-refused
			t.Logf("upgrade asked during upgrade %d: %s", i+1, second)
			if !strings.Contains(second, "refused: an upgrade is under way") {
				t.Errorf("an upgrade asked during another was not refused: %s", second)
			}
			s.setEnv(t, "")
		}
		if err != nil {
			loads.End(t)
			t.Fatalf("upgrade %d: %v", i+1, err)
		}
		m := handedOver.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("upgrade %d: the verb did not name the new worker", i+1)
		}
		pid, _ := strconv.Atoi(m[1])
		workers = append(workers, pid)
		loads.WaitAnswered(t, 300)
		if version, got := s.answer(t); version != "2.0.0" || got != pid {
			t.Errorf("upgrade %d: answered by %s pid %d, want 2.0.0 pid %d", i+1, version, got, pid)
		}
	}
	if workers[0] == servicePID || workers[1] == workers[0] {
		t.Errorf("service pid %d, workers %v: each upgrade should start a new process", servicePID, workers)
	}
	// The first worker, replaced by the second, drained and exited 0.
	oldExit := regexp.MustCompile(fmt.Sprintf(`upgrade: old worker exited.*old_pid=%d code=0`, workers[0]))
	deadline := time.Now().Add(30 * time.Second)
	for !oldExit.MatchString(s.log()) {
		if time.Now().After(deadline) {
			t.Errorf("no log line saying worker %d exited 0", workers[0])
			break
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Broken binaries: one that exits during its warmup, one whose warmup
	// fails. The worker that serves goes on.
	for _, how := range []string{"exit", "fail"} {
		if err := os.WriteFile(s.breakFile, []byte(how), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := s.upgrade(t, v1)
		t.Logf("broken upgrade (%s): %s", how, out)
		if err == nil || !strings.Contains(out, "failed") {
			t.Errorf("a new binary that does %q in its warmup: the verb should fail, got %v", how, err)
		}
		loads.WaitAnswered(t, 300)
		if version, got := s.answer(t); version != "2.0.0" || got != workers[1] {
			t.Errorf("after the broken upgrade (%s): answered by %s pid %d, want 2.0.0 pid %d", how, version, got, workers[1])
		}
	}
	watch.end(t)
	loads.End(t)

	// The stop of a worker-served service: the keep-alive load, then
	// `sc stop`.
	stopLoad := e2e.StopLoads[1]
	stopped := make(chan struct{})
	var st winetest.Status
	var stopErr error
	res := stopLoad.Run("http://"+s.api+"/", func() {
		ctx := context.Background()
		if _, stopErr = p.SC(ctx, "stop", s.name); stopErr == nil {
			st, stopErr = p.WaitState(ctx, s.name, winetest.StateStopped, time.Minute, nil)
		}
		close(stopped)
	}, stopped)
	if stopErr != nil {
		t.Fatalf("sc stop: %v", stopErr)
	}
	stopLoad.Check(t, res, 0)
	if st.Win32ExitCode != 0 || st.ServiceSpecificExitCode != 0 {
		t.Errorf("stopped status = %v, want a clean stop", st)
	}
}
