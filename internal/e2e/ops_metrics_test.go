package e2e

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads /metrics through the Prometheus text parser.
func scrape(t *testing.T, admin string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d", resp.StatusCode)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	return fams
}

// value is the value of the sample of family name whose labels include
// labels (name=value pairs); ok is false when there is none.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.GetLabel() {
				if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), true
		case m.Counter != nil:
			return m.GetCounter().GetValue(), true
		case m.Untyped != nil:
			return m.GetUntyped().GetValue(), true
		}
	}
	return 0, false
}

// histogramCount is the sample count of the histogram of family name
// whose labels include labels.
func histogramCount(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) uint64 {
	t.Helper()
	f := fams[name]
	if f == nil {
		t.Fatalf("no histogram %s", name)
	}
next:
	for _, m := range f.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.GetLabel() {
				if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		if m.Histogram != nil {
			return m.GetHistogram().GetSampleCount()
		}
	}
	t.Fatalf("no histogram sample %s%v", name, labels)
	return 0
}

func mustValue(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	v, ok := value(fams, name, labels...)
	if !ok {
		var names []string
		for n := range fams {
			names = append(names, n)
		}
		t.Fatalf("no sample %s%v; families: %s", name, labels, strings.Join(names, " "))
	}
	return v
}

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
	fams := scrape(t, admin)
	if v := mustValue(t, fams, "svc_ready"); v != 1 {
		t.Errorf("svc_ready = %v, want 1", v)
	}
	if v := mustValue(t, fams, "svc_phase", "phase", "ready"); v != 1 {
		t.Errorf(`svc_phase{phase="ready"} = %v`, v)
	}
	if v := mustValue(t, fams, "svc_start_duration_seconds"); v <= 0 {
		t.Errorf("svc_start_duration_seconds = %v", v)
	}
	if v := mustValue(t, fams, "svc_resource_open_duration_seconds", "resource", "probe"); v <= 0 {
		t.Errorf("open duration of probe = %v", v)
	}
	if v := mustValue(t, fams, "svc_http_in_flight_requests", "resource", "api"); v != 0 {
		t.Errorf("in flight at rest = %v", v)
	}
	// [runtime]: gomaxprocs = 2, gc_percent = 150, memory_limit = "512MiB".
	for name, want := range map[string]float64{
		"go_sched_gomaxprocs_threads": 2,
		"go_gc_gogc_percent":          150,
		"go_gc_gomemlimit_bytes":      512 << 20,
	} {
		if v := mustValue(t, fams, name); v != want {
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
		v, _ := value(scrape(t, admin), "svc_http_in_flight_requests", "resource", "api")
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
	if v := mustValue(t, scrape(t, admin), "svc_http_in_flight_requests", "resource", "api"); v != 0 {
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
		if v, _ := value(scrape(t, admin), "svc_http_in_flight_requests", "resource", "api"); v == 1 {
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
	fams := scrape(t, admin)
	if v := mustValue(t, fams, "svc_phase", "phase", "stopping"); v != 1 {
		t.Errorf(`svc_phase{phase="stopping"} = %v during the drain`, v)
	}
	if v := mustValue(t, fams, "svc_ready"); v != 0 {
		t.Errorf("svc_ready = %v during the drain", v)
	}
	if v := mustValue(t, fams, "svc_http_in_flight_requests", "resource", "api"); v != 1 {
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
	fams := scrape(t, admin)
	for name, want := range map[string]float64{
		"go_sched_gomaxprocs_threads": 1,
		"go_gc_gogc_percent":          77,
		"go_gc_gomemlimit_bytes":      256 << 20,
	} {
		if v := mustValue(t, fams, name); v != want {
			t.Errorf("%s = %v, want %v", name, v, want)
		}
	}
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitExit(t, p, 0)
}
