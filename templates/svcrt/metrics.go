package svcrt

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// ServeMetrics is Config.Metrics for [metrics]: /metrics on the admin
// listener, loopback by default and never on a public server, and the
// engine's step durations recorded for it.
func ServeMetrics(app *App, mux *http.ServeMux) {
	m := &metrics{app: app, took: map[[2]string]float64{}}
	app.observe = m.observe
	// A registry of its own: nothing registered elsewhere (a library's init)
	// shows up here by accident.
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), m)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
}

// metrics exports the engine's state at each scrape: readiness and phase,
// how long the last start, stop and each resource's open, drain and close
// took, and the stats of every node (pools, in-flight requests).
type metrics struct {
	app  *App
	mu   sync.Mutex
	took map[[2]string]float64 // seconds by step and resource
}

// observe is the engine's observe callback.
func (m *metrics) observe(step, resource string, took time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.took[[2]string{step, resource}] = took.Seconds()
}

// Describe sends nothing: metrics is an unchecked collector, because the
// stats of a node are known only when it runs.
func (m *metrics) Describe(chan<- *prometheus.Desc) {}

func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	gauge := func(name, help string, v float64, labels ...string) {
		var keys []string
		for i := 0; i+1 < len(labels); i += 2 {
			keys = append(keys, labels[i])
		}
		var values []string
		for i := 1; i < len(labels); i += 2 {
			values = append(values, labels[i])
		}
		kind := prometheus.GaugeValue
		if strings.HasSuffix(name, "_total") {
			kind = prometheus.CounterValue
		}
		ch <- prometheus.MustNewConstMetric(prometheus.NewDesc("svc_"+name, help, keys, nil), kind, v, values...)
	}
	one := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	a := m.app
	phase := a.phase.Load()
	gauge("ready", "1 while /readyz answers 200", one(phase == PhaseReady && !a.failing.Load()))
	gauge("live", "0 while a [watchdog] check keeps failing", one(!a.failing.Load()))
	for _, p := range []Phase{PhaseStarting, PhaseReady, PhaseStopping} {
		gauge("phase", "1 for the current phase of the service", one(p == phase), "phase", p.String())
	}
	m.mu.Lock()
	for k, v := range m.took {
		if k[1] == "" {
			gauge(k[0]+"_duration_seconds", "how long the last "+k[0]+" of the service took", v)
		} else {
			gauge("resource_"+k[0]+"_duration_seconds", "how long the last "+k[0]+" of a resource took", v, "resource", k[1])
		}
	}
	m.mu.Unlock()
	for _, n := range a.nodes {
		gauge("resource_ready", "1 while the resource is open and warm", one(n.state.Load() == StateReady), "resource", n.Name)
		if n.Stats == nil || n.state.Load() != StateReady {
			continue
		}
		for k, v := range n.Stats() {
			gauge(k, "resource statistic", v, "resource", n.Name)
		}
	}
}
