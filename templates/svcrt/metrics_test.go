package svcrt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// statusHandler answers /code/NNN with status NNN, /empty with nothing
// written, /body with a body and no WriteHeader, /panic with a panic before
// anything is written, /late with a status after an informational 103, and
// /hijack by taking the connection over.
func statusHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/code/{code}", func(w http.ResponseWriter, r *http.Request) {
		var code int
		fmt.Sscan(r.PathValue("code"), &code)
		w.WriteHeader(code)
		w.WriteHeader(http.StatusTeapot) // superfluous: the first status is the answer
	})
	mux.HandleFunc("/empty", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("/body", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "body") })
	mux.HandleFunc("/panic", func(http.ResponseWriter, *http.Request) { panic("handler bug") })
	mux.HandleFunc("/late", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusEarlyHints)
		w.WriteHeader(http.StatusNotFound)
	})
	mux.HandleFunc("/hijack", func(w http.ResponseWriter, _ *http.Request) {
		c, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n")
		brw.Flush()
		c.Close()
	})
	return mux
}

// TestMetricsHTTPRequests: each http resource exports how many requests it
// answered and how long they took, by status class, and the counts are
// exactly the requests sent: an empty answer is a 200, a panic the 500 it
// became, a hijacked connection a 1xx, a status after a 103 its own class,
// and a second WriteHeader changes nothing.
func TestMetricsHTTPRequests(t *testing.T) {
	cfg := testConfig()
	cfg.Metrics = ServeMetrics
	h := newHarness(t, cfg)
	api := httpResource(h, node("api"), statusHandler())
	other := httpResource(h, node("other"), statusHandler())
	h.run()
	h.waitReady()
	c := newClient(t)

	sent := map[string]map[string]int{"api": {}, "other": {}}
	send := func(r *Resource[*HTTPServer], path, class string, n int) {
		for range n {
			got := get(c, "http://"+addrOf(r)+path)
			if path != "/hijack" && got.err != nil {
				t.Fatalf("%s: %v", path, got.err)
			}
		}
		sent[r.Node.Name][class] += n
	}
	send(api, "/code/200", "2xx", 3)
	send(api, "/code/204", "2xx", 2)
	send(api, "/empty", "2xx", 1)
	send(api, "/body", "2xx", 2)
	send(api, "/code/301", "3xx", 1)
	send(api, "/code/404", "4xx", 4)
	send(api, "/late", "4xx", 1)
	send(api, "/nowhere", "4xx", 1)
	send(api, "/code/503", "5xx", 2)
	send(api, "/panic", "5xx", 1)
	send(api, "/hijack", "1xx", 1)
	send(other, "/code/201", "2xx", 5)

	// A hijacked connection's client may read the answer before the handler
	// returns and is counted: wait for the counts, then compare them all.
	var want []string
	for resource, classes := range sent {
		for _, class := range codeClasses {
			n := classes[class]
			labels := fmt.Sprintf(`{code_class="%s",resource="%s"}`, class, resource)
			want = append(want,
				fmt.Sprintf("svc_http_requests_total%s %d", labels, n),
				fmt.Sprintf("svc_http_request_duration_seconds_count%s %d", labels, n))
		}
	}
	missing := func(body string) (out []string) {
		for _, w := range want {
			if !strings.Contains(body, w+"\n") {
				out = append(out, w)
			}
		}
		return out
	}
	deadline := time.Now().Add(waitLimit)
	for {
		body := get(c, "http://"+adminAddr(t, h)+"/metrics").body
		m := missing(body)
		if len(m) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics lacks\n\t%s\nin\n%s", strings.Join(m, "\n\t"), body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	expectCode(t, h.stop(StopRequested), ExitOK)
}

// TestMetricsUserCollectors: the function of [metrics] register adds its
// collectors to the registry /metrics serves; when it fails (its error, a
// collector the registry already has, a panic) the start fails and no
// resource opens.
func TestMetricsUserCollectors(t *testing.T) {
	t.Run("registered", func(t *testing.T) {
		orders := prometheus.NewCounter(prometheus.CounterOpts{Name: "orders_placed_total", Help: "orders placed"})
		orders.Add(7)
		cfg := testConfig()
		cfg.Metrics = ServeMetricsWith(func(reg prometheus.Registerer) error {
			return reg.Register(orders)
		})
		h := newHarness(t, cfg)
		h.app.Add(node("a"))
		h.run()
		h.waitReady()
		body := get(newClient(t), "http://"+adminAddr(t, h)+"/metrics").body
		for _, want := range []string{"orders_placed_total 7", "svc_ready 1", "go_goroutines "} {
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %q", want)
			}
		}
		expectCode(t, h.stop(StopRequested), ExitOK)
	})
	for _, tc := range []struct {
		name     string
		register func(prometheus.Registerer) error
		want     ExitCode
		log      string
	}{
		{"error", func(prometheus.Registerer) error { return errors.New("no exporter") }, ExitStartFailed, "no exporter"},
		{"duplicate", func(reg prometheus.Registerer) error { return reg.Register(collectors.NewGoCollector()) }, ExitStartFailed, "duplicate"},
		{"panic", func(prometheus.Registerer) error { panic("register bug") }, ExitPanic, "register bug"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Metrics = ServeMetricsWith(tc.register)
			h := newHarness(t, cfg)
			a := node("a")
			opened := false
			a.Open = func(context.Context) error { opened = true; return nil }
			h.app.Add(a)
			h.run()
			expectCode(t, h.wait(), tc.want)
			r, ok := h.logs.find("start failed", "resource", "admin")
			if !ok || !strings.Contains(r.attrs["err"], tc.log) {
				t.Errorf("no start failed line naming %q:\n%s", tc.log, h.logs)
			}
			if opened {
				t.Error("a resource opened after the metrics failed")
			}
		})
	}
}

// discardWriter is a ResponseWriter that keeps nothing, so the benchmark
// measures the server's own work.
type discardWriter struct{ header http.Header }

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

// BenchmarkServeHTTP is the cost of the server's wrapper around a handler
// that writes 13 bytes, without and with the request metrics of [metrics]:
//
//	go test ./templates/svcrt -run '^$' -bench ServeHTTP -benchmem
func BenchmarkServeHTTP(b *testing.B) {
	for _, withMetrics := range []bool{false, true} {
		name := "plain"
		if withMetrics {
			name = "metrics"
		}
		b.Run(name, func(b *testing.B) {
			s := NewHTTPServer(newTestLogger(), "api", "127.0.0.1:0", &http.Server{})
			if err := s.Open(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				io.WriteString(w, "hello, world\n")
			})); err != nil {
				b.Fatal(err)
			}
			if withMetrics {
				s.record = newRequestMetrics().recorder("api")
			}
			req, _ := http.NewRequest(http.MethodGet, "/", nil)
			w := &discardWriter{header: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				s.ServeHTTP(w, req)
			}
		})
	}
}
