package generator

import (
	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// customKind is a resource the user opens and closes with their own
// functions: open returns a *Type handed to dependents, close (optional)
// gets it back at stop step 4, from the reserve when critical.
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

func (customKind) node(g *Context, r *spec.Resource, v nodeVars) nodeCode {
	args := append([]jen.Code{jen.Id("ctx")}, v.Deps...)
	code := nodeCode{
		Open: jen.Func().Params(ctxParam()).Params(jen.Err().Error()).Block(
			jen.List(v.Value, jen.Err()).Op("=").Id(r.Open).Call(args...),
			jen.Return(jen.Err()),
		),
	}
	if r.Close != "" {
		code.Close = stepFunc(jen.Return(jen.Id(r.Close).Call(jen.Id("ctx"), v.Value)))
	}
	return code
}
