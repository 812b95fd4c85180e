package generator

import (
	"bytes"
	"go/format"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/internal/artifactcheck"
	"github.com/svcgen/svcgen/spec"
)

// FuzzGenerate runs decode, validate and generate on arbitrary specs,
// seeded from the golden examples and the bad specs. Every accepted spec
// must generate without a panic, and every Go file must be gofmt-clean;
// generating twice must give the same bytes; the unit file, manifest and
// README must keep their grammar (artifactcheck.Check).
//
//	go test ./generator -run '^$' -fuzz FuzzGenerate -fuzztime 60s
func FuzzGenerate(f *testing.F) {
	for _, pattern := range []string{"../golden/*/service.toml", "../golden/bad/*.toml", "../templates/starter.toml"} {
		seeds, _ := filepath.Glob(pattern)
		for _, p := range seeds {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := spec.Parse("service.toml", data)
		if err != nil {
			return
		}
		files, err := Generate(s, Options{Mode: ProjectMode})
		if err != nil {
			// Only a positioned spec error may stop an accepted spec.
			if _, ok := err.(spec.ErrorList); !ok {
				t.Fatalf("generate failed on an accepted spec: %v", err)
			}
			return
		}
		again, err := Generate(s, Options{Mode: ProjectMode})
		if err != nil || len(again) != len(files) {
			t.Fatalf("second generate differs: %v", err)
		}
		byPath := map[string][]byte{}
		for _, file := range files {
			byPath[file.Path] = file.Content
		}
		for _, err := range artifactcheck.Check(s, byPath, "") {
			t.Error(err)
		}
		for i, file := range files {
			if !bytes.Equal(file.Content, again[i].Content) {
				t.Fatalf("%s: two runs differ", file.Path)
			}
			if !strings.HasSuffix(file.Path, ".go") {
				continue
			}
			formatted, err := format.Source(file.Content)
			if err != nil {
				t.Fatalf("%s does not parse: %v", file.Path, err)
			}
			if !bytes.Equal(formatted, file.Content) {
				t.Fatalf("%s is not gofmt-clean", file.Path)
			}
		}
	})
}
