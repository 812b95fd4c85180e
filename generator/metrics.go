package generator

import (
	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

const (
	promPkg        = "github.com/prometheus/client_golang/prometheus"
	promCollectors = "github.com/prometheus/client_golang/prometheus/collectors"
	promHTTP       = "github.com/prometheus/client_golang/prometheus/promhttp"
)

// metricsStats is the stats step of a resource's node, or nil when
// [metrics] is off or the kind has no numbers: sql pool stats, redis pool
// stats, the in-flight requests of an http server.
func metricsStats(g *Context, r *spec.Resource, v nodeVars) jen.Code {
	if !g.Spec.Metrics.Enabled {
		return nil
	}
	stats := func(call jen.Code) jen.Code {
		return jen.Func().Params().Map(jen.String()).Float64().Block(jen.Return(call))
	}
	switch r.Kind {
	case spec.KindSQL:
		return stats(jen.Id("svcSQLStats").Call(v.Value))
	case spec.KindRedis:
		return stats(jen.Id("svcRedisStats").Call(v.Value))
	case spec.KindHTTP:
		return jen.Id(v.Local + "Server").Dot("stats")
	case spec.KindHTTPClient:
		return stats(jen.Id("svcHTTPClientStats").Call(v.Value))
	}
	return nil
}

// emitMetrics writes svcgen_metrics.go: svcAdminRoutes, which the admin
// listener calls to add /metrics (Prometheus, [metrics]) and /debug/pprof/
// (admin.pprof) to its mux. Without either it adds nothing.
func emitMetrics(g *Context) error {
	s := g.Spec
	g.Const("[metrics]", "svcMetricsEnabled", jen.Lit(s.Metrics.Enabled), "Prometheus /metrics on the admin listener")
	g.Const("[admin]", "svcAdminPprof", jen.Lit(s.Admin.Pprof), "net/http/pprof under /debug/pprof/ on the admin listener")
	has := map[string]bool{}
	for _, r := range s.Resources {
		has[r.Kind] = true
	}
	f := g.NewFile("svcgen_metrics.go", "")
	f.Comment("svcAdminRoutes adds the optional admin endpoints: /metrics with [metrics],")
	f.Comment("/debug/pprof/ with admin.pprof. Both live on the admin listener, loopback")
	f.Comment("by default, never on a public server: profiles and internals are not for")
	f.Comment("everyone who can reach the API.")
	f.Func().Id("svcAdminRoutes").Params(jen.Id("app").Op("*").Id("svcApp"), jen.Id("mux").Op("*").Qual("net/http", "ServeMux")).BlockFunc(func(b *jen.Group) {
		if !s.Metrics.Enabled && !s.Admin.Pprof {
			b.Comment("Neither is enabled in the spec.")
			return
		}
		if s.Metrics.Enabled {
			g.Require("prometheus")
			b.Id("m").Op(":=").Op("&").Id("svcMetrics").Values(jen.Id("app").Op(":").Id("app"), jen.Id("took").Op(":").Map(jen.Index(jen.Lit(2)).String()).Float64().Values())
			b.Id("app").Dot("observe").Op("=").Id("m").Dot("observe")
			b.Comment("A registry of its own: nothing registered elsewhere (a library's init)")
			b.Comment("shows up here by accident.")
			b.Id("reg").Op(":=").Qual(promPkg, "NewRegistry").Call()
			b.Id("reg").Dot("MustRegister").Call(
				jen.Qual(promCollectors, "NewGoCollector").Call(),
				jen.Qual(promCollectors, "NewProcessCollector").Call(jen.Qual(promCollectors, "ProcessCollectorOpts").Values()),
				jen.Id("m"),
			)
			b.Id("mux").Dot("Handle").Call(jen.Lit("GET /metrics"), jen.Qual(promHTTP, "HandlerFor").Call(jen.Id("reg"), jen.Qual(promHTTP, "HandlerOpts").Values()))
		}
		if s.Admin.Pprof {
			b.Comment("Registered by hand on the admin mux. (Importing net/http/pprof also adds")
			b.Comment("them to http.DefaultServeMux: do not serve that mux on a public listener.)")
			b.Id("mux").Dot("HandleFunc").Call(jen.Lit("GET /debug/pprof/"), jen.Qual("net/http/pprof", "Index"))
			b.Id("mux").Dot("HandleFunc").Call(jen.Lit("GET /debug/pprof/cmdline"), jen.Qual("net/http/pprof", "Cmdline"))
			b.Id("mux").Dot("HandleFunc").Call(jen.Lit("GET /debug/pprof/profile"), jen.Qual("net/http/pprof", "Profile"))
			b.Id("mux").Dot("HandleFunc").Call(jen.Lit("GET /debug/pprof/symbol"), jen.Qual("net/http/pprof", "Symbol"))
			b.Id("mux").Dot("HandleFunc").Call(jen.Lit("GET /debug/pprof/trace"), jen.Qual("net/http/pprof", "Trace"))
		}
	})
	if !s.Metrics.Enabled {
		return nil
	}
	metricsCollector(f)
	if has[spec.KindSQL] {
		f.Line()
		f.Comment("svcSQLStats are database/sql's pool counters: no query, no ping, so a scrape")
		f.Comment("costs the database nothing.")
		f.Func().Id("svcSQLStats").Params(jen.Id("db").Op("*").Qual("database/sql", "DB")).Map(jen.String()).Float64().Block(
			jen.Id("s").Op(":=").Id("db").Dot("Stats").Call(),
			jen.Return(jen.Map(jen.String()).Float64().Values(jen.DictFunc(func(d jen.Dict) {
				d[jen.Lit("sql_max_open_connections")] = jen.Float64().Call(jen.Id("s").Dot("MaxOpenConnections"))
				d[jen.Lit("sql_open_connections")] = jen.Float64().Call(jen.Id("s").Dot("OpenConnections"))
				d[jen.Lit("sql_in_use_connections")] = jen.Float64().Call(jen.Id("s").Dot("InUse"))
				d[jen.Lit("sql_idle_connections")] = jen.Float64().Call(jen.Id("s").Dot("Idle"))
				d[jen.Lit("sql_wait_total")] = jen.Float64().Call(jen.Id("s").Dot("WaitCount"))
				d[jen.Lit("sql_wait_seconds_total")] = jen.Id("s").Dot("WaitDuration").Dot("Seconds").Call()
				d[jen.Lit("sql_closed_max_idle_total")] = jen.Float64().Call(jen.Id("s").Dot("MaxIdleClosed"))
				d[jen.Lit("sql_closed_max_lifetime_total")] = jen.Float64().Call(jen.Id("s").Dot("MaxLifetimeClosed"))
			}))),
		)
	}
	if has[spec.KindRedis] {
		f.Line()
		f.Comment("svcRedisStats are go-redis's pool counters.")
		f.Func().Id("svcRedisStats").Params(jen.Id("c").Op("*").Qual("github.com/redis/go-redis/v9", "Client")).Map(jen.String()).Float64().Block(
			jen.Id("s").Op(":=").Id("c").Dot("PoolStats").Call(),
			jen.Return(jen.Map(jen.String()).Float64().Values(jen.DictFunc(func(d jen.Dict) {
				d[jen.Lit("redis_hits_total")] = jen.Float64().Call(jen.Id("s").Dot("Hits"))
				d[jen.Lit("redis_misses_total")] = jen.Float64().Call(jen.Id("s").Dot("Misses"))
				d[jen.Lit("redis_timeouts_total")] = jen.Float64().Call(jen.Id("s").Dot("Timeouts"))
				d[jen.Lit("redis_connections")] = jen.Float64().Call(jen.Id("s").Dot("TotalConns"))
				d[jen.Lit("redis_idle_connections")] = jen.Float64().Call(jen.Id("s").Dot("IdleConns"))
				d[jen.Lit("redis_stale_connections_total")] = jen.Float64().Call(jen.Id("s").Dot("StaleConns"))
			}))),
		)
	}
	if has[spec.KindHTTPClient] {
		f.Line()
		f.Comment("svcHTTPClientStats are the circuit breaker of an http_client: open (1 while")
		f.Comment("requests fail at once, also half-open) and its consecutive failures.")
		f.Func().Id("svcHTTPClientStats").Params(jen.Id("c").Op("*").Id("svcHTTPClient")).Map(jen.String()).Float64().Block(
			jen.List(jen.Id("state"), jen.Id("failures")).Op(":=").Id("c").Dot("breaker").Dot("state").Call(),
			jen.Id("open").Op(":=").Lit(0.0),
			jen.If(jen.Id("state").Op("!=").Lit("closed")).Block(jen.Id("open").Op("=").Lit(1.0)),
			jen.Return(jen.Map(jen.String()).Float64().Values(jen.Dict{
				jen.Lit("http_client_breaker_open"):     jen.Id("open"),
				jen.Lit("http_client_breaker_failures"): jen.Float64().Call(jen.Id("failures")),
			})),
		)
	}
	if has[spec.KindHTTP] {
		f.Line()
		f.Comment("stats are an HTTP server's in-flight requests and open connections.")
		f.Func().Params(jen.Id("s").Op("*").Id("svcHTTPServer")).Id("stats").Params().Map(jen.String()).Float64().Block(
			jen.Id("s").Dot("mu").Dot("Lock").Call(),
			jen.Defer().Id("s").Dot("mu").Dot("Unlock").Call(),
			jen.Return(jen.Map(jen.String()).Float64().Values(jen.Dict{
				jen.Lit("http_in_flight_requests"): jen.Float64().Call(jen.Id("s").Dot("handlers")),
				jen.Lit("http_open_connections"):   jen.Float64().Call(jen.Len(jen.Id("s").Dot("conns"))),
			})),
		)
	}
	return nil
}

// metricsCollector emits svcMetrics: a prometheus.Collector that reads the
// engine's state at scrape time (readiness, phase, the durations observe
// recorded, every node's stats), so nothing is updated on the hot path.
func metricsCollector(f *jen.File) {
	m := jen.Id("m").Op("*").Id("svcMetrics")
	f.Line()
	f.Comment("svcMetrics exports the engine's state at each scrape: readiness and phase,")
	f.Comment("how long the last start, stop and each resource's open, drain and close")
	f.Comment("took, and the stats of every node (pools, in-flight requests).")
	f.Type().Id("svcMetrics").Struct(
		jen.Id("app").Op("*").Id("svcApp"),
		jen.Id("mu").Qual("sync", "Mutex"),
		jen.Id("took").Map(jen.Index(jen.Lit(2)).String()).Float64().Comment("seconds by step and resource"),
	)
	f.Line()
	f.Comment("observe is the engine's observe callback.")
	f.Func().Params(m).Id("observe").Params(jen.List(jen.Id("step"), jen.Id("resource")).String(), jen.Id("took").Qual("time", "Duration")).Block(
		jen.Id("m").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("m").Dot("mu").Dot("Unlock").Call(),
		jen.Id("m").Dot("took").Index(jen.Index(jen.Lit(2)).String().Values(jen.Id("step"), jen.Id("resource"))).Op("=").Id("took").Dot("Seconds").Call(),
	)
	f.Line()
	f.Comment("Describe sends nothing: svcMetrics is an unchecked collector, because the")
	f.Comment("stats of a node are known only when it runs.")
	f.Func().Params(m).Id("Describe").Params(jen.Chan().Op("<-").Op("*").Qual(promPkg, "Desc")).Block()
	f.Line()
	f.Func().Params(m).Id("Collect").Params(jen.Id("ch").Chan().Op("<-").Qual(promPkg, "Metric")).Block(
		jen.Id("gauge").Op(":=").Func().Params(jen.Id("name"), jen.Id("help").String(), jen.Id("v").Float64(), jen.Id("labels").Op("...").String()).Block(
			jen.Var().Id("keys").Index().String(),
			jen.For(jen.Id("i").Op(":=").Lit(0), jen.Id("i").Op("+").Lit(1).Op("<").Len(jen.Id("labels")), jen.Id("i").Op("+=").Lit(2)).Block(
				jen.Id("keys").Op("=").Append(jen.Id("keys"), jen.Id("labels").Index(jen.Id("i"))),
			),
			jen.Var().Id("values").Index().String(),
			jen.For(jen.Id("i").Op(":=").Lit(1), jen.Id("i").Op("<").Len(jen.Id("labels")), jen.Id("i").Op("+=").Lit(2)).Block(
				jen.Id("values").Op("=").Append(jen.Id("values"), jen.Id("labels").Index(jen.Id("i"))),
			),
			jen.Id("kind").Op(":=").Qual(promPkg, "GaugeValue"),
			jen.If(jen.Qual("strings", "HasSuffix").Call(jen.Id("name"), jen.Lit("_total"))).Block(
				jen.Id("kind").Op("=").Qual(promPkg, "CounterValue"),
			),
			jen.Id("ch").Op("<-").Qual(promPkg, "MustNewConstMetric").Call(
				jen.Qual(promPkg, "NewDesc").Call(jen.Lit("svc_").Op("+").Id("name"), jen.Id("help"), jen.Id("keys"), jen.Nil()),
				jen.Id("kind"), jen.Id("v"), jen.Id("values").Op("..."),
			),
		),
		jen.Id("one").Op(":=").Func().Params(jen.Id("b").Bool()).Float64().Block(
			jen.If(jen.Id("b")).Block(jen.Return(jen.Lit(1))),
			jen.Return(jen.Lit(0)),
		),
		jen.Id("a").Op(":=").Id("m").Dot("app"),
		jen.Id("phase").Op(":=").Id("a").Dot("phase").Dot("Load").Call(),
		jen.Id("gauge").Call(jen.Lit("ready"), jen.Lit("1 while /readyz answers 200"), jen.Id("one").Call(jen.Id("phase").Op("==").Id("svcPhaseReady").Op("&&").Op("!").Id("a").Dot("failing").Dot("Load").Call())),
		jen.Id("gauge").Call(jen.Lit("live"), jen.Lit("0 while a [watchdog] check keeps failing"), jen.Id("one").Call(jen.Op("!").Id("a").Dot("failing").Dot("Load").Call())),
		jen.For(jen.List(jen.Id("_"), jen.Id("p")).Op(":=").Range().Index().Int32().Values(jen.Id("svcPhaseStarting"), jen.Id("svcPhaseReady"), jen.Id("svcPhaseStopping"))).Block(
			jen.Id("gauge").Call(jen.Lit("phase"), jen.Lit("1 for the current phase of the service"), jen.Id("one").Call(jen.Id("p").Op("==").Id("phase")), jen.Lit("phase"), jen.Id("svcPhaseName").Call(jen.Id("p"))),
		),
		jen.Id("m").Dot("mu").Dot("Lock").Call(),
		jen.For(jen.List(jen.Id("k"), jen.Id("v")).Op(":=").Range().Id("m").Dot("took")).Block(
			jen.If(jen.Id("k").Index(jen.Lit(1)).Op("==").Lit("")).Block(
				jen.Id("gauge").Call(jen.Id("k").Index(jen.Lit(0)).Op("+").Lit("_duration_seconds"), jen.Lit("how long the last ").Op("+").Id("k").Index(jen.Lit(0)).Op("+").Lit(" of the service took"), jen.Id("v")),
			).Else().Block(
				jen.Id("gauge").Call(jen.Lit("resource_").Op("+").Id("k").Index(jen.Lit(0)).Op("+").Lit("_duration_seconds"), jen.Lit("how long the last ").Op("+").Id("k").Index(jen.Lit(0)).Op("+").Lit(" of a resource took"), jen.Id("v"), jen.Lit("resource"), jen.Id("k").Index(jen.Lit(1))),
			),
		),
		jen.Id("m").Dot("mu").Dot("Unlock").Call(),
		jen.For(jen.List(jen.Id("_"), jen.Id("n")).Op(":=").Range().Id("a").Dot("nodes")).Block(
			jen.Id("gauge").Call(jen.Lit("resource_ready"), jen.Lit("1 while the resource is open and warm"), jen.Id("one").Call(jen.Id("n").Dot("state").Dot("Load").Call().Op("==").Id("svcNodeReady")), jen.Lit("resource"), jen.Id("n").Dot("name")),
			jen.If(jen.Id("n").Dot("stats").Op("==").Nil().Op("||").Id("n").Dot("state").Dot("Load").Call().Op("!=").Id("svcNodeReady")).Block(jen.Continue()),
			jen.For(jen.List(jen.Id("k"), jen.Id("v")).Op(":=").Range().Id("n").Dot("stats").Call()).Block(
				jen.Id("gauge").Call(jen.Id("k"), jen.Lit("resource statistic"), jen.Id("v"), jen.Lit("resource"), jen.Id("n").Dot("name")),
			),
		),
	)
}

// requireOps records the modules of the operations features before go.mod
// is rendered: client_golang for [metrics], lumberjack for a [log] file.
func requireOps(g *Context) error {
	if g.Spec.Metrics.Enabled {
		g.Require("prometheus")
	}
	if g.Spec.Log.File != "" {
		g.Require("lumberjack")
	}
	return nil
}
