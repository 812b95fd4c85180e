package bench

import (
	"os"
	"slices"
	"testing"
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
