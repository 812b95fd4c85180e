package main

import (
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// withResources is the minimal spec with a custom resource (state), a
// worker (outbox) and hooks added.
const withResources = `
[resource.state]
kind = "custom"
open = "LoadState"
close = "SaveState"

[resource.outbox]
kind = "worker"
run = "RunOutbox"

[hooks]
after_ready = ["Register"]
`

// TestRenamedResourceKeepsUserFile: in project mode, a user file keeps
// what it declares. A resource renamed in the spec keeps its functions in
// the old resource's file: the new scaffold must not declare them again
// (the project would not compile), and a custom resource whose type
// follows the new name is refused with the file that holds its functions
// and what to rename, writing nothing. Each case ends in a package that
// declares every name once; the custom one is built.
func TestRenamedResourceKeepsUserFile(t *testing.T) {
	base, err := os.ReadFile("../../golden/minimal/service.toml")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		// change edits the spec and the user's files after the first
		// generate.
		change  func(t *testing.T, spec, out string) string
		refused []string // generate's error, when it refuses
		fix     func(t *testing.T, spec, out string) string
	}{
		{name: "http resource renamed", change: func(t *testing.T, spec, out string) string {
			return strings.Replace(spec, "[resource.api]", "[resource.web]", 1)
		}},
		{name: "worker renamed", change: func(t *testing.T, spec, out string) string {
			return strings.Replace(spec, "[resource.outbox]", "[resource.relay]", 1)
		}},
		{name: "hooks moved to another file", change: func(t *testing.T, spec, out string) string {
			moveFile(t, filepath.Join(out, "hooks.go"), filepath.Join(out, "lifecycle.go"))
			return spec
		}},
		{name: "functions moved to another file", change: func(t *testing.T, spec, out string) string {
			moveFile(t, filepath.Join(out, "state.go"), filepath.Join(out, "persistence.go"))
			return spec
		}},
		{name: "custom renamed, type set to the old one", change: func(t *testing.T, spec, out string) string {
			return strings.Replace(spec, "[resource.state]", "[resource.store]\ntype = \"State\"", 1)
		}},
		{
			name: "custom renamed",
			change: func(t *testing.T, spec, out string) string {
				return strings.Replace(spec, "[resource.state]", "[resource.store]", 1)
			},
			refused: []string{"store.go: not scaffolded: state.go already declares LoadState, SaveState of [resource.store], but no file declares its type Store",
				"rename state.go to store.go and its type to Store"},
			fix: func(t *testing.T, spec, out string) string {
				data, _ := os.ReadFile(filepath.Join(out, "state.go"))
				renamed := strings.ReplaceAll(string(data), "State struct", "Store struct")
				renamed = strings.ReplaceAll(renamed, "*State", "*Store")
				renamed = strings.ReplaceAll(renamed, "&State{", "&Store{")
				os.WriteFile(filepath.Join(out, "store.go"), []byte(renamed), 0o644)
				os.Remove(filepath.Join(out, "state.go"))
				return spec
			},
		},
		{
			name: "custom renamed, fixed with type",
			change: func(t *testing.T, spec, out string) string {
				return strings.Replace(spec, "[resource.state]", "[resource.store]", 1)
			},
			refused: []string{"or set type in [resource.store] to the type LoadState returns"},
			fix: func(t *testing.T, spec, out string) string {
				return strings.Replace(spec, "[resource.store]", "[resource.store]\ntype = \"State\"", 1)
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			specPath := filepath.Join(dir, "service.toml")
			spec := string(base) + withResources
			os.WriteFile(specPath, []byte(spec), 0o644)
			out := filepath.Join(dir, "hello")
			if code, _, stderr := svcgen(t, "generate", "-spec", specPath, "-out", out); code != exitOK {
				t.Fatalf("generate: exit %d: %s", code, stderr)
			}
			spec = c.change(t, spec, out)
			os.WriteFile(specPath, []byte(spec), 0o644)
			before := snapshotTree(t, out)
			code, stdout, stderr := svcgen(t, "generate", "-spec", specPath, "-out", out)
			if c.refused == nil {
				if code != exitOK {
					t.Fatalf("generate after the change: exit %d\n%s%s", code, stdout, stderr)
				}
			} else {
				if code != exitFix {
					t.Errorf("generate after the change: exit %d, want %d\n%s%s", code, exitFix, stdout, stderr)
				}
				for _, w := range c.refused {
					if !strings.Contains(stderr, w) {
						t.Errorf("generate's error lacks %q:\n%s", w, stderr)
					}
				}
				if after := snapshotTree(t, out); len(after) != len(before) {
					t.Errorf("files written although refused: %v -> %v", keys(before), keys(after))
				}
				spec = c.fix(t, spec, out)
				os.WriteFile(specPath, []byte(spec), 0o644)
				if code, stdout, stderr := svcgen(t, "generate", "-spec", specPath, "-out", out); code != exitOK {
					t.Fatalf("generate after the fix: exit %d\n%s%s", code, stdout, stderr)
				}
			}
			if dup := declaredTwice(t, out); len(dup) > 0 {
				t.Errorf("declared twice in the package: %v", dup)
			}
			if c.refused != nil {
				build := exec.Command("go", "build", "-o", os.DevNull, ".")
				build.Dir = out
				if o, err := build.CombinedOutput(); err != nil {
					t.Errorf("the fixed project does not build: %v\n%s", err, o)
				}
			}
		})
	}
}

func moveFile(t *testing.T, from, to string) {
	t.Helper()
	if err := os.Rename(from, to); err != nil {
		t.Fatal(err)
	}
}

// declaredTwice parses the package in dir and lists every package-level
// name declared more than once, with its files.
func declaredTwice(t *testing.T, dir string) []string {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	in := map[string][]string{}
	fset := token.NewFileSet()
	for _, n := range names {
		f, err := parser.ParseFile(fset, n, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range topLevelNames(f) {
			in[name] = append(in[name], filepath.Base(n))
		}
	}
	var dup []string
	for name, files := range in {
		if len(files) > 1 {
			dup = append(dup, name+" in "+strings.Join(files, ", "))
		}
	}
	sort.Strings(dup)
	return dup
}
