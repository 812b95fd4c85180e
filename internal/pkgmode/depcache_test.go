package pkgmode_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestDependencyCache runs svcgen in a package again and again while the
// repository changes under it, the way a team edits: each run must say
// whether the go command ran (for everything, or for the dependencies
// only) or the kept listing was used, and either way report exactly what
// a fresh load would. The handler's signature names its result through a
// local alias, which the package's syntax alone cannot settle, so every
// run needs the dependencies' export data (the runs that do not are
// TestPackageAlone's). The package's own code is checked on every run;
// anything the go command's answer depends on makes it run again: for
// the dependencies alone after a sibling package, a new import or a
// go.mod requirement changed, for everything after a new file, a build
// constraint, the go line or GOFLAGS changed.
func TestDependencyCache(t *testing.T) {
	mod := copyModule(t, "shop")
	dir := filepath.Join(mod, "cmd", "orders")
	cache := t.TempDir()
	edit := func(file, from, to string) {
		t.Helper()
		p := filepath.Join(mod, filepath.FromSlash(file))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), from) {
			t.Fatalf("%s does not contain %q", file, from)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(data), from, to, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// run generates and checks where the dependencies came from for this
	// OS (the other family's view of this package is always checked in
	// process) and what went wrong, if anything.
	run := func(step, from, wantErr string, env ...string) {
		t.Helper()
		loaded, stderr, code := svcgenVerbose(t, dir, append([]string{"SVCGEN_CACHE=" + cache}, env...)...)
		if !strings.Contains(loaded, ": "+runtime.GOOS+" from "+from+";") {
			t.Errorf("%s: %s, want the dependencies from %s", step, loaded, from)
		}
		switch {
		case wantErr == "" && code != 0:
			t.Fatalf("%s: exit %d\n%s", step, code, stderr)
		case wantErr != "" && (code != 1 || !strings.Contains(stderr, wantErr)):
			t.Fatalf("%s: exit %d, want 1 with %q:\n%s", step, code, wantErr, stderr)
		}
	}

	edit("cmd/orders/api.go", "func NewAPI(store *Store) (http.Handler, error) {", "func NewAPI(store *Store) (handler, error) {")
	if err := os.WriteFile(filepath.Join(dir, "alias.go"), []byte("package main\n\nimport \"net/http\"\n\ntype handler = http.Handler\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	run("first run", "go list", "")
	run("nothing changed", "the dependency cache", "")

	// The package's own code is type-checked on every run.
	edit("cmd/orders/api.go", "func NewAPI(store *Store) (handler, error) {", "func NewAPI(store *Store) (handler, int) {")
	edit("cmd/orders/api.go", "return mux, nil", "return mux, 0")
	run("handler signature edited", "the dependency cache", `handler "NewAPI" has the wrong signature`)
	edit("cmd/orders/api.go", "func NewAPI(store *Store) (handler, int) {", "func NewAPI(store *Store) (handler, error) {")
	edit("cmd/orders/api.go", "return mux, 0", "return mux, nil")
	run("handler fixed", "the dependency cache", "")

	// A sibling package's API is part of the dependencies' export data.
	edit("internal/catalog/catalog.go", "func (c *Catalog) Get(", "func (c *Catalog) Lookup(")
	run("sibling package edited", "go list (dependencies only)", "s.Catalog.Get undefined")
	edit("internal/catalog/catalog.go", "func (c *Catalog) Lookup(", "func (c *Catalog) Get(")
	run("sibling package restored", "go list (dependencies only)", "")
	run("nothing changed since", "the dependency cache", "")

	// An import of a package the listing has no export data for.
	edit("cmd/orders/hooks.go", "\"log/slog\"\n)", "\"log/slog\"\n\t\"hash/adler32\"\n)\n\nvar _ = adler32.Checksum")
	run("new import", "go list (dependencies only)", "")
	run("new import kept", "the dependency cache", "")

	// An import no module provides: the go command's word for it, at the
	// import; such an answer is not kept (the package's own listing is:
	// the next run lists the dependencies only).
	missing := filepath.Join(dir, "missing.go")
	if err := os.WriteFile(missing, []byte("package main\n\nimport _ \"example.com/nowhere/pkg\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("import of nothing", "go list", "missing.go:3:10: could not import example.com/nowhere/pkg (cannot find module providing package example.com/nowhere/pkg")
	run("import of nothing again", "go list (dependencies only)", "missing.go:3:10: could not import example.com/nowhere/pkg (")
	if err := os.Remove(missing); err != nil {
		t.Fatal(err)
	}

	// A new file, and the build constraints of one.
	if err := os.WriteFile(filepath.Join(dir, "extra.go"), []byte("package main\n\nfunc extra() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("file added", "go list", "")
	if err := os.WriteFile(filepath.Join(dir, "extra.go"), []byte("//go:build ignore\n\npackage main\n\nfunc extra() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("build constraint added", "go list", "")
	run("nothing changed since", "the dependency cache", "")

	// The module's requirements and the go command's flags.
	edit("go.mod", "go 1.26.0\n", "go 1.26.0\n\n// edited\n")
	run("go.mod edited", "go list (dependencies only)", "")
	run("nothing changed since", "the dependency cache", "")
	edit("go.mod", "go 1.26.0\n", "go 1.26\n")
	run("go version line edited", "go list", "")
	run("nothing changed since", "the dependency cache", "")
	// A file only a build tag selects, importing what no other file
	// does: go/build does not see the tag, the go command does.
	tagged := "//go:build extra\n\npackage main\n\nimport \"container/ring\"\n\nvar _ = ring.New\n"
	if err := os.WriteFile(filepath.Join(dir, "tagged.go"), []byte(tagged), 0o644); err != nil {
		t.Fatal(err)
	}
	run("tagged file, tag off", "go list", "")
	run("other GOFLAGS", "go list", "", "GOFLAGS=-mod=readonly -tags=extra")
	run("other GOFLAGS again", "the dependency cache", "", "GOFLAGS=-mod=readonly -tags=extra")
	run("cache off", "go list", "", "SVCGEN_CACHE=off")

	// Nothing is kept in the repository.
	err := filepath.WalkDir(mod, func(p string, d os.DirEntry, err error) error {
		if err == nil && (strings.HasSuffix(p, ".json") || strings.Contains(d.Name(), "cache")) {
			t.Errorf("cache file in the repository: %s", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
