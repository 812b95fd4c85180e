package generator

import (
	"github.com/dave/jennifer/jen"
)

// emitRuntime writes svcgen_runtime.go: svcApplyRuntime, the first call of
// svcMain, sets what [runtime] gives before anything starts. The Go
// runtime's own environment variables (GOMAXPROCS, GOGC, GOMEMLIMIT) still
// win, so an operator can change a setting without a rebuild.
func emitRuntime(g *Context) error {
	r := g.Spec.Runtime
	f := g.NewFile("svcgen_runtime.go", "")
	f.Comment("svcApplyRuntime applies [runtime] before anything starts. A setting whose")
	f.Comment("environment variable is set is left alone: the runtime read the variable at")
	f.Comment("process start, and the operator who set it meant it.")
	f.Func().Id("svcApplyRuntime").Params().BlockFunc(func(b *jen.Group) {
		if r.GOMAXPROCS > 0 {
			g.Const("[runtime]", "svcRuntimeGOMAXPROCS", jen.Lit(r.GOMAXPROCS), "")
			b.If(jen.Qual("os", "Getenv").Call(jen.Lit("GOMAXPROCS")).Op("==").Lit("")).Block(
				jen.Qual("runtime", "GOMAXPROCS").Call(jen.Id("svcRuntimeGOMAXPROCS")),
			)
		}
		if r.GCPercent != nil {
			g.Const("[runtime]", "svcRuntimeGCPercent", jen.Lit(*r.GCPercent), "-1: the collector is off")
			b.If(jen.Qual("os", "Getenv").Call(jen.Lit("GOGC")).Op("==").Lit("")).Block(
				jen.Qual("runtime/debug", "SetGCPercent").Call(jen.Id("svcRuntimeGCPercent")),
			)
		}
		if n := r.MemoryLimitBytes(); r.MemoryLimit != "" {
			g.Const("[runtime]", "svcRuntimeMemoryLimit", jen.Lit(n), "bytes")
			b.If(jen.Qual("os", "Getenv").Call(jen.Lit("GOMEMLIMIT")).Op("==").Lit("")).Block(
				jen.Qual("runtime/debug", "SetMemoryLimit").Call(jen.Id("svcRuntimeMemoryLimit")),
			)
		}
		if r.GOMAXPROCS <= 0 && r.GCPercent == nil && r.MemoryLimit == "" {
			b.Comment("The spec sets nothing: Go's defaults and GO* variables apply.")
		}
	})
	return nil
}
