package e2e

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// /metrics: readiness, phase, the start and open durations, in-flight
// requests of the API, the Go runtime with the [runtime] settings applied;
// pprof on the same listener.
func TestMetrics(t *testing.T) {
	p, _ := opsStart(t)
	admin := opsAdmin(t, p)
	waitLine(t, p, `msg="service ready"`)
	api, err := p.ListenAddr("api", wait)
	if err != nil {
		t.Fatal(err)
	}
	fams := Scrape(t, admin)
	if v := MustValue(t, fams, "svc_ready"); v != 1 {
		t.Errorf("svc_ready = %v, want 1", v)
	}
	if v := MustValue(t, fams, "svc_phase", "phase", "ready"); v != 1 {
		t.Errorf(`svc_phase{phase="ready"} = %v`, v)
	}
	if v := MustValue(t, fams, "svc_start_duration_seconds"); v <= 0 {
		t.Errorf("svc_start_duration_seconds = %v", v)
	}
	if v := MustValue(t, fams, "svc_resource_open_duration_seconds", "resource", "probe"); v <= 0 {
		t.Errorf("open duration of probe = %v", v)
	}
	if v := MustValue(t, fams, "svc_http_in_flight_requests", "resource", "api"); v != 0 {
		t.Errorf("in flight at rest = %v", v)
	}
	// [runtime]: gomaxprocs = 2, gc_percent = 150, memory_limit = "512MiB".
	for name, want := range map[string]float64{
		"go_sched_gomaxprocs_threads": 2,
		"go_gc_gogc_percent":          150,
		"go_gc_gomemlimit_bytes":      512 << 20,
	} {
		if v := MustValue(t, fams, name); v != want {
			t.Errorf("%s = %v, want %v", name, v, want)
		}
	}

	// One request held in the handler shows as in flight.
	held := make(chan error, 1)
	go func() {
		resp, err := http.Get("http://" + api + "/hold")
		if err == nil {
			resp.Body.Close()
		}
		held <- err
	}()
	deadline := time.Now().Add(wait)
	for {
		v, _ := Value(Scrape(t, admin), "svc_http_in_flight_requests", "resource", "api")
		if v == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the held request never showed as in flight")
		}
	}
	if code, _ := opsGet(t, "http://"+api+"/release"); code != 200 {
		t.Fatalf("/release: %d", code)
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}

	for _, path := range []string{"/debug/pprof/", "/debug/pprof/cmdline", "/debug/pprof/goroutine?debug=1"} {
		if code, _ := opsGet(t, admin+path); code != 200 {
			t.Errorf("%s: %d", path, code)
		}
	}
	if v := MustValue(t, Scrape(t, admin), "svc_http_in_flight_requests", "resource", "api"); v != 0 {
		t.Errorf("in flight after the release = %v", v)
	}
}

// During the stop the admin listener still answers: /metrics says the
// service is stopping and not ready while the drain waits for a request.
func TestMetricsDuringStop(t *testing.T) {
	p, _ := opsStart(t)
	admin := opsAdmin(t, p)
	waitLine(t, p, `msg="service ready"`)
	api, err := p.ListenAddr("api", wait)
	if err != nil {
		t.Fatal(err)
	}
	gate := filepath.Join(t.TempDir(), "gate")
	held := make(chan error, 1)
	go func() {
		resp, err := http.Get("http://" + api + "/hold?gate=" + url.QueryEscape(gate))
		if err == nil {
			resp.Body.Close()
		}
		held <- err
	}()
	deadline := time.Now().Add(wait)
	for {
		if v, _ := Value(Scrape(t, admin), "svc_http_in_flight_requests", "resource", "api"); v == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the held request never showed as in flight")
		}
	}
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitLine(t, p, `msg=draining resource=api`)
	fams := Scrape(t, admin)
	if v := MustValue(t, fams, "svc_phase", "phase", "stopping"); v != 1 {
		t.Errorf(`svc_phase{phase="stopping"} = %v during the drain`, v)
	}
	if v := MustValue(t, fams, "svc_ready"); v != 0 {
		t.Errorf("svc_ready = %v during the drain", v)
	}
	if v := MustValue(t, fams, "svc_http_in_flight_requests", "resource", "api"); v != 1 {
		t.Errorf("in flight during the drain = %v, want 1", v)
	}
	if err := os.WriteFile(gate, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := <-held; err != nil {
		t.Errorf("the held request: %v", err)
	}
	waitExit(t, p, 0)
}

// The GO* variables override [runtime].
func TestRuntimeEnvOverrides(t *testing.T) {
	p, _ := opsStart(t, "GOMAXPROCS=1", "GOGC=77", "GOMEMLIMIT=256MiB")
	admin := opsAdmin(t, p)
	waitLine(t, p, `msg="service ready"`)
	fams := Scrape(t, admin)
	for name, want := range map[string]float64{
		"go_sched_gomaxprocs_threads": 1,
		"go_gc_gogc_percent":          77,
		"go_gc_gomemlimit_bytes":      256 << 20,
	} {
		if v := MustValue(t, fams, name); v != want {
			t.Errorf("%s = %v, want %v", name, v, want)
		}
	}
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitExit(t, p, 0)
}
