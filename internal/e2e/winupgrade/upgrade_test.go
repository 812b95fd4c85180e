// Package winupgrade holds the end-to-end test of the Windows upgrade:
// the upgrade tests' service (../upgrade/testdata/upgrade, an HTTP API and
// a gRPC server answering "<version> <pid>") built for Windows as 1.0.0
// and 2.0.0, installed as a service under Wine's Service Control Manager
// (or, on Windows, the machine's own), and upgraded with its own verb
// while the upgrade tests' four loads run. A package of its own, so that
// each end-to-end package stays well inside the test timeout alone.
package winupgrade

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/e2e"
	"github.com/svcgen/svcgen/internal/winetest"
)

// fresh asks on a new connection each time: one kept alive to the engine
// that served before an upgrade is still answered by it while it drains.
var fresh = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Minute}

// answer is what the API answers now, on a new connection: version and PID.
func answer(t *testing.T, s *e2e.WinUpgradeService) (string, int) {
	t.Helper()
	resp, err := fresh.Get("http://" + s.API + "/")
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
// runs the upgrade verb.
func upgrade(t *testing.T, s *e2e.WinUpgradeService, bin string) (int, string, error) {
	t.Helper()
	if err := e2e.Install(bin, s.Exe); err != nil {
		t.Fatal(err)
	}
	return s.Upgrade(context.Background())
}

// waitLogCount waits until the service's log has n lines containing text.
func waitLogCount(t *testing.T, s *e2e.WinUpgradeService, text string, n int) {
	deadline := time.Now().Add(time.Minute)
	for strings.Count(s.Log(), text) < n {
		if time.Now().After(deadline) {
			t.Errorf("the log never had %d lines with %q", n, text)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestUpgradeUnderWine upgrades the running service twice under load (the
// service process's own engine hands over to a worker, then that worker to
// another), tries two broken binaries, then stops it under load with `sc
// stop`: nothing refused or lost, RUNNING throughout the upgrades, each
// new worker answering, the worker it replaced exiting 0, and the stop
// clean.
func TestUpgradeUnderWine(t *testing.T) {
	p := winetest.New(t)
	v1, v2 := e2e.WinUpgradeBuilds.Binaries(t, "../upgrade/testdata/upgrade", false)
	s := e2e.InstallWinUpgradeService(t, p, v1)
	defer func() {
		if t.Failed() {
			t.Logf("service log:\n%s", s.Log())
		}
	}()
	version, servicePID := answer(t, s)
	if version != "1.0.0" {
		t.Fatalf("before the upgrade: version %s", version)
	}
	loads := e2e.StartUpgradeLoads(s.API, s.RPC)
	watch := e2e.WatchRunning(p, s.Name)
	loads.WaitAnswered(t, 300)

	var workers []int
	for i, bin := range []string{v2, v2} {
		var refused chan string
		if i == 1 {
			// The second worker warms up for 2 s (the env file as it is at
			// the upgrade); an upgrade asked meanwhile is refused.
			s.SetEnv(t, "E2E_WARM_SLEEP=2s\n")
			refused = make(chan string, 1)
			go func() {
				waitLogCount(t, s, "upgrade: new process warming up", 2)
				_, out, err := s.Upgrade(context.Background())
				refused <- fmt.Sprintf("%s(err: %v)", out, err)
			}()
		}
		pid, out, err := upgrade(t, s, bin)
		t.Logf("upgrade %d: %s", i+1, out)
		if refused != nil {
			second := <-refused
			t.Logf("upgrade asked during upgrade %d: %s", i+1, second)
			if !strings.Contains(second, "refused: an upgrade is under way") {
				t.Errorf("an upgrade asked during another was not refused: %s", second)
			}
			s.SetEnv(t, "")
		}
		if err != nil {
			loads.End(t)
			t.Fatalf("upgrade %d: %v", i+1, err)
		}
		if pid == 0 {
			t.Fatalf("upgrade %d: the verb did not name the new worker", i+1)
		}
		workers = append(workers, pid)
		loads.WaitAnswered(t, 300)
		if version, got := answer(t, s); version != "2.0.0" || got != pid {
			t.Errorf("upgrade %d: answered by %s pid %d, want 2.0.0 pid %d", i+1, version, got, pid)
		}
	}
	if workers[0] == servicePID || workers[1] == workers[0] {
		t.Errorf("service pid %d, workers %v: each upgrade should start a new process", servicePID, workers)
	}
	// The first worker, replaced by the second, drained and exited 0.
	oldExit := regexp.MustCompile(fmt.Sprintf(`upgrade: old worker exited.*old_pid=%d code=0`, workers[0]))
	deadline := time.Now().Add(30 * time.Second)
	for !oldExit.MatchString(s.Log()) {
		if time.Now().After(deadline) {
			t.Errorf("no log line saying worker %d exited 0", workers[0])
			break
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Broken binaries: one that exits during its warmup, one whose warmup
	// fails. The worker that serves goes on.
	for _, how := range []string{"exit", "fail"} {
		if err := os.WriteFile(s.BreakFile, []byte(how), 0o644); err != nil {
			t.Fatal(err)
		}
		_, out, err := upgrade(t, s, v1)
		t.Logf("broken upgrade (%s): %s", how, out)
		if err == nil || !strings.Contains(out, "failed") {
			t.Errorf("a new binary that does %q in its warmup: the verb should fail, got %v", how, err)
		}
		loads.WaitAnswered(t, 300)
		if version, got := answer(t, s); version != "2.0.0" || got != workers[1] {
			t.Errorf("after the broken upgrade (%s): answered by %s pid %d, want 2.0.0 pid %d", how, version, got, workers[1])
		}
	}
	if queries, notRunning := watch.End(); len(notRunning) > 0 {
		t.Errorf("the SCM showed %v in %d queries during the upgrades, want RUNNING throughout", notRunning, queries)
	}
	loads.End(t)

	// The stop of a worker-served service: the keep-alive load, then
	// `sc stop`.
	stopLoad := e2e.StopLoads[1]
	stopped := make(chan struct{})
	var st winetest.Status
	var stopErr error
	res := stopLoad.Run("http://"+s.API+"/", func() {
		ctx := context.Background()
		if _, stopErr = p.SC(ctx, "stop", s.Name); stopErr == nil {
			st, stopErr = p.WaitState(ctx, s.Name, winetest.StateStopped, time.Minute, nil)
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
