package generator

import (
	"github.com/dave/jennifer/jen"
)

// hookWiring returns the statements of svcNewApp that hand the [hooks]
// functions to the engine, in spec order.
func hookWiring(g *Context) []jen.Code {
	h := g.Spec.Hooks
	var out []jen.Code
	for _, point := range []struct {
		field string
		names []string
	}{
		{"afterReady", h.AfterReady},
		{"beforeDrain", h.BeforeDrain},
	} {
		if len(point.names) == 0 {
			continue
		}
		out = append(out, jen.Id("app").Dot(point.field).Op("=").Index().Id("svcHook").ValuesFunc(func(lg *jen.Group) {
			for _, n := range point.names {
				lg.Values(jen.Id("name").Op(":").Lit(n), jen.Id("fn").Op(":").Id(n))
			}
		}))
	}
	if h.Reload != "" {
		out = append(out, jen.Id("app").Dot("reloadHook").Op("=").Id(h.Reload))
	}
	return out
}
