package generator

import (
	"github.com/dave/jennifer/jen"
)

// emitMain writes main.go: the process entry is svcMain (svcgen_wire.go),
// so that in package mode a package with its own main calls svcMain instead
// and nothing else changes.
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
