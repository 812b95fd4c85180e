package svcrt

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// httpResource adds an http resource on a free loopback port serving handler.
func httpResource(h *harness, n *Node, handler http.Handler) *Resource[*HTTPServer] {
	return HTTPResource(h.app, n, HTTPConfig{
		Addr:              "127.0.0.1:0",
		ReadHeaderTimeout: waitLimit,
		IdleTimeout:       waitLimit,
	}, func() (http.Handler, error) { return handler, nil })
}

// addrOf is the bound address of an http resource; read it only after its
// bind (once ready, or once a node opening after it signalled).
func addrOf(r *Resource[*HTTPServer]) string {
	return r.Value.Addr().String()
}

// TestHTTPServeAndDrain: the server answers once ready; at the drain a
// long-lived handler learns it through Draining and a slow request in flight
// is answered with Connection: close; the drain returns as soon as the last
// response is out, not at its deadline.
func TestHTTPServeAndDrain(t *testing.T) {
	h := newHarness(t, testConfig())
	c := newClient(t)
	slowIn, streamIn := newLatch(), newLatch()
	slowRelease := make(chan struct{})
	noDrainCh := make(chan bool, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		slowIn.fire()
		select {
		case <-slowRelease:
			io.WriteString(w, "slow done")
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		drain := Draining(r.Context())
		noDrainCh <- drain == nil
		streamIn.fire()
		select {
		case <-drain:
			io.WriteString(w, "bye")
		case <-r.Context().Done():
		case <-time.After(waitLimit):
			io.WriteString(w, "never told")
		}
	})
	api := httpResource(h, node("api"), mux)
	if api.Node.Kind != "http" || api.Node.Bind == nil || api.Node.Serve == nil || api.Node.Drain == nil || api.Node.Close == nil {
		t.Fatalf("HTTPResource left steps unset: %+v", api.Node)
	}
	if Draining(context.Background()) != nil {
		t.Error("Draining outside a request is not nil")
	}
	h.run()
	h.waitReady()
	base := "http://" + addrOf(api)

	if got := get(c, base+"/hello"); got.err != nil || got.code != http.StatusOK || got.body != "hello" || got.close {
		t.Fatalf("/hello when ready: %+v", got)
	}
	slow := make(chan answer, 1)
	go func() { slow <- get(c, base+"/slow") }()
	recv(t, slowIn.ch, "slow request in its handler")
	stream := make(chan answer, 1)
	go func() { stream <- get(c, base+"/stream") }()
	recv(t, streamIn.ch, "stream request in its handler")
	if <-noDrainCh {
		t.Fatal("Draining of a request's context is nil")
	}
	select {
	case <-api.Value.drainCh:
		t.Fatal("draining before the stop")
	default:
	}
	if code, body := readyz(t, h.app); code != http.StatusOK || body.Resources["api"]["in_flight"] != float64(2) {
		t.Errorf("/readyz with two requests in flight: %d %+v", code, body)
	}

	if h.app.Stop(StopRequested, "test") {
		t.Fatal("the first Stop reported forced")
	}
	// The long-lived handler is told and says goodbye.
	if got := recv(t, stream, "stream answer"); got.err != nil || got.code != http.StatusOK || got.body != "bye" || !got.close {
		t.Errorf("/stream at the drain: %+v", got)
	}
	recv(t, api.Value.drainCh, "Draining closed")
	// The slow request holds the drain: the engine is still draining.
	code, body := readyz(t, h.app)
	if code != http.StatusServiceUnavailable || body.Phase != "stopping" || body.Resources["api"]["in_flight"] != float64(1) {
		t.Errorf("/readyz during the drain: %d %+v", code, body)
	}
	if h.ev.has("progress drained api") {
		t.Fatalf("the drain ended with a request in flight: %q", h.ev.all())
	}
	select {
	case code := <-h.done:
		t.Fatalf("the engine exited (%d) with a request in flight", code)
	default:
	}

	released := time.Now()
	close(slowRelease)
	if got := recv(t, slow, "slow answer"); got.err != nil || got.code != http.StatusOK || got.body != "slow done" || !got.close {
		t.Errorf("/slow answered during the drain: %+v", got)
	}
	// A drain that ran to its deadline would fail with ExitStopTimeout.
	expectCode(t, h.wait(), ExitOK)
	if took := time.Since(released); took >= testConfig().Timeouts.Drain {
		t.Errorf("the drain took %s after the last response, its whole budget", took)
	}
	if _, ok := h.logs.find("drained", "resource", "api"); !ok {
		t.Error(`no "drained" in the log`)
	}
	h.ev.before(t, "progress drained api", "flush")
	if _, err := net.Dial("tcp", addrOf(api)); err == nil {
		t.Error("the listener accepts after the stop")
	}
}

// TestHTTPWarmupConnectionWaits: a connection made while the resources open
// waits in the accept queue of the listener bound at the start and is
// answered once ready.
func TestHTTPWarmupConnectionWaits(t *testing.T) {
	h := newHarness(t, testConfig())
	gate := node("gate")
	gateIn, release := newLatch(), make(chan struct{})
	gate.Open = func(ctx context.Context) error {
		gateIn.fire()
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	h.app.Add(gate)
	api := httpResource(h, node("api", gate), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	}))
	h.run()
	recv(t, gateIn.ch, "gate opening")
	conn := sendDuringWarmup(t, addrOf(api), "GET /x HTTP/1.1\r\nHost: svc\r\nConnection: close\r\n\r\n")
	if code, body := readyz(t, h.app); code != http.StatusServiceUnavailable || stateOf(body, "api") != "pending" {
		t.Errorf("/readyz during warmup: %d %+v", code, body)
	}
	close(release)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request sent during warmup: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(b) != "hello" {
		t.Errorf("the request sent during warmup: %d %q", resp.StatusCode, b)
	}
	expectCode(t, h.stop(StopRequested), ExitOK)
}

// TestHTTPHandlerPanic: a handler panic is a 500 for that request alone;
// http.ErrAbortHandler and a panic after the response began cut the
// connection; the service keeps serving.
func TestHTTPHandlerPanic(t *testing.T) {
	h := newHarness(t, testConfig())
	c := newClient(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") })
	mux.HandleFunc("/panic", func(http.ResponseWriter, *http.Request) { panic("handler bug") })
	mux.HandleFunc("/abort", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
	mux.HandleFunc("/late", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, "partial")
		http.NewResponseController(w).Flush()
		panic("late bug")
	})
	api := httpResource(h, node("api"), mux)
	h.run()
	h.waitReady()
	base := "http://" + addrOf(api)
	if got := get(c, base+"/panic"); got.err != nil || got.code != http.StatusInternalServerError {
		t.Errorf("/panic: %+v", got)
	}
	if _, ok := h.logs.find("handler panic", "path", "/panic"); !ok {
		t.Error("the handler panic is not in the log")
	}
	for _, path := range []string{"/abort", "/late"} {
		if got := get(c, base+path); got.err == nil {
			t.Errorf("%s: answered %+v, want a cut connection", path, got)
		}
	}
	if _, ok := h.logs.find("handler panic", "path", "/abort"); ok {
		t.Error("http.ErrAbortHandler was logged as a panic")
	}
	if got := get(c, base+"/hello"); got.err != nil || got.code != http.StatusOK {
		t.Errorf("/hello after the panics: %+v", got)
	}
	expectCode(t, h.stop(StopRequested), ExitOK)
}

// TestHTTPDrainDeadline: a request that outlasts the drain budget is cut at
// the deadline, and the missed budget makes the exit code 4.
func TestHTTPDrainDeadline(t *testing.T) {
	cfg := testConfig()
	cfg.Timeouts.Drain = 30 * time.Millisecond
	h := newHarness(t, cfg)
	c := newClient(t)
	in := newLatch()
	block := hang(t)
	api := httpResource(h, node("api"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in.fire()
		select {
		case <-r.Context().Done(): // the drain closed the connection
		case <-block:
		}
	}))
	h.run()
	h.waitReady()
	res := make(chan answer, 1)
	go func() { res <- get(c, "http://"+addrOf(api)+"/") }()
	recv(t, in.ch, "request in its handler")
	expectCode(t, h.stop(StopRequested), ExitStopTimeout)
	if got := recv(t, res, "the cut request"); got.err == nil {
		t.Errorf("a request cut by the drain deadline was answered: %+v", got)
	}
	if r, ok := h.logs.find("drain", "resource", "api"); !ok || !strings.Contains(r.attrs["err"], "1 requests in flight") {
		t.Errorf("the drain's failure is not in the log: %+v", r)
	}
}

// TestHTTPHijackedClosedAtDrain: a connection a handler took over is closed
// by the drain.
func TestHTTPHijackedClosedAtDrain(t *testing.T) {
	h := newHarness(t, testConfig())
	api := httpResource(h, node("api"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		_ = conn // kept open: the drain closes it
		brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\nhello\n")
		brw.Flush()
	}))
	h.run()
	h.waitReady()
	conn, err := net.Dial("tcp", addrOf(api))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(waitLimit))
	io.WriteString(conn, "GET /ws HTTP/1.1\r\nHost: svc\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %v %v", resp, err)
	}
	if line, err := br.ReadString('\n'); err != nil || line != "hello\n" {
		t.Fatalf("hijacked connection: %q %v", line, err)
	}
	expectCode(t, h.stop(StopRequested), ExitOK)
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Errorf("the hijacked connection after the stop: %v, want EOF", err)
	}
}

// TestHTTPOpenFails: what keeps an http resource from opening fails the start.
func TestHTTPOpenFails(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		cfg     func(t *testing.T, c *HTTPConfig)
		handler func() (http.Handler, error)
	}{
		{"constructor error", nil, func() (http.Handler, error) { return nil, errors.New("no config") }},
		{"nil handler", nil, func() (http.Handler, error) { return nil, nil }},
		{"missing certificate", func(_ *testing.T, c *HTTPConfig) {
			c.CertFile, c.KeyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
		}, nil},
		{"address in use", func(t *testing.T, c *HTTPConfig) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ln.Close() })
			c.Addr = ln.Addr().String()
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			hc := HTTPConfig{Addr: "127.0.0.1:0", ReadHeaderTimeout: waitLimit}
			if tc.cfg != nil {
				tc.cfg(t, &hc)
			}
			handler := tc.handler
			if handler == nil {
				handler = func() (http.Handler, error) { return http.NotFoundHandler(), nil }
			}
			HTTPResource(h.app, node("api"), hc, handler)
			h.run()
			expectCode(t, h.wait(), ExitStartFailed)
			if h.ev.has("ready") {
				t.Error("ready after a failed open")
			}
		})
	}
}

// TestHTTPQueuedAnsweredWhenStartGivenUp: a client that connected during
// warmup, as the early bind invites, gets 503 with Retry-After and
// Connection: close when the start fails or a stop aborts it, not a reset.
func TestHTTPQueuedAnsweredWhenStartGivenUp(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail bool // the gate's open fails; else a stop aborts the warmup
		want ExitCode
	}{
		{"open fails", true, ExitStartFailed},
		{"stop during warmup", false, ExitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			gate := node("gate")
			gateIn, release := newLatch(), make(chan struct{})
			gate.Open = func(ctx context.Context) error {
				gateIn.fire()
				select {
				case <-release:
					return errors.New("gate refused")
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			h.app.Add(gate)
			api := httpResource(h, node("api", gate), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				t.Error("the handler ran although the start was given up")
			}))
			h.run()
			recv(t, gateIn.ch, "gate opening")
			conn := sendDuringWarmup(t, addrOf(api), "GET /x HTTP/1.1\r\nHost: svc\r\n\r\n")
			var code ExitCode
			if tc.fail {
				close(release)
				code = h.wait()
			} else {
				code = h.stop(StopRequested)
			}
			expectCode(t, code, tc.want)
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("the request sent during warmup: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !resp.Close {
				t.Errorf("the request sent during warmup: %d, Retry-After %q, close %v", resp.StatusCode, resp.Header.Get("Retry-After"), resp.Close)
			}
		})
	}
}

// sendDuringWarmup connects to addr and sends request, which waits in the
// accept queue while the service warms up; the connection closes with the
// test.
func sendDuringWarmup(t *testing.T, addr, request string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("connect during warmup: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(waitLimit))
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	return conn
}
