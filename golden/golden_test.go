// Package golden holds example specs with their committed generated
// projects. The tests regenerate every example and compare it byte for
// byte with what is committed (-update rewrites it), then build and vet
// every example for linux and windows.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/internal/gocheck"
	"github.com/svcgen/svcgen/internal/udiff"
	"github.com/svcgen/svcgen/spec"
)

var update = flag.Bool("update", false, "rewrite the committed generated projects")

// examples lists the directories holding a service.toml.
func examples(t testing.TB) []string {
	t.Helper()
	specs, err := filepath.Glob(filepath.Join("*", "service.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, s := range specs {
		dirs = append(dirs, filepath.Dir(s))
	}
	sort.Strings(dirs)
	if len(dirs) == 0 {
		t.Fatal("no golden examples found")
	}
	return dirs
}

func generate(t testing.TB, dir string) []generator.File {
	t.Helper()
	s, err := spec.Load(filepath.Join(dir, "service.toml"))
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	files, err := generator.Generate(s, generator.Options{Mode: generator.ProjectMode})
	if err != nil {
		t.Fatalf("%s: generate: %v", dir, err)
	}
	return files
}

// TestGolden regenerates each example and compares every file, generated
// and scaffolded, with the committed tree; it also checks that generation
// is deterministic and that nothing stale is left in the tree.
func TestGolden(t *testing.T) {
	for _, dir := range examples(t) {
		t.Run(dir, func(t *testing.T) {
			files := generate(t, dir)
			again := generate(t, dir)
			for i := range files {
				if !bytes.Equal(files[i].Content, again[i].Content) {
					t.Errorf("%s: two runs differ", files[i].Path)
				}
			}
			want := map[string]bool{"service.toml": true}
			for _, f := range files {
				want[f.Path] = true
				path := filepath.Join(dir, filepath.FromSlash(f.Path))
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, f.Content, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				have, err := os.ReadFile(path)
				if err != nil {
					t.Errorf("%s: %v (run go test ./golden -update)", path, err)
					continue
				}
				if d := udiff.Diff("committed/"+f.Path, "generated/"+f.Path, have, f.Content); d != "" {
					t.Errorf("%s is stale (run go test ./golden -update):\n%s", path, d)
				}
			}
			// A file on disk that the generator no longer writes is stale too.
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(dir, p)
				if !want[filepath.ToSlash(rel)] {
					if *update {
						os.Remove(p)
					} else {
						t.Errorf("%s is not generated any more (run go test ./golden -update)", p)
					}
				}
				return nil
			})
		})
	}
}

// TestGoldenBuilds builds and vets every committed example for linux and
// windows exactly as a user would right after generation: no go mod tidy,
// no network beyond the module cache.
func TestGoldenBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every example: skipped with -short")
	}
	for _, dir := range examples(t) {
		for _, goos := range []string{"linux", "windows"} {
			t.Run(dir+"/"+goos, func(t *testing.T) {
				if err := gocheck.GoBuild(dir, goos, "GOFLAGS=-mod=readonly"); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}
