package generator

import (
	"fmt"
	"strings"

	"github.com/svcgen/svcgen/spec"
	"github.com/svcgen/svcgen/templates"
)

// StarterSpec is the commented spec `svcgen init` writes.
func StarterSpec() ([]byte, error) {
	return templates.FS.ReadFile("starter.toml")
}

// GraphText renders the resource graph as the start and stop order, level
// by level, with each step's timeout: what `svcgen graph` prints.
func GraphText(s *spec.Spec) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: start (budget %s; resources on one level open concurrently)\n", s.Service.Name, formatDuration(s.Timeouts.Start.Duration))
	for i, level := range s.Graph.Levels {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, stepList(level, true))
	}
	fmt.Fprintf(&b, "%s: stop (budget %s; drain delay %s, drain %s, %s reserved for critical closes)\n", s.Service.Name,
		formatDuration(s.Timeouts.Stop.Duration), formatDuration(s.Timeouts.DrainDelay.Duration),
		formatDuration(s.Timeouts.Drain.Duration), formatDuration(s.Timeouts.Critical.Duration))
	for i := len(s.Graph.Levels) - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "  %d. %s\n", len(s.Graph.Levels)-i, stepList(s.Graph.Levels[i], false))
	}
	return b.String()
}

func stepList(level []*spec.Resource, start bool) string {
	steps := make([]string, len(level))
	for i, r := range level {
		d := r.CloseTimeout.Duration
		if start {
			d = r.OpenTimeout.Duration
		}
		step := fmt.Sprintf("%s [%s] %s", r.Name, r.Kind, formatDuration(d))
		if r.Critical && !start {
			step += " critical"
		}
		steps[i] = step
	}
	return strings.Join(steps, ", ")
}
