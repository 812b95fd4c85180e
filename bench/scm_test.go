//go:build linux

package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/e2e"
	"github.com/svcgen/svcgen/internal/winetest"
)

// TestSCMStartStop times `sc start` to RUNNING and `sc stop` to STOPPED
// under Wine's Service Control Manager for the minimal golden service
// (golden/minimal, ports made free) and for testdata/scm/exsvc, a service
// in the shape of the x/sys svc/example serving the same hello, both built
// with GOOS=windows the same way:
//
//	SVCGEN_BENCH=1 go test ./bench/ -run TestSCMStartStop -v -count=1
//
// The clock runs inside Wine (testdata/scm/scwait polls QueryServiceStatusEx
// every millisecond; an sc.exe process per poll would cost ~0.1 s each).
// Each service does 7 rounds; the medians are printed side by side.
func TestSCMStartStop(t *testing.T) {
	skipUnlessBench(t)
	p := winetest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dir := t.TempDir()

	specText, err := os.ReadFile(filepath.Join("..", "golden", "minimal", "service.toml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer(`":8080"`, strconv.Quote(e2e.FreePort(t)), `"127.0.0.1:9090"`, strconv.Quote(e2e.FreePort(t))).Replace(string(specText))
	gen, err := e2e.Generate(filepath.Join(dir, "minimal"), text, nil)
	if err != nil {
		t.Fatal(err)
	}
	exes := map[string]string{
		"generated": filepath.Join(dir, "bin", "hello.exe"),
		"exsvc":     filepath.Join(dir, "bin", "exsvc.exe"),
		"scwait":    filepath.Join(dir, "bin", "scwait.exe"),
	}
	for name, src := range map[string]string{
		"generated": gen.Dir,
		"exsvc":     filepath.Join("testdata", "scm", "exsvc"),
		"scwait":    filepath.Join("testdata", "scm", "scwait"),
	} {
		if err := winetest.BuildWindows(ctx, src, exes[name]); err != nil {
			t.Fatal(err)
		}
	}

	const rounds = 7
	type result struct{ start, stop []float64 }
	results := map[string]*result{}
	for _, which := range []string{"exsvc", "generated"} {
		name := winetest.UniqueName("bench-" + which)
		args := []string{"service"}
		if which == "exsvc" {
			args = append(args, e2e.FreePort(t))
		}
		p.CreateService(t, name, exes[which], args...)
		out, errOut, err := p.Run(ctx, exes["scwait"], name, strconv.Itoa(rounds))
		if err != nil {
			t.Fatalf("scwait %s: %v\n%s%s", which, err, out, errOut)
		}
		r := &result{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var start, stop float64
			if _, err := fmt.Sscanf(line, "%f %f", &start, &stop); err != nil {
				t.Fatalf("scwait line %q: %v", line, err)
			}
			r.start, r.stop = append(r.start, start), append(r.stop, stop)
		}
		if len(r.start) != rounds {
			t.Fatalf("scwait %s: %d rounds, want %d:\n%s", which, len(r.start), rounds, out)
		}
		results[which] = r
	}
	g, x := results["generated"], results["exsvc"]
	t.Logf("medians of %d rounds under Wine's SCM (ms):", rounds)
	t.Logf("%-34s %10s %10s %7s", "", "generated", "x/sys-ex", "ratio")
	t.Logf("%-34s %10.1f %10.1f %7.2f", "StartService -> RUNNING", median(g.start), median(x.start), median(g.start)/median(x.start))
	t.Logf("%-34s %10.1f %10.1f %7.2f", "Control(Stop) -> STOPPED", median(g.stop), median(x.stop), median(g.stop)/median(x.stop))
	t.Logf("raw generated start %v stop %v", g.start, g.stop)
	t.Logf("raw x/sys-ex  start %v stop %v", x.start, x.stop)
}
