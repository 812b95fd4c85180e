package generator

import (
	"strings"
	"testing"

	"github.com/svcgen/svcgen/spec"
)

// TestGraphShowsTheBudgetsTheBinaryRuns: `svcgen graph` prints the stop
// budget's split as the generated constants compute it, to the
// nanosecond (the drain in whole milliseconds, the rest to closing).
func TestGraphShowsTheBudgetsTheBinaryRuns(t *testing.T) {
	cases := []struct {
		timeouts string
		want     []string
	}{
		{`stop = "20s"`, []string{"3. drain 9s:", "job [worker] 9s", "reserve 2s"}},
		{`stop = "10001ms"`, []string{"3. drain 4.5s:", "job [worker] 4.5009s", "reserve 1.0001s"}},
		{`stop = "3ns"`, []string{"3. drain 0s:", "job [worker] 2ns", "reserve 1ns"}},
	}
	for _, c := range cases {
		t.Run(c.timeouts, func(t *testing.T) {
			s, err := spec.Parse("service.toml", []byte("[service]\nname = \"orders\"\n[timeouts]\n"+c.timeouts+
				"\n[resource.job]\nkind = \"worker\"\nrun = \"RunJob\"\n"))
			if err != nil {
				t.Fatal(err)
			}
			out := GraphText(s)
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("no %q in\n%s", w, out)
				}
			}
		})
	}
}
