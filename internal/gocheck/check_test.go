package gocheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/templates"
)

// stdExports returns export data finders for a module that requires
// nothing: the standard library only.
func stdExports(t *testing.T, goos string) *Exports {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module gocheck.test/std\n\ngo 1.26.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return NewExports(dir, goos, "GOFLAGS=-mod=mod", "GOPROXY=off")
}

// project is a small module: a main package importing an internal
// package that has a file per OS.
func project(mainGo string) map[string][]byte {
	return map[string][]byte{
		"go.mod": []byte("module example.com/p\n\ngo 1.26.0\n"),
		"main.go": []byte(`package main

import "example.com/p/internal/lib"

func main() {
` + mainGo + `
}
`),
		"internal/lib/lib.go": []byte(`package lib

import "fmt"

// Logf is a printf wrapper: vet learns it from the fact it exports.
func Logf(format string, args ...any) { fmt.Printf(format, args...) }
`),
		"internal/lib/os_windows.go": []byte(`package lib

import "golang.org/x/sys/windows"

func OS() string { _ = windows.Handle(0); return "windows" }
`),
		"internal/lib/os_other.go": []byte(`//go:build !windows

package lib

import "syscall"

func OS() string { _ = syscall.Getpid; return "other" }
`),
		"internal/lib/lib_test.go": []byte("package lib\n\nthis is not Go\n"),
		"testdata/x.go":            []byte("not Go either\n"),
		"README.md":                []byte("# p\n"),
	}
}

func check(t *testing.T, c *Checker, files map[string][]byte) []string {
	t.Helper()
	problems, err := c.Check(files)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range problems {
		out = append(out, p.String())
	}
	return out
}

func TestCheckSelectsFilesPerGOOS(t *testing.T) {
	for _, goos := range []string{"linux", "windows"} {
		t.Run(goos, func(t *testing.T) {
			e := stdExports(t, goos)
			if goos == "windows" {
				// x/sys/windows is not in a module that requires
				// nothing: the windows file must be the one selected.
				files := project(`lib.Logf("%s\n", lib.OS())`)
				got := check(t, NewChecker(e), files)
				if len(got) != 1 || !strings.Contains(got[0], `golang.org/x/sys/windows`) {
					t.Fatalf("problems: %q", got)
				}
				return
			}
			if got := check(t, NewChecker(e), project(`lib.Logf("%s\n", lib.OS())`)); len(got) != 0 {
				t.Fatalf("a clean project has problems: %q", got)
			}
		})
	}
}

func TestCheckFindsTypeAndVetProblems(t *testing.T) {
	c := NewChecker(stdExports(t, "linux"))
	got := check(t, c, project("lib.Logf(\"\")\n\tvar x int\n\tvar x string\n\t_ = x"))
	want := "main.go:8:6: x redeclared in this block\n\tmain.go:7:6: other declaration of x"
	if len(got) != 1 || got[0] != want {
		t.Errorf("problems %q, want %q", got, want)
	}
	// printf knows lib.Logf wraps fmt.Printf from the fact vetting lib
	// exported, although lib came from the cache.
	got = check(t, c, project(`lib.Logf("%s\n", 1)`))
	if len(got) != 1 || !strings.HasPrefix(got[0], "main.go:6:11: ") || !strings.Contains(got[0], "wrong type") || !strings.HasSuffix(got[0], "(printf)") {
		t.Errorf("problems %q, want one printf problem in main.go", got)
	}
}

func TestCheckReusesSharedPackages(t *testing.T) {
	e := stdExports(t, "linux")
	c := NewChecker(e)
	check(t, c, project(""))
	if len(c.cache) != 1 {
		t.Fatalf("%d packages cached after one project, want lib alone", len(c.cache))
	}
	check(t, c, project("println()"))
	if len(c.cache) != 1 {
		t.Errorf("%d packages cached after a second project with the same lib, want 1", len(c.cache))
	}
	changed := project("")
	changed["internal/lib/more.go"] = []byte("package lib\n\nvar More = 1\n")
	check(t, c, changed)
	if len(c.cache) != 2 {
		t.Errorf("%d packages cached after lib changed, want 2", len(c.cache))
	}
	if n := e.Lists(); n != 1 {
		t.Errorf("go list ran %d times for three projects with the same imports, want 1", n)
	}
}

func TestCheckImportRules(t *testing.T) {
	c := NewChecker(stdExports(t, "linux"))
	cycle := project(`lib.Logf("")`)
	cycle["internal/lib/cycle.go"] = []byte("package lib\n\nimport _ \"example.com/p/internal/other\"\n")
	cycle["internal/other/other.go"] = []byte("package other\n\nimport _ \"example.com/p/internal/lib\"\n")
	got := check(t, c, cycle)
	if len(got) != 1 || !strings.Contains(got[0], "import cycle: example.com/p/internal/lib -> example.com/p/internal/other -> example.com/p/internal/lib") {
		t.Errorf("problems %q, want the import cycle", got)
	}
	internal := project(`lib.Logf("")`)
	internal["internal/lib/bad.go"] = []byte("package lib\n\nimport _ \"internal/race\"\n")
	got = check(t, c, internal)
	if len(got) != 1 || !strings.HasSuffix(got[0], "could not import internal/race (use of internal package internal/race not allowed)") {
		t.Errorf("problems %q, want the internal package rule", got)
	}
}

// TestCheckRuntimeLayout checks projects laid out as generated projects
// with a runtime package are: the runtime at internal/svcrt (its real
// source, every feature and none), the wiring in the root package. The
// runtime is checked once per GOOS and feature set, however many projects
// share it. Export data comes from this repository's module, which
// requires what the runtime imports.
func TestCheckRuntimeLayout(t *testing.T) {
	const mainGo = `package main

import (
	"os"

	"example.com/orders/internal/svcrt"
)

func main() {
	setup := func(*svcrt.Overrides) (*svcrt.Config, func(*svcrt.App)) { return &svcrt.Config{}, func(*svcrt.App) {} }
	os.Exit(svcrt.Main("orders", setup, os.Args[1:]))
}
`
	for _, goos := range []string{"linux", "windows"} {
		t.Run(goos, func(t *testing.T) {
			c := NewChecker(NewExports(filepath.Join("..", ".."), goos))
			for _, features := range [][]string{templates.Features, nil} {
				runtime, err := templates.RuntimeFiles(features)
				if err != nil {
					t.Fatal(err)
				}
				for i := range 2 {
					files := map[string][]byte{
						"go.mod":  []byte("module example.com/orders\n\ngo 1.26.0\n"),
						"main.go": []byte(mainGo + strings.Repeat("\n", i)),
					}
					for _, f := range runtime {
						files["internal/svcrt/"+f.Name] = f.Source
					}
					if got := check(t, c, files); len(got) != 0 {
						t.Fatalf("features %v: problems:\n%s", features, strings.Join(got, "\n"))
					}
				}
			}
			if len(c.cache) != 2 {
				t.Errorf("%d runtime packages cached for 4 projects with 2 runtimes, want 2", len(c.cache))
			}
		})
	}
}
