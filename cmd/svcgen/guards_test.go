package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGuardsNameTheFix generates the minimal example with a hook, builds
// it, then breaks the contract in the user files the way an edit would —
// the handler grows a parameter, the hook loses its context, a handler is
// renamed — and checks that `go build` fails on svcgen_guards.go with a
// message that names svcgen generate (or, for a vanished function, points
// at the guard line that does).
func TestGuardsNameTheFix(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a generated project: skipped with -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	dir := t.TempDir()
	specPath := filepath.Join(dir, "service.toml")
	data, err := os.ReadFile("../../golden/minimal/service.toml")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(specPath, append(data, "\n[hooks]\nafter_ready = [\"Register\"]\n"...), 0o644)
	out := filepath.Join(dir, "hello")
	if code, stdout, stderr := svcgen(t, "generate", "-spec", specPath, "-out", out); code != exitOK {
		t.Fatalf("generate: exit %d\n%s%s", code, stdout, stderr)
	}
	build := func() (string, error) {
		cmd := exec.Command("go", "build", "-o", os.DevNull, ".")
		cmd.Dir = out
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOWORK=off")
		b, err := cmd.CombinedOutput()
		return string(b), err
	}
	if msg, err := build(); err != nil {
		t.Fatalf("the generated project does not build: %v\n%s", err, msg)
	}

	edit := func(file, old, new string) func() {
		path := filepath.Join(out, file)
		orig, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(orig), old) {
			t.Fatalf("%s does not contain %q:\n%s", file, old, orig)
		}
		os.WriteFile(path, []byte(strings.Replace(string(orig), old, new, 1)), 0o644)
		return func() { os.WriteFile(path, orig, 0o644) }
	}
	for _, tc := range []struct {
		name, file, old, new string
		want                 []string
	}{
		{"handler signature", "api.go", "func NewAPI() (http.Handler, error)", "func NewAPI(prefix string) (http.Handler, error)",
			[]string{"svcgen_guards.go:", "[resource.api] handler NewAPI", "run svcgen generate"}},
		{"hook signature", "hooks.go", "func Register(ctx context.Context) error", "func Register() error",
			[]string{"svcgen_guards.go:", "[hooks] after_ready Register", "run svcgen generate"}},
		{"handler removed", "api.go", "func NewAPI()", "func newAPI()",
			[]string{"svcgen_guards.go:", "undefined: NewAPI"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			restore := edit(tc.file, tc.old, tc.new)
			defer restore()
			msg, err := build()
			if err == nil {
				t.Fatal("go build succeeded after the contract broke")
			}
			first := ""
			for _, l := range strings.Split(msg, "\n") {
				if strings.HasPrefix(l, "./") {
					first = l
					break
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(first, w) {
					t.Errorf("the first error does not mention %q:\n%s", w, msg)
				}
			}
		})
	}
}
