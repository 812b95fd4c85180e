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

// emitCLI writes svcgen_cli.go (the verbs every OS has). The platform
// verbs behind svcPlatformVerb come from scm.go: svcgen_verbs_windows.go
// and svcgen_verbs_other.go.
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
		jen.Comment("[runtime] settings first, before anything allocates or starts (runtime.go)."),
		jen.Id("svcApplyRuntime").Call(),
		jen.Id("verb").Op(":=").Lit(""),
		jen.If(jen.Len(jen.Id("args")).Op(">").Lit(0)).Block(
			jen.List(jen.Id("verb"), jen.Id("args")).Op("=").List(jen.Id("args").Index(jen.Lit(0)), jen.Id("args").Index(jen.Lit(1), jen.Empty())),
		),
		jen.Comment("Platform verbs first: the Windows front door also claims the empty verb"),
		jen.Comment("when the Service Control Manager started the process."),
		jen.If(jen.List(jen.Id("code"), jen.Id("handled")).Op(":=").Id("svcSystemdVerb").Call(jen.Id("verb"), jen.Id("args")), jen.Id("handled")).Block(
			jen.Return(jen.Id("code")).Comment("install, uninstall on Linux (svcgen_systemd_linux.go)"),
		),
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
		jen.Qual("fmt", "Fprint").Call(jen.Id("w"), jen.Id("svcSystemdUsage").Call()),
		jen.Qual("fmt", "Fprint").Call(jen.Id("w"), jen.Id("svcPlatformUsage").Call()),
		jen.Qual("fmt", "Fprint").Call(jen.Id("w"), jen.Lit("  version  print the version\n  help     print this help\n")),
	)

	return nil
}
