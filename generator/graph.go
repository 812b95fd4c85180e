package generator

import (
	"fmt"
	"strings"
	"time"

	"github.com/svcgen/svcgen/spec"
	"github.com/svcgen/svcgen/templates"
)

// StarterSpec is the commented spec `svcgen init` writes.
func StarterSpec() ([]byte, error) {
	return templates.FS.ReadFile("starter.toml")
}

// GraphFormats are the formats `svcgen graph -format` accepts.
var GraphFormats = []string{"text", "mermaid", "dot"}

// Graph renders the resource graph of s in format (one of GraphFormats):
// the DAG, the start order and the stop sequence, each step with its
// timeout. It reports false for an unknown format.
func Graph(s *spec.Spec, format string) (string, bool) {
	switch format {
	case "text":
		return GraphText(s), true
	case "mermaid":
		return GraphMermaid(s, true), true
	case "dot":
		return GraphDot(s), true
	}
	return "", false
}

// lifecycle is what every picture shows, computed once: the edges of the
// DAG, the start levels and the stop sequence.
type lifecycle struct {
	s *spec.Spec
	// edges are dependency -> dependent, in declaration order of the
	// dependent and then of its depends_on.
	edges [][2]*spec.Resource
}

func newLifecycle(s *spec.Spec) lifecycle {
	l := lifecycle{s: s}
	byName := map[string]*spec.Resource{}
	for _, r := range s.Resources {
		byName[r.Name] = r
	}
	for _, r := range s.Resources {
		for _, d := range r.DependsOn {
			if dep := byName[d]; dep != nil {
				l.edges = append(l.edges, [2]*spec.Resource{dep, r})
			}
		}
	}
	return l
}

func (l lifecycle) levels() [][]*spec.Resource {
	if l.s.Graph == nil {
		return nil
	}
	return l.s.Graph.Levels
}

// stopStep is one step of the stop sequence: a stable id (for mermaid
// and dot, so that adding a level renumbers nothing) and its label.
type stopStep struct{ id, label string }

// stopSteps are the steps of the stop sequence after the close levels are
// expanded, each with its budget when withTimes: what a reviewer checks
// against the OS's stop budget.
func (l lifecycle) stopSteps(withTimes bool) []stopStep {
	t := l.s.Timeouts
	d := func(label string, v time.Duration) string {
		if !withTimes {
			return label
		}
		return label + " " + formatDuration(v)
	}
	notReady := "not ready (/readyz 503)"
	if len(l.s.Hooks.BeforeDrain) > 0 {
		notReady += ", before_drain hooks"
		if withTimes {
			// The README (no times) names the hooks once, in its text.
			notReady += ": " + strings.Join(l.s.Hooks.BeforeDrain, ", ")
		}
	}
	steps := []stopStep{
		{"stop_not_ready", notReady},
		{"stop_drain_delay", d("drain delay", t.DrainDelay.Duration) + ": still serving, so balancers deregister (skipped on OS shutdown)"},
		{"stop_drain", d("drain", t.Drain.Duration) + ": servers finish in-flight requests"},
	}
	lv := l.levels()
	for i := len(lv) - 1; i >= 0; i-- {
		steps = append(steps, stopStep{fmt.Sprintf("stop_close_level%d", i+1), fmt.Sprintf("close level %d: %s", i+1, stepList(lv[i], false, withTimes))})
	}
	steps = append(steps, stopStep{"stop_critical", d("critical closes and log flush: reserve", t.Critical.Duration)})
	return steps
}

// GraphText renders the resource graph as text: the edges, the start order
// level by level with each open timeout, and the stop sequence with each
// budget. What `svcgen graph` prints.
func GraphText(s *spec.Spec) string {
	l := newLifecycle(s)
	var b strings.Builder
	name := s.Service.Name
	fmt.Fprintf(&b, "%s: graph (resource <- what it depends on)\n", name)
	if len(l.edges) == 0 {
		b.WriteString("  no dependencies\n")
	}
	for _, r := range s.Resources {
		if len(r.DependsOn) > 0 {
			fmt.Fprintf(&b, "  %s <- %s\n", r.Name, strings.Join(r.DependsOn, ", "))
		}
	}
	fmt.Fprintf(&b, "%s: start (budget %s; resources on one level open concurrently)\n", name, formatDuration(s.Timeouts.Start.Duration))
	for i, level := range l.levels() {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, stepList(level, true, true))
	}
	if n := len(s.Hooks.AfterReady); n > 0 {
		fmt.Fprintf(&b, "  %d. ready, then after_ready hooks: %s\n", len(l.levels())+1, strings.Join(s.Hooks.AfterReady, ", "))
	}
	fmt.Fprintf(&b, "%s: stop (budget %s; on OS shutdown %s)\n", name, formatDuration(s.Timeouts.Stop.Duration), formatDuration(s.Timeouts.Shutdown.Duration))
	for i, step := range l.stopSteps(true) {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, step.label)
	}
	return b.String()
}

// stepList renders one level: each resource with its kind and, when
// withTimes, its open (start) or close (stop) timeout; critical resources
// are marked on the stop side.
func stepList(level []*spec.Resource, start, withTimes bool) string {
	steps := make([]string, len(level))
	for i, r := range level {
		step := fmt.Sprintf("%s [%s]", r.Name, r.Kind)
		if withTimes {
			d := r.CloseTimeout.Duration
			if start {
				d = r.OpenTimeout.Duration
			}
			step += " " + formatDuration(d)
		}
		// The README (no times) marks critical resources once, in its
		// resource table.
		if r.Critical && !start && withTimes {
			step += " critical"
		}
		steps[i] = step
	}
	return strings.Join(steps, ", ")
}

// nodeID is a resource's id in mermaid and dot: prefixed so that no name
// collides with a keyword of either language ("end", "graph", "node").
// Names are validated identifiers, so the id needs no quoting.
func nodeID(r *spec.Resource) string { return "r_" + spec.GoLocal(r.Name) }

// GraphMermaid renders the lifecycle as a mermaid flowchart: the DAG with
// its start levels, and the stop sequence as a chain. withTimes adds every
// step's timeout; the generated README leaves them out (each value lives
// in svcgen_config.go only, so a timeout change stays a one-line diff).
func GraphMermaid(s *spec.Spec, withTimes bool) string {
	l := newLifecycle(s)
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	title := "start"
	if withTimes {
		title += " " + formatDuration(s.Timeouts.Start.Duration)
	}
	fmt.Fprintf(&b, "  subgraph start_order[\"%s: a level opens concurrently once the one before is ready\"]\n", title)
	b.WriteString("    direction LR\n")
	for i, level := range l.levels() {
		fmt.Fprintf(&b, "    subgraph level%d[\"level %d\"]\n", i+1, i+1)
		for _, r := range level {
			label := r.Name + " · " + r.Kind
			if withTimes {
				label += "<br/>open " + formatDuration(r.OpenTimeout.Duration) + " · close " + formatDuration(r.CloseTimeout.Duration)
			}
			if r.Critical && withTimes {
				label += "<br/>critical"
			}
			fmt.Fprintf(&b, "      %s[\"%s\"]\n", nodeID(r), label)
		}
		b.WriteString("    end\n")
	}
	for _, e := range l.edges {
		fmt.Fprintf(&b, "    %s --> %s\n", nodeID(e[0]), nodeID(e[1]))
	}
	b.WriteString("  end\n")
	title = "stop"
	if withTimes {
		title += " " + formatDuration(s.Timeouts.Stop.Duration)
	}
	fmt.Fprintf(&b, "  subgraph stop_order[\"%s\"]\n", title)
	b.WriteString("    direction TB\n")
	// Ids and labels carry no step numbers: the arrows give the order,
	// and adding a level renumbers nothing in a committed README.
	steps := l.stopSteps(withTimes)
	for _, step := range steps {
		fmt.Fprintf(&b, "    %s[\"%s\"]\n", step.id, step.label)
	}
	for i := 1; i < len(steps); i++ {
		fmt.Fprintf(&b, "    %s --> %s\n", steps[i-1].id, steps[i].id)
	}
	b.WriteString("  end\n")
	b.WriteString("  start_order ~~~ stop_order\n")
	return b.String()
}

// GraphDot renders the lifecycle for Graphviz: `svcgen graph -format dot |
// dot -Tsvg > lifecycle.svg`.
func GraphDot(s *spec.Spec) string {
	l := newLifecycle(s)
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %q {\n", s.Service.Name)
	b.WriteString("  rankdir=LR;\n  node [shape=box, fontname=\"sans-serif\"];\n")
	fmt.Fprintf(&b, "  subgraph cluster_start {\n    label=%q;\n", "start "+formatDuration(s.Timeouts.Start.Duration)+": a level opens concurrently once the one before is ready")
	for i, level := range l.levels() {
		fmt.Fprintf(&b, "    subgraph cluster_level%d {\n      label=\"level %d\";\n", i+1, i+1)
		for _, r := range level {
			label := r.Name + " (" + r.Kind + ")\nopen " + formatDuration(r.OpenTimeout.Duration) + ", close " + formatDuration(r.CloseTimeout.Duration)
			if r.Critical {
				label += "\ncritical"
			}
			fmt.Fprintf(&b, "      %s [label=%q];\n", nodeID(r), label)
		}
		b.WriteString("    }\n")
	}
	for _, e := range l.edges {
		fmt.Fprintf(&b, "    %s -> %s;\n", nodeID(e[0]), nodeID(e[1]))
	}
	b.WriteString("  }\n")
	fmt.Fprintf(&b, "  subgraph cluster_stop {\n    label=%q;\n", "stop "+formatDuration(s.Timeouts.Stop.Duration))
	steps := l.stopSteps(true)
	for i, step := range steps {
		fmt.Fprintf(&b, "    %s [label=%q];\n", step.id, fmt.Sprintf("%d. %s", i+1, step.label))
	}
	for i := 1; i < len(steps); i++ {
		fmt.Fprintf(&b, "    %s -> %s;\n", steps[i-1].id, steps[i].id)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}
