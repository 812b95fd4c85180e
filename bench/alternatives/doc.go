// Package alternatives holds the benchmarks that compare svcgen with other
// projects (uber-go/fx, google/wire). It is a module of its own so that the
// svcgen module never depends on them; `go test ./...` from the repository
// root does not enter it, and bench/cmd/report runs it:
//
//	SVCGEN_BENCH=1 go test -run . -v -count=1   (in bench/alternatives)
//
// Each test prints one machine-readable line, `BENCH <name> key=value ...`,
// with medians in nanoseconds; bench/cmd/report collects them.
package alternatives
