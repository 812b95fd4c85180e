package generator

import (
	"github.com/dave/jennifer/jen"
)

// emitLifecycle writes svcgen_lifecycle.go: the engine every front door
// (console signals, the Windows SCM, systemd) drives. It starts the node
// table concurrently along the DAG, reports progress and readiness, and
// stops in the five steps of the design: not ready + before_drain,
// drain_delay, drain, close in reverse DAG order, critical closes and log
// flush from the reserve.
func emitLifecycle(g *Context) error {
	t := g.Spec.Timeouts
	g.Const("[timeouts]", "svcTimeoutStart", durationCode(t.Start.Duration), "open and warm every resource, then after_ready hooks")
	g.Const("[timeouts]", "svcTimeoutStop", durationCode(t.Stop.Duration), "from the stop request to exit")
	g.Const("[timeouts]", "svcTimeoutDrainDelay", durationCode(t.DrainDelay.Duration), "not ready but serving, so balancers deregister")
	g.Const("[timeouts]", "svcTimeoutDrain", durationCode(t.Drain.Duration), "servers finish in-flight requests")
	g.Const("[timeouts]", "svcTimeoutCritical", durationCode(t.Critical.Duration), "reserved for critical closes and the log flush")
	g.Const("[timeouts]", "svcTimeoutShutdown", durationCode(t.Shutdown.Duration), "the whole stop when the OS is shutting down")

	f := g.NewFile("svcgen_lifecycle.go", "")
	lifecycleCodes(f)
	lifecycleTypes(f)
	lifecycleStopRequests(f)
	lifecycleRun(f)
	lifecycleStart(f)
	lifecycleServe(f)
	lifecycleStop(f)
	lifecycleClose(f)
	lifecycleCall(f)
	return nil
}

// lifecycleCodes emits the exit codes, stop kinds, phases and node states.
func lifecycleCodes(f *jen.File) {
	f.Comment("Exit codes, the same on every OS. On Windows they are the service-specific")
	f.Comment("exit code reported to the SCM, so recovery actions and monitoring can tell a")
	f.Comment("failed start from a timed-out or forced stop.")
	f.Const().Defs(
		jen.Id("svcExitOK").Op("=").Lit(0).Comment("clean stop"),
		jen.Id("svcExitUsage").Op("=").Lit(2).Comment("unknown verb or argument"),
		jen.Id("svcExitStartFailed").Op("=").Lit(3).Comment("a resource did not bind, open or warm; an after_ready hook failed"),
		jen.Id("svcExitStopTimeout").Op("=").Lit(4).Comment("a stop step missed its budget (critical closes still ran)"),
		jen.Id("svcExitForced").Op("=").Lit(5).Comment("a second stop request"),
		jen.Id("svcExitPanic").Op("=").Lit(6).Comment("panic in a hook, worker or resource function"),
		jen.Id("svcExitWorker").Op("=").Lit(7).Comment("a worker or server returned an error"),
		jen.Id("svcExitLiveness").Op("=").Lit(8).Comment("liveness failed (watchdog)"),
	)
	f.Line()
	f.Comment("svcStopKind says what asked for the stop; it picks the budget.")
	f.Type().Id("svcStopKind").Int()
	f.Line()
	f.Const().Defs(
		jen.Comment("svcStopRequested: SIGINT, SIGTERM, an SCM Stop. The full stop, drain_delay included."),
		jen.Id("svcStopRequested").Id("svcStopKind").Op("=").Iota(),
		jen.Comment("svcStopShutdown: the OS is going down (SCM Shutdown or PreShutdown, a"),
		jen.Comment("closed console on Windows). Nobody routes new traffic to a machine that is"),
		jen.Comment("shutting down and the OS will not wait long: no drain_delay, and the"),
		jen.Comment("shutdown budget instead of the stop budget."),
		jen.Id("svcStopShutdown"),
	)
	f.Line()
	f.Comment("Phases of the service, as /readyz reports them.")
	f.Const().Defs(
		jen.Id("svcPhaseStarting").Int32().Op("=").Iota(),
		jen.Id("svcPhaseReady"),
		jen.Id("svcPhaseStopping"),
	)
	f.Line()
	f.Func().Id("svcPhaseName").Params(jen.Id("p").Int32()).String().Block(
		jen.Switch(jen.Id("p")).Block(
			jen.Case(jen.Id("svcPhaseReady")).Block(jen.Return(jen.Lit("ready"))),
			jen.Case(jen.Id("svcPhaseStopping")).Block(jen.Return(jen.Lit("stopping"))),
		),
		jen.Return(jen.Lit("starting")),
	)
	f.Line()
	f.Comment("States of a node, as /readyz reports them.")
	f.Const().Defs(
		jen.Id("svcNodePending").Int32().Op("=").Iota().Comment("waiting for its dependencies"),
		jen.Id("svcNodeOpening"),
		jen.Id("svcNodeReady"),
		jen.Id("svcNodeFailed"),
		jen.Id("svcNodeClosing"),
		jen.Id("svcNodeClosed"),
	)
	f.Line()
	f.Func().Id("svcStateName").Params(jen.Id("s").Int32()).String().Block(
		jen.Switch(jen.Id("s")).Block(
			jen.Case(jen.Id("svcNodeOpening")).Block(jen.Return(jen.Lit("opening"))),
			jen.Case(jen.Id("svcNodeReady")).Block(jen.Return(jen.Lit("ready"))),
			jen.Case(jen.Id("svcNodeFailed")).Block(jen.Return(jen.Lit("failed"))),
			jen.Case(jen.Id("svcNodeClosing")).Block(jen.Return(jen.Lit("closing"))),
			jen.Case(jen.Id("svcNodeClosed")).Block(jen.Return(jen.Lit("closed"))),
		),
		jen.Return(jen.Lit("pending")),
	)
}

// lifecycleTypes emits svcNode and svcApp.
func lifecycleTypes(f *jen.File) {
	f.Line()
	f.Comment("svcNode is one resource of the spec. svcgen_resources.go builds the table;")
	f.Comment("the engine calls the step functions, each optional.")
	f.Type().Id("svcNode").Struct(
		jen.Id("name").String(),
		jen.Id("kind").String(),
		jen.Comment("deps are the nodes named in depends_on; dependents, the reverse edges."),
		jen.Id("deps").Index().Op("*").Id("svcNode"),
		jen.Id("dependents").Index().Op("*").Id("svcNode"),
		jen.Comment("critical: the close runs from the reserved share of the stop budget"),
		jen.Comment("even when the steps before it overran."),
		jen.Id("critical").Bool(),
		jen.Id("openTimeout").Add(durType()),
		jen.Id("closeTimeout").Add(durType()),
		jen.Line(),
		jen.Comment("bind runs at process start, before any open: listeners are bound early"),
		jen.Comment("so clients connecting during warmup wait in the backlog, not refused."),
		jen.Id("bind").Func().Params().Error(),
		jen.Id("open").Func().Params(ctxType()).Error(),
		jen.Comment("serve runs from ready until stop (an HTTP accept loop, a worker)."),
		jen.Id("serve").Func().Params(ctxType()).Error(),
		jen.Id("drain").Func().Params(ctxType()).Error(),
		jen.Id("close").Func().Params(ctxType()).Error(),
		jen.Id("status").Func().Params().Map(jen.String()).Any(),
		jen.Comment("check is the liveness check of [watchdog] (svcgen_watchdog.go); stats, the"),
		jen.Comment("numbers /metrics exports (svcgen_metrics.go). Nil when not generated."),
		jen.Id("check").Func().Params(ctxType()).Error(),
		jen.Id("stats").Func().Params().Map(jen.String()).Float64(),
		jen.Line(),
		jen.Id("state").Qual("sync/atomic", "Int32"),
		jen.Id("opened").Chan().Struct().Comment("closed when open succeeded: dependents may open"),
		jen.Id("closed").Chan().Struct().Comment("closed when the stop step of the node ended: dependencies may close"),
		jen.Id("stopServe").Qual("context", "CancelFunc"),
		jen.Id("served").Chan().Struct().Comment("closed when serve returned"),
	)
	f.Line()
	f.Comment("svcApp is the engine. Front doors build it with svcNewApp, set the callbacks,")
	f.Comment("call run once and call Stop from wherever their stop requests arrive.")
	f.Type().Id("svcApp").Struct(
		jen.Id("log").Op("*").Qual("log/slog", "Logger"),
		jen.Id("flush").Func().Params().Error(),
		jen.Id("nodes").Index().Op("*").Id("svcNode").Comment("topological order"),
		jen.Id("afterReady").Index().Id("svcHook"),
		jen.Id("beforeDrain").Index().Id("svcHook"),
		jen.Id("reloadHook").Func().Params(ctxType()).Error(),
		jen.Id("admin").Op("*").Id("svcAdmin"),
		jen.Id("phase").Qual("sync/atomic", "Int32"),
		jen.Id("failing").Qual("sync/atomic", "Bool").Comment("a liveness check keeps failing (svcgen_watchdog.go): not ready"),
		jen.Line(),
		jen.Comment("Callbacks of the front door. progress follows every real step (from"),
		jen.Comment("several goroutines at once while nodes open or close concurrently), so the"),
		jen.Comment("SCM's CheckPoint and systemd's EXTEND_TIMEOUT_USEC move only when the"),
		jen.Comment("service moves; ready, once it serves; stopping, when the stop begins,"),
		jen.Comment("with the stop budget."),
		jen.Id("progress").Func().Params(jen.Id("step").String()),
		jen.Id("ready").Func().Params(),
		jen.Id("stopping").Func().Params(jen.Id("budget").Add(durType())),
		jen.Comment("observe records how long a step took, for /metrics: start, open, drain,"),
		jen.Comment("close, stop."),
		jen.Id("observe").Func().Params(jen.Id("step"), jen.Id("resource").String(), jen.Id("took").Add(durType())),
		jen.Line(),
		jen.Comment("abort cancels the start (opens and after_ready hooks) when a stop begins."),
		jen.Id("abort").Qual("context", "CancelCauseFunc"),
		jen.Id("mu").Qual("sync", "Mutex"),
		jen.Id("requests").Int().Comment("stop requests from the front door"),
		jen.Id("stopKind").Id("svcStopKind"),
		jen.Comment("shutdownBudget is the budget of an OS shutdown: timeouts.shutdown, or the"),
		jen.Comment("SCM's preshutdown time when the Windows front door sets it before Stop."),
		jen.Id("shutdownBudget").Add(durType()),
		jen.Id("reason").String(),
		jen.Id("stopCh").Chan().Struct().Comment("closed when the stop begins"),
		jen.Id("code").Int().Comment("exit code of the first fault"),
		jen.Id("overran").Qual("sync/atomic", "Bool").Comment("a step missed its budget"),
	)
	f.Line()
	f.Comment("svcNewEngine returns an engine with no nodes and no-op callbacks.")
	f.Func().Id("svcNewEngine").Params(
		jen.Id("log").Op("*").Qual("log/slog", "Logger"),
		jen.Id("flush").Func().Params().Error(),
	).Op("*").Id("svcApp").Block(
		jen.Id("a").Op(":=").Op("&").Id("svcApp").ValuesFunc(fields(
			jen.Id("log"), jen.Id("log"),
			jen.Id("flush"), jen.Id("flush"),
			jen.Id("progress"), jen.Func().Params(jen.String()).Block(),
			jen.Id("ready"), jen.Func().Params().Block(),
			jen.Id("stopping"), jen.Func().Params(durType()).Block(),
			jen.Id("observe"), jen.Func().Params(jen.String(), jen.String(), durType()).Block(),
			jen.Id("stopCh"), jen.Make(jen.Chan().Struct()),
			jen.Id("shutdownBudget"), jen.Id("svcTimeoutShutdown"),
		)),
		jen.Id("a").Dot("admin").Op("=").Op("&").Id("svcAdmin").Values(jen.Id("app").Op(":").Id("a")),
		jen.Return(jen.Id("a")),
	)
	f.Line()
	f.Comment("setNodes installs the node table (in topological order) and its reverse edges.")
	f.Func().Params(jen.Id("a").Op("*").Id("svcApp")).Id("setNodes").Params(jen.Id("nodes").Op("...").Op("*").Id("svcNode")).Block(
		jen.Id("a").Dot("nodes").Op("=").Id("nodes"),
		jen.For(jen.List(jen.Id("_"), jen.Id("n")).Op(":=").Range().Id("nodes")).Block(
			jen.Id("n").Dot("opened").Op("=").Make(jen.Chan().Struct()),
			jen.Id("n").Dot("closed").Op("=").Make(jen.Chan().Struct()),
			jen.For(jen.List(jen.Id("_"), jen.Id("d")).Op(":=").Range().Id("n").Dot("deps")).Block(
				jen.Id("d").Dot("dependents").Op("=").Append(jen.Id("d").Dot("dependents"), jen.Id("n")),
			),
		),
	)
}

// lifecycleStopRequests emits Stop and fault: the two ways a stop begins.
func lifecycleStopRequests(f *jen.File) {
	a := jen.Id("a").Op("*").Id("svcApp")
	f.Line()
	f.Comment("Stop asks the service to stop; any goroutine may call it. It reports")
	f.Comment("forced when a stop was already requested: the front door then exits at")
	f.Comment("once with svcExitForced (a console returns from main, the SCM front door")
	f.Comment("returns the code from Execute) without waiting for the engine.")
	f.Func().Params(a).Id("Stop").Params(jen.Id("kind").Id("svcStopKind"), jen.Id("reason").String()).Params(jen.Id("forced").Bool()).Block(
		jen.Id("a").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("a").Dot("mu").Dot("Unlock").Call(),
		jen.Id("a").Dot("requests").Op("++"),
		jen.If(jen.Id("a").Dot("requests").Op(">").Lit(1)).Block(jen.Return(jen.True())),
		jen.Id("a").Dot("beginLocked").Call(jen.Id("kind"), jen.Id("reason")),
		jen.Return(jen.False()),
	)
	f.Line()
	f.Comment("fault stops the service because something failed while it ran (a worker")
	f.Comment("error or panic, a failed after_ready hook). The first fault sets the exit")
	f.Comment("code, also during a stop already under way.")
	f.Func().Params(a).Id("fault").Params(jen.Id("code").Int(), jen.Id("reason").String()).Block(
		jen.Id("a").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("a").Dot("mu").Dot("Unlock").Call(),
		jen.If(jen.Id("a").Dot("code").Op("==").Lit(0)).Block(
			jen.Id("a").Dot("code").Op("=").Id("code"),
		),
		jen.Id("a").Dot("beginLocked").Call(jen.Id("svcStopRequested"), jen.Id("reason")),
	)
	f.Line()
	f.Func().Params(a).Id("beginLocked").Params(jen.Id("kind").Id("svcStopKind"), jen.Id("reason").String()).Block(
		jen.Select().Block(
			jen.Case(jen.Op("<-").Id("a").Dot("stopCh")).Block(jen.Return().Comment("already stopping")),
			jen.Default().Block(),
		),
		jen.List(jen.Id("a").Dot("stopKind"), jen.Id("a").Dot("reason")).Op("=").List(jen.Id("kind"), jen.Id("reason")),
		jen.Close(jen.Id("a").Dot("stopCh")),
		jen.If(jen.Id("a").Dot("abort").Op("!=").Nil()).Block(
			jen.Id("a").Dot("abort").Call(jen.Qual("errors", "New").Call(jen.Lit("stop requested: ").Op("+").Id("reason"))),
		),
	)
	f.Line()
	f.Comment("exitCode is the code of a stop that ran to its end.")
	f.Func().Params(a).Id("exitCode").Params().Int().Block(
		jen.Id("a").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("a").Dot("mu").Dot("Unlock").Call(),
		jen.If(jen.Id("a").Dot("code").Op("!=").Lit(0)).Block(jen.Return(jen.Id("a").Dot("code"))),
		jen.If(jen.Id("a").Dot("overran").Dot("Load").Call()).Block(jen.Return(jen.Id("svcExitStopTimeout"))),
		jen.Return(jen.Id("svcExitOK")),
	)
}

// lifecycleRun emits run: the whole life of the service.
func lifecycleRun(f *jen.File) {
	f.Line()
	f.Comment("run is the whole life of the service: bind, start, serve until a stop")
	f.Comment("begins, stop. It returns the exit code.")
	f.Func().Params(jen.Id("a").Op("*").Id("svcApp")).Id("run").Params().Int().Block(
		jen.Id("begin").Op(":=").Qual("time", "Now").Call(),
		jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("starting"), jen.Lit("service"), jen.Id("svcServiceName"), jen.Lit("version"), jen.Id("svcVersion")),
		jen.Comment("The admin listener comes first and goes last, so probes see 503"),
		jen.Comment("(not a refused connection) during the start and the whole stop."),
		jen.If(jen.Err().Op(":=").Id("a").Dot("admin").Dot("listen").Call(), errNotNil()).Block(
			jen.Id("a").Dot("log").Dot("Error").Call(jen.Lit("start failed"), jen.Lit("resource"), jen.Lit("admin"), jen.Lit("err"), jen.Err()),
			jen.Return(jen.Id("a").Dot("exit").Call(jen.Id("svcExitStartFailed"), jen.Id("begin"))),
		),
		jen.For(jen.List(jen.Id("_"), jen.Id("n")).Op(":=").Range().Id("a").Dot("nodes")).Block(
			jen.If(jen.Id("n").Dot("bind").Op("==").Nil()).Block(jen.Continue()),
			jen.If(jen.Err().Op(":=").Id("n").Dot("bind").Call(), errNotNil()).Block(
				jen.Id("a").Dot("log").Dot("Error").Call(jen.Lit("start failed"), jen.Lit("resource"), jen.Id("n").Dot("name"), jen.Lit("err"), jen.Err()),
				jen.Return(jen.Id("a").Dot("exit").Call(jen.Id("svcExitStartFailed"), jen.Id("begin"))),
			),
		),
		jen.Line(),
		jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual("context", "WithCancelCause").Call(jen.Qual("context", "Background").Call()),
		jen.Defer().Id("cancel").Call(jen.Nil()),
		jen.Id("a").Dot("mu").Dot("Lock").Call(),
		jen.Id("a").Dot("abort").Op("=").Id("cancel"),
		jen.Id("a").Dot("mu").Dot("Unlock").Call(),
		jen.Select().Block(
			jen.Case(jen.Op("<-").Id("a").Dot("stopCh")).Block(
				jen.Id("cancel").Call(jen.Qual("errors", "New").Call(jen.Lit("stop requested"))),
			),
			jen.Default().Block(),
		),
		jen.Id("startCtx").Op(",").Id("cancelStart").Op(":=").Qual("context", "WithDeadlineCause").Call(
			jen.Id("ctx"), jen.Id("begin").Dot("Add").Call(jen.Id("svcTimeoutStart")),
			jen.Qual("fmt", "Errorf").Call(jen.Lit("start budget of %s spent"), jen.Id("svcTimeoutStart")),
		),
		jen.Defer().Id("cancelStart").Call(),
		jen.If(jen.Err().Op(":=").Id("a").Dot("start").Call(jen.Id("startCtx")), errNotNil()).Block(
			jen.Return(jen.Id("a").Dot("rollback").Call(jen.Id("begin"), jen.Err())),
		),
		jen.Line(),
		jen.Comment("Everything is warm: serve, then report ready. Listeners were bound at"),
		jen.Comment("the start, so the connections that waited in the backlog are served now."),
		jen.Id("a").Dot("serveAll").Call(),
		jen.Comment("The start duration is recorded before anything says ready, so a"),
		jen.Comment("scrape that sees ready also sees how long the start took."),
		jen.Id("took").Op(":=").Qual("time", "Since").Call(jen.Id("begin")),
		jen.Id("a").Dot("observe").Call(jen.Lit("start"), jen.Lit(""), jen.Id("took")),
		jen.Id("a").Dot("phase").Dot("Store").Call(jen.Id("svcPhaseReady")),
		jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("service ready"), jen.Lit("took"), jen.Id("took").Dot("Round").Call(jen.Qual("time", "Millisecond"))),
		jen.Id("a").Dot("ready").Call(),
		jen.Id("a").Dot("watch").Call().Comment("liveness checks while ready (svcgen_watchdog.go)"),
		jen.If(jen.Err().Op(":=").Id("a").Dot("runHooks").Call(jen.Id("startCtx"), jen.Lit("after_ready"), jen.Id("a").Dot("afterReady")), errNotNil()).Block(
			jen.Comment("Unless a stop cut the hook short, a failed after_ready hook is a"),
			jen.Comment("failed start."),
			jen.Select().Block(
				jen.Case(jen.Op("<-").Id("a").Dot("stopCh")).Block(),
				jen.Default().Block(jen.Id("a").Dot("fault").Call(jen.Id("svcFaultCode").Call(jen.Err(), jen.Id("svcExitStartFailed")), jen.Err().Dot("Error").Call())),
			),
		),
		jen.Id("cancelStart").Call(),
		jen.Op("<-").Id("a").Dot("stopCh"),
		jen.Return(jen.Id("a").Dot("stop").Call()),
	)
	f.Line()
	f.Comment("exit ends the process's life in the engine: the admin listener closes last,")
	f.Comment("then the final log line and the flush.")
	f.Func().Params(jen.Id("a").Op("*").Id("svcApp")).Id("exit").Params(jen.Id("code").Int(), jen.Id("since").Qual("time", "Time")).Int().Block(
		jen.Id("a").Dot("admin").Dot("close").Call(),
		jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("stopped"), jen.Lit("code"), jen.Id("code"), jen.Lit("took"), jen.Qual("time", "Since").Call(jen.Id("since")).Dot("Round").Call(jen.Qual("time", "Millisecond"))),
		jen.If(jen.Err().Op(":=").Id("a").Dot("flush").Call(), errNotNil()).Block(
			jen.Qual("fmt", "Fprintln").Call(jen.Qual("os", "Stderr"), jen.Lit("flush log:"), jen.Err()),
		),
		jen.Return(jen.Id("code")),
	)
}

// lifecycleStart emits start, openNode and rollback.
func lifecycleStart(f *jen.File) {
	a := jen.Id("a").Op("*").Id("svcApp")
	f.Line()
	f.Comment("start opens every node. Each node opens as soon as all its dependencies")
	f.Comment("are ready, so independent nodes open concurrently and the start takes the")
	f.Comment("longest path of the DAG, not the sum. The first failure cancels the rest.")
	f.Func().Params(a).Id("start").Params(ctxParam()).Error().Block(
		jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual("context", "WithCancelCause").Call(jen.Id("ctx")),
		jen.Defer().Id("cancel").Call(jen.Nil()),
		jen.Id("results").Op(":=").Make(jen.Chan().Error(), jen.Len(jen.Id("a").Dot("nodes"))),
		jen.For(jen.List(jen.Id("_"), jen.Id("n")).Op(":=").Range().Id("a").Dot("nodes")).Block(
			jen.Go().Func().Params().Block(
				jen.Id("results").Op("<-").Id("a").Dot("openNode").Call(jen.Id("ctx"), jen.Id("n")),
			).Call(),
		),
		jen.Var().Id("first").Error(),
		jen.For(jen.Range().Id("a").Dot("nodes")).Block(
			jen.Err().Op(":=").Op("<-").Id("results"),
			jen.If(jen.Err().Op("!=").Nil().Op("&&").Id("first").Op("==").Nil()).Block(
				jen.Id("first").Op("=").Err(),
				jen.Id("cancel").Call(jen.Err()),
			),
		),
		jen.Return(jen.Id("first")),
	)
	f.Line()
	f.Comment("openNode waits for the node's dependencies, then opens it with its own")
	f.Comment("timeout. A node whose dependency failed never opens and reports why.")
	f.Func().Params(a).Id("openNode").Params(ctxParam(), jen.Id("n").Op("*").Id("svcNode")).Error().Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("d")).Op(":=").Range().Id("n").Dot("deps")).Block(
			jen.Select().Block(
				jen.Case(jen.Op("<-").Id("d").Dot("opened")).Block(),
				jen.Case(jen.Op("<-").Id("ctx").Dot("Done").Call()).Block(
					jen.Return(jen.Qual("context", "Cause").Call(jen.Id("ctx"))),
				),
			),
		),
		jen.Id("n").Dot("state").Dot("Store").Call(jen.Id("svcNodeOpening")),
		jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("opening"), jen.Lit("resource"), jen.Id("n").Dot("name"), jen.Lit("kind"), jen.Id("n").Dot("kind")),
		jen.Id("t").Op(":=").Qual("time", "Now").Call(),
		jen.If(jen.Id("n").Dot("open").Op("!=").Nil()).Block(
			jen.List(jen.Id("octx"), jen.Id("cancel")).Op(":=").Qual("context", "WithTimeoutCause").Call(
				jen.Id("ctx"), jen.Id("n").Dot("openTimeout"),
				jen.Op("&").Id("svcTimeout").Values(jen.Id("step").Op(":").Lit("open"), jen.Id("budget").Op(":").Id("n").Dot("openTimeout")),
			),
			jen.Err().Op(":=").Id("a").Dot("call").Call(jen.Id("octx"), jen.Id("n").Dot("open")),
			jen.Id("cancel").Call(),
			jen.If(errNotNil()).Block(
				jen.Id("n").Dot("state").Dot("Store").Call(jen.Id("svcNodeFailed")),
				jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("open resource %q: %w"), jen.Id("n").Dot("name"), jen.Err())),
			),
		),
		jen.Id("n").Dot("state").Dot("Store").Call(jen.Id("svcNodeReady")),
		jen.Close(jen.Id("n").Dot("opened")),
		jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("ready"), jen.Lit("resource"), jen.Id("n").Dot("name"), jen.Lit("took"), jen.Qual("time", "Since").Call(jen.Id("t")).Dot("Round").Call(jen.Qual("time", "Millisecond"))),
		jen.Id("a").Dot("observe").Call(jen.Lit("open"), jen.Id("n").Dot("name"), jen.Qual("time", "Since").Call(jen.Id("t"))),
		jen.Id("a").Dot("progress").Call(jen.Lit("opened ").Op("+").Id("n").Dot("name")),
		jen.Return(jen.Nil()),
	)
	f.Line()
	f.Comment("rollback ends a start that failed or was stopped: what opened closes in")
	f.Comment("reverse order, as in a stop. A stop requested during the start is a clean")
	f.Comment("exit; anything else is a failed start.")
	f.Func().Params(a).Id("rollback").Params(jen.Id("begin").Qual("time", "Time"), jen.Id("cause").Error()).Int().Block(
		jen.Id("code").Op(":=").Id("svcExitOK"),
		jen.Select().Block(
			jen.Case(jen.Op("<-").Id("a").Dot("stopCh")).Block(
				jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("start aborted"), jen.Lit("reason"), jen.Id("a").Dot("stopReason").Call()),
			),
			jen.Default().Block(
				jen.Id("code").Op("=").Id("svcFaultCode").Call(jen.Id("cause"), jen.Id("svcExitStartFailed")),
				jen.Id("a").Dot("logFailure").Call(jen.Lit("start failed"), jen.Lit(""), jen.Id("cause")),
			),
		),
		jen.Id("a").Dot("phase").Dot("Store").Call(jen.Id("svcPhaseStopping")),
		jen.Id("budget").Op(":=").Id("svcTimeoutStop"),
		jen.Id("a").Dot("stopping").Call(jen.Id("budget")),
		jen.Id("final").Op(":=").Qual("time", "Now").Call().Dot("Add").Call(jen.Id("budget")),
		jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual("context", "WithDeadlineCause").Call(
			jen.Qual("context", "Background").Call(), jen.Id("final").Dot("Add").Call(jen.Op("-").Id("svcTimeoutCritical")),
			jen.Op("&").Id("svcTimeout").Values(jen.Id("step").Op(":").Lit("stop"), jen.Id("budget").Op(":").Id("budget").Op("-").Id("svcTimeoutCritical")),
		),
		jen.Defer().Id("cancel").Call(),
		jen.Id("a").Dot("closeAll").Call(jen.Id("ctx"), jen.Id("final")),
		jen.If(jen.Id("code").Op("==").Id("svcExitOK")).Block(
			jen.Id("code").Op("=").Id("a").Dot("exitCode").Call(),
		),
		jen.Return(jen.Id("a").Dot("exit").Call(jen.Id("code"), jen.Id("begin"))),
	)
	f.Line()
	f.Func().Params(a).Id("stopReason").Params().String().Block(
		jen.Id("a").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("a").Dot("mu").Dot("Unlock").Call(),
		jen.Return(jen.Id("a").Dot("reason")),
	)
}

// lifecycleServe emits serveAll: the serve steps from ready until stop.
func lifecycleServe(f *jen.File) {
	a := jen.Id("a").Op("*").Id("svcApp")
	f.Line()
	f.Comment("serveAll starts the serve step of every node that has one (HTTP servers,")
	f.Comment("workers). A serve that ends on its own while the service runs stops it:")
	f.Comment("with an error, exit code 7; with a panic, 6. A worker that returns nil")
	f.Comment("early has just finished its work.")
	f.Func().Params(a).Id("serveAll").Params().Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("n")).Op(":=").Range().Id("a").Dot("nodes")).Block(
			jen.If(jen.Id("n").Dot("serve").Op("==").Nil()).Block(jen.Continue()),
			jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual("context", "WithCancel").Call(jen.Qual("context", "Background").Call()),
			jen.List(jen.Id("n").Dot("stopServe"), jen.Id("n").Dot("served")).Op("=").List(jen.Id("cancel"), jen.Make(jen.Chan().Struct())),
			jen.Go().Func().Params().Block(
				jen.Defer().Close(jen.Id("n").Dot("served")),
				jen.Err().Op(":=").Id("svcGuard").Call(jen.Func().Params().Error().Block(
					jen.Return(jen.Id("n").Dot("serve").Call(jen.Id("ctx"))),
				)),
				jen.Var().Id("p").Op("*").Id("svcPanic"),
				jen.Switch().Block(
					jen.Case(jen.Qual("errors", "As").Call(jen.Err(), jen.Op("&").Id("p"))).Block(
						jen.Id("a").Dot("logFailure").Call(jen.Lit("panic"), jen.Id("n").Dot("name"), jen.Err()),
						jen.Id("a").Dot("fault").Call(jen.Id("svcExitPanic"), jen.Qual("fmt", "Sprintf").Call(jen.Lit("panic in %s %q"), jen.Id("n").Dot("kind"), jen.Id("n").Dot("name"))),
					),
					jen.Case(jen.Id("ctx").Dot("Err").Call().Op("!=").Nil()).Block(
						jen.Comment("Cancelled by the stop: whatever it returns now is its goodbye."),
						jen.If(jen.Err().Op("!=").Nil().Op("&&").Op("!").Qual("errors", "Is").Call(jen.Err(), jen.Qual("context", "Canceled"))).Block(
							jen.Id("a").Dot("log").Dot("Warn").Call(jen.Lit("returned an error after cancel"), jen.Lit("resource"), jen.Id("n").Dot("name"), jen.Lit("err"), jen.Err()),
						),
					),
					jen.Case(errNotNil()).Block(
						jen.Id("a").Dot("log").Dot("Error").Call(jen.Lit("failed"), jen.Lit("resource"), jen.Id("n").Dot("name"), jen.Lit("err"), jen.Err()),
						jen.Id("a").Dot("fault").Call(jen.Id("svcExitWorker"), jen.Qual("fmt", "Sprintf").Call(jen.Lit("%s %q failed: %v"), jen.Id("n").Dot("kind"), jen.Id("n").Dot("name"), jen.Err())),
					),
					jen.Default().Block(
						jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("finished"), jen.Lit("resource"), jen.Id("n").Dot("name")),
					),
				),
			).Call(),
		),
	)
}

// lifecycleStop emits stop (steps 1 to 3 and 5) and drainAll.
func lifecycleStop(f *jen.File) {
	a := jen.Id("a").Op("*").Id("svcApp")
	f.Line()
	f.Comment("stop runs the five steps of a stop. The budget runs from the stop request;")
	f.Comment("its last svcTimeoutCritical is reserved for critical closes and the log")
	f.Comment("flush, so they run even when the steps before them overran.")
	f.Func().Params(a).Id("stop").Params().Int().Block(
		jen.Id("begin").Op(":=").Qual("time", "Now").Call(),
		jen.Id("a").Dot("mu").Dot("Lock").Call(),
		jen.List(jen.Id("kind"), jen.Id("reason"), jen.Id("shutdownBudget")).Op(":=").List(jen.Id("a").Dot("stopKind"), jen.Id("a").Dot("reason"), jen.Id("a").Dot("shutdownBudget")),
		jen.Id("a").Dot("mu").Dot("Unlock").Call(),
		jen.Id("budget").Op(":=").Id("svcTimeoutStop"),
		jen.If(jen.Id("kind").Op("==").Id("svcStopShutdown")).Block(
			jen.Id("budget").Op("=").Id("shutdownBudget"),
		),
		jen.Id("final").Op(":=").Id("begin").Dot("Add").Call(jen.Id("budget")),
		jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual("context", "WithDeadlineCause").Call(
			jen.Qual("context", "Background").Call(), jen.Id("final").Dot("Add").Call(jen.Op("-").Id("svcTimeoutCritical")),
			jen.Op("&").Id("svcTimeout").Values(jen.Id("step").Op(":").Lit("stop"), jen.Id("budget").Op(":").Id("budget").Op("-").Id("svcTimeoutCritical")),
		),
		jen.Defer().Id("cancel").Call(),
		jen.Line(),
		jen.Comment("1. Not ready: /readyz answers 503 from here on, and the front door tells"),
		jen.Comment("the service manager (SCM StopPending, systemd STOPPING=1)."),
		jen.Id("a").Dot("phase").Dot("Store").Call(jen.Id("svcPhaseStopping")),
		jen.Id("a").Dot("stopping").Call(jen.Id("budget")),
		jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("stopping"), jen.Lit("reason"), jen.Id("reason"), jen.Lit("budget"), jen.Id("budget")),
		jen.If(jen.Err().Op(":=").Id("a").Dot("runHooks").Call(jen.Id("ctx"), jen.Lit("before_drain"), jen.Id("a").Dot("beforeDrain")), errNotNil()).Block(
			jen.Id("a").Dot("stepFailed").Call(jen.Err(), jen.Id("svcExitOK")),
		),
		jen.Line(),
		jen.Comment("2. Keep serving for drain_delay: balancers poll /readyz and need that long"),
		jen.Comment("to stop routing here; closing listeners earlier refuses their traffic."),
		jen.If(jen.Id("kind").Op("!=").Id("svcStopShutdown").Op("&&").Id("svcTimeoutDrainDelay").Op(">").Lit(0)).Block(
			jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("drain delay"), jen.Lit("delay"), jen.Id("svcTimeoutDrainDelay")),
			jen.Id("t").Op(":=").Qual("time", "NewTimer").Call(jen.Id("svcTimeoutDrainDelay")),
			jen.Select().Block(
				jen.Case(jen.Op("<-").Id("t").Dot("C")).Block(),
				jen.Case(jen.Op("<-").Id("ctx").Dot("Done").Call()).Block(jen.Id("t").Dot("Stop").Call()),
			),
			jen.Id("a").Dot("progress").Call(jen.Lit("drain delay")),
		),
		jen.Line(),
		jen.Comment("3. Servers stop accepting and finish what is in flight, concurrently."),
		jen.Id("a").Dot("drainAll").Call(jen.Id("ctx")),
		jen.Line(),
		jen.Comment("4. Workers are cancelled and awaited, resources close in reverse DAG"),
		jen.Comment("order; 5. critical closes get the reserve (see closeNode)."),
		jen.Id("a").Dot("closeAll").Call(jen.Id("ctx"), jen.Id("final")),
		jen.Id("a").Dot("observe").Call(jen.Lit("stop"), jen.Lit(""), jen.Qual("time", "Since").Call(jen.Id("begin"))),
		jen.Return(jen.Id("a").Dot("exit").Call(jen.Id("a").Dot("exitCode").Call(), jen.Id("begin"))),
	)
	f.Line()
	f.Comment("drainAll is stop step 3: every server drains at once, within svcTimeoutDrain")
	f.Comment("and the stop deadline. A server's drain closes what is left at its deadline.")
	f.Func().Params(a).Id("drainAll").Params(ctxParam()).Block(
		jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual("context", "WithTimeoutCause").Call(
			jen.Id("ctx"), jen.Id("svcTimeoutDrain"),
			jen.Op("&").Id("svcTimeout").Values(jen.Id("step").Op(":").Lit("drain"), jen.Id("budget").Op(":").Id("svcTimeoutDrain")),
		),
		jen.Defer().Id("cancel").Call(),
		jen.Var().Id("wg").Qual("sync", "WaitGroup"),
		jen.For(jen.List(jen.Id("_"), jen.Id("n")).Op(":=").Range().Id("a").Dot("nodes")).Block(
			jen.If(jen.Id("n").Dot("drain").Op("==").Nil().Op("||").Id("n").Dot("state").Dot("Load").Call().Op("!=").Id("svcNodeReady")).Block(jen.Continue()),
			jen.Id("wg").Dot("Go").Call(jen.Func().Params().Block(
				jen.Id("t").Op(":=").Qual("time", "Now").Call(),
				jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("draining"), jen.Lit("resource"), jen.Id("n").Dot("name")),
				jen.Comment("Its serve is about to return because the drain closes the listener:"),
				jen.Comment("cancelled first, that return is part of the stop, not a failure."),
				jen.If(jen.Id("n").Dot("stopServe").Op("!=").Nil()).Block(jen.Id("n").Dot("stopServe").Call()),
				jen.Comment("Not through call: a drain is generated code that returns at its"),
				jen.Comment("deadline by itself, after closing the connections left over."),
				jen.If(jen.Err().Op(":=").Id("n").Dot("drain").Call(jen.Id("ctx")), errNotNil()).Block(
					jen.Id("a").Dot("logFailure").Call(jen.Lit("drain"), jen.Id("n").Dot("name"), jen.Err()),
					jen.Id("a").Dot("overran").Dot("Store").Call(jen.True()),
				).Else().Block(
					jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("drained"), jen.Lit("resource"), jen.Id("n").Dot("name"), jen.Lit("took"), jen.Qual("time", "Since").Call(jen.Id("t"))),
					jen.Id("a").Dot("observe").Call(jen.Lit("drain"), jen.Id("n").Dot("name"), jen.Qual("time", "Since").Call(jen.Id("t"))),
				),
				jen.Id("a").Dot("progress").Call(jen.Lit("drained ").Op("+").Id("n").Dot("name")),
			)),
		),
		jen.Id("wg").Dot("Wait").Call(),
	)
}

// lifecycleClose emits closeAll and closeNode: stop steps 4 and 5.
func lifecycleClose(f *jen.File) {
	a := jen.Id("a").Op("*").Id("svcApp")
	f.Line()
	f.Comment("closeAll is stop step 4: a node closes once every node that depends on it")
	f.Comment("has closed, so a resource outlives its users and independent nodes close")
	f.Comment("concurrently. Workers have no dependents: they are cancelled first.")
	f.Func().Params(a).Id("closeAll").Params(ctxParam(), jen.Id("final").Qual("time", "Time")).Block(
		jen.Var().Id("wg").Qual("sync", "WaitGroup"),
		jen.For(jen.List(jen.Id("_"), jen.Id("n")).Op(":=").Range().Id("a").Dot("nodes")).Block(
			jen.Id("wg").Dot("Go").Call(jen.Func().Params().Block(
				jen.Defer().Close(jen.Id("n").Dot("closed")),
				jen.For(jen.List(jen.Id("_"), jen.Id("d")).Op(":=").Range().Id("n").Dot("dependents")).Block(
					jen.Op("<-").Id("d").Dot("closed"),
				),
				jen.Id("a").Dot("closeNode").Call(jen.Id("ctx"), jen.Id("n"), jen.Id("final")),
			)),
		),
		jen.Id("wg").Dot("Wait").Call(),
	)
	f.Line()
	f.Comment("closeNode cancels and awaits the node's serve step, then runs its close, both")
	f.Comment("within the close timeout. A non-critical node must end by the stop deadline")
	f.Comment("(ctx); a critical one may use the reserve up to final.")
	f.Func().Params(a).Id("closeNode").Params(ctxParam(), jen.Id("n").Op("*").Id("svcNode"), jen.Id("final").Qual("time", "Time")).Block(
		jen.If(jen.Id("n").Dot("state").Dot("Load").Call().Op("!=").Id("svcNodeReady")).Block(
			jen.Return().Comment("never opened: nothing to close"),
		),
		jen.Id("parent").Op(":=").Id("ctx"),
		jen.If(jen.Id("n").Dot("critical")).Block(
			jen.Comment("The reserve: a critical close may run to the very end of the budget."),
			jen.Var().Id("cancel").Qual("context", "CancelFunc"),
			jen.List(jen.Id("parent"), jen.Id("cancel")).Op("=").Qual("context", "WithDeadlineCause").Call(
				jen.Qual("context", "Background").Call(), jen.Id("final"), jen.Op("&").Id("svcTimeout").Values(jen.Id("step").Op(":").Lit("stop")),
			),
			jen.Defer().Id("cancel").Call(),
		),
		jen.If(jen.List(jen.Id("deadline"), jen.Id("_")).Op(":=").Id("parent").Dot("Deadline").Call(), jen.Qual("time", "Until").Call(jen.Id("deadline")).Op("<=").Lit(0)).Block(
			jen.Id("n").Dot("state").Dot("Store").Call(jen.Id("svcNodeClosed")),
			jen.Id("a").Dot("log").Dot("Error").Call(jen.Lit("close skipped"), jen.Lit("resource"), jen.Id("n").Dot("name"), jen.Lit("reason"), jen.Lit("stop budget spent")),
			jen.Id("a").Dot("overran").Dot("Store").Call(jen.True()),
			jen.Return(),
		),
		jen.List(jen.Id("cctx"), jen.Id("cancel")).Op(":=").Qual("context", "WithTimeoutCause").Call(
			jen.Id("parent"), jen.Id("n").Dot("closeTimeout"),
			jen.Op("&").Id("svcTimeout").Values(jen.Id("step").Op(":").Lit("close"), jen.Id("budget").Op(":").Id("n").Dot("closeTimeout")),
		),
		jen.Defer().Id("cancel").Call(),
		jen.Id("n").Dot("state").Dot("Store").Call(jen.Id("svcNodeClosing")),
		jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("closing"), jen.Lit("resource"), jen.Id("n").Dot("name")),
		jen.Id("t").Op(":=").Qual("time", "Now").Call(),
		jen.Var().Err().Error(),
		jen.If(jen.Id("n").Dot("stopServe").Op("!=").Nil()).Block(
			jen.Comment("A worker's context is cancelled now and it has the close timeout to"),
			jen.Comment("return; a server's serve has returned with its drain already."),
			jen.Id("n").Dot("stopServe").Call(),
			jen.Select().Block(
				jen.Case(jen.Op("<-").Id("n").Dot("served")).Block(),
				jen.Case(jen.Op("<-").Id("cctx").Dot("Done").Call()).Block(
					jen.Err().Op("=").Qual("fmt", "Errorf").Call(jen.Lit("still running: %w"), jen.Qual("context", "Cause").Call(jen.Id("cctx"))),
				),
			),
		),
		jen.If(jen.Err().Op("==").Nil().Op("&&").Id("n").Dot("close").Op("!=").Nil()).Block(
			jen.Err().Op("=").Id("a").Dot("call").Call(jen.Id("cctx"), jen.Id("n").Dot("close")),
		),
		jen.Id("n").Dot("state").Dot("Store").Call(jen.Id("svcNodeClosed")),
		jen.If(errNotNil()).Block(
			jen.Id("a").Dot("logFailure").Call(jen.Lit("close"), jen.Id("n").Dot("name"), jen.Err()),
			jen.Id("a").Dot("stepFailed").Call(jen.Err(), jen.Id("svcExitOK")),
		).Else().Block(
			jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("closed"), jen.Lit("resource"), jen.Id("n").Dot("name"), jen.Lit("took"), jen.Qual("time", "Since").Call(jen.Id("t")).Dot("Round").Call(jen.Qual("time", "Millisecond"))),
			jen.Id("a").Dot("observe").Call(jen.Lit("close"), jen.Id("n").Dot("name"), jen.Qual("time", "Since").Call(jen.Id("t"))),
		),
		jen.Id("a").Dot("progress").Call(jen.Lit("closed ").Op("+").Id("n").Dot("name")),
	)
}

// lifecycleCall emits call, svcGuard, the error types, hooks and the
// failure helpers.
func lifecycleCall(f *jen.File) {
	a := jen.Id("a").Op("*").Id("svcApp")
	f.Line()
	f.Comment("call runs one step on its own goroutine, so that a step ignoring its context")
	f.Comment("still ends at its deadline (the goroutine is abandoned; the process exits")
	f.Comment("soon after), and turns a panic into a *svcPanic error with the stack.")
	f.Func().Params(a).Id("call").Params(ctxParam(), jen.Id("step").Func().Params(ctxType()).Error()).Error().Block(
		jen.Id("done").Op(":=").Make(jen.Chan().Error(), jen.Lit(1)),
		jen.Go().Func().Params().Block(
			jen.Id("done").Op("<-").Id("svcGuard").Call(jen.Func().Params().Error().Block(
				jen.Return(jen.Id("step").Call(jen.Id("ctx"))),
			)),
		).Call(),
		jen.Select().Block(
			jen.Case(jen.Err().Op(":=").Op("<-").Id("done")).Block(
				jen.If(jen.Err().Op("!=").Nil().Op("&&").Id("ctx").Dot("Err").Call().Op("!=").Nil().Op("&&").Qual("errors", "Is").Call(jen.Err(), jen.Id("ctx").Dot("Err").Call())).Block(
					jen.Comment("The step gave up because of its deadline: say which budget."),
					jen.Return(jen.Qual("context", "Cause").Call(jen.Id("ctx"))),
				),
				jen.Return(jen.Err()),
			),
			jen.Case(jen.Op("<-").Id("ctx").Dot("Done").Call()).Block(
				jen.Return(jen.Qual("context", "Cause").Call(jen.Id("ctx"))),
			),
		),
	)
	f.Line()
	f.Comment("svcGuard runs fn and turns a panic into a *svcPanic error.")
	f.Func().Id("svcGuard").Params(jen.Id("fn").Func().Params().Error()).Params(jen.Err().Error()).Block(
		jen.Defer().Func().Params().Block(
			jen.If(jen.Id("p").Op(":=").Recover(), jen.Id("p").Op("!=").Nil()).Block(
				jen.Err().Op("=").Op("&").Id("svcPanic").Values(jen.Id("value").Op(":").Id("p"), jen.Id("stack").Op(":").Qual("runtime/debug", "Stack").Call()),
			),
		).Call(),
		jen.Return(jen.Id("fn").Call()),
	)
	f.Line()
	f.Comment("svcPanic is a panic recovered from user or resource code.")
	f.Type().Id("svcPanic").Struct(
		jen.Id("value").Any(),
		jen.Id("stack").Index().Byte(),
	)
	f.Line()
	f.Func().Params(jen.Id("p").Op("*").Id("svcPanic")).Id("Error").Params().String().Block(
		jen.Return(jen.Qual("fmt", "Sprintf").Call(jen.Lit("panic: %v"), jen.Id("p").Dot("value"))),
	)
	f.Line()
	f.Comment("svcTimeout is the cause of a context whose budget ran out: which step,")
	f.Comment("which budget (0: the whole stop budget, reserve included).")
	f.Type().Id("svcTimeout").Struct(
		jen.Id("step").String(),
		jen.Id("budget").Add(durType()),
	)
	f.Line()
	f.Func().Params(jen.Id("t").Op("*").Id("svcTimeout")).Id("Error").Params().String().Block(
		jen.If(jen.Id("t").Dot("budget").Op("==").Lit(0)).Block(
			jen.Return(jen.Id("t").Dot("step").Op("+").Lit(" budget spent")),
		),
		jen.Return(jen.Qual("fmt", "Sprintf").Call(jen.Lit("%s timed out after %s"), jen.Id("t").Dot("step"), jen.Id("t").Dot("budget"))),
	)
	f.Line()
	f.Comment("svcFaultCode is the exit code for a failure: a panic is always 6, a")
	f.Comment("timeout or error the code given.")
	f.Func().Id("svcFaultCode").Params(jen.Err().Error(), jen.Id("code").Int()).Int().Block(
		jen.Var().Id("p").Op("*").Id("svcPanic"),
		jen.If(jen.Qual("errors", "As").Call(jen.Err(), jen.Op("&").Id("p"))).Block(jen.Return(jen.Id("svcExitPanic"))),
		jen.Return(jen.Id("code")),
	)
	f.Line()
	f.Comment("stepFailed records a failed stop step: a missed budget makes the exit code")
	f.Comment("4, a panic 6; an error alone is in the log and leaves the code as it is.")
	f.Func().Params(a).Id("stepFailed").Params(jen.Err().Error(), jen.Id("code").Int()).Block(
		jen.Var().Id("t").Op("*").Id("svcTimeout"),
		jen.Var().Id("p").Op("*").Id("svcPanic"),
		jen.Switch().Block(
			jen.Case(jen.Qual("errors", "As").Call(jen.Err(), jen.Op("&").Id("p"))).Block(
				jen.Id("a").Dot("fault").Call(jen.Id("svcExitPanic"), jen.Err().Dot("Error").Call()),
			),
			jen.Case(jen.Qual("errors", "As").Call(jen.Err(), jen.Op("&").Id("t"))).Block(
				jen.Id("a").Dot("overran").Dot("Store").Call(jen.True()),
			),
			jen.Case(jen.Id("code").Op("!=").Lit(0)).Block(
				jen.Id("a").Dot("fault").Call(jen.Id("code"), jen.Err().Dot("Error").Call()),
			),
		),
	)
	f.Line()
	f.Comment("logFailure logs a failed step; a panic with its stack.")
	f.Func().Params(a).Id("logFailure").Params(jen.Id("msg"), jen.Id("resource").String(), jen.Err().Error()).Block(
		jen.Id("attrs").Op(":=").Index().Any().Values(jen.Lit("err"), jen.Err()),
		jen.If(jen.Id("resource").Op("!=").Lit("")).Block(
			jen.Id("attrs").Op("=").Append(jen.Index().Any().Values(jen.Lit("resource"), jen.Id("resource")), jen.Id("attrs").Op("...")),
		),
		jen.Var().Id("p").Op("*").Id("svcPanic"),
		jen.If(jen.Qual("errors", "As").Call(jen.Err(), jen.Op("&").Id("p"))).Block(
			jen.Id("attrs").Op("=").Append(jen.Id("attrs"), jen.Lit("stack"), jen.String().Call(jen.Id("p").Dot("stack"))),
		),
		jen.Id("a").Dot("log").Dot("Error").Call(jen.Id("msg"), jen.Id("attrs").Op("...")),
	)
	f.Line()
	f.Comment("svcHook is a user function run at a lifecycle point ([hooks] of the spec).")
	f.Type().Id("svcHook").Struct(
		jen.Id("name").String(),
		jen.Id("fn").Func().Params(ctxType()).Error(),
	)
	f.Line()
	f.Comment("Reload runs the reload hook while the service is ready, within the start")
	f.Comment("budget. A failure is logged and the service keeps running as it was; a")
	f.Comment("panic stops it (exit 6).")
	f.Func().Params(a).Id("Reload").Params().Block(
		jen.If(jen.Id("a").Dot("reloadHook").Op("==").Nil().Op("||").Id("a").Dot("phase").Dot("Load").Call().Op("!=").Id("svcPhaseReady")).Block(
			jen.Return(),
		),
		jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("reloading")),
		jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual("context", "WithTimeoutCause").Call(
			jen.Qual("context", "Background").Call(), jen.Id("svcTimeoutStart"),
			jen.Op("&").Id("svcTimeout").Values(jen.Id("step").Op(":").Lit("reload"), jen.Id("budget").Op(":").Id("svcTimeoutStart")),
		),
		jen.Defer().Id("cancel").Call(),
		jen.If(jen.Err().Op(":=").Id("a").Dot("call").Call(jen.Id("ctx"), jen.Id("a").Dot("reloadHook")), errNotNil()).Block(
			jen.Id("a").Dot("logFailure").Call(jen.Lit("reload failed"), jen.Lit(""), jen.Err()),
			jen.If(jen.Id("svcFaultCode").Call(jen.Err(), jen.Id("svcExitOK")).Op("==").Id("svcExitPanic")).Block(
				jen.Id("a").Dot("fault").Call(jen.Id("svcExitPanic"), jen.Lit("panic in the reload hook")),
			),
			jen.Return(),
		),
		jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("reloaded")),
	)
	f.Line()
	f.Comment("runHooks runs hooks in spec order and stops at the first failure.")
	f.Func().Params(a).Id("runHooks").Params(ctxParam(), jen.Id("point").String(), jen.Id("hooks").Index().Id("svcHook")).Error().Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("h")).Op(":=").Range().Id("hooks")).Block(
			jen.Id("a").Dot("log").Dot("Info").Call(jen.Lit("hook"), jen.Lit("point"), jen.Id("point"), jen.Lit("hook"), jen.Id("h").Dot("name")),
			jen.If(jen.Err().Op(":=").Id("a").Dot("call").Call(jen.Id("ctx"), jen.Id("h").Dot("fn")), errNotNil()).Block(
				jen.Err().Op("=").Qual("fmt", "Errorf").Call(jen.Lit("%s hook %s: %w"), jen.Id("point"), jen.Id("h").Dot("name"), jen.Err()),
				jen.Id("a").Dot("logFailure").Call(jen.Lit("hook failed"), jen.Lit(""), jen.Err()),
				jen.Return(jen.Err()),
			),
			jen.Id("a").Dot("progress").Call(jen.Id("point").Op("+").Lit(" hook ").Op("+").Id("h").Dot("name")),
		),
		jen.Return(jen.Nil()),
	)
}
