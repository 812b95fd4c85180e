package generator

import (
	"bytes"
	"text/template"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/templates"
)

// emitService writes the Windows Service Control Manager front door:
// svcgen_verbs_windows.go (the platform verbs of svcgen_cli.go's seam) and
// svcgen_service_windows.go (svc.Run and the svc.Handler that drives the
// engine). Rules it follows are the ones of notes on x/sys/windows/svc:
// svc.Run is reached at once, the control channel is served the whole
// time, pending states carry a CheckPoint that rises only with real
// progress, and a failure is a service-specific exit code, never os.Exit.
func emitService(g *Context) error {
	s := g.Spec
	w := s.Windows
	g.DurationConst("[windows]", "svcWindowsPreshutdown", w.Preshutdown,
		"the whole stop when the SCM sends PreShutdown (the machine goes down)")
	g.Const("[windows]", "svcWindowsEventLog", jen.Lit(w.EventLog), "lifecycle events to the Application event log")

	emitVerbsWindows(g)
	emitVerbsOther(g)

	f := g.NewFile("svcgen_service_windows.go", "")
	serviceRun(f)
	serviceHandler(f, s.Hooks.Reload != "")
	serviceStatus(f, s.Hooks.Reload != "")
	serviceEvents(f)
	return nil
}

// emitVerbsWindows writes svcgen_verbs_windows.go: svcPlatformVerb and
// svcPlatformUsage for Windows.
func emitVerbsWindows(g *Context) {
	f := g.NewFile("svcgen_verbs_windows.go", "")
	f.Comment("svcPlatformVerb handles the Service Control Manager's verbs. The SCM starts")
	f.Comment("the binary as `<exe> service`, the command line install registers: the mode")
	f.Comment("is explicit because svc.IsWindowsService can be wrong (it is false under")
	f.Comment("Wine, and a service that never calls svc.Run fails to start with 1053).")
	f.Func().Id("svcPlatformVerb").Params(jen.Id("verb").String(), jen.Id("args").Index().String()).Params(jen.Id("code").Int(), jen.Id("handled").Bool()).Block(
		jen.Switch(jen.Id("verb")).Block(
			jen.Case(jen.Lit("service")).Block(jen.Return(jen.Id("svcRunService").Call(jen.Id("args")), jen.True())),
			jen.Case(jen.Lit("install")).Block(jen.Return(jen.Id("svcInstall").Call(jen.Id("args")), jen.True())),
			jen.Case(jen.Lit("uninstall")).Block(jen.Return(jen.Id("svcUninstall").Call(jen.Id("args")), jen.True())),
			jen.Case(jen.Lit("start")).Block(jen.Return(jen.Id("svcStart").Call(jen.Id("args")), jen.True())),
			jen.Case(jen.Lit("stop")).Block(jen.Return(jen.Id("svcStopVerb").Call(jen.Id("args")), jen.True())),
			jen.Case(jen.Lit("status")).Block(jen.Return(jen.Id("svcStatusVerb").Call(jen.Id("args")), jen.True())),
			jen.Case(jen.Lit("")).Block(
				jen.Comment("No verb: a binary registered by hand without the service argument."),
				jen.Comment("svc.IsWindowsService is the fallback, not the rule."),
				jen.If(jen.List(jen.Id("is"), jen.Err()).Op(":=").Qual("golang.org/x/sys/windows/svc", "IsWindowsService").Call(), jen.Err().Op("==").Nil().Op("&&").Id("is")).Block(
					jen.Return(jen.Id("svcRunService").Call(jen.Nil()), jen.True()),
				),
			),
		),
		jen.Return(jen.Lit(0), jen.False()),
	)
	f.Line()
	f.Comment("svcPlatformUsage lists the Service Control Manager verbs for help.")
	f.Func().Id("svcPlatformUsage").Params().String().Block(
		jen.Return(jen.Lit("  service    run under the Service Control Manager (the command line install registers)\n" +
			"  install    register the service with the SCM, or update its registration [-name NAME]\n" +
			"  uninstall  stop and remove the service and its event log source [-name NAME]\n" +
			"  start      start the service and wait until it runs [-name NAME]\n" +
			"  stop       stop the service and wait until it stopped [-name NAME]\n" +
			"  status     print the service's state [-name NAME]\n")),
	)
}

// emitVerbsOther writes svcgen_verbs_other.go: on other OSes the Service
// Control Manager verbs say what they are and what to do instead.
func emitVerbsOther(g *Context) {
	f := g.NewFile("svcgen_verbs_other.go", "!windows")
	f.Comment("svcPlatformVerb answers the Windows Service Control Manager's verbs: they do")
	f.Comment("nothing here, and say so instead of pretending. A service manager (systemd,")
	f.Comment("a container runtime) runs `<exe> run` and stops it with SIGTERM; on Linux")
	f.Comment("install and uninstall write the systemd unit (svcgen_systemd_linux.go).")
	f.Func().Id("svcPlatformVerb").Params(jen.Id("verb").String(), jen.Id("args").Index().String()).Params(jen.Id("code").Int(), jen.Id("handled").Bool()).Block(
		jen.Var().Id("msg").String(),
		jen.Switch(jen.Id("verb")).Block(
			jen.Case(jen.Lit("service")).Block(
				jen.Id("msg").Op("=").Lit("service runs under the Windows Service Control Manager; here a service manager runs `%[1]s run` and stops it with SIGTERM"),
			),
			jen.Case(jen.Lit("install"), jen.Lit("uninstall")).Block(
				jen.Comment("On Linux svcSystemdVerb (svcgen_systemd_linux.go) takes these first."),
				jen.Id("msg").Op("=").Lit("%[2]s registers the service with Windows' Service Control Manager or with systemd on Linux; on this OS start `%[1]s run` from your service manager (SIGTERM stops it in order)"),
			),
			jen.Case(jen.Lit("start"), jen.Lit("stop"), jen.Lit("status")).Block(
				jen.Id("msg").Op("=").Lit("%[2]s talks to Windows' Service Control Manager; here ask the service manager that runs `%[1]s run` (e.g. systemctl %[2]s %[1]s)"),
			),
			jen.Default().Block(jen.Return(jen.Lit(0), jen.False())),
		),
		jen.Qual("fmt", "Fprintf").Call(jen.Qual("os", "Stderr"), jen.Id("svcServiceName").Op("+").Lit(": ").Op("+").Id("msg").Op("+").Lit("\n"), jen.Id("svcServiceName"), jen.Id("verb")),
		jen.Return(jen.Id("svcExitUsage"), jen.True()),
	)
	f.Line()
	f.Comment("svcPlatformUsage lists the platform verbs for help: none here.")
	f.Func().Id("svcPlatformUsage").Params().String().Block(jen.Return(jen.Lit("")))
}

// serviceRun emits svcRunService.
func serviceRun(f *jen.File) {
	f.Comment("svcRunService is the SCM front door. svc.Run comes first: the SCM waits only")
	f.Comment("ServicesPipeTimeout (30 s by default) for the process to connect, so even")
	f.Comment("the logger and the node table are built inside Execute, after it connected.")
	f.Func().Id("svcRunService").Params(jen.Id("args").Index().String()).Int().Block(
		jen.If(jen.Len(jen.Id("args")).Op(">").Lit(0)).Block(
			jen.Qual("fmt", "Fprintf").Call(jen.Qual("os", "Stderr"), jen.Lit("%s: service takes no arguments, got %q\n"), jen.Id("svcServiceName"), jen.Id("args")),
			jen.Return(jen.Id("svcExitUsage")),
		),
		jen.Id("h").Op(":=").Op("&").Id("svcHandler").Values(),
		jen.Comment("The name is ignored for a service in its own process; Execute learns the"),
		jen.Comment("name the SCM started it under from its first argument."),
		jen.If(jen.Err().Op(":=").Qual("golang.org/x/sys/windows/svc", "Run").Call(jen.Id("svcServiceName"), jen.Id("h")), errNotNil()).Block(
			jen.Qual("fmt", "Fprintf").Call(jen.Qual("os", "Stderr"), jen.Lit("%s: service: %v (the Service Control Manager starts this verb; in a console use run)\n"), jen.Id("svcServiceName"), jen.Err()),
			jen.Return(jen.Id("svcExitStartFailed")),
		),
		jen.Comment("The SCM already has the exit code (STOPPED was reported when Execute"),
		jen.Comment("returned); the process's own code only matters to a debugger."),
		jen.Return(jen.Id("h").Dot("code")),
	)
}

// serviceHandler emits svcHandler and its Execute.
func serviceHandler(f *jen.File, reload bool) {
	f.Line()
	f.Comment("svcHandler is the svc.Handler: Execute runs the engine on its own goroutine")
	f.Comment("and keeps serving the control channel, because the SCM's dispatcher blocks")
	f.Comment("while Execute does not read it (and a control handler must answer in 30 s).")
	f.Type().Id("svcHandler").Struct(
		jen.Id("code").Int().Comment("the engine's exit code, for svcRunService"),
	)

	stopCase := jen.Case(svcQ("Stop"), svcQ("Shutdown"), svcQ("PreShutdown")).Block(
		jen.List(jen.Id("kind"), jen.Id("budget"), jen.Id("reason")).Op(":=").Id("svcStopOf").Call(jen.Id("c").Dot("Cmd")),
		jen.If(jen.Id("kind").Op("==").Id("svcStopShutdown")).Block(
			jen.Comment("PreShutdown and Shutdown are both an OS shutdown, with different budgets."),
			jen.Id("app").Dot("mu").Dot("Lock").Call(),
			jen.Id("app").Dot("shutdownBudget").Op("=").Id("budget"),
			jen.Id("app").Dot("mu").Dot("Unlock").Call(),
		),
		jen.If(jen.Id("app").Dot("Stop").Call(jen.Id("kind"), jen.Id("reason"))).Block(
			jen.Comment("A second stop request while the first one runs (the SCM only sends"),
			jen.Comment("one while the service accepts it): exit now, as a second Ctrl-C does."),
			jen.Comment("The engine's goroutine dies with the process right after."),
			jen.Id("log").Dot("Error").Call(jen.Lit("stopped"), jen.Lit("code"), jen.Id("svcExitForced"), jen.Lit("reason"), jen.Lit("second stop request: ").Op("+").Id("reason")),
			jen.Id("flush").Call(),
			jen.Id("h").Dot("code").Op("=").Id("svcExitForced"),
			jen.Id("events").Dot("stopped").Call(jen.Id("svcExitForced"), jen.Lit("second stop request: ").Op("+").Id("reason")),
			jen.Return(jen.True(), jen.Id("svcExitForced")),
		),
	)
	cases := []jen.Code{
		jen.Case(svcQ("Interrogate")).Block(
			jen.Comment("Answered with the last status sent, twice, as the x/sys example does"),
			jen.Comment("(a regression test for a deadlock in the dispatcher)."),
			jen.Id("changes").Op("<-").Id("c").Dot("CurrentStatus"),
			jen.Id("changes").Op("<-").Id("c").Dot("CurrentStatus"),
		),
		stopCase,
	}
	if reload {
		cases = append(cases, jen.Case(svcQ("ParamChange")).Block(
			jen.Comment("The reload hook runs on its own goroutine: the channel stays served."),
			jen.Go().Id("app").Dot("Reload").Call(),
		))
	}
	cases = append(cases, jen.Default().Block(
		jen.Id("log").Dot("Warn").Call(jen.Lit("unexpected service control"), jen.Lit("control"), jen.Id("c").Dot("Cmd")),
	))

	f.Line()
	f.Comment("Execute runs the whole life of the service under the SCM. It returns the")
	f.Comment("exit code and x/sys reports STOPPED with it; nothing runs after that (the")
	f.Comment("SCM may end the process once it is STOPPED), so the log flush and the event")
	f.Comment("log close happen here, before returning, and there is no os.Exit here.")
	f.Func().Params(jen.Id("h").Op("*").Id("svcHandler")).Id("Execute").Params(
		jen.Id("args").Index().String(),
		jen.Id("requests").Op("<-").Chan().Add(svcQ("ChangeRequest")),
		jen.Id("changes").Chan().Op("<-").Add(svcQ("Status")),
	).Params(jen.Bool(), jen.Uint32()).Block(
		jen.Id("name").Op(":=").Id("svcServiceName"),
		jen.If(jen.Len(jen.Id("args")).Op(">").Lit(0).Op("&&").Id("args").Index(jen.Lit(0)).Op("!=").Lit("")).Block(
			jen.Id("name").Op("=").Id("args").Index(jen.Lit(0)).Comment("the name the SCM knows (install -name)"),
		),
		jen.Id("st").Op(":=").Id("svcNewSCMStatus").Call(),
		jen.Comment("First report at once: START_PENDING with a hint as long as the start budget."),
		jen.Id("changes").Op("<-").Id("st").Dot("current").Call(),
		jen.Line(),
		jen.List(jen.Id("log"), jen.Id("flush")).Op(":=").Id("svcNewLogger").Call(),
		jen.Id("events").Op(":=").Id("svcOpenEvents").Call(jen.Id("name")),
		jen.Defer().Id("events").Dot("close").Call(),
		jen.Id("log").Op("=").Id("events").Dot("tee").Call(jen.Id("log")),
		jen.Id("app").Op(":=").Id("svcNewApp").Call(jen.Id("log"), jen.Id("flush")),
		jen.Comment("The engine calls these on its goroutine; they only record the state and"),
		jen.Comment("wake the loop below, the one goroutine that talks to the SCM."),
		jen.Id("app").Dot("progress").Op("=").Func().Params(jen.String()).Block(jen.Id("st").Dot("step").Call()),
		jen.Id("app").Dot("ready").Op("=").Func().Params().Block(
			jen.Id("st").Dot("enter").Call(svcQ("Running"), jen.Lit(0)),
			jen.Id("events").Dot("info").Call(jen.Id("svcEventReady"), jen.Id("name").Op("+").Lit(" is ready")),
		),
		jen.Id("app").Dot("stopping").Op("=").Func().Params(jen.Id("budget").Add(durType())).Block(
			jen.Id("st").Dot("enter").Call(svcQ("StopPending"), jen.Id("budget")),
			jen.Id("events").Dot("info").Call(jen.Id("svcEventStopping"), jen.Id("name").Op("+").Lit(" is stopping: ").Op("+").Id("app").Dot("stopReason").Call()),
		),
		jen.Id("events").Dot("info").Call(jen.Id("svcEventStarting"), jen.Id("name").Op("+").Lit(" is starting, version ").Op("+").Id("svcVersion")),
		jen.Id("done").Op(":=").Make(jen.Chan().Int(), jen.Lit(1)),
		jen.Go().Func().Params().Block(jen.Id("done").Op("<-").Id("app").Dot("run").Call()).Call(),
		jen.Line(),
		jen.For().Block(
			jen.Select().Block(
				jen.Case(jen.Id("code").Op(":=").Op("<-").Id("done")).Block(
					jen.Id("h").Dot("code").Op("=").Id("code"),
					jen.Id("events").Dot("stopped").Call(jen.Id("code"), jen.Id("app").Dot("stopReason").Call()),
					jen.If(jen.Id("code").Op("==").Id("svcExitOK")).Block(jen.Return(jen.False(), jen.Lit(0))),
					jen.Comment("ERROR_SERVICE_SPECIFIC_ERROR with the exit code: `sc query` shows it"),
					jen.Comment("and recovery actions fire (with recovery_on_non_crash)."),
					jen.Return(jen.True(), jen.Uint32().Call(jen.Id("code"))),
				),
				jen.Case(jen.Op("<-").Id("st").Dot("changed")).Block(
					jen.Id("changes").Op("<-").Id("st").Dot("current").Call(),
				),
				jen.Case(jen.Id("c").Op(":=").Op("<-").Id("requests")).Block(
					jen.Switch(jen.Id("c").Dot("Cmd")).Block(cases...),
				),
			),
		),
	)
	f.Line()
	f.Comment("svcStopOf maps an SCM control to a stop: Stop is a full stop with")
	f.Comment("drain_delay; PreShutdown gets windows.preshutdown, the time the SCM was told")
	f.Comment("to wait at install; a plain Shutdown gets timeouts.shutdown (Windows allows")
	f.Comment("a few seconds). Both skip drain_delay: nobody routes traffic to a machine")
	f.Comment("that is going down.")
	f.Func().Id("svcStopOf").Params(jen.Id("cmd").Add(svcQ("Cmd"))).Params(jen.Id("svcStopKind"), durType(), jen.String()).Block(
		jen.Switch(jen.Id("cmd")).Block(
			jen.Case(svcQ("PreShutdown")).Block(jen.Return(jen.Id("svcStopShutdown"), jen.Id("svcWindowsPreshutdown"), jen.Lit("SCM preshutdown"))),
			jen.Case(svcQ("Shutdown")).Block(jen.Return(jen.Id("svcStopShutdown"), jen.Id("svcTimeoutShutdown"), jen.Lit("SCM shutdown"))),
		),
		jen.Return(jen.Id("svcStopRequested"), jen.Id("svcTimeoutStop"), jen.Lit("SCM stop")),
	)
}

// serviceStatus emits svcSCMStatus: the status the loop reports.
func serviceStatus(f *jen.File, reload bool) {
	accepts := svcQ("AcceptStop").Op("|").Add(svcQ("AcceptShutdown")).Op("|").Add(svcQ("AcceptPreShutdown"))
	f.Line()
	f.Comment("svcAccepts are the controls the service takes. PreShutdown comes before")
	f.Comment("Shutdown and waits up to windows.preshutdown, where Shutdown allows seconds.")
	if reload {
		f.Comment("ParamChange runs the reload hook.")
		accepts = accepts.Op("|").Add(svcQ("AcceptParamChange"))
	}
	f.Const().Id("svcAccepts").Op("=").Add(accepts)
	s := jen.Id("s").Op("*").Id("svcSCMStatus")
	f.Line()
	f.Comment("svcSCMStatus is the state the SCM is told. The engine's callbacks change it")
	f.Comment("and wake the Execute loop through changed; several changes in a row are")
	f.Comment("reported as one, never out of order, and the engine never waits on the SCM.")
	f.Type().Id("svcSCMStatus").Struct(
		jen.Id("mu").Qual("sync", "Mutex"),
		jen.Id("state").Add(svcQ("State")),
		jen.Comment("checkPoint rises with every real step of the start or the stop (an"),
		jen.Comment("opened resource, a drained server, a closed resource): the SCM treats a"),
		jen.Comment("pending service whose CheckPoint stands still past WaitHint as hung."),
		jen.Id("checkPoint").Uint32(),
		jen.Id("deadline").Qual("time", "Time").Comment("end of the budget of the current pending state"),
		jen.Id("changed").Chan().Struct(),
	)
	f.Line()
	f.Func().Id("svcNewSCMStatus").Params().Op("*").Id("svcSCMStatus").Block(
		jen.Return(jen.Op("&").Id("svcSCMStatus").ValuesFunc(fields(
			jen.Id("state"), svcQ("StartPending"),
			jen.Id("checkPoint"), jen.Lit(1),
			jen.Id("deadline"), jen.Qual("time", "Now").Call().Dot("Add").Call(jen.Id("svcTimeoutStart")),
			jen.Id("changed"), jen.Make(jen.Chan().Struct(), jen.Lit(1)),
		))),
	)
	f.Line()
	f.Comment("enter moves to a new state; a pending one ends within budget.")
	f.Func().Params(s).Id("enter").Params(jen.Id("state").Add(svcQ("State")), jen.Id("budget").Add(durType())).Block(
		jen.Id("s").Dot("mu").Dot("Lock").Call(),
		jen.List(jen.Id("s").Dot("state"), jen.Id("s").Dot("checkPoint"), jen.Id("s").Dot("deadline")).Op("=").List(
			jen.Id("state"), jen.Lit(1), jen.Qual("time", "Now").Call().Dot("Add").Call(jen.Id("budget"))),
		jen.If(jen.Id("state").Op("==").Add(svcQ("Running"))).Block(
			jen.Id("s").Dot("checkPoint").Op("=").Lit(0).Comment("CheckPoint is 0 outside pending states"),
		),
		jen.Id("s").Dot("mu").Dot("Unlock").Call(),
		jen.Id("s").Dot("wake").Call(),
	)
	f.Line()
	f.Comment("step records one step of progress in a pending state.")
	f.Func().Params(s).Id("step").Params().Block(
		jen.Id("s").Dot("mu").Dot("Lock").Call(),
		jen.If(jen.Id("s").Dot("state").Op("!=").Add(svcQ("Running"))).Block(
			jen.Id("s").Dot("checkPoint").Op("++"),
		),
		jen.Id("s").Dot("mu").Dot("Unlock").Call(),
		jen.Id("s").Dot("wake").Call(),
	)
	f.Line()
	f.Func().Params(s).Id("wake").Params().Block(
		jen.Select().Block(
			jen.Case(jen.Id("s").Dot("changed").Op("<-").Struct().Values()).Block(),
			jen.Default().Block(jen.Comment("a wake-up is pending: it reports the latest state")),
		),
	)
	f.Line()
	f.Comment("current is the status to report. Stop, Shutdown and PreShutdown are accepted")
	f.Comment("while starting (a stop aborts the warmup) and once running, not while")
	f.Comment("stopping. WaitHint is what is left of the budget of the pending state: the")
	f.Comment("engine ends every step by that deadline, so the next report never comes")
	f.Comment("later than the hint; one more second covers the report itself.")
	f.Func().Params(s).Id("current").Params().Add(svcQ("Status")).Block(
		jen.Id("s").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("s").Dot("mu").Dot("Unlock").Call(),
		jen.Id("st").Op(":=").Add(svcQ("Status")).Values(jen.Id("State").Op(":").Id("s").Dot("state"), jen.Id("CheckPoint").Op(":").Id("s").Dot("checkPoint")),
		jen.Switch(jen.Id("s").Dot("state")).Block(
			jen.Case(svcQ("StartPending"), svcQ("Running")).Block(
				jen.Id("st").Dot("Accepts").Op("=").Id("svcAccepts"),
			),
		),
		jen.If(jen.Id("s").Dot("state").Op("!=").Add(svcQ("Running"))).Block(
			jen.Id("hint").Op(":=").Qual("time", "Until").Call(jen.Id("s").Dot("deadline")).Op("+").Qual("time", "Second"),
			jen.Id("st").Dot("WaitHint").Op("=").Uint32().Call(jen.Max(jen.Id("hint"), jen.Qual("time", "Second")).Op("/").Qual("time", "Millisecond")),
		),
		jen.Return(jen.Id("st")),
	)
}

// serviceEvents emits the Event Log reporter: lifecycle events and error
// log records, when windows.event_log is set.
func serviceEvents(f *jen.File) {
	elQ := func(name string) *jen.Statement { return jen.Qual("golang.org/x/sys/windows/svc/eventlog", name) }
	e := jen.Id("e").Op("*").Id("svcEvents")
	f.Line()
	f.Comment("Event IDs of the lifecycle events; a failure is svcEventFailed plus the exit")
	f.Comment("code, so an event filter can pick one kind of failure.")
	f.Const().Defs(
		jen.Id("svcEventStarting").Op("=").Lit(1),
		jen.Id("svcEventReady").Op("=").Lit(2),
		jen.Id("svcEventStopping").Op("=").Lit(3),
		jen.Id("svcEventStopped").Op("=").Lit(4),
		jen.Id("svcEventError").Op("=").Lit(10).Comment("an error record of the log"),
		jen.Id("svcEventFailed").Op("=").Lit(100),
	)
	f.Line()
	f.Comment("svcEvents writes to the Application event log under the service's name (the")
	f.Comment("source install registers). A nil *svcEvents writes nothing: event_log is off")
	f.Comment("or the log could not be opened, which must not stop the service.")
	f.Type().Id("svcEvents").Struct(jen.Id("log").Op("*").Add(elQ("Log")))
	f.Line()
	f.Func().Id("svcOpenEvents").Params(jen.Id("name").String()).Op("*").Id("svcEvents").Block(
		jen.If(jen.Op("!").Id("svcWindowsEventLog")).Block(jen.Return(jen.Nil())),
		jen.List(jen.Id("l"), jen.Err()).Op(":=").Add(elQ("Open")).Call(jen.Id("name")),
		jen.If(errNotNil()).Block(jen.Return(jen.Nil())),
		jen.Return(jen.Op("&").Id("svcEvents").Values(jen.Id("log").Op(":").Id("l"))),
	)
	f.Line()
	f.Func().Params(e).Id("close").Params().Block(
		jen.If(jen.Id("e").Op("!=").Nil()).Block(jen.Id("e").Dot("log").Dot("Close").Call()),
	)
	f.Line()
	f.Func().Params(e).Id("info").Params(jen.Id("id").Uint32(), jen.Id("msg").String()).Block(
		jen.If(jen.Id("e").Op("!=").Nil()).Block(jen.Id("e").Dot("log").Dot("Info").Call(jen.Id("id"), jen.Id("msg"))),
	)
	f.Line()
	f.Comment("stopped reports the end: Info for a clean stop, Error with the exit code")
	f.Comment("and the reason otherwise.")
	f.Func().Params(e).Id("stopped").Params(jen.Id("code").Int(), jen.Id("reason").String()).Block(
		jen.If(jen.Id("e").Op("==").Nil()).Block(jen.Return()),
		jen.If(jen.Id("code").Op("==").Id("svcExitOK")).Block(
			jen.Id("e").Dot("log").Dot("Info").Call(jen.Id("svcEventStopped"), jen.Lit("stopped: ").Op("+").Id("reason")),
			jen.Return(),
		),
		jen.Id("e").Dot("log").Dot("Error").Call(jen.Id("svcEventFailed").Op("+").Uint32().Call(jen.Id("code")), jen.Qual("fmt", "Sprintf").Call(jen.Lit("failed with exit code %d: %s"), jen.Id("code"), jen.Id("reason"))),
	)
	f.Line()
	f.Comment("tee sends the log's error records to the event log too: they carry the")
	f.Comment("reason of a failure (which resource, which error) where an operator looks.")
	f.Func().Params(e).Id("tee").Params(jen.Id("log").Op("*").Qual("log/slog", "Logger")).Op("*").Qual("log/slog", "Logger").Block(
		jen.If(jen.Id("e").Op("==").Nil()).Block(jen.Return(jen.Id("log"))),
		jen.Return(jen.Qual("log/slog", "New").Call(jen.Op("&").Id("svcEventHandler").Values(jen.Id("Handler").Op(":").Id("log").Dot("Handler").Call(), jen.Id("events").Op(":").Id("e")))),
	)
	f.Line()
	f.Comment("svcEventHandler is a slog.Handler that copies error records to the event log.")
	f.Type().Id("svcEventHandler").Struct(
		jen.Qual("log/slog", "Handler"),
		jen.Id("events").Op("*").Id("svcEvents"),
		jen.Id("attrs").Index().Qual("log/slog", "Attr"),
	)
	f.Line()
	h := jen.Id("h").Op("*").Id("svcEventHandler")
	f.Func().Params(h).Id("Handle").Params(ctxParam(), jen.Id("r").Qual("log/slog", "Record")).Error().Block(
		jen.If(jen.Id("r").Dot("Level").Op(">=").Qual("log/slog", "LevelError")).Block(
			jen.Var().Id("b").Qual("strings", "Builder"),
			jen.Id("b").Dot("WriteString").Call(jen.Id("r").Dot("Message")),
			jen.Id("add").Op(":=").Func().Params(jen.Id("a").Qual("log/slog", "Attr")).Bool().Block(
				jen.Qual("fmt", "Fprintf").Call(jen.Op("&").Id("b"), jen.Lit(" %s=%v"), jen.Id("a").Dot("Key"), jen.Id("a").Dot("Value")),
				jen.Return(jen.True()),
			),
			jen.For(jen.List(jen.Id("_"), jen.Id("a")).Op(":=").Range().Id("h").Dot("attrs")).Block(jen.Id("add").Call(jen.Id("a"))),
			jen.Id("r").Dot("Attrs").Call(jen.Id("add")),
			jen.Id("h").Dot("events").Dot("log").Dot("Error").Call(jen.Id("svcEventError"), jen.Id("b").Dot("String").Call()),
		),
		jen.Return(jen.Id("h").Dot("Handler").Dot("Handle").Call(jen.Id("ctx"), jen.Id("r"))),
	)
	f.Line()
	f.Func().Params(h).Id("WithAttrs").Params(jen.Id("attrs").Index().Qual("log/slog", "Attr")).Qual("log/slog", "Handler").Block(
		jen.Return(jen.Op("&").Id("svcEventHandler").Values(
			jen.Id("Handler").Op(":").Id("h").Dot("Handler").Dot("WithAttrs").Call(jen.Id("attrs")),
			jen.Id("events").Op(":").Id("h").Dot("events"),
			jen.Id("attrs").Op(":").Append(jen.Qual("slices", "Clip").Call(jen.Id("h").Dot("attrs")), jen.Id("attrs").Op("...")),
		)),
	)
	f.Line()
	f.Func().Params(h).Id("WithGroup").Params(jen.Id("name").String()).Qual("log/slog", "Handler").Block(
		jen.Return(jen.Op("&").Id("svcEventHandler").Values(
			jen.Id("Handler").Op(":").Id("h").Dot("Handler").Dot("WithGroup").Call(jen.Id("name")),
			jen.Id("events").Op(":").Id("h").Dot("events"),
			jen.Id("attrs").Op(":").Id("h").Dot("attrs"),
		)),
	)
}

// emitBacklogWindows writes svcgen_backlog_windows.go: svcAcceptBacklog for
// Windows, where closing a listening socket resets the connections Winsock
// completed but the server had not accepted (their clients may have sent a
// request already). There is no non-blocking accept through the standard
// library, so the queue is taken with accepts under a short deadline; an
// accept that times out is not taken as proof that the queue is empty until
// Winsock itself (WSAPoll) says nothing is waiting.
func emitBacklogWindows(g *Context) {
	f := g.NewFile("svcgen_backlog_windows.go", "")
	f.Comment("svcBacklogGap ends the taking of the accept queue: nothing accepted for this")
	f.Comment("long, and nothing queued, means the queue is empty. The clients whose")
	f.Comment("connections were taken wait for their answers and do not reconnect, so the")
	f.Comment("loop ends after at most one connection per client; clients answered with")
	f.Comment("Connection: close meanwhile reconnect within it (20 ms lost requests under")
	f.Comment("Wine in 2 of 5 stops, 50 ms none in 6). An idle service pays it once.")
	f.Const().Id("svcBacklogGap").Op("=").Lit(50).Op("*").Qual("time", "Millisecond")
	f.Line()
	f.Comment("svcAcceptBacklog accepts every connection waiting in the accept queue of ln,")
	f.Comment("until the drain's deadline at the latest; the caller serves them and closes")
	f.Comment("ln. The deadline also ends the server's own Accept, which then waits for")
	f.Comment("these connections (svcListener.Accept).")
	f.Func().Id("svcAcceptBacklog").Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("ln").Qual("net", "Listener")).Index().Qual("net", "Conn").Block(
		jen.List(jen.Id("tl"), jen.Id("ok")).Op(":=").Id("ln").Assert(jen.Op("*").Qual("net", "TCPListener")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Nil())),
		jen.Var().Id("conns").Index().Qual("net", "Conn"),
		jen.For(jen.Id("ctx").Dot("Err").Call().Op("==").Nil()).Block(
			jen.Id("until").Op(":=").Qual("time", "Now").Call().Dot("Add").Call(jen.Id("svcBacklogGap")),
			jen.If(jen.List(jen.Id("d"), jen.Id("ok")).Op(":=").Id("ctx").Dot("Deadline").Call(), jen.Id("ok").Op("&&").Id("d").Dot("Before").Call(jen.Id("until"))).Block(
				jen.Id("until").Op("=").Id("d"),
			),
			jen.If(jen.Err().Op(":=").Id("tl").Dot("SetDeadline").Call(jen.Id("until")), errNotNil()).Block(
				jen.Return(jen.Id("conns")),
			),
			jen.List(jen.Id("c"), jen.Err()).Op(":=").Id("tl").Dot("Accept").Call(),
			jen.If(jen.Err().Op("==").Nil()).Block(
				jen.Id("conns").Op("=").Append(jen.Id("conns"), jen.Id("c")),
				jen.Continue(),
			),
			jen.Comment("An AcceptEx can stay pending past its deadline while connections are"),
			jen.Comment("queued (under load, Wine's Winsock did so in one stop in three, and"),
			jen.Comment("the close then reset every queued connection): ask Winsock."),
			jen.Var().Id("ne").Qual("net", "Error"),
			jen.If(jen.Op("!").Qual("errors", "As").Call(jen.Err(), jen.Op("&").Id("ne")).Op("||").Op("!").Id("ne").Dot("Timeout").Call().Op("||").Op("!").Id("svcQueued").Call(jen.Id("tl"))).Block(
				jen.Return(jen.Id("conns")),
			),
		),
		jen.Return(jen.Id("conns")),
	)
	f.Line()
	f.Comment("svcWSAPoll is ws2_32's WSAPoll, which x/sys/windows does not wrap.")
	f.Var().Id("svcWSAPoll").Op("=").Qual(pkgWindows, "NewLazySystemDLL").Call(jen.Lit("ws2_32.dll")).Dot("NewProc").Call(jen.Lit("WSAPoll"))
	f.Line()
	f.Comment("svcPollFD is a WSAPOLLFD; svcPollRdNorm (POLLRDNORM) on a listening socket")
	f.Comment("means a connection waits to be accepted.")
	f.Type().Id("svcPollFD").Struct(
		jen.Id("fd").Qual(pkgWindows, "Handle"),
		jen.Id("events").Int16(),
		jen.Id("revents").Int16(),
	)
	f.Line()
	f.Const().Id("svcPollRdNorm").Op("=").Lit(0x0100)
	f.Line()
	f.Comment("svcQueued reports whether a connection waits in the accept queue of tl, as")
	f.Comment("Winsock sees it at this instant (a zero timeout: it does not block).")
	f.Func().Id("svcQueued").Params(jen.Id("tl").Op("*").Qual("net", "TCPListener")).Bool().Block(
		jen.List(jen.Id("raw"), jen.Err()).Op(":=").Id("tl").Dot("SyscallConn").Call(),
		ifErrReturn(jen.False()),
		jen.Id("queued").Op(":=").False(),
		jen.Id("raw").Dot("Control").Call(jen.Func().Params(jen.Id("fd").Uintptr()).Block(
			jen.Id("p").Op(":=").Id("svcPollFD").Values(jen.Dict{
				jen.Id("fd"):     jen.Qual(pkgWindows, "Handle").Call(jen.Id("fd")),
				jen.Id("events"): jen.Id("svcPollRdNorm"),
			}),
			jen.List(jen.Id("n"), jen.Id("_"), jen.Id("_")).Op(":=").Id("svcWSAPoll").Dot("Call").Call(jen.Uintptr().Call(jen.Qual("unsafe", "Pointer").Call(jen.Op("&").Id("p"))), jen.Lit(1), jen.Lit(0)),
			jen.Id("queued").Op("=").Int32().Call(jen.Id("n")).Op(">").Lit(0).Op("&&").Id("p").Dot("revents").Op("&").Id("svcPollRdNorm").Op("!=").Lit(0),
		)),
		jen.Return(jen.Id("queued")),
	)
}

var windowsReadmeTemplate = template.Must(template.New("windows-README.md.tmpl").ParseFS(templates.FS, "windows-README.md.tmpl"))

// windowsReadme renders the Windows section of the generated README. It
// names the [windows] keys, not their values: those live once, in
// svcgen_config.go.
func windowsReadme(g *Context) (string, error) {
	var buf bytes.Buffer
	if err := windowsReadmeTemplate.Execute(&buf, map[string]any{"Name": g.Spec.Service.Name}); err != nil {
		return "", err
	}
	return buf.String(), nil
}
