package generator

import (
	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// customKind is a resource the user opens and closes with their own
// functions: open returns a *Type handed to dependents, close (optional)
// gets it back at stop step 4, from the reserve when critical, and check
// (optional) is its liveness check for [watchdog].
type customKind struct{}

func (customKind) declare(*Context, *spec.Resource) error { return nil }

// customType is the Go type a custom resource's open returns a pointer to.
func customType(r *spec.Resource) string {
	if r.Type != "" {
		return r.Type
	}
	return spec.GoName(r.Name)
}

func (customKind) valueType(_ *Context, r *spec.Resource) jen.Code {
	return jen.Op("*").Id(customType(r))
}

func (customKind) wire(g *Context, r *spec.Resource, node jen.Code, deps []jen.Code) jen.Code {
	// The open function's parameters follow depends_on; close and check
	// take the value open returned, so they are passed as they are.
	open := jen.Func().Params(jen.Id(wireCtx).Add(ctxType())).Params(jen.Op("*").Id(customType(r)), jen.Error()).Block(
		jen.Return(jen.Id(r.Open).Call(append([]jen.Code{jen.Id(wireCtx)}, deps...)...)),
	)
	fn := func(name string) jen.Code {
		if name == "" {
			return jen.Nil()
		}
		return jen.Id(name)
	}
	return g.rt(rtCustomResource).Call(jen.Id(wireApp), node, open, fn(r.Close), fn(r.Check))
}

func (customKind) feature() string { return "" }
