package generator

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// emitResources writes svcgen_resources.go: the node table. svcNewApp
// builds one svcNode per resource in topological order, wires each node's
// dependencies and holds the glue that calls the user's functions with
// the values of the resources they depend on.
func emitResources(g *Context) error {
	s := g.Spec
	if s.Graph == nil {
		return fmt.Errorf("the spec has no resource graph: it was not validated")
	}
	byName := map[string]*spec.Resource{}
	for _, r := range s.Resources {
		byName[r.Name] = r
	}
	type built struct {
		r    *spec.Resource
		k    kindEmitter
		vars nodeVars
	}
	var nodes []built
	var valueFields []jen.Code
	for _, r := range s.Graph.Order {
		k, ok := kinds[r.Kind]
		if !ok {
			pos := s.Pos("resource", r.Name, "kind")
			return fmt.Errorf("%s:%d:%d: resource %q: kind %q cannot be generated yet", pos.File, pos.Line, pos.Col, r.Name, r.Kind)
		}
		b := blockOf(r)
		g.Const(b, constName(r, "open_timeout"), durationCode(r.OpenTimeout.Duration), "")
		g.Const(b, constName(r, "close_timeout"), durationCode(r.CloseTimeout.Duration), "")
		g.Const(b, constName(r, "critical"), jen.Lit(r.Critical), "")
		if err := k.declare(g, r); err != nil {
			return fmt.Errorf("resource %q: %w", r.Name, err)
		}
		v := nodeVars{Local: spec.GoLocal(r.Name)}
		if t := k.valueType(g, r); t != nil {
			v.Value = jen.Id("r").Dot(v.Local)
			// A blank line between fields: gofmt aligns the types of a run of
			// fields, so one longer resource name would realign them all.
			if len(valueFields) > 0 {
				valueFields = append(valueFields, jen.Line())
			}
			valueFields = append(valueFields, jen.Id(v.Local).Add(t))
		}
		for _, d := range r.DependsOn {
			dep := byName[d]
			if dep == nil {
				return fmt.Errorf("resource %q depends on unknown resource %q", r.Name, d)
			}
			if dk := kinds[dep.Kind]; dk != nil && dk.valueType(g, dep) != nil {
				v.Deps = append(v.Deps, jen.Id("r").Dot(spec.GoLocal(d)))
			}
		}
		nodes = append(nodes, built{r, k, v})
	}

	f := g.NewFile("svcgen_resources.go", "")
	if len(valueFields) > 0 {
		f.Comment("svcResources holds the value of every resource that hands one to its")
		f.Comment("dependents. A node's open sets its field before any dependent opens (the")
		f.Comment("engine orders them), and nothing writes it afterwards.")
		f.Type().Id("svcResources").Struct(valueFields...)
		f.Line()
	}
	f.Comment("svcNewApp builds the engine and its node table, in topological order (spec")
	f.Comment("order breaks ties); deps are each resource's depends_on.")
	f.Func().Id("svcNewApp").Params(
		jen.Id("log").Op("*").Qual("log/slog", "Logger"), jen.Id("flush").Func().Params().Error(),
	).Op("*").Id("svcApp").BlockFunc(func(body *jen.Group) {
		body.Id("app").Op(":=").Id("svcNewEngine").Call(jen.Id("log"), jen.Id("flush"))
		if len(valueFields) > 0 {
			body.Id("r").Op(":=").Op("&").Id("svcResources").Values()
		}
		var list []jen.Code
		for _, n := range nodes {
			r := n.r
			code := n.k.node(g, r, n.vars)
			body.Line()
			body.Comment(fmt.Sprintf("[resource.%s] kind %s", r.Name, r.Kind))
			for _, p := range code.Pre {
				body.Add(p)
			}
			var deps jen.Code
			if len(r.DependsOn) > 0 {
				deps = jen.Index().Op("*").Id("svcNode").ValuesFunc(func(dg *jen.Group) {
					for _, d := range r.DependsOn {
						dg.Id(spec.GoLocal(d) + "Node")
					}
				})
			}
			name := n.vars.Local + "Node"
			body.Id(name).Op(":=").Op("&").Id("svcNode").ValuesFunc(fields(
				jen.Id("name"), jen.Lit(r.Name),
				jen.Id("kind"), jen.Lit(r.Kind),
				jen.Id("deps"), deps,
				jen.Id("critical"), jen.Id(constName(r, "critical")),
				jen.Id("openTimeout"), jen.Id(constName(r, "open_timeout")),
				jen.Id("closeTimeout"), jen.Id(constName(r, "close_timeout")),
				jen.Id("bind"), code.Bind,
				jen.Id("open"), code.Open,
				jen.Id("serve"), code.Serve,
				jen.Id("drain"), code.Drain,
				jen.Id("close"), code.Close,
				jen.Id("status"), code.Status,
				jen.Id("check"), watchdogCheck(g, r, n.vars),
				jen.Id("stats"), metricsStats(g, r, n.vars),
			))
			list = append(list, jen.Id(name))
		}
		if hooks := hookWiring(g); len(hooks) > 0 {
			body.Line()
			for _, h := range hooks {
				body.Add(h)
			}
		}
		body.Line()
		body.Id("app").Dot("setNodes").Call(list...)
		body.Return(jen.Id("app"))
	})
	return nil
}
