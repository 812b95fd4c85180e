package svcrt

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// adminAddr is the address the admin listener bound, from its log line.
func adminAddr(t *testing.T, h *harness) string {
	t.Helper()
	r, ok := h.logs.find("listening", "resource", "admin")
	if !ok || r.attrs["addr"] == "" {
		t.Fatalf("no admin listening line in the log:\n%s", h.logs)
	}
	return r.attrs["addr"]
}

// newClient is an HTTP client of its own, its idle connections closed at the
// end of the test.
func newClient(t *testing.T) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: waitLimit}
}

type answer struct {
	code   int
	body   string
	header http.Header
	close  bool // the server said Connection: close
	err    error
}

func get(c *http.Client, url string) answer {
	resp, err := c.Get(url)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{code: resp.StatusCode, body: string(b), header: resp.Header, close: resp.Close, err: err}
}

// getReadyz asks the admin listener for /readyz.
func getReadyz(t *testing.T, c *http.Client, addr string) (answer, readiness) {
	t.Helper()
	a := get(c, "http://"+addr+"/readyz")
	if a.err != nil {
		t.Fatalf("/readyz: %v", a.err)
	}
	var body readiness
	if err := json.Unmarshal([]byte(a.body), &body); err != nil {
		t.Fatalf("/readyz body %q: %v", a.body, err)
	}
	if ct, cc := a.header.Get("Content-Type"), a.header.Get("Cache-Control"); ct != "application/json" || cc != "no-store" {
		t.Errorf("/readyz headers: Content-Type %q, Cache-Control %q", ct, cc)
	}
	return a, body
}

// TestAdmin: /healthz answers 200 from the start; /readyz answers 503 while
// starting and stopping and 200 with every resource's state and detail
// while ready.
func TestAdmin(t *testing.T) {
	h := newHarness(t, testConfig())
	c := newClient(t)
	a := node("a")
	a.Status = func() map[string]any { return map[string]any{"conns": 3} }
	b := node("b", a)
	bIn, release := newLatch(), make(chan struct{})
	b.Open = func(ctx context.Context) error {
		bIn.fire()
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	// Shown only once b is ready: while it opens, its detail is its state.
	b.Status = func() map[string]any { return map[string]any{"in_flight": 0} }
	h.app.Add(a, b)
	var addr string
	stopping := make(chan answer, 1)
	h.app.BeforeDrain = []Hook{{Name: "probe", Fn: func(context.Context) error {
		stopping <- get(c, "http://"+addr+"/readyz")
		return nil
	}}}

	rec, body := readyz(t, h.app)
	if rec != http.StatusServiceUnavailable || body.Ready || body.Phase != "starting" || !body.Live || stateOf(body, "a") != "pending" {
		t.Errorf("/readyz before run: %d %+v", rec, body)
	}

	h.run()
	recv(t, bIn.ch, "b opening")
	addr = adminAddr(t, h)
	if hz := get(c, "http://"+addr+"/healthz"); hz.err != nil || hz.code != http.StatusOK || hz.body != "ok\n" {
		t.Errorf("/healthz while starting: %+v", hz)
	}
	ans, body := getReadyz(t, c, addr)
	if ans.code != http.StatusServiceUnavailable || body.Ready || body.Phase != "starting" {
		t.Errorf("/readyz while starting: %d %+v", ans.code, body)
	}
	if got := body.Resources["a"]; got["state"] != "ready" || got["conns"] != float64(3) {
		t.Errorf("/readyz while starting: a is %v", got)
	}
	if got := body.Resources["b"]; len(got) != 1 || got["state"] != "opening" {
		t.Errorf("/readyz while starting: b is %v", got)
	}

	close(release)
	h.waitReady()
	ans, body = getReadyz(t, c, addr)
	if ans.code != http.StatusOK || !body.Ready || body.Phase != "ready" || !body.Live {
		t.Errorf("/readyz when ready: %d %+v", ans.code, body)
	}
	if got := body.Resources["b"]; got["state"] != "ready" || got["in_flight"] != float64(0) {
		t.Errorf("/readyz when ready: b is %v", got)
	}

	// A liveness check that keeps failing (watchdog.go) makes it unready.
	h.app.failing.Store(true)
	ans, body = getReadyz(t, c, addr)
	if ans.code != http.StatusServiceUnavailable || body.Ready || body.Live || body.Phase != "ready" {
		t.Errorf("/readyz while not live: %d %+v", ans.code, body)
	}
	h.app.failing.Store(false)

	for _, path := range []string{"/metrics", "/debug/pprof/"} {
		if got := get(c, "http://"+addr+path); got.code != http.StatusNotFound {
			t.Errorf("%s without [metrics] and pprof: %d", path, got.code)
		}
	}

	expectCode(t, h.stop(StopRequested), ExitOK)
	if got := recv(t, stopping, "/readyz during the stop"); got.code != http.StatusServiceUnavailable || !strings.Contains(got.body, `"phase":"stopping"`) {
		t.Errorf("/readyz during the stop: %+v", got)
	}
	// The admin listener closes last, with the engine.
	if got := get(newClient(t), "http://"+addr+"/healthz"); got.err == nil {
		t.Errorf("/healthz answered after the exit: %+v", got)
	}
}

// TestAdminOptionalRoutes: /metrics with [metrics], /debug/pprof/ with pprof.
func TestAdminOptionalRoutes(t *testing.T) {
	cfg := testConfig()
	cfg.Admin.Pprof = true
	cfg.Metrics = ServeMetrics
	h := newHarness(t, cfg)
	c := newClient(t)
	a := node("a")
	a.Stats = func() map[string]float64 {
		return map[string]float64{"pool_open_connections": 2, "pool_waits_total": 5}
	}
	h.app.Add(a)
	h.run()
	h.waitReady()
	addr := adminAddr(t, h)
	m := get(c, "http://"+addr+"/metrics")
	if m.err != nil || m.code != http.StatusOK {
		t.Fatalf("/metrics: %+v", m)
	}
	for _, want := range []string{
		"svc_ready 1",
		"svc_live 1",
		`svc_phase{phase="ready"} 1`,
		`svc_phase{phase="starting"} 0`,
		`svc_resource_ready{resource="a"} 1`,
		`svc_pool_open_connections{resource="a"} 2`,
		"# TYPE svc_pool_waits_total counter",
		`svc_pool_waits_total{resource="a"} 5`,
		"svc_start_duration_seconds ",
		`svc_resource_open_duration_seconds{resource="a"} `,
	} {
		if !strings.Contains(m.body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if p := get(c, "http://"+addr+"/debug/pprof/"); p.err != nil || p.code != http.StatusOK {
		t.Errorf("/debug/pprof/: %+v", p)
	}
	expectCode(t, h.stop(StopRequested), ExitOK)
}

// TestAdminAnswersInFlightAtExit: a request on the admin listener that is in
// flight when the service exits is answered, not reset.
func TestAdminAnswersInFlightAtExit(t *testing.T) {
	cfg := testConfig()
	entered, release := newLatch(), newLatch()
	// A route of the admin listener that holds its request until released
	// (through the hook [metrics] uses to add /metrics).
	cfg.Metrics = func(_ *App, mux *http.ServeMux) error {
		mux.HandleFunc("GET /slow", func(w http.ResponseWriter, _ *http.Request) {
			entered.fire()
			<-release.ch
			io.WriteString(w, "answered")
		})
		return nil
	}
	h := newHarness(t, cfg)
	h.app.Add(node("a"))
	h.run()
	h.waitReady()
	addr := adminAddr(t, h)
	slow := make(chan answer, 1)
	go func() { slow <- get(newClient(t), "http://"+addr+"/slow") }()
	recv(t, entered.ch, "the slow admin request")
	stopped := make(chan ExitCode, 1)
	go func() { stopped <- h.stop(StopRequested) }()
	// Released only once the exit closed the admin listener (a new
	// connection is refused): the request is in flight at the exit.
	deadline := time.Now().Add(waitLimit)
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the admin listener was not closed")
		}
		runtime.Gosched()
	}
	release.fire()
	expectCode(t, recv(t, stopped, "the exit"), ExitOK)
	if got := recv(t, slow, "the slow admin request"); got.err != nil || got.code != http.StatusOK || got.body != "answered" {
		t.Errorf("the admin request in flight at exit: code %d, body %q, err %v", got.code, got.body, got.err)
	}
}
