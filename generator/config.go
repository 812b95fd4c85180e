package generator

import "github.com/dave/jennifer/jen"

// emitConfigFile writes svcgen_config.go: every spec value as one named
// constant, grouped by the spec table it came from. Emitters add constants
// through Context.Const while they run; this file is rendered last.
func emitConfigFile(g *Context) {
	if len(g.config) == 0 {
		return
	}
	f := g.NewFile("svcgen_config.go", "")
	f.Comment("Every value of " + g.Spec.File + " that the service uses, one constant each:")
	f.Comment("a change of one spec value is a change of one line here.")
	for _, b := range g.config {
		f.Line()
		defs := make([]jen.Code, 0, len(b.consts)+1)
		defs = append(defs, jen.Comment(b.title))
		for _, c := range b.consts {
			// A doc goes above its constant, never after it: gofmt aligns
			// trailing comments to the longest value of the block, so one
			// longer value would move every comment and turn a one-value
			// change into a many-line diff.
			if c.doc != "" {
				defs = append(defs, jen.Comment(c.doc))
			}
			defs = append(defs, jen.Id(c.name).Op("=").Add(c.value))
		}
		f.Const().Defs(defs...)
	}
}
