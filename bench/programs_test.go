package bench

import (
	"os/exec"
	"testing"
)

// benchPrograms are the programs under testdata that the suites build with
// buildTestdata: part of this module, on the runtime as it is.
var benchPrograms = []string{"graceful", "grpcserve", "hello", "httpserve"}

// TestBenchProgramsVet vets the suites' programs on every test run: they
// are built only when a suite runs (SVCGEN_BENCH=1), so a change of the
// runtime's API would otherwise break a benchmark unseen until its next
// run.
func TestBenchProgramsVet(t *testing.T) {
	args := []string{"vet"}
	for _, p := range benchPrograms {
		args = append(args, "./testdata/"+p)
	}
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		t.Errorf("go %v: %v\n%s", args, err, out)
	}
}
