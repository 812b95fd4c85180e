package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// [watchdog] on real pools: PostgreSQL and Redis are reached through TCP
// proxies of the test, the upstream is the test's own HTTP server. Each
// outage turns the service not live (/readyz 503, svc_live 0) until the
// dependency is back; /metrics shows the pools' statistics.
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

	fams := scrape(t, admin)
	if v := mustValue(t, fams, "svc_sql_open_connections", "resource", "pg"); v < 3 {
		t.Errorf("svc_sql_open_connections{pg} = %v, want >= warm (3)", v)
	}
	if v := mustValue(t, fams, "svc_redis_connections", "resource", "cache"); v < 2 {
		t.Errorf("svc_redis_connections{cache} = %v, want >= warm (2)", v)
	}
	mustValue(t, fams, "svc_sql_wait_total", "resource", "pg")
	if v := mustValue(t, fams, "svc_http_client_breaker_open", "resource", "upstream"); v != 0 {
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
	outage := func(name string, down, back func()) {
		t.Helper()
		down()
		waitLine(t, proc, `msg="check failed" resource=`+name+` failures=2`)
		readyz(name+" down", http.StatusServiceUnavailable)
		if v := mustValue(t, scrape(t, admin), "svc_live"); v != 0 {
			t.Errorf("%s down: svc_live = %v", name, v)
		}
		back()
		waitLine(t, proc, `msg="check passed" resource=`+name)
		readyz(name+" back", http.StatusOK)
	}
	outage("pg", pg.down, func() { pg.up(t) })
	outage("cache", cache.down, func() { cache.up(t) })
	outage("upstream", func() { failing.Store(true) }, func() { failing.Store(false) })

	if err := proc.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitExit(t, proc, 0)
}
