package spec

import "strings"

// use is one place the spec names a user function.
type use struct {
	name string
	path []string
	role string // "handler of [resource.api]", "after_ready hook"
	sig  string // the Go signature the function must have
}

// validateFunctions checks that a function named in several places is
// asked for with one signature each time, and that no name is both a
// function and a custom resource's type.
func (d *decoder) validateFunctions() {
	byName := map[string]string{}
	for _, r := range d.s.Resources {
		byName[r.Name] = r.Kind
	}
	var uses []use
	add := func(name string, path []string, role, sig string) {
		if name != "" && d.ok(path...) && identProblem(name) == "" {
			uses = append(uses, use{name, path, role, sig})
		}
	}
	types := map[string]*Resource{}
	for _, r := range d.s.Resources {
		deps := d.paramTypes(r)
		table := "[resource." + r.Name + "]"
		switch r.Kind {
		case KindHTTP:
			add(r.Handler, rp(r, "handler"), "handler of "+table, "func("+deps+") (http.Handler, error)")
		case KindGRPC:
			add(r.Register, rp(r, "register"), "register of "+table, "func("+regParams(deps)+") error")
		case KindWorker:
			add(r.Run, rp(r, "run"), "run of "+table, "func("+ctxParams(deps)+") error")
		case KindCustom:
			add(r.Open, rp(r, "open"), "open of "+table, "func("+ctxParams(deps)+") (*"+r.Type+", error)")
			add(r.Close, rp(r, "close"), "close of "+table, "func(context.Context, *"+r.Type+") error")
			add(r.Check, rp(r, "check"), "check of "+table, "func(context.Context, *"+r.Type+") error")
			if identProblem(r.Type) == "" {
				if _, seen := types[r.Type]; !seen {
					types[r.Type] = r
				}
			}
		}
	}
	h := d.s.Hooks
	for key, list := range map[string][]string{"after_ready": h.AfterReady, "before_drain": h.BeforeDrain} {
		for i, name := range list {
			add(name, []string{"hooks", key, itoa(i)}, key+" hook", "func(context.Context) error")
		}
	}
	add(h.Reload, []string{"hooks", "reload"}, "reload hook", "func(context.Context) error")
	add(d.s.Metrics.Register, []string{"metrics", "register"}, "metrics register", "func(prometheus.Registerer) error")

	// Report each conflict at the later of the two uses in the file.
	sortUses(d, uses)
	first := map[string]use{}
	for _, u := range uses {
		name := u.name
		if r, isType := types[name]; isType {
			d.errorf(d.valPos(u.path...), "%s: %s is also the type of [resource.%s]; a Go package cannot declare both", dotted(u.path), name, r.Name)
			continue
		}
		prev, seen := first[name]
		if !seen {
			first[name] = u
			continue
		}
		if prev.sig != u.sig {
			d.errorf(d.valPos(u.path...), "%s: %s must be %s here but %s as the %s (line %d)",
				dotted(u.path), name, u.sig, prev.sig, prev.role, d.valPos(prev.path...).Line)
		}
	}
}

// regParams are the parameters of a grpc register function: the
// registrar, then the values of depends_on.
func regParams(deps string) string {
	if deps == "" {
		return "grpc.ServiceRegistrar"
	}
	return "grpc.ServiceRegistrar, " + deps
}

func ctxParams(deps string) string {
	if deps == "" {
		return "context.Context"
	}
	return "context.Context, " + deps
}

// paramTypes lists the Go types of the values a resource receives from
// its depends_on, in order (http and worker dependencies give none).
func (d *decoder) paramTypes(r *Resource) string {
	var out []string
	for _, name := range r.DependsOn {
		dep := d.s.Resource(name)
		if dep == nil {
			continue
		}
		switch dep.Kind {
		case KindSQL:
			out = append(out, "*sql.DB")
		case KindRedis:
			out = append(out, "*redis.Client")
		case KindHTTPClient:
			out = append(out, "the "+dep.Name+" client")
		case KindCustom:
			out = append(out, "*"+dep.Type)
		}
	}
	return strings.Join(out, ", ")
}

func sortUses(d *decoder, uses []use) {
	less := func(a, b use) bool {
		pa, pb := d.valPos(a.path...), d.valPos(b.path...)
		if pa.Line != pb.Line {
			return pa.Line < pb.Line
		}
		return pa.Col < pb.Col
	}
	for i := 1; i < len(uses); i++ {
		for j := i; j > 0 && less(uses[j], uses[j-1]); j-- {
			uses[j], uses[j-1] = uses[j-1], uses[j]
		}
	}
}
