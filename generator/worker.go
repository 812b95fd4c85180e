package generator

import (
	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// workerKind is a background worker: the user's run function starts once
// the service is ready and runs until its context is cancelled at stop
// step 4. Returning early with an error stops the service (exit 7).
type workerKind struct{}

func (workerKind) declare(*Context, *spec.Resource) error { return nil }

func (workerKind) valueType(*Context, *spec.Resource) jen.Code { return nil }

func (workerKind) node(g *Context, r *spec.Resource, v nodeVars) nodeCode {
	args := append([]jen.Code{jen.Id("ctx")}, v.Deps...)
	return nodeCode{
		Serve: stepFunc(jen.Return(jen.Id(r.Run).Call(args...))),
	}
}
