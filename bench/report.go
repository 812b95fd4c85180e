// Package bench holds svcgen's benchmarks: each compares generated code
// with what it replaces, side by side in one run. They skip unless
// SVCGEN_BENCH=1; `go run ./bench/cmd/report` runs them all and writes
// bench/REPORT.md.
package bench

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// Line prints one machine-readable result line to standard output:
//
//	BENCH <name> key=value key=value ...
//
// name and keys are words ([A-Za-z0-9_]); values hold no spaces. Durations
// are nanoseconds, counts are plain numbers, and a key ending in _version
// holds a module version. bench/cmd/report reads these lines (go test -v
// passes standard output through), so a benchmark that prints one needs no
// parser of its human-readable table.
func Line(name string, kv ...any) { writeLine(os.Stdout, name, kv...) }

func writeLine(w io.Writer, name string, kv ...any) {
	var b strings.Builder
	b.WriteString("BENCH " + name)
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, " %v=%v", kv[i], kv[i+1])
	}
	b.WriteString("\n")
	io.WriteString(w, b.String())
}
