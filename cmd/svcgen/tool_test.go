package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestGoToolWorkflow runs the workflow the README documents, in a fresh
// module: svcgen pinned as a tool in go.mod (a replace points it at this
// checkout), a //go:generate line in a package, go generate, go build,
// `go tool svcgen check` with no flags, and a broken handler signature
// that go build reports with the fix. It needs the module cache that
// building svcgen fills; it runs offline (GOPROXY=off).
func TestGoToolWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds svcgen and a generated service: skipped with -short")
	}
	_, file, _, _ := runtime.Caller(0)
	repo, err := filepath.Abs(filepath.Join(filepath.Dir(file), "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	mod := t.TempDir()
	pkg := filepath.Join(mod, "svc")
	os.MkdirAll(pkg, 0o755)
	write := func(path, content string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(mod, "go.mod"), "module example.com/shop\n\ngo 1.26\n")
	copyFile(t, "../../golden/minimal/service.toml", filepath.Join(pkg, "service.toml"))
	write(filepath.Join(pkg, "doc.go"), "// Package main is the hello service.\npackage main\n\n//go:generate go tool svcgen generate\n")
	write(filepath.Join(pkg, "api.go"), "package main\n\nimport \"net/http\"\n\nfunc NewAPI() (http.Handler, error) { return http.NewServeMux(), nil }\n")

	goCmd := func(dir string, args ...string) (string, error) {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		// Offline: modules come from the module cache only, which checked
		// each against the checksum database when it was downloaded; the
		// database itself is out of reach, so go.sum lines are taken from
		// the cache (GOSUMDB=off) for the go get the generator asks for.
		cmd.Env = append(os.Environ(), "GOPROXY=off", "GOSUMDB=off", "GOFLAGS=-mod=mod", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	// go get -tool, offline: require and replace svcgen, then tidy. -e,
	// because tidy also wants the test dependencies of svcgen's own
	// dependencies (go-cmp for x/tools), which an offline module cache
	// need not hold; their go.mod requirements are all it records.
	setup := [][]string{
		{"mod", "edit", "-require", "github.com/svcgen/svcgen@v0.0.0", "-replace", "github.com/svcgen/svcgen=" + repo, "-tool", "github.com/svcgen/svcgen/cmd/svcgen"},
		{"mod", "tidy", "-e"},
	}
	for _, args := range setup {
		if out, err := goCmd(mod, args...); err != nil {
			msg := "go " + strings.Join(args, " ") + ": " + err.Error() + "\n" + out
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip("the module cache lacks what this test needs offline: " + msg)
		}
	}
	// The first go generate asks for the modules the generated code
	// imports (package mode never edits go.mod); run what it says.
	out, err := goCmd(mod, "generate", "./...")
	if err != nil {
		asked := false
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) == 3 && f[0] == "go" && f[1] == "get" {
				asked = true
				if o, err := goCmd(mod, f[1:]...); err != nil {
					t.Fatalf("%s: %v\n%s", l, err, o)
				}
			}
		}
		if !asked {
			t.Fatalf("go generate: %v\n%s", err, out)
		}
		if out, err := goCmd(mod, "generate", "./..."); err != nil {
			t.Fatalf("go generate after go get: %v\n%s", err, out)
		}
	}
	if out, err := goCmd(mod, "build", "-o", os.DevNull, "./svc"); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(pkg, "svcgen.sum")); err != nil {
		t.Fatalf("go generate wrote no manifest: %v", err)
	}
	// By hand, svcgen reads the dependencies go generate listed: go
	// generate's GOROOT, GOOS, GOARCH and PATH are what the go command
	// would take anyway.
	if out, err := goCmd(pkg, "tool", "svcgen", "generate", "-v"); err != nil || !strings.Contains(out, "from the dependency cache") || strings.Contains(out, "go list") {
		t.Errorf("go tool svcgen generate -v after go generate: %v\n%s", err, out)
	}
	if out, err := goCmd(pkg, "tool", "svcgen", "check"); err != nil {
		t.Fatalf("go tool svcgen check right after go generate: %v\n%s", err, out)
	}
	// A spec change makes check fail with the file named.
	data, _ := os.ReadFile(filepath.Join(pkg, "service.toml"))
	write(filepath.Join(pkg, "service.toml"), strings.Replace(string(data), `stop = "10s"`, `stop = "12s"`, 1))
	if out, err := goCmd(pkg, "tool", "svcgen", "check"); err == nil || !strings.Contains(out, "svcgen_config.go: stale") {
		t.Errorf("check after a spec change: %v\n%s", err, out)
	}
	write(filepath.Join(pkg, "service.toml"), string(data))
	// A broken handler: go build names the fix.
	write(filepath.Join(pkg, "api.go"), "package main\n\nimport \"net/http\"\n\nfunc NewAPI(x int) (http.Handler, error) { return http.NewServeMux(), nil }\n")
	if out, err := goCmd(mod, "build", "-o", os.DevNull, "./svc"); err == nil || !strings.Contains(out, "run svcgen generate") {
		t.Errorf("go build with a broken handler: %v\n%s", err, out)
	}
}
