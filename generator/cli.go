package generator

import (
	"github.com/dave/jennifer/jen"
)

// emitMain writes main.go: the process entry is svcMain, so that in package
// mode a package with its own main calls svcMain instead and nothing else
// changes.
func emitMain(g *Context) error {
	if g.Opt.PackageName != "main" || g.Opt.HasMain {
		return nil
	}
	f := g.NewFile("main.go", "")
	f.Func().Id("main").Params().Block(
		jen.Qual("os", "Exit").Call(jen.Id("svcMain").Call(jen.Qual("os", "Args").Index(jen.Lit(1), jen.Empty()))),
	)
	return nil
}

// platformVerbs are the verbs of the Windows service front door; on other
// OSes svcPlatformVerb explains they do not apply.
var platformVerbs = []string{"service", "install", "uninstall", "start", "stop", "status"}

// emitCLI writes svcgen_cli.go (the verbs every OS has) and
// svcgen_verbs_other.go (the platform-verb seam for OSes other than
// Windows; the Windows front door emits svcgen_verbs_windows.go).
func emitCLI(g *Context) error {
	s := g.Spec.Service
	version := s.Version
	if version == "" {
		version = "dev"
	}
	g.Const("[service]", "svcServiceName", jen.Lit(s.Name), "")
	g.Const("[service]", "svcVersion", jen.Lit(version), "")

	f := g.NewFile("svcgen_cli.go", "")
	f.Comment("svcMain runs the verb in args and returns the process's exit code.")
	f.Func().Id("svcMain").Params(jen.Id("args").Index().String()).Int().Block(
		jen.Id("verb").Op(":=").Lit(""),
		jen.If(jen.Len(jen.Id("args")).Op(">").Lit(0)).Block(
			jen.List(jen.Id("verb"), jen.Id("args")).Op("=").List(jen.Id("args").Index(jen.Lit(0)), jen.Id("args").Index(jen.Lit(1), jen.Empty())),
		),
		jen.Comment("Platform verbs first: the Windows front door also claims the empty verb"),
		jen.Comment("when the Service Control Manager started the process."),
		jen.If(jen.List(jen.Id("code"), jen.Id("handled")).Op(":=").Id("svcPlatformVerb").Call(jen.Id("verb"), jen.Id("args")), jen.Id("handled")).Block(
			jen.Return(jen.Id("code")),
		),
		jen.Switch(jen.Id("verb")).Block(
			jen.Case(jen.Lit(""), jen.Lit("run")).Block(
				jen.If(jen.Len(jen.Id("args")).Op(">").Lit(0)).Block(
					jen.Qual("fmt", "Fprintf").Call(jen.Qual("os", "Stderr"), jen.Lit("%s: run takes no arguments, got %q\n"), jen.Id("svcServiceName"), jen.Id("args")),
					jen.Return(jen.Id("svcExitUsage")),
				),
				jen.Return(jen.Id("svcRunConsole").Call()),
			),
			jen.Case(jen.Lit("version")).Block(
				jen.Qual("fmt", "Println").Call(jen.Id("svcServiceName"), jen.Id("svcVersion")),
				jen.Return(jen.Id("svcExitOK")),
			),
			jen.Case(jen.Lit("help"), jen.Lit("-h"), jen.Lit("-help"), jen.Lit("--help")).Block(
				jen.Id("svcUsage").Call(jen.Qual("os", "Stdout")),
				jen.Return(jen.Id("svcExitOK")),
			),
		),
		jen.Qual("fmt", "Fprintf").Call(jen.Qual("os", "Stderr"), jen.Lit("%s: unknown verb %q\n\n"), jen.Id("svcServiceName"), jen.Id("verb")),
		jen.Id("svcUsage").Call(jen.Qual("os", "Stderr")),
		jen.Return(jen.Id("svcExitUsage")),
	)
	f.Line()
	f.Func().Id("svcUsage").Params(jen.Id("w").Qual("io", "Writer")).Block(
		jen.Qual("fmt", "Fprintf").Call(jen.Id("w"), jen.Lit("usage: %s [verb]\n\nverbs:\n"), jen.Id("svcServiceName")),
		jen.Qual("fmt", "Fprint").Call(jen.Id("w"), jen.Lit("  run      run in the foreground until SIGINT or SIGTERM (the default)\n")),
		jen.Qual("fmt", "Fprint").Call(jen.Id("w"), jen.Id("svcPlatformUsage").Call()),
		jen.Qual("fmt", "Fprint").Call(jen.Id("w"), jen.Lit("  version  print the version\n  help     print this help\n")),
	)

	o := g.NewFile("svcgen_verbs_other.go", "!windows")
	o.Comment("svcPlatformVerb handles the verbs of the OS's service manager. Those are")
	o.Comment("Windows verbs; here they only explain that systemd, a container runtime or")
	o.Comment("a shell runs the service with `run`.")
	o.Func().Id("svcPlatformVerb").Params(jen.Id("verb").String(), jen.Id("args").Index().String()).Params(jen.Id("code").Int(), jen.Id("handled").Bool()).Block(
		jen.Switch(jen.Id("verb")).Block(
			jen.CaseFunc(func(cg *jen.Group) {
				for _, v := range platformVerbs {
					cg.Lit(v)
				}
			}).Block(
				jen.Qual("fmt", "Fprintf").Call(jen.Qual("os", "Stderr"), jen.Lit("%s: %q manages a Windows service; on this OS a service manager (systemd, a container runtime) starts %s run and stops it with SIGTERM\n"), jen.Id("svcServiceName"), jen.Id("verb"), jen.Id("svcServiceName")),
				jen.Return(jen.Id("svcExitUsage"), jen.True()),
			),
		),
		jen.Return(jen.Lit(0), jen.False()),
	)
	o.Line()
	o.Comment("svcPlatformUsage lists the platform verbs for help: none here.")
	o.Func().Id("svcPlatformUsage").Params().String().Block(jen.Return(jen.Lit("")))

	// Until the Windows front door (SCM) emits svcgen_verbs_windows.go,
	// Windows gets the console only.
	w := g.NewFile("svcgen_verbs_windows.go", "")
	w.Comment("svcPlatformVerb: the service-manager verbs are not generated yet; the")
	w.Comment("service runs in a console with `run`.")
	w.Func().Id("svcPlatformVerb").Params(jen.String(), jen.Index().String()).Params(jen.Int(), jen.Bool()).Block(
		jen.Return(jen.Lit(0), jen.False()),
	)
	w.Line()
	w.Func().Id("svcPlatformUsage").Params().String().Block(jen.Return(jen.Lit("")))
	return nil
}

// emitLog writes svcgen_log.go: the one place the logger is built.
func emitLog(g *Context) error {
	f := g.NewFile("svcgen_log.go", "")
	f.Comment("svcNewLogger builds the service's logger: text lines on stderr, which a")
	f.Comment("console, journald and container runtimes all capture. The flush it returns")
	f.Comment("is the last thing the service runs, from the reserved stop budget.")
	f.Func().Id("svcNewLogger").Params().Params(jen.Op("*").Qual("log/slog", "Logger"), jen.Func().Params().Error()).Block(
		jen.Id("log").Op(":=").Qual("log/slog", "New").Call(jen.Qual("log/slog", "NewTextHandler").Call(jen.Qual("os", "Stderr"), jen.Nil())),
		jen.Return(jen.Id("log"), jen.Func().Params().Error().Block(jen.Return(jen.Nil())).Comment("stderr is unbuffered")),
	)
	return nil
}
