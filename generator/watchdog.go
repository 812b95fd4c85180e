package generator

import (
	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// watchdogCheck is the liveness check of a resource's node, or nil when
// [watchdog] is off or the kind has nothing to check: sql and redis ping
// their pool; an http_client with a warm_path requests it; a custom
// resource runs its check function.
func watchdogCheck(g *Context, r *spec.Resource, v nodeVars) jen.Code {
	if !g.Spec.Watchdog.Enabled || v.Value == nil {
		return nil
	}
	switch r.Kind {
	case spec.KindSQL:
		// A closure, not the method value r.db.PingContext: that would bind
		// r.db while the node table is built, before the pool is open.
		// svcSQLPing also looks past dead idle connections to the database.
		return stepFunc(jen.Return(jen.Id("svcSQLPing").Call(jen.Id("ctx"), v.Value)))
	case spec.KindRedis:
		return stepFunc(jen.Return(jen.Add(v.Value).Dot("Ping").Call(jen.Id("ctx")).Dot("Err").Call()))
	case spec.KindHTTPClient:
		if r.WarmPath != "" {
			return stepFunc(jen.Return(jen.Id("svcCheckHTTP").Call(jen.Id("ctx"), v.Value, jen.Id(constName(r, "warm_path")))))
		}
	case spec.KindCustom:
		if r.Check != "" {
			return stepFunc(jen.Return(jen.Id(r.Check).Call(jen.Id("ctx"), v.Value)))
		}
	}
	return nil
}

// emitWatchdog writes svcgen_watchdog.go: (*svcApp).watch, which the
// engine calls once the service is ready. With [watchdog] it runs every
// node's check each interval; failures consecutive failures of one node
// turn the service not ready (and stop systemd's WATCHDOG=1), one success
// turns it back; a check failing for exit_after stops the service with
// svcExitLiveness so the service manager restarts it.
func emitWatchdog(g *Context) error {
	w := g.Spec.Watchdog
	f := g.NewFile("svcgen_watchdog.go", "")
	if !w.Enabled {
		f.Comment("watch would run the liveness checks of [watchdog]; the spec has none.")
		f.Func().Params(jen.Id("a").Op("*").Id("svcApp")).Id("watch").Params().Block()
		return nil
	}
	g.Const("[watchdog]", "svcWatchdogInterval", durationCode(w.Interval.Duration), "between two rounds of checks; also each check's timeout")
	g.Const("[watchdog]", "svcWatchdogFailures", jen.Lit(w.Failures), "consecutive failures of a check that turn the service not ready")
	g.Const("[watchdog]", "svcWatchdogExitAfter", durationCode(w.ExitAfter.Duration), "a check failing this long stops the service with exit code 8 (0: never)")

	a := jen.Id("a").Op("*").Id("svcApp")
	f.Comment("svcLiveness is the watchdog's record of one node's check.")
	f.Type().Id("svcLiveness").Struct(
		jen.Id("node").Op("*").Id("svcNode"),
		jen.Id("failures").Int().Comment("consecutive"),
		jen.Id("since").Qual("time", "Time").Comment("first failure of the current run"),
		jen.Id("err").Error(),
	)
	f.Line()
	f.Comment("watch starts the liveness checks; they run until the stop begins. Only")
	f.Comment("dependencies are checked (a database, a cache, a user check): /healthz stays")
	f.Comment("200, because restarting this process does not bring a database back, but a")
	f.Comment("dependency that stays down long enough (exit_after) ends the process so that")
	f.Comment("recovery (SCM actions, systemd Restart=) starts it again from scratch.")
	f.Func().Params(a).Id("watch").Params().Block(
		jen.Var().Id("checks").Index().Op("*").Id("svcLiveness"),
		jen.For(jen.List(jen.Id("_"), jen.Id("n")).Op(":=").Range().Id("a").Dot("nodes")).Block(
			jen.If(jen.Id("n").Dot("check").Op("!=").Nil()).Block(
				jen.Id("checks").Op("=").Append(jen.Id("checks"), jen.Op("&").Id("svcLiveness").Values(jen.Id("node").Op(":").Id("n"))),
			),
		),
		jen.If(jen.Len(jen.Id("checks")).Op("==").Lit(0)).Block(jen.Return()),
		jen.Go().Func().Params().Block(
			jen.Id("t").Op(":=").Qual("time", "NewTicker").Call(jen.Id("svcWatchdogInterval")),
			jen.Defer().Id("t").Dot("Stop").Call(),
			jen.For().Block(
				jen.Select().Block(
					jen.Case(jen.Op("<-").Id("a").Dot("stopCh")).Block(jen.Return()),
					jen.Case(jen.Op("<-").Id("t").Dot("C")).Block(),
				),
				jen.If(jen.Op("!").Id("a").Dot("checkRound").Call(jen.Id("checks"))).Block(jen.Return()),
			),
		).Call(),
	)
	f.Line()
	f.Comment("checkRound runs every check once, concurrently, each within the interval,")
	f.Comment("and updates readiness. It reports false when it stopped the service.")
	f.Func().Params(a).Id("checkRound").Params(jen.Id("checks").Index().Op("*").Id("svcLiveness")).Bool().Block(
		jen.Var().Id("wg").Qual("sync", "WaitGroup"),
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("checks")).Block(
			jen.Id("wg").Dot("Go").Call(jen.Func().Params().Block(
				jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual("context", "WithTimeoutCause").Call(
					jen.Qual("context", "Background").Call(), jen.Id("svcWatchdogInterval"),
					jen.Op("&").Id("svcTimeout").Values(jen.Id("step").Op(":").Lit("check"), jen.Id("budget").Op(":").Id("svcWatchdogInterval")),
				),
				jen.Defer().Id("cancel").Call(),
				jen.Id("c").Dot("err").Op("=").Id("a").Dot("call").Call(jen.Id("ctx"), jen.Id("c").Dot("node").Dot("check")),
			)),
		),
		jen.Id("wg").Dot("Wait").Call(),
		jen.Id("failing").Op(":=").False(),
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("checks")).Block(
			jen.If(jen.Id("c").Dot("err").Op("==").Nil()).Block(
				jen.If(jen.Id("c").Dot("failures").Op(">").Lit(0)).Block(
					jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("check passed"), jen.Lit("resource"), jen.Id("c").Dot("node").Dot("name"), jen.Lit("after"), jen.Id("c").Dot("failures")),
				),
				jen.Id("c").Dot("failures").Op("=").Lit(0),
				jen.Continue(),
			),
			jen.If(jen.Id("c").Dot("failures").Op("==").Lit(0)).Block(
				jen.Id("c").Dot("since").Op("=").Qual("time", "Now").Call(),
			),
			jen.Id("c").Dot("failures").Op("++"),
			jen.Id("a").Dot("log").Dot("Warn").Call(jen.Lit("check failed"), jen.Lit("resource"), jen.Id("c").Dot("node").Dot("name"), jen.Lit("failures"), jen.Id("c").Dot("failures"), jen.Lit("err"), jen.Id("c").Dot("err")),
			jen.If(jen.Id("svcFaultCode").Call(jen.Id("c").Dot("err"), jen.Id("svcExitOK")).Op("==").Id("svcExitPanic")).Block(
				jen.Id("a").Dot("logFailure").Call(jen.Lit("panic"), jen.Id("c").Dot("node").Dot("name"), jen.Id("c").Dot("err")),
				jen.Id("a").Dot("fault").Call(jen.Id("svcExitPanic"), jen.Lit("panic in the check of ").Op("+").Id("c").Dot("node").Dot("name")),
				jen.Return(jen.False()),
			),
			jen.If(jen.Id("c").Dot("failures").Op(">=").Id("svcWatchdogFailures")).Block(
				jen.Id("failing").Op("=").True(),
			),
			jen.If(jen.Id("svcWatchdogExitAfter").Op(">").Lit(0).Op("&&").Qual("time", "Since").Call(jen.Id("c").Dot("since")).Op(">=").Id("svcWatchdogExitAfter")).Block(
				jen.Id("a").Dot("log").Dot("Error").Call(jen.Lit("liveness failed"), jen.Lit("resource"), jen.Id("c").Dot("node").Dot("name"), jen.Lit("for"), jen.Qual("time", "Since").Call(jen.Id("c").Dot("since")).Dot("Round").Call(jen.Qual("time", "Millisecond")), jen.Lit("err"), jen.Id("c").Dot("err")),
				jen.Id("a").Dot("fault").Call(jen.Id("svcExitLiveness"), jen.Qual("fmt", "Sprintf").Call(jen.Lit("liveness: %s failing for %s"), jen.Id("c").Dot("node").Dot("name"), jen.Id("svcWatchdogExitAfter"))),
				jen.Return(jen.False()),
			),
		),
		jen.If(jen.Id("a").Dot("failing").Dot("Swap").Call(jen.Id("failing")).Op("!=").Id("failing")).Block(
			jen.If(jen.Id("failing")).Block(
				jen.Id("a").Dot("log").Dot("Warn").Call(jen.Lit("not live"), jen.Lit("failures"), jen.Id("svcWatchdogFailures")),
			).Else().Block(
				jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("live again")),
			),
		),
		jen.Return(jen.True()),
	)
	for _, r := range g.Spec.Resources {
		if r.Kind == spec.KindHTTPClient && r.WarmPath != "" {
			checkHTTPCode(f)
			break
		}
	}
	return nil
}

// checkHTTPCode emits svcCheckHTTP, the liveness check of an http_client.
func checkHTTPCode(f *jen.File) {
	f.Line()
	f.Comment("svcCheckHTTP requests path of an http_client's upstream, past the breaker and")
	f.Comment("the retries (a check must see the upstream as it is, and must not trip the")
	f.Comment("breaker its users rely on). Any answer below 500 means the upstream is up.")
	f.Func().Id("svcCheckHTTP").Params(ctxParam(), jen.Id("c").Op("*").Id("svcHTTPClient"), jen.Id("path").String()).Error().Block(
		jen.List(jen.Id("req"), jen.Err()).Op(":=").Id("c").Dot("NewRequest").Call(jen.Id("ctx"), jen.Qual("net/http", "MethodGet"), jen.Id("path"), jen.Nil()),
		ifErrReturn(jen.Err()),
		jen.List(jen.Id("resp"), jen.Err()).Op(":=").Id("c").Dot("HTTPClient").Call().Dot("Do").Call(jen.Id("req")),
		ifErrReturn(jen.Err()),
		jen.Defer().Id("resp").Dot("Body").Dot("Close").Call(),
		jen.Comment("Read to the end (bounded) so the connection goes back to the pool."),
		jen.Qual("io", "Copy").Call(jen.Qual("io", "Discard"), jen.Qual("io", "LimitReader").Call(jen.Id("resp").Dot("Body"), jen.Lit(64<<10))),
		jen.If(jen.Id("resp").Dot("StatusCode").Op(">=").Lit(500)).Block(
			jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("GET %s: %s"), jen.Id("path"), jen.Id("resp").Dot("Status"))),
		),
		jen.Return(jen.Nil()),
	)
}
