package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/e2e"
)

// restart is what one restart to a new binary cost the clients of the
// keep-alive and the fresh connections' loads, and how long it took from
// the request to the new binary's first answer.
type restart struct {
	refused, lost, failed int64
	took                  time.Duration
}

func restartOf(keep, fresh *e2e.LoadResult, took time.Duration) restart {
	return restart{
		refused: keep.Refused + fresh.Refused,
		lost:    keep.Lost + fresh.Lost,
		failed:  keep.Failed + fresh.Failed,
		took:    took,
	}
}

// TestUpgradeRestart measures what a restart to a new binary costs the
// clients, under 64 keep-alive POST clients and 100 new connections a second
// at once, for three ways of doing it, alternating restart by restart:
//
//   - svcgen plain restart: SIGTERM, wait for the exit, start the new binary
//     (what a service manager's restart does);
//   - svcgen upgrade: SIGUSR2 to the generated service (upgrade_linux.go);
//   - tableflip: SIGUSR2 to a hand-written net/http server driven by
//     cloudflare/tableflip v1.2.3 (bench/alternatives/testdata/tableflip),
//     which calls http.Server.Shutdown once the new process is ready.
//
// Per restart: requests refused (dial failed) and lost (sent, never
// answered), and the time from the request (the signal) to the first
// answer of the new binary on a new connection.
//
//	SVCGEN_BENCH=1 go test ./bench/ -run TestUpgradeRestart -v -count=1
func TestUpgradeRestart(t *testing.T) {
	skipUnlessBench(t)
	dir := t.TempDir()
	api, admin := e2e.FreePort(t), e2e.FreePort(t)
	// The upgrade service of the e2e tests, on fixed ports, so that the
	// plain restart binds the same address again.
	src := filepath.Join("..", "internal", "e2e", "upgrade", "testdata", "upgrade")
	proj := filepath.Join(dir, "project")
	os.MkdirAll(proj, 0o755)
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == "service.toml" {
			s := strings.Replace(string(b), "[admin]\naddr = \"127.0.0.1:0\"", "[admin]\naddr = \""+admin+"\"", 1)
			s = strings.Replace(s, "addr = \"127.0.0.1:0\"\nhandler", "addr = \""+api+"\"\nhandler", 1)
			if !strings.Contains(s, admin) || !strings.Contains(s, api) {
				t.Fatalf("could not set the ports in:\n%s", s)
			}
			b = []byte(s)
		}
		os.WriteFile(filepath.Join(proj, e.Name()), b, 0o644)
	}
	var builds e2e.UpgradeBuilds
	v1, v2 := builds.Binaries(t, proj, false)
	tf1, tf2 := filepath.Join(dir, "tf-1"), filepath.Join(dir, "tf-2")
	for bin, version := range map[string]string{tf1: "1.0.0", tf2: "2.0.0"} {
		cmd := exec.Command("go", "build", "-ldflags", "-X main.version="+version, "-o", bin, "./testdata/tableflip")
		cmd.Dir = filepath.Join("alternatives")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build the tableflip server: %v\n%s", err, out)
		}
	}

	type side struct {
		key, name string
		old, new  string
		args      []string
		// restart replaces p, running the binary at bin, and returns the new
		// process when it is the test's child (nil: the old one started it).
		restart func(t *testing.T, p *e2e.LoggedProcess, bin string) *e2e.LoggedProcess
	}
	start := func(t *testing.T, bin string, args []string, roundDir string) *e2e.LoggedProcess {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+roundDir)
		p, err := e2e.StartLogged(cmd, filepath.Join(roundDir, "log"))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	sides := []side{
		{key: "plain", name: "svcgen plain restart (SIGTERM, then start)", old: v1, new: v2, args: []string{"run"},
			restart: func(t *testing.T, p *e2e.LoggedProcess, bin string) *e2e.LoggedProcess {
				p.Cmd.Process.Signal(syscall.SIGTERM)
				if _, err := p.Wait(time.Minute); err != nil {
					t.Fatal(err)
				}
				return start(t, bin, []string{"run"}, filepath.Dir(p.LogPath))
			}},
		{key: "svcgen", name: "svcgen upgrade (SIGUSR2)", old: v1, new: v2, args: []string{"run"},
			restart: func(t *testing.T, p *e2e.LoggedProcess, _ string) *e2e.LoggedProcess {
				p.Cmd.Process.Signal(syscall.SIGUSR2)
				return nil
			}},
		{key: "tableflip", name: "tableflip v1.2.3 + http.Server.Shutdown (SIGUSR2)", old: tf1, new: tf2, args: []string{"-addr", api},
			restart: func(t *testing.T, p *e2e.LoggedProcess, _ string) *e2e.LoggedProcess {
				p.Cmd.Process.Signal(syscall.SIGUSR2)
				return nil
			}},
	}
	const rounds = 5
	results := map[string][]restart{}
	for round := range rounds {
		for i := range sides {
			s := sides[(i+round)%len(sides)]
			roundDir := filepath.Join(dir, fmt.Sprintf("%s-%d", s.key, round))
			os.MkdirAll(roundDir, 0o755)
			bin := filepath.Join(roundDir, "service")
			if err := e2e.Install(s.old, bin); err != nil {
				t.Fatal(err)
			}
			p := start(t, bin, s.args, roundDir)
			if _, pid := waitVersion(t, api, "1.0.0", time.Minute); pid != p.Cmd.Process.Pid {
				t.Fatalf("%s: pid %d answers, not %d", s.name, pid, p.Cmd.Process.Pid)
			}
			loads := startRestartLoads(api)
			loads.waitAnswered(t, 300)
			if err := e2e.Install(s.new, bin); err != nil {
				t.Fatal(err)
			}
			begin := time.Now()
			child := s.restart(t, p, bin)
			_, newPID := waitVersion(t, api, "2.0.0", time.Minute)
			took := time.Since(begin)
			if code, err := p.Wait(time.Minute); err != nil || code != 0 {
				t.Errorf("%s: the old process: exit %d, %v", s.name, code, err)
			}
			loads.waitAnswered(t, 300)
			keep, fresh := loads.end()
			r := restartOf(keep, fresh, took)
			results[s.key] = append(results[s.key], r)
			t.Logf("%-50s round %d: refused %d, lost %d, failed %d; new process answering after %v", s.name, round, r.refused, r.lost, r.failed, took.Round(100*time.Microsecond))
			fmt.Printf("RESULT upgrade side=%s refused=%d lost=%d failed=%d took_ms=%.3f\n", s.key, r.refused, r.lost, r.failed, float64(took)/float64(time.Millisecond))
			if child != nil {
				child.Cmd.Process.Signal(syscall.SIGTERM)
				child.Wait(time.Minute)
			} else {
				stopAndWait(t, newPID)
			}
		}
	}
	t.Logf("per restart, %d restarts each, under 64 keep-alive clients and 100 new connections/s:", rounds)
	for _, s := range sides {
		var refused, lost []int64
		var took []float64
		var totalRefused, totalLost int64
		for _, r := range results[s.key] {
			refused, lost, took = append(refused, r.refused), append(lost, r.lost), append(took, float64(r.took)/float64(time.Millisecond))
			totalRefused += r.refused
			totalLost += r.lost
		}
		t.Logf("  %-50s refused median %d (total %d), lost median %d (total %d), request → new binary answering median %.1f ms",
			s.name, median(refused), totalRefused, median(lost), totalLost, median(took))
	}
}

// waitVersion polls GET / on new connections until the answer is version's;
// it returns the version and the PID that answered.
func waitVersion(t *testing.T, addr, version string, timeout time.Duration) (string, int) {
	t.Helper()
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := client.Get("http://" + addr + "/")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if f := strings.Fields(string(b)); len(f) == 2 && f[0] == version {
				pid, _ := strconv.Atoi(f[1])
				return f[0], pid
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no answer of version %s at %s within %s (last: %v)", version, addr, timeout, err)
		}
		time.Sleep(time.Millisecond)
	}
}

// stopAndWait ends a process that is not the test's child.
func stopAndWait(t *testing.T, pid int) {
	syscall.Kill(pid, syscall.SIGTERM)
	for deadline := time.Now().Add(time.Minute); e2e.Alive(pid); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("pid %d did not stop", pid)
		}
	}
}

// restartLoads are the benchmark's two loads at once.
type restartLoads struct {
	answered    atomic.Int64
	stop        atomic.Bool
	wg          sync.WaitGroup
	keep, fresh *e2e.LoadResult
}

func startRestartLoads(addr string) *restartLoads {
	l := &restartLoads{}
	until := func(int64) bool {
		l.answered.Add(1)
		return l.stop.Load()
	}
	url := "http://" + addr + "/?sleep=2ms"
	l.wg.Add(2)
	go func() {
		defer l.wg.Done()
		l.keep = e2e.Load(context.Background(), e2e.LoadConfig{URL: url, Clients: 64, Post: true, Until: until})
	}()
	go func() {
		defer l.wg.Done()
		l.fresh = e2e.Load(context.Background(), e2e.LoadConfig{URL: url, Rate: 100, Post: true, Until: until})
	}()
	return l
}

func (l *restartLoads) waitAnswered(t *testing.T, n int64) {
	t.Helper()
	target := l.answered.Load() + n
	for deadline := time.Now().Add(time.Minute); l.answered.Load() < target; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d answers in a minute", n)
		}
	}
}

func (l *restartLoads) end() (keep, fresh *e2e.LoadResult) {
	l.stop.Store(true)
	l.wg.Wait()
	return l.keep, l.fresh
}
