package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// [watchdog] on real pools, each with another on_failure: PostgreSQL
// (readiness, the default) and Redis (metrics) are reached through TCP
// proxies of the test, which closes them for an outage; the upstream
// (liveness) is the test's own HTTP server. PostgreSQL down turns /readyz
// 503 and leaves the service live; Redis down leaves /readyz 200 and only
// shows on /metrics, /readyz's body and the log; the upstream down turns
// the service not ready and not live. /metrics shows the pools'
// statistics, the API's requests by status class and the collector the
// service registers itself.
func TestWatchdogPools(t *testing.T) {
	poolsNeedServers(t)
	dir := t.TempDir()
	p, err := GenerateDir(dir, "testdata/opspools")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bin := filepath.Join(dir, "opspools")
	if err := p.Build(ctx, "", bin, true); err != nil {
		t.Fatal(err)
	}
	pg, cache := newTCPProxy(t, poolsPG), newTCPProxy(t, poolsRedis)
	for _, px := range []*tcpProxy{pg, cache} {
		if err := px.listen("127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(px.down)
	}
	var failing atomic.Bool
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer up.Close()

	proc, err := Start(bin, t.TempDir(), []string{
		"OPS_PG_DSN=postgres://postgres@" + pg.addr + "/test?sslmode=disable",
		"OPS_REDIS_ADDR=" + cache.addr,
		"OPS_UPSTREAM_URL=" + up.URL,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		proc.Kill()
		if strings.Contains(proc.Log(), "DATA RACE") {
			t.Errorf("the race detector reported a race:\n%s", proc.Log())
		}
	})
	admin := opsAdmin(t, proc)
	waitLine(t, proc, `msg="service ready"`)

	fams := Scrape(t, admin)
	if v := MustValue(t, fams, "svc_sql_open_connections", "resource", "pg"); v < 3 {
		t.Errorf("svc_sql_open_connections{pg} = %v, want >= warm (3)", v)
	}
	if v := MustValue(t, fams, "svc_redis_connections", "resource", "cache"); v < 2 {
		t.Errorf("svc_redis_connections{cache} = %v, want >= warm (2)", v)
	}
	MustValue(t, fams, "svc_sql_wait_total", "resource", "pg")
	if v := MustValue(t, fams, "svc_http_client_breaker_open", "resource", "upstream"); v != 0 {
		t.Errorf("svc_http_client_breaker_open{upstream} = %v, want 0", v)
	}

	// readyz polls /readyz until it answers code.
	readyz := func(what string, code int) {
		t.Helper()
		deadline := time.Now().Add(wait)
		for {
			if got, _ := opsGet(t, admin+"/readyz"); got == code {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: /readyz never answered %d; log:\n%s", what, code, proc.Log())
			}
			time.Sleep(20 * time.Millisecond) // polling the endpoint: no event to wait on
		}
	}
	// checkFailing is svc_resource_check_failing of a resource.
	checkFailing := func(name, effect string) float64 {
		t.Helper()
		return MustValue(t, Scrape(t, admin), "svc_resource_check_failing", "resource", name, "on_failure", effect)
	}
	outage := func(name, effect string, down, back func()) {
		t.Helper()
		down()
		waitLine(t, proc, `msg="check failing" resource=`+name+` on_failure=`+effect+` failures=2`)
		// The round that found it failing is over when the next one logs.
		waitLine(t, proc, `msg="check failed" resource=`+name+` failures=3`)
		code, body := opsGet(t, admin+"/readyz")
		var ready struct {
			Live      bool
			Resources map[string]map[string]any
		}
		if err := json.Unmarshal([]byte(body), &ready); err != nil {
			t.Fatalf("/readyz body %q: %v", body, err)
		}
		fams := Scrape(t, admin)
		live := MustValue(t, fams, "svc_live")
		switch effect {
		case "readiness":
			if code != http.StatusServiceUnavailable || !ready.Live || live != 1 {
				t.Errorf("%s down (readiness): /readyz %d, live %v, svc_live %v; want 503, live", name, code, ready.Live, live)
			}
		case "liveness":
			if code != http.StatusServiceUnavailable || ready.Live || live != 0 {
				t.Errorf("%s down (liveness): /readyz %d, live %v, svc_live %v; want 503, not live", name, code, ready.Live, live)
			}
		case "metrics":
			if code != http.StatusOK || !ready.Live || MustValue(t, fams, "svc_ready") != 1 {
				t.Errorf("%s down (metrics): /readyz %d, live %v; want 200, live", name, code, ready.Live)
			}
		}
		if r := ready.Resources[name]; r["check"] != "failing" || r["on_failure"] != effect {
			t.Errorf("%s down: /readyz shows %v", name, r)
		}
		if v := checkFailing(name, effect); v != 1 {
			t.Errorf("%s down: svc_resource_check_failing = %v", name, v)
		}
		back()
		waitLine(t, proc, `msg="check passed" resource=`+name)
		readyz(name+" back", http.StatusOK)
		if v := checkFailing(name, effect); v != 0 {
			t.Errorf("%s back: svc_resource_check_failing = %v", name, v)
		}
	}
	outage("pg", "readiness", pg.down, func() { pg.up(t) })
	outage("cache", "metrics", cache.down, func() { cache.up(t) })
	outage("upstream", "liveness", func() { failing.Store(true) }, func() { failing.Store(false) })

	// The API's requests by status class, and the service's own collector.
	api, err := proc.ListenAddr("api", wait)
	if err != nil {
		t.Fatal(err)
	}
	sent := map[string]int{"2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0}
	for i, code := range []int{200, 200, 201, 204, 304, 404, 404, 418, 500, 503, 503} {
		if got, _ := opsGet(t, "http://"+api+"/?code="+strconv.Itoa(code)); got != code {
			t.Fatalf("request %d: %d, want %d", i, got, code)
		}
		sent[strconv.Itoa(code/100)+"xx"]++
	}
	fams = Scrape(t, admin)
	for class, n := range sent {
		if v := MustValue(t, fams, "svc_http_requests_total", "resource", "api", "code_class", class); v != float64(n) {
			t.Errorf("svc_http_requests_total{api,%s} = %v, want %d", class, v, n)
		}
		if v := histogramCount(t, fams, "svc_http_request_duration_seconds", "resource", "api", "code_class", class); v != uint64(n) {
			t.Errorf("svc_http_request_duration_seconds_count{api,%s} = %v, want %d", class, v, n)
		}
	}
	if v := MustValue(t, fams, "opspools_api_answers_total"); v != 11 {
		t.Errorf("opspools_api_answers_total = %v, want 11", v)
	}

	if err := proc.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitExit(t, proc, 0)
}
