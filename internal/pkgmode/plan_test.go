package pkgmode

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/spec"
)

// The second OS family is type-checked in process only when its own files
// import nothing new and nothing OS-specific.
func TestPlanLoads(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the cases are written from a non-Windows host")
	}
	for _, c := range []struct {
		dir                  string
		needOther, inProcess bool
	}{
		{"shop/cmd/orders", true, true},  // announce_windows.go: context, log/slog
		{"shop/cmd/mailer", false, true}, // no OS-specific file
		{"shop/cmd/agent", true, false},  // hello_windows.go imports x/sys/windows
		{"broken/wrongsig", true, false}, // flush_windows.go imports x/sys/windows
	} {
		dir := filepath.Join("testdata", filepath.FromSlash(c.dir))
		src, err := scan(dir)
		if err != nil {
			t.Fatal(err)
		}
		p := planLoads(dir, src)
		if p.needOther != c.needOther || (p.needOther && p.inProcess != c.inProcess) {
			t.Errorf("%s: needOther=%v inProcess=%v, want %v %v", c.dir, p.needOther, p.inProcess, c.needOther, c.inProcess)
		}
	}
}

// Generation starts from options read from the syntax before the load
// finishes; the load must confirm them, or every run generates twice.
func TestOptionsGuess(t *testing.T) {
	for _, dir := range []string{"shop/cmd/orders", "shop/cmd/mailer", "broken/wrongsig", "broken/missing"} {
		abs, err := filepath.Abs(filepath.Join("testdata", filepath.FromSlash(dir)))
		if err != nil {
			t.Fatal(err)
		}
		src, err := scan(abs)
		if err != nil {
			t.Fatal(err)
		}
		p := planLoads(abs, src)
		guess := src.options(abs, p)
		loads, err := loadAll(abs, src, p, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := loadOptions(loads, src)
		if !sameOptions(got, guess) {
			t.Errorf("%s: guessed %+v, the load says %+v", dir, guess, got)
		}
	}
}

// Generate in process on the untouched testdata (nothing is written):
// the facts of the result, and the files it would write.
func TestGenerateResult(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the GOOS list is written from a non-Windows host")
	}
	dir := filepath.Join("testdata", "shop", "cmd", "orders")
	s, err := spec.Load(filepath.Join(dir, "service.toml"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Generate(s, dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.Name != "main" || res.PkgPath != "example.com/shop/cmd/orders" || !res.HasMain ||
		strings.Join(res.GOOS, ",") != runtime.GOOS+",windows" {
		t.Errorf("result: name %q path %q hasMain %v GOOS %v", res.Name, res.PkgPath, res.HasMain, res.GOOS)
	}
	paths := map[string]bool{}
	for _, f := range res.Files {
		paths[f.Path] = true
		if f.Owner != generator.Generated {
			t.Errorf("%s: a user file; every function exists, nothing is scaffolded", f.Path)
		}
	}
	if paths["main.go"] || !paths["svcgen_wire.go"] || !paths["internal/svcrt/lifecycle.go"] {
		t.Errorf("files: %v", paths)
	}
}
