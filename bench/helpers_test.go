package bench

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/e2e"
)

// skipUnlessBench skips a benchmark test unless SVCGEN_BENCH is set: they
// take minutes and need PostgreSQL or Wine, so go test ./... leaves them out.
func skipUnlessBench(t *testing.T) {
	if os.Getenv("SVCGEN_BENCH") == "" {
		t.Skip("benchmark: set SVCGEN_BENCH=1")
	}
}

// number is what median takes: counts, milliseconds, durations.
type number interface{ ~int64 | ~float64 }

// median of the values; the mean of the middle two for an even count.
func median[T number](v []T) T {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// buildTestdata builds the program of testdata/<name> into dir and returns
// the binary's path.
func buildTestdata(t *testing.T, dir, name string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = filepath.Join("testdata", name)
	if o, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", name, err, o)
	}
	return out
}

// waitOK polls url until it answers 200, failing the test with the log of p
// after 10 s.
func waitOK(t *testing.T, p *e2e.Process, url string) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(10 * time.Second); ; {
		var last any
		resp, err := client.Get(url)
		if err != nil {
			last = err
		} else {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			last = resp.Status
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never answered 200 (last: %v); log:\n%s", url, last, p.Log())
		}
		time.Sleep(time.Millisecond)
	}
}
