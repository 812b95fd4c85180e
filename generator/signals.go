package generator

import (
	"github.com/dave/jennifer/jen"
)

// emitSignals writes the console front door (svcgen_console.go) and the
// signals that drive it on each OS.
func emitSignals(g *Context) error {
	reload := g.Spec.Hooks.Reload != ""
	f := g.NewFile("svcgen_console.go", "")
	f.Comment("svcRunConsole runs the service in the foreground: a stop signal stops it in")
	f.Comment("order, a second one exits at once with svcExitForced, flushing what it can.")
	f.Func().Id("svcRunConsole").Params().Int().Block(
		jen.List(jen.Id("log"), jen.Id("flush")).Op(":=").Id("svcNewLogger").Call(),
		jen.Id("app").Op(":=").Id("svcNewApp").Call(jen.Id("log"), jen.Id("flush")),
		jen.Id("svcSystemdDoor").Call(jen.Id("app")).Comment("READY=1, STOPPING=1, WATCHDOG=1 under systemd (svcgen_systemd_*.go)"),
		jen.Comment("Buffered: a signal that arrives while the previous one is handled is"),
		jen.Comment("kept, not dropped (os/signal does not block to deliver)."),
		jen.Id("sigs").Op(":=").Make(jen.Chan().Qual("os", "Signal"), jen.Lit(2)),
		jen.Qual("os/signal", "Notify").Call(jen.Id("sigs"), jen.Id("svcStopSignals").Call().Op("...")),
		jen.Defer().Qual("os/signal", "Stop").Call(jen.Id("sigs")),
		jen.Do(func(st *jen.Statement) {
			if !reload {
				return
			}
			st.Comment("The reload hook runs on its own goroutine: a stop signal during a")
			st.Line().Comment("reload is still served.")
			st.Line().Id("reload").Op(":=").Make(jen.Chan().Qual("os", "Signal"), jen.Lit(1))
			st.Line().Comment("Guarded: signal.Notify with no signals would relay every signal.")
			st.Line().If(jen.Id("rs").Op(":=").Id("svcReloadSignals").Call(), jen.Len(jen.Id("rs")).Op(">").Lit(0)).Block(
				jen.Qual("os/signal", "Notify").Call(jen.Id("reload"), jen.Id("rs").Op("...")),
			)
			st.Line().Defer().Qual("os/signal", "Stop").Call(jen.Id("reload"))
		}),
		jen.Id("done").Op(":=").Make(jen.Chan().Int(), jen.Lit(1)),
		jen.Go().Func().Params().Block(jen.Id("done").Op("<-").Id("app").Dot("run").Call()).Call(),
		jen.For().Block(
			jen.Select().Block(
				jen.Case(jen.Id("code").Op(":=").Op("<-").Id("done")).Block(
					jen.Return(jen.Id("code")),
				),
				jen.Do(func(st *jen.Statement) {
					if reload {
						st.Case(jen.Op("<-").Id("reload")).Block(jen.Go().Id("app").Dot("Reload").Call())
					}
				}),
				jen.Case(jen.Id("sig").Op(":=").Op("<-").Id("sigs")).Block(
					jen.If(jen.Id("app").Dot("Stop").Call(jen.Id("svcStopKindOf").Call(jen.Id("sig")), jen.Lit("signal ").Op("+").Id("sig").Dot("String").Call())).Block(
						jen.Id("log").Dot("Error").Call(jen.Lit("stopped"), jen.Lit("code"), jen.Id("svcExitForced"), jen.Lit("reason"), jen.Lit("second stop signal ").Op("+").Id("sig").Dot("String").Call()),
						jen.Id("flush").Call(),
						jen.Return(jen.Id("svcExitForced")),
					),
				),
			),
		),
	)

	o := g.NewFile("svcgen_signals_other.go", "!windows")
	o.Comment("svcStopSignals stop the service: SIGTERM from a service manager or container")
	o.Comment("runtime, SIGINT from a terminal.")
	o.Func().Id("svcStopSignals").Params().Index().Qual("os", "Signal").Block(
		jen.Return(jen.Index().Qual("os", "Signal").Values(jen.Qual("os", "Interrupt"), jen.Qual("syscall", "SIGTERM"))),
	)
	o.Line()
	o.Comment("svcStopKindOf: systemd and container runtimes send the same SIGTERM for a")
	o.Comment("stop and for a machine going down, so every signal is a full stop.")
	o.Func().Id("svcStopKindOf").Params(jen.Qual("os", "Signal")).Id("svcStopKind").Block(
		jen.Return(jen.Id("svcStopRequested")),
	)

	if reload {
		o.Line()
		o.Comment("svcReloadSignals run the reload hook: SIGHUP, the daemon convention.")
		o.Func().Id("svcReloadSignals").Params().Index().Qual("os", "Signal").Block(
			jen.Return(jen.Index().Qual("os", "Signal").Values(jen.Qual("syscall", "SIGHUP"))),
		)
	}

	w := g.NewFile("svcgen_signals_windows.go", "")
	w.Comment("svcStopSignals stop the service in a console: Go delivers Ctrl-C and")
	w.Comment("Ctrl-Break as os.Interrupt, and a closed console window, logoff or shutdown")
	w.Comment("as syscall.SIGTERM.")
	w.Func().Id("svcStopSignals").Params().Index().Qual("os", "Signal").Block(
		jen.Return(jen.Index().Qual("os", "Signal").Values(jen.Qual("os", "Interrupt"), jen.Qual("syscall", "SIGTERM"))),
	)
	w.Line()
	w.Comment("svcStopKindOf: after a console close, logoff or shutdown Windows kills the")
	w.Comment("process within seconds (CTRL_CLOSE_EVENT allows 5 s), so SIGTERM is an")
	w.Comment("OS shutdown: no drain_delay and the shutdown budget.")
	w.Func().Id("svcStopKindOf").Params(jen.Id("sig").Qual("os", "Signal")).Id("svcStopKind").Block(
		jen.If(jen.Id("sig").Op("==").Qual("syscall", "SIGTERM")).Block(
			jen.Return(jen.Id("svcStopShutdown")),
		),
		jen.Return(jen.Id("svcStopRequested")),
	)
	if reload {
		w.Line()
		w.Comment("svcReloadSignals: a Windows console has no reload signal; the service")
		w.Comment("front door maps the SCM's ParamChange control instead.")
		w.Func().Id("svcReloadSignals").Params().Index().Qual("os", "Signal").Block(jen.Return(jen.Nil()))
	}
	return nil
}
