package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The fault-injection tests drive the lifecycle service (testdata/lifecycle,
// see act.go) into faults a service meets in production. Each checks the
// documented exit code and log line, and that nothing accepted was lost.

// A panic in a before_drain hook stops the service in order with exit 6
// and the panic's stack in the log.
func TestFaultPanicInHook(t *testing.T) {
	p := start(t, "E2E_HOOKS_BEFORE_DRAIN=panic")
	waitLine(t, p, `msg="service ready"`)
	p.Signal(syscall.SIGTERM)
	waitExit(t, p, 6)
	if !strings.Contains(p.Log(), "before_drain of hooks panicked") || !strings.Contains(p.Log(), "stack=") {
		t.Errorf("no panic with its stack in the log:\n%s", p.Log())
	}
	before(t, p.Lines(), closing("api"), closed("store"))
}

// Three stop signals in a row: the first starts the stop, the second
// forces exit 5; the third changes nothing and crashes nothing.
func TestFaultThirdSignal(t *testing.T) {
	p := start(t, "E2E_HANG_CLOSE=sleep:3s")
	waitLine(t, p, `msg="service ready"`)
	for i := 0; i < 3; i++ {
		p.Signal(syscall.SIGINT)
		if i == 0 {
			waitLine(t, p, `msg=stopping`)
		}
	}
	code, err := p.Wait(wait)
	if err != nil {
		t.Fatal(err)
	}
	if code != 5 {
		t.Fatalf("exit code %d, want 5:\n%s", code, p.Log())
	}
	if strings.Contains(p.Log(), "goroutine ") && strings.Contains(p.Log(), "panic:") {
		t.Errorf("the third signal crashed the process:\n%s", p.Log())
	}
}

// More connections than the listen backlog arrive during a slow warmup.
// The kernel drops the SYNs it has no room for and the clients resend
// them, so every request is answered once the service is ready: slower,
// never refused, never lost.
func TestFaultBurstBeyondBacklogDuringWarmup(t *testing.T) {
	backlog := 4096
	if data, err := os.ReadFile("/proc/sys/net/core/somaxconn"); err == nil {
		fmt.Sscan(string(data), &backlog)
	}
	if backlog > 4096 {
		t.Skipf("somaxconn is %d: a burst beyond it is too large for this test", backlog)
	}
	burst := backlog + 256
	gate := filepath.Join(t.TempDir(), "gate")
	p := start(t, "E2E_STORE_OPEN=gate:"+gate)
	addr, err := p.ListenAddr("api", wait)
	if err != nil {
		t.Fatal(err)
	}
	// Every client has begun to connect before the warmup ends.
	var dialing sync.WaitGroup
	dialing.Add(burst)
	errs := make(chan error, burst)
	for i := 0; i < burst; i++ {
		go func() {
			var once sync.Once
			trace := &httptrace.ClientTrace{ConnectStart: func(string, string) { once.Do(dialing.Done) }}
			req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", "http://"+addr+"/", nil)
			c := &http.Client{Timeout: wait, Transport: &http.Transport{DisableKeepAlives: true}}
			resp, err := c.Do(req)
			once.Do(dialing.Done)
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				errs <- fmt.Errorf("status %d", resp.StatusCode)
				return
			}
			errs <- nil
		}()
	}
	dialing.Wait()
	if index(p.Lines(), `msg="service ready"`) >= 0 {
		t.Fatal("the service was ready before the burst")
	}
	os.WriteFile(gate, nil, 0o644)
	failed := 0
	for i := 0; i < burst; i++ {
		if err := <-errs; err != nil {
			failed++
			if failed <= 5 {
				t.Errorf("request of the burst: %v", err)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d requests failed", failed, burst)
	}
	p.Signal(syscall.SIGTERM)
	waitExit(t, p, 0)
}

// A client that connects during the drain but never sends a request
// (a port scanner, a half-open connection) does not hold the stop: the
// drain ends at its own pace and the stop finishes within its budget.
func TestFaultIdleConnectionDoesNotHoldTheDrain(t *testing.T) {
	p := start(t)
	addr, err := p.ListenAddr("api", wait)
	if err != nil {
		t.Fatal(err)
	}
	waitLine(t, p, `msg="service ready"`)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p.Signal(syscall.SIGTERM)
	waitExit(t, p, 0)
	if line := waitLine(t, p, `msg=drained resource=api`); line == "" {
		t.Fatal("no drained line")
	}
}

// logService builds a one-server service whose [log] file is logFile.
func logService(t *testing.T, logFile string) string {
	t.Helper()
	dir := t.TempDir()
	specText := fmt.Sprintf(`[service]
name = "logfault"
module = "example.com/logfault"

[timeouts]
stop = "5s"

[admin]
addr = "127.0.0.1:0"

[log]
file = %q
max_size_mb = 1

[resource.api]
kind = "http"
addr = "127.0.0.1:0"
handler = "NewAPI"
`, logFile)
	api := `package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// NewAPI logs a long line for every request, so the log fills its disk.
func NewAPI() (http.Handler, error) {
	line := strings.Repeat("x", 2048)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slog.Info("request", "pad", line)
		io.WriteString(w, "ok")
	}), nil
}
`
	proj, err := Generate(dir, specText, map[string]string{"api.go": api})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	bin := filepath.Join(dir, "logfault")
	if err := proj.Build(ctx, "", bin, true); err != nil {
		t.Fatal(err)
	}
	return bin
}

// getN sends n requests and fails the test on any that is not a 200.
func getN(t *testing.T, addr string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		resp, err := http.Get("http://" + addr + "/")
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("request %d: status %d", i, resp.StatusCode)
		}
	}
}

// A log directory that cannot be created is no reason to stay down: the
// service logs to stderr, says why in its first lines, and serves.
func TestFaultLogDirUnwritable(t *testing.T) {
	bin := logService(t, "/proc/svcgen-e2e-no-such-dir/logfault.log")
	p, err := Start(bin, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	waitLine(t, p, `msg="log file unavailable, logging to stderr"`)
	addr, err := p.ListenAddr("api", wait)
	if err != nil {
		t.Fatal(err)
	}
	waitLine(t, p, `msg="service ready"`)
	getN(t, addr, 20)
	p.Signal(syscall.SIGTERM)
	waitExit(t, p, 0)
}

// The log's disk fills up while the service runs (a 256 KiB tmpfs): every
// request is still answered, stderr keeps the log, and the stop is clean.
func TestFaultLogDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	disk := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", disk).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", disk).Run() })
	bin := logService(t, filepath.Join(disk, "logfault.log"))
	p, err := Start(bin, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	addr, err := p.ListenAddr("api", wait)
	if err != nil {
		t.Fatal(err)
	}
	waitLine(t, p, `msg="service ready"`)
	// Fill what is left of the disk, then keep the service logging.
	filler, _ := os.Create(filepath.Join(disk, "filler"))
	for {
		if _, err := filler.Write(make([]byte, 4096)); err != nil {
			break
		}
	}
	filler.Close()
	getN(t, addr, 300)
	p.Signal(syscall.SIGTERM)
	waitExit(t, p, 0)
	if n := strings.Count(p.Log(), "msg=request"); n < 300 {
		t.Errorf("stderr kept %d of the 300 request lines", n)
	}
}
