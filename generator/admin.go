package generator

import (
	"github.com/dave/jennifer/jen"
)

// emitAdmin writes svcgen_admin.go: the admin listener with /healthz and
// /readyz. It is bound before anything else and closed after everything
// else, so a probe never sees a refused connection from a live process.
func emitAdmin(g *Context) error {
	g.Const("[admin]", "svcAdminAddr", jen.Lit(g.Spec.Admin.Addr), "")

	f := g.NewFile("svcgen_admin.go", "")
	f.Comment("svcAdmin serves the probes of service managers and load balancers.")
	f.Type().Id("svcAdmin").Struct(
		jen.Id("app").Op("*").Id("svcApp"),
		jen.Id("srv").Op("*").Qual("net/http", "Server"),
	)
	f.Line()
	f.Comment("listen binds the admin address and serves it until close.")
	f.Func().Params(jen.Id("s").Op("*").Id("svcAdmin")).Id("listen").Params().Error().Block(
		jen.List(jen.Id("ln"), jen.Err()).Op(":=").Qual("net", "Listen").Call(jen.Lit("tcp"), jen.Id("svcAdminAddr")),
		ifErrReturn(jen.Qual("fmt", "Errorf").Call(jen.Lit("listen %s: %w"), jen.Id("svcAdminAddr"), jen.Err())),
		jen.Id("mux").Op(":=").Qual("net/http", "NewServeMux").Call(),
		jen.Id("mux").Dot("HandleFunc").Call(jen.Lit("GET /healthz"), jen.Id("s").Dot("healthz")),
		jen.Id("mux").Dot("HandleFunc").Call(jen.Lit("GET /readyz"), jen.Id("s").Dot("readyz")),
		jen.Id("svcAdminRoutes").Call(jen.Id("s").Dot("app"), jen.Id("mux")).Comment("/metrics, /debug/pprof/ when enabled (svcgen_metrics.go)"),
		jen.Comment("Probes are tiny requests: a client that stalls must not hold a connection."),
		jen.Id("s").Dot("srv").Op("=").Op("&").Qual("net/http", "Server").ValuesFunc(fields(
			jen.Id("Handler"), jen.Id("mux"),
			jen.Id("ReadHeaderTimeout"), jen.Lit(5).Op("*").Qual("time", "Second"),
			jen.Id("ErrorLog"), jen.Qual("log/slog", "NewLogLogger").Call(jen.Id("s").Dot("app").Dot("log").Dot("Handler").Call(), jen.Qual("log/slog", "LevelWarn")),
		)),
		jen.Id("s").Dot("app").Dot("log").Dot("Info").Call(jen.Lit("listening"), jen.Lit("resource"), jen.Lit("admin"), jen.Lit("addr"), jen.Id("ln").Dot("Addr").Call().Dot("String").Call()),
		jen.Go().Func().Params().Block(
			jen.If(jen.Err().Op(":=").Id("s").Dot("srv").Dot("Serve").Call(jen.Id("ln")), jen.Op("!").Qual("errors", "Is").Call(jen.Err(), jen.Qual("net/http", "ErrServerClosed"))).Block(
				jen.Id("s").Dot("app").Dot("log").Dot("Error").Call(jen.Lit("admin listener failed"), jen.Lit("err"), jen.Err()),
			),
		).Call(),
		jen.Return(jen.Nil()),
	)
	f.Line()
	f.Comment("close is the last thing the service does before its final log line.")
	f.Func().Params(jen.Id("s").Op("*").Id("svcAdmin")).Id("close").Params().Block(
		jen.If(jen.Id("s").Dot("srv").Op("!=").Nil()).Block(
			jen.Id("s").Dot("srv").Dot("Close").Call(),
		),
	)
	f.Line()
	f.Comment("healthz answers 200 while the process runs: it is liveness of the process,")
	f.Comment("not of its dependencies (restarting a service because its database is down")
	f.Comment("does not bring the database back).")
	f.Func().Params(jen.Id("s").Op("*").Id("svcAdmin")).Id("healthz").Params(
		jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("_").Op("*").Qual("net/http", "Request"),
	).Block(
		jen.Id("w").Dot("Header").Call().Dot("Set").Call(jen.Lit("Content-Type"), jen.Lit("text/plain; charset=utf-8")),
		jen.Qual("io", "WriteString").Call(jen.Id("w"), jen.Lit("ok\n")),
	)
	f.Line()
	f.Comment("svcReadiness is the body of /readyz.")
	f.Type().Id("svcReadiness").Struct(
		jen.Id("Ready").Bool().Tag(map[string]string{"json": "ready"}),
		jen.Id("Phase").String().Tag(map[string]string{"json": "phase"}),
		jen.Id("Live").Bool().Tag(map[string]string{"json": "live"}).Comment("false while a [watchdog] check keeps failing"),
		jen.Id("Resources").Map(jen.String()).Map(jen.String()).Any().Tag(map[string]string{"json": "resources"}),
	)
	f.Line()
	f.Comment("readyz answers 200 once every resource is warm and until the stop begins,")
	f.Comment("503 otherwise, with every resource's state: balancers route on the code,")
	f.Comment("people read the body.")
	f.Func().Params(jen.Id("s").Op("*").Id("svcAdmin")).Id("readyz").Params(
		jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("_").Op("*").Qual("net/http", "Request"),
	).Block(
		jen.Id("phase").Op(":=").Id("s").Dot("app").Dot("phase").Dot("Load").Call(),
		jen.Id("body").Op(":=").Id("svcReadiness").ValuesFunc(fields(
			jen.Id("Ready"), jen.Id("phase").Op("==").Id("svcPhaseReady").Op("&&").Op("!").Id("s").Dot("app").Dot("failing").Dot("Load").Call(),
			jen.Id("Phase"), jen.Id("svcPhaseName").Call(jen.Id("phase")),
			jen.Id("Live"), jen.Op("!").Id("s").Dot("app").Dot("failing").Dot("Load").Call(),
			jen.Id("Resources"), jen.Make(jen.Map(jen.String()).Map(jen.String()).Any(), jen.Len(jen.Id("s").Dot("app").Dot("nodes"))),
		)),
		jen.For(jen.List(jen.Id("_"), jen.Id("n")).Op(":=").Range().Id("s").Dot("app").Dot("nodes")).Block(
			jen.Id("state").Op(":=").Id("n").Dot("state").Dot("Load").Call(),
			jen.Id("detail").Op(":=").Map(jen.String()).Any().Values(jen.Lit("state").Op(":").Id("svcStateName").Call(jen.Id("state"))),
			jen.If(jen.Id("n").Dot("status").Op("!=").Nil().Op("&&").Id("state").Op("==").Id("svcNodeReady")).Block(
				jen.For(jen.List(jen.Id("k"), jen.Id("v")).Op(":=").Range().Id("n").Dot("status").Call()).Block(
					jen.Id("detail").Index(jen.Id("k")).Op("=").Id("v"),
				),
			),
			jen.Id("body").Dot("Resources").Index(jen.Id("n").Dot("name")).Op("=").Id("detail"),
		),
		jen.Id("w").Dot("Header").Call().Dot("Set").Call(jen.Lit("Content-Type"), jen.Lit("application/json")),
		jen.Comment("A cached answer would keep routing traffic to a stopping instance."),
		jen.Id("w").Dot("Header").Call().Dot("Set").Call(jen.Lit("Cache-Control"), jen.Lit("no-store")),
		jen.If(jen.Op("!").Id("body").Dot("Ready")).Block(
			jen.Id("w").Dot("WriteHeader").Call(jen.Qual("net/http", "StatusServiceUnavailable")),
		),
		jen.Qual("encoding/json", "NewEncoder").Call(jen.Id("w")).Dot("Encode").Call(jen.Id("body")),
	)
	return nil
}
