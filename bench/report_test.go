package bench

import (
	"bytes"
	"testing"
)

func TestLineFormat(t *testing.T) {
	var b bytes.Buffer
	writeLine(&b, "scm_lost", "n", 5, "gen_max", 0.0, "ex_total", 401.0, "fx_version", "v1.24.0")
	if got, want := b.String(), "BENCH scm_lost n=5 gen_max=0 ex_total=401 fx_version=v1.24.0\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
