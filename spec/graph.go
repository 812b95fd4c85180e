package spec

import "strings"

// buildGraph resolves depends_on, reports unknown, duplicate and self
// dependencies and every cycle, and sets Spec.Graph when the spec has no
// error at all.
func (d *decoder) buildGraph() {
	s := d.s
	index := map[string]int{}
	var names []string
	for i, r := range s.Resources {
		index[r.Name] = i
		names = append(names, r.Name)
	}
	deps := map[*Resource][]*Resource{}
	depAt := map[[2]*Resource]int{} // the depends_on element of an edge
	for _, r := range s.Resources {
		if d.bad[pathKey(rp(r, "depends_on"))] {
			continue
		}
		seen := map[string]bool{}
		for i, name := range r.DependsOn {
			at := d.valPos("resource", r.Name, "depends_on", itoa(i))
			j, known := index[name]
			switch {
			case name == r.Name:
				d.errorf(at, "resource %s depends on itself", r.Name)
			case !known:
				d.errorf(at, "unknown resource %q in depends_on of [resource.%s]%s", name, r.Name, didYouMean(name, without(names, r.Name)))
			case seen[name]:
				d.errorf(at, "depends_on of [resource.%s] lists %s twice", r.Name, name)
			default:
				dep := s.Resources[j]
				deps[r] = append(deps[r], dep)
				depAt[[2]*Resource{r, dep}] = i
			}
			seen[name] = true
		}
	}

	// Depth-first search in declaration order; every edge back into the
	// current path closes a cycle, reported at that depends_on element.
	const (
		unvisited = iota
		onPath
		done
	)
	state := map[*Resource]int{}
	var path []*Resource
	var visit func(r *Resource)
	visit = func(r *Resource) {
		state[r] = onPath
		path = append(path, r)
		for _, dep := range deps[r] {
			switch state[dep] {
			case onPath:
				var cycle []string
				for k := len(path) - 1; k >= 0; k-- {
					if path[k] == dep {
						for _, n := range path[k:] {
							cycle = append(cycle, n.Name)
						}
						break
					}
				}
				cycle = append(cycle, dep.Name)
				d.errorf(d.valPos("resource", r.Name, "depends_on", itoa(depAt[[2]*Resource{r, dep}])),
					"dependency cycle: %s", strings.Join(cycle, " -> "))
			case unvisited:
				visit(dep)
			}
		}
		path = path[:len(path)-1]
		state[r] = done
	}
	for _, r := range s.Resources {
		if state[r] == unvisited {
			visit(r)
		}
	}
	if len(d.errs) > 0 {
		return
	}
	s.Graph = newGraph(s.Resources, deps)
}

func without(list []string, drop string) []string {
	var out []string
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

// newGraph orders an acyclic graph: Order is a topological order that,
// among resources whose dependencies are all placed, takes the one
// declared first; Levels put each resource one level above its deepest
// dependency, in declaration order within a level.
func newGraph(resources []*Resource, deps map[*Resource][]*Resource) *Graph {
	g := &Graph{
		deps:       map[*Resource][]*Resource{},
		dependents: map[*Resource][]*Resource{},
		level:      map[*Resource]int{},
	}
	waiting := map[*Resource]int{}
	for _, r := range resources {
		g.deps[r] = deps[r]
		waiting[r] = len(deps[r])
		for _, dep := range deps[r] {
			g.dependents[dep] = append(g.dependents[dep], r)
		}
	}
	placed := map[*Resource]bool{}
	for len(g.Order) < len(resources) {
		progress := false
		for _, r := range resources {
			if placed[r] || waiting[r] > 0 {
				continue
			}
			placed[r] = true
			g.Order = append(g.Order, r)
			level := 0
			for _, dep := range deps[r] {
				level = max(level, g.level[dep]+1)
			}
			g.level[r] = level
			for _, x := range g.dependents[r] {
				waiting[x]--
			}
			progress = true
			break
		}
		if !progress { // a cycle; validation reports it before this runs
			break
		}
	}
	for _, r := range resources {
		l, ok := g.level[r]
		if !ok {
			continue
		}
		for len(g.Levels) <= l {
			g.Levels = append(g.Levels, nil)
		}
		g.Levels[l] = append(g.Levels[l], r)
	}
	return g
}

// Deps returns the resources r depends on, in depends_on order.
func (g *Graph) Deps(r *Resource) []*Resource { return g.deps[r] }

// Dependents returns the resources that depend on r directly, in
// declaration order.
func (g *Graph) Dependents(r *Resource) []*Resource { return g.dependents[r] }

// Level returns r's level: 0 for a resource without dependencies, else
// one more than the level of its deepest dependency.
func (g *Graph) Level(r *Resource) int { return g.level[r] }
