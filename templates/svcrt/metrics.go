package svcrt

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// ServeMetrics is Config.Metrics for [metrics]: /metrics on the admin
// listener, loopback by default and never on a public server, the engine's
// step durations recorded for it, and the requests of every http resource
// counted.
func ServeMetrics(app *App, mux *http.ServeMux) error {
	return ServeMetricsWith(nil)(app, mux)
}

// ServeMetricsWith is Config.Metrics for [metrics] with register: the
// user's function ([metrics] register) adds its own collectors to the
// registry /metrics serves, once, before any resource opens. An error or a
// panic of register fails the start.
func ServeMetricsWith(register func(prometheus.Registerer) error) func(app *App, mux *http.ServeMux) error {
	return func(app *App, mux *http.ServeMux) error {
		m := &metrics{app: app, took: map[[2]string]float64{}}
		// A registry of its own: nothing registered elsewhere (a library's
		// init) shows up here by accident.
		reg := prometheus.NewRegistry()
		requests := newRequestMetrics()
		calls := newCallMetrics()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), m,
			requests.count, requests.duration, calls.count, calls.duration)
		if register != nil {
			if err := guard(func() error { return register(reg) }); err != nil {
				return fmt.Errorf("register the service's collectors: %w", err)
			}
		}
		app.observe = m.observe
		app.requestMetrics = requests.recorder
		app.rpcMetrics = calls.recorder
		mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		return nil
	}
}

// requestMetrics are the request counts and durations of the http
// resources, by resource and status class.
type requestMetrics struct {
	count    *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newRequestMetrics() *requestMetrics {
	labels := []string{"resource", "code_class"}
	return &requestMetrics{
		count: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "svc_http_requests_total",
			Help: "Requests an http resource answered, by status class (1xx: switched protocols).",
		}, labels),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "svc_http_request_duration_seconds",
			Help:    "How long an http resource's handler took, by status class.",
			Buckets: prometheus.DefBuckets,
		}, labels),
	}
}

// codeClasses are the values of the code_class label, by status / 100 - 1.
var codeClasses = [5]string{"1xx", "2xx", "3xx", "4xx", "5xx"}

// recorder returns the function an http resource calls once per answered
// request. The series of every class are made here, once: a request costs
// an index, a counter increment and a histogram observation, with no lookup
// by label and no allocation, and a class no request had yet shows 0
// rather than nothing.
func (r *requestMetrics) recorder(resource string) func(code int, took time.Duration) {
	var counts [len(codeClasses)]prometheus.Counter
	var durations [len(codeClasses)]prometheus.Observer
	for i, class := range codeClasses {
		counts[i] = r.count.WithLabelValues(resource, class)
		durations[i] = r.duration.WithLabelValues(resource, class)
	}
	return func(code int, took time.Duration) {
		// net/http accepts codes 100 to 999: the nonstandard 6xx to 9xx
		// count as server errors.
		i := min(max(code/100, 1), len(codeClasses)) - 1
		counts[i].Inc()
		durations[i].Observe(took.Seconds())
	}
}

// callMetrics are the call counts and durations of the grpc resources, by
// resource and full method name ("/pkg.Service/Method"); the counts also
// by status code.
type callMetrics struct {
	count    *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newCallMetrics() *callMetrics {
	return &callMetrics{
		count: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "svc_grpc_calls_total",
			Help: "Calls a grpc resource finished, by method and status code.",
		}, []string{"resource", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "svc_grpc_call_duration_seconds",
			Help:    "How long a grpc resource's calls took, by method (a held call's wait for ready included).",
			Buckets: prometheus.DefBuckets,
		}, []string{"resource", "method"}),
	}
}

// recorder returns the function a grpc resource calls once per finished
// call, with the method "unknown" for a name no service has (a client may
// call any name: a scan must not grow the series without bound).
func (c *callMetrics) recorder(resource string) func(method, code string, took time.Duration) {
	return func(method, code string, took time.Duration) {
		c.count.WithLabelValues(resource, method, code).Inc()
		c.duration.WithLabelValues(resource, method).Observe(took.Seconds())
	}
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
	gauge("ready", "1 while /readyz answers 200", one(a.isReady()))
	gauge("live", "0 while the check of an on_failure = liveness resource keeps failing", one(!a.failing.Load()))
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
		if n.check.watched.Load() {
			// Labelled with on_failure: a failing resource whose failure
			// turns nothing else (metrics) is seen here or nowhere.
			gauge("resource_check_failing", "1 while the resource's [watchdog] check keeps failing", one(n.check.failing.Load()),
				"resource", n.Name, "on_failure", string(n.effect()))
			gauge("resource_check_failures", "consecutive failed checks of the resource", float64(n.check.failures.Load()), "resource", n.Name)
		}
		if n.Stats == nil || n.state.Load() != StateReady {
			continue
		}
		for k, v := range n.Stats() {
			gauge(k, "resource statistic", v, "resource", n.Name)
		}
	}
}
