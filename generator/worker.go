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

func (workerKind) wire(g *Context, r *spec.Resource, node jen.Code, deps []jen.Code) jen.Code {
	return g.rt(rtWorkerResource).Call(jen.Id(wireApp), node,
		jen.Func().Params(jen.Id(wireCtx).Add(ctxType())).Error().Block(
			jen.Return(jen.Id(r.Run).Call(append([]jen.Code{jen.Id(wireCtx)}, deps...)...)),
		))
}

func (workerKind) feature() string { return "" }
