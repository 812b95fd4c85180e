package generator

import (
	"go/format"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/spec"
)

// The generation benchmarks, side by side: the whole of project mode on the
// large golden spec (decode, validate, emit, render through jennifer, which
// formats every file), and go/format alone over the Go files it produces —
// the floor any generator that emits formatted Go pays:
//
//	go test ./generator -run '^$' -bench Large -count 5

func largeSpec(b *testing.B) (string, []byte) {
	b.Helper()
	name := filepath.Join("..", "golden", "large", "service.toml")
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	return name, data
}

func BenchmarkGenerateLarge(b *testing.B) {
	name, data := largeSpec(b)
	b.ReportAllocs()
	for b.Loop() {
		s, err := spec.Parse(name, data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Generate(s, Options{Mode: ProjectMode}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFormatLargeOutput(b *testing.B) {
	name, data := largeSpec(b)
	s, err := spec.Parse(name, data)
	if err != nil {
		b.Fatal(err)
	}
	files, err := Generate(s, Options{Mode: ProjectMode})
	if err != nil {
		b.Fatal(err)
	}
	var srcs [][]byte
	size := 0
	for _, f := range files {
		if strings.HasSuffix(f.Path, ".go") {
			srcs = append(srcs, f.Content)
			size += len(f.Content)
		}
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range srcs {
			if _, err := format.Source(src); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(srcs)), "files")
}
