package generator

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// guardsFile is the generated file of compile-time contract checks.
const guardsFile = "svcgen_guards.go"

// emitGuards writes svcgen_guards.go: one compile-time assertion per user
// function the spec names, with the exact type the generated code calls it
// with. When a user edit breaks that contract (a hook's signature changed,
// a handler renamed or removed), `go build` fails on a line of this file,
// and for a changed signature the compiler's message itself quotes the
// remedy, which names `svcgen generate`:
//
//	./svcgen_guards.go:14:40: cannot use svcrt.Contract("[resource.api] handler NewAPI: keep
//	this signature, or change service.toml and run svcgen generate", NewAPI) (value of type
//	func() (http.Handler, error)) as func(*sql.DB) (http.Handler, error) value in variable declaration
//
// This is stringer's technique (a declaration that only compiles while
// the generated code is current) with the hint moved from a comment,
// which the compiler never prints, into an operand, which it does. The
// file sorts before the files that call the functions, so its errors come
// first in the compiler's output.
func emitGuards(g *Context) error {
	s := g.Spec
	byName := map[string]*spec.Resource{}
	for _, r := range s.Resources {
		byName[r.Name] = r
	}
	var lines []jen.Code
	seen := map[string]bool{}
	guard := func(where, fn string, typ jen.Code) {
		if fn == "" || seen[fn] {
			return
		}
		seen[fn] = true
		remedy := fmt.Sprintf("%s %s: keep this signature, or change %s and run svcgen generate", where, fn, s.File)
		lines = append(lines, jen.Id("_").Add(typ).Op("=").Add(g.rt(rtContract)).Call(jen.Lit(remedy), jen.Id(fn)))
	}
	for _, r := range s.Resources {
		deps := guardDepTypes(g, r, byName)
		where := "[resource." + r.Name + "]"
		switch r.Kind {
		case spec.KindHTTP:
			guard(where+" handler", r.Handler, jen.Func().Params(deps...).Params(jen.Qual("net/http", "Handler"), jen.Error()))
		case spec.KindGRPC:
			guard(where+" register", r.Register, jen.Func().Params(append([]jen.Code{jen.Qual(grpcPath, "ServiceRegistrar")}, deps...)...).Error())
		case spec.KindWorker:
			guard(where+" run", r.Run, jen.Func().Params(append([]jen.Code{ctxType()}, deps...)...).Error())
		case spec.KindCustom:
			typ := jen.Op("*").Id(customType(r))
			guard(where+" open", r.Open, jen.Func().Params(append([]jen.Code{ctxType()}, deps...)...).Params(typ, jen.Error()))
			guard(where+" close", r.Close, jen.Func().Params(ctxType(), jen.Op("*").Id(customType(r))).Error())
			guard(where+" check", r.Check, jen.Func().Params(ctxType(), jen.Op("*").Id(customType(r))).Error())
		}
	}
	hook := jen.Func().Params(ctxType()).Error()
	for _, n := range s.Hooks.AfterReady {
		guard("[hooks] after_ready", n, hook.Clone())
	}
	for _, n := range s.Hooks.BeforeDrain {
		guard("[hooks] before_drain", n, hook.Clone())
	}
	guard("[hooks] reload", s.Hooks.Reload, hook.Clone())
	if s.Metrics.Enabled {
		guard("[metrics] register", s.Metrics.Register, registerType())
	}
	if len(lines) == 0 {
		return nil
	}

	f := g.NewFile(guardsFile, "")
	f.Comment("The functions " + s.File + " names are yours; the generated code calls them with")
	f.Comment("the types below. If one of them changes or goes missing, `go build` fails")
	f.Comment("here first, and the compiler quotes the line's hint: put the function back")
	f.Comment("as it was, or change the spec and run svcgen generate.")
	// One declaration per guard, not a var block: gofmt aligns a block's
	// "=" to its longest type, so a new resource with a longer signature
	// would move every line.
	for _, l := range lines {
		f.Line()
		f.Var().Add(l)
	}
	return nil
}

// valueDeps are the depends_on resources of r that hand a value to its
// user function, in depends_on order, with the value's type: the
// parameters the generated code passes, the scaffold declares and the
// guards assert.
func valueDeps(g *Context, r *spec.Resource, byName map[string]*spec.Resource) (names []string, types []jen.Code) {
	for _, d := range r.DependsOn {
		dep := byName[d]
		if dep == nil {
			continue
		}
		k := kinds[dep.Kind]
		if k == nil {
			continue
		}
		if t := k.valueType(g, dep); t != nil {
			names = append(names, d)
			types = append(types, t)
		}
	}
	return names, types
}

// guardDepTypes are the parameter types of r's user function.
func guardDepTypes(g *Context, r *spec.Resource, byName map[string]*spec.Resource) []jen.Code {
	_, types := valueDeps(g, r, byName)
	return types
}

// registerType is the type of the [metrics] register function.
func registerType() *jen.Statement {
	return jen.Func().Params(jen.Qual(prometheusPath, "Registerer")).Error()
}

// prometheusPath is the import path of the Prometheus client library.
const prometheusPath = "github.com/prometheus/client_golang/prometheus"
