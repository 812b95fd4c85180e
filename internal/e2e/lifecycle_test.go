package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The lifecycle tests share one generated service (testdata/lifecycle),
// built once with the race detector; each test drives it through the
// environment (see testdata/lifecycle/act.go).
var lifecycleBuild SharedBuild

// wait bounds every wait on the service; no test expects anything to take
// this long.
const wait = 60 * time.Second

func lifecycleBinary(t *testing.T) string {
	t.Helper()
	return lifecycleBuild.Binary(t, "e2e", true, func(dir string) (*Project, error) {
		return GenerateDir(dir, "testdata/lifecycle")
	})
}

// start runs the lifecycle service with env (E2E_* instructions).
func start(t *testing.T, env ...string) *Process {
	t.Helper()
	bin := lifecycleBinary(t)
	p, err := Start(bin, t.TempDir(), env)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Kill()
		if strings.Contains(p.Log(), "DATA RACE") {
			t.Errorf("the race detector reported a race:\n%s", p.Log())
		}
	})
	return p
}

func waitLine(t *testing.T, p *Process, pattern string) string {
	t.Helper()
	line, err := p.WaitLine(regexp.MustCompile(pattern), wait)
	if err != nil {
		t.Fatal(err)
	}
	return line
}

func waitExit(t *testing.T, p *Process, want int) {
	t.Helper()
	code, err := p.Wait(wait)
	if err != nil {
		t.Fatal(err)
	}
	if code != want {
		t.Fatalf("exit code %d, want %d; log:\n%s", code, want, p.Log())
	}
	waitLine(t, p, fmt.Sprintf(`msg=stopped code=%d`, want))
}

// index is the position of the first log line matching pattern, -1 if none.
func index(lines []string, pattern string) int {
	re := regexp.MustCompile(pattern)
	for i, l := range lines {
		if re.MatchString(l) {
			return i
		}
	}
	return -1
}

// before fails unless a line matching a comes before one matching b.
func before(t *testing.T, lines []string, a, b string) {
	t.Helper()
	i, j := index(lines, a), index(lines, b)
	if i < 0 || j < 0 || i >= j {
		t.Errorf("want a line matching %q (at %d) before one matching %q (at %d); log:\n%s", a, i, b, j, strings.Join(lines, "\n"))
	}
}

func closing(r string) string { return `msg=closing resource=` + r + `( |$)` }
func closed(r string) string  { return `msg=closed resource=` + r + `( |$)` }

// 1. Connections made while the service warms up wait in the listener's
// backlog and are all answered once it is ready; none is refused.
func TestWarmupConnectionsWait(t *testing.T) {
	gate := filepath.Join(t.TempDir(), "gate")
	p := start(t, "E2E_STORE_OPEN=sleep:1s,gate:"+gate)
	addr, err := p.ListenAddr("api", wait)
	if err != nil {
		t.Fatal(err)
	}
	const clients = 32
	var written sync.WaitGroup
	written.Add(clients)
	errs := make(chan error, clients)
	for i := 0; i < clients; i++ {
		go func() {
			var once sync.Once
			trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { once.Do(written.Done) }}
			req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", "http://"+addr+"/", nil)
			c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			resp, err := c.Do(req)
			once.Do(written.Done)
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
	written.Wait()
	if index(p.Lines(), `msg="service ready"`) >= 0 {
		t.Fatal("the service was ready before the requests were sent: they did not wait for warmup")
	}
	if err := os.WriteFile(gate, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < clients; i++ {
		if err := <-errs; err != nil {
			t.Errorf("request made during warmup: %v", err)
		}
	}
	p.Signal(syscall.SIGTERM)
	waitExit(t, p, 0)
}

// 2. Under steady load of 64 keep-alive clients, SIGTERM loses no request:
// every request that was sent is answered; the only errors are dials
// refused once the listener is closed.
func TestDrainUnderLoadLosesNothing(t *testing.T) {
	p := start(t)
	addr, err := p.ListenAddr("api", wait)
	if err != nil {
		t.Fatal(err)
	}
	waitLine(t, p, `msg="service ready"`)
	res := Load(context.Background(), LoadConfig{
		URL:     "http://" + addr + "/?sleep=2ms",
		Clients: 64,
		Post:    true,
		Until: func(ok int64) bool {
			if ok == 64*20 {
				p.Signal(syscall.SIGTERM)
			}
			return false
		},
		Stopped: p.Exited(),
	})
	waitExit(t, p, 0)
	t.Logf("answered %d (during the drain %d), refused %d, lost %d", res.OK, res.Closing, res.Refused, res.Lost)
	if res.Lost != 0 {
		t.Errorf("%d requests sent were lost: %v", res.Lost, res.LostErrs)
	}
	if res.Closing == 0 {
		t.Error("no response was answered with Connection: close during the drain")
	}
}

// The same with a new connection per request: connections keep arriving
// in the listener's accept queue, and those the kernel completed before the
// listener closed are served, not reset.
func TestDrainNewConnectionsLosesNothing(t *testing.T) {
	p := start(t)
	addr, err := p.ListenAddr("api", wait)
	if err != nil {
		t.Fatal(err)
	}
	waitLine(t, p, `msg="service ready"`)
	res := Load(context.Background(), LoadConfig{
		URL:      "http://" + addr + "/",
		Clients:  64,
		Post:     true,
		NewConns: true,
		Until: func(ok int64) bool {
			if ok == 64*20 {
				p.Signal(syscall.SIGTERM)
			}
			return false
		},
		Stopped: p.Exited(),
	})
	waitExit(t, p, 0)
	taken := 0
	if line, err := p.WaitLine(regexp.MustCompile(`msg="accept queue taken over"`), time.Millisecond); err == nil {
		fmt.Sscan(Attr(line, "connections"), &taken)
	}
	t.Logf("answered %d, refused %d, lost %d; %d connections taken from the accept queue", res.OK, res.Refused, res.Lost, taken)
	if res.Lost != 0 {
		t.Errorf("%d requests sent were lost: %v", res.Lost, res.LostErrs)
	}
}

// 6. A second SIGINT during the stop exits at once with the forced code.
func TestSecondSignalForces(t *testing.T) {
	p := start(t, "E2E_STORE_CLOSE=sleep:30s")
	waitLine(t, p, `msg="service ready"`)
	p.Signal(os.Interrupt)
	waitLine(t, p, closing("store"))
	p.Signal(os.Interrupt)
	waitExit(t, p, 5)
	if index(p.Lines(), closed("store")) >= 0 {
		t.Error("the forced exit waited for the close")
	}
}

// 7. A worker panic stops the service in order, with the panic's stack in
// the log and the panic exit code.
func TestWorkerPanicStopsInOrder(t *testing.T) {
	p := start(t, "E2E_JOBS_RUN=sleep:100ms,panic")
	waitExit(t, p, 6)
	l := p.Lines()
	panicLine := l[index(l, `msg=panic resource=jobs`)]
	if !strings.Contains(panicLine, "RunJobs") {
		t.Errorf("the panic line has no stack with RunJobs: %s", panicLine)
	}
	before(t, l, `msg=panic resource=jobs`, `msg=stopping reason="panic in worker \\"jobs\\""`)
	before(t, l, `msg=stopping`, `msg=drained resource=api`)
	before(t, l, closed("api"), closing("cache"))
	before(t, l, closed("cache"), closing("store"))
}

// A long-lived handler (server-sent events) is told through svcrt.Draining
// and ends the stream itself; the drain does not wait for its deadline.
func TestLongLivedHandlerToldToDrain(t *testing.T) {
	p := start(t)
	addr, err := p.ListenAddr("api", wait)
	if err != nil {
		t.Fatal(err)
	}
	waitLine(t, p, `msg="service ready"`)
	resp, err := http.Get("http://" + addr + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	if l, _ := r.ReadString('\n'); l != "data: hello\n" {
		t.Fatalf("first event %q", l)
	}
	p.Signal(syscall.SIGTERM)
	rest, _ := io.ReadAll(r)
	if !strings.Contains(string(rest), "data: bye") {
		t.Errorf("the stream ended without its goodbye: %q", rest)
	}
	waitExit(t, p, 0)
}

// A hijacked connection whose handler ignores the drain is closed at the
// drain deadline, and the exit code says the stop missed a budget.
func TestHijackedClosedAtDrainDeadline(t *testing.T) {
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
	fmt.Fprintf(c, "GET /hijack HTTP/1.1\r\nHost: x\r\n\r\n")
	r := bufio.NewReader(c)
	if l, _ := r.ReadString('\n'); l != "hijacked\n" {
		t.Fatalf("got %q", l)
	}
	p.Signal(syscall.SIGTERM)
	if _, err := r.ReadString('\n'); err == nil {
		t.Error("the hijacked connection was not closed")
	}
	waitExit(t, p, 4)
	waitLine(t, p, `msg=drain resource=api err="closed with 1 requests in flight: drain timed out`)
}

// A handler panic answers 500 for that request and the service keeps serving.
func TestHandlerPanicIs500(t *testing.T) {
	p := start(t)
	addr, err := p.ListenAddr("api", wait)
	if err != nil {
		t.Fatal(err)
	}
	waitLine(t, p, `msg="service ready"`)
	for _, c := range []struct {
		path string
		want int
	}{{"/panic", 500}, {"/", 200}} {
		resp, err := http.Get("http://" + addr + c.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("GET %s: %d, want %d", c.path, resp.StatusCode, c.want)
		}
	}
	line := waitLine(t, p, `msg="handler panic"`)
	if !strings.Contains(line, "stack=") {
		t.Errorf("no stack in %s", line)
	}
	p.Signal(syscall.SIGTERM)
	waitExit(t, p, 0)
}

// /readyz is 503 while starting, 200 with every resource's state when
// ready; /healthz is 200 throughout.
func TestReadiness(t *testing.T) {
	gate := filepath.Join(t.TempDir(), "gate")
	p := start(t, "E2E_IDX_OPEN=gate:"+gate)
	admin, err := p.ListenAddr("admin", wait)
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + admin + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	waitLine(t, p, `msg=opening resource=idx`)
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("healthz while starting: %d", code)
	}
	code, body := get("/readyz")
	if code != 503 || !strings.Contains(body, `"phase":"starting"`) || !strings.Contains(body, `"idx":{"state":"opening"}`) {
		t.Errorf("readyz while starting: %d %s", code, body)
	}
	os.WriteFile(gate, nil, 0o644)
	waitLine(t, p, `msg="service ready"`)
	code, body = get("/readyz")
	var ready struct {
		Ready     bool
		Phase     string
		Resources map[string]map[string]any
	}
	if err := json.Unmarshal([]byte(body), &ready); err != nil {
		t.Fatalf("readyz body %q: %v", body, err)
	}
	api := ready.Resources["api"]
	if code != 200 || !ready.Ready || ready.Phase != "ready" || api["state"] != "ready" || api["addr"] == nil || ready.Resources["store"]["state"] != "ready" {
		t.Errorf("readyz when ready: %d %s", code, body)
	}
	p.Signal(syscall.SIGTERM)
	waitExit(t, p, 0)
}

// The verbs: version prints the spec's version, an unknown verb is a usage
// error (2), Windows service-manager verbs explain themselves on Linux.
func TestVerbs(t *testing.T) {
	bin := lifecycleBinary(t)
	for _, c := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"version"}, 0, "e2e 1.2.3"},
		{[]string{"help"}, 0, "usage: e2e"},
		{[]string{"bogus"}, 2, `unknown verb "bogus"`},
		{[]string{"start"}, 2, "Service Control Manager"},
		{[]string{"uninstall", "extra"}, 2, "uninstall takes no arguments"}, // systemd on Linux (ops_test.go covers install -dir)
		{[]string{"run", "extra"}, 2, "run takes no arguments"},
	} {
		p, err := Start(bin, t.TempDir(), nil, c.args...)
		if err != nil {
			t.Fatal(err)
		}
		code, err := p.Wait(wait)
		if err != nil {
			t.Fatal(err)
		}
		out := p.Log() + p.Stdout()
		if code != c.code || !strings.Contains(out, c.out) {
			t.Errorf("%v: exit %d, output %q; want %d and %q", c.args, code, out, c.code, c.out)
		}
	}
}

// The generated service builds and vets for Windows too.
func TestBuildsForWindows(t *testing.T) {
	p, err := GenerateDir(t.TempDir(), "testdata/lifecycle")
	if err != nil {
		t.Fatal(err)
	}
	vetAndBuildForWindows(t, p, "e2e.exe")
}

// vetAndBuildForWindows vets the project p for Windows and builds it as
// exe in its directory, within 10 minutes.
func vetAndBuildForWindows(t *testing.T, p *Project, exe string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := p.Vet(ctx, "windows"); err != nil {
		t.Fatal(err)
	}
	if err := p.Build(ctx, "windows", filepath.Join(p.Dir, exe), false); err != nil {
		t.Fatal(err)
	}
}
