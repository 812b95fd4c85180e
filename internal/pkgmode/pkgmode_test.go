package pkgmode_test

import (
	"bytes"
	"flag"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/e2e"
)

var update = flag.Bool("update", false, "rewrite the golden outputs of the error cases")

// The testdata modules are shaped like real repositories and are used the
// way a team would: `//go:generate svcgen generate` in the package, run by
// `go generate` with this repository's svcgen on PATH (in a repository it
// is `go run github.com/svcgen/svcgen/cmd/svcgen generate` or `go tool
// svcgen generate`).

var (
	binOnce sync.Once
	binDir  string
	binErr  error
)

// svcgenOnPath builds cmd/svcgen once per test binary and returns a PATH
// that finds it first.
func svcgenOnPath(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "svcgen-bin-")
		if binErr != nil {
			return
		}
		name := "svcgen"
		if runtime.GOOS == "windows" {
			name += ".exe"
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, name), "github.com/svcgen/svcgen/cmd/svcgen").CombinedOutput()
		if err != nil {
			binErr = &buildError{err, out}
		}
	})
	if binErr != nil {
		t.Fatalf("build svcgen: %v", binErr)
	}
	return binDir + string(os.PathListSeparator) + os.Getenv("PATH")
}

type buildError struct {
	err error
	out []byte
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + string(e.out) }

func TestMain(m *testing.M) {
	// svcgen's dependency cache goes to a directory of this run, not the
	// user's cache (every test copies its module, so entries never
	// collide).
	cache, err := os.MkdirTemp("", "svcgen-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv("SVCGEN_CACHE", cache)
	code := m.Run()
	os.RemoveAll(cache)
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// copyModule copies testdata/<name> into a temporary directory.
func copyModule(t *testing.T, name string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dst, os.DirFS(filepath.Join("testdata", name))); err != nil {
		t.Fatal(err)
	}
	return dst
}

// goCmd runs the go command in dir, offline (the testdata modules build
// from the module cache), and returns its combined output and exit code.
func goCmd(t *testing.T, dir string, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatalf("go %s: %v", strings.Join(args, " "), err)
	}
	return string(out), 0
}

func goGenerate(t *testing.T, dir string) (string, int) {
	return goCmd(t, dir, []string{"PATH=" + svcgenOnPath(t)}, "generate")
}

// svcgenVerbose runs `svcgen generate -package -v` in dir and returns the
// line saying how the package was loaded, the rest of its stderr, and its
// exit code.
func svcgenVerbose(t *testing.T, dir string, env ...string) (loaded, stderr string, code int) {
	t.Helper()
	bin := filepath.Join(strings.SplitN(svcgenOnPath(t), string(os.PathListSeparator), 2)[0], "svcgen")
	cmd := exec.Command(bin, "generate", "-package", "-v")
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly"), env...)
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.SplitAfter(errBuf.String(), "\n") {
		if strings.HasPrefix(line, "svcgen: loaded ") {
			loaded = strings.TrimSpace(line)
		} else {
			stderr += line
		}
	}
	if loaded == "" {
		t.Fatalf("svcgen -v said nothing about the load; stderr:\n%s", errBuf.String())
	}
	return loaded, stderr, code
}

func mustGo(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	out, code := goCmd(t, dir, env, args...)
	if code != 0 {
		t.Fatalf("go %s (%v) in %s: exit %d\n%s", strings.Join(args, " "), env, dir, code, out)
	}
	return out
}

// buildBoth vets and builds the package for this OS and for Windows and
// returns the binary for this OS.
func buildBoth(t *testing.T, dir string) string {
	t.Helper()
	for _, goos := range []string{runtime.GOOS, "windows"} {
		env := []string{"GOOS=" + goos}
		mustGo(t, dir, env, "vet", ".")
		mustGo(t, dir, env, "build", "-o", filepath.Join(t.TempDir(), "svc-"+goos), ".")
	}
	bin := filepath.Join(t.TempDir(), "svc")
	mustGo(t, dir, nil, "build", "-o", bin, ".")
	return bin
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(data)
	}
	return out
}

func get(t *testing.T, method, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// waitReady polls /readyz until it answers 200.
func waitReady(t *testing.T, p *e2e.Process, admin string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + admin + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz not 200 within 30s (last: %v); log:\n%s", err, p.Log())
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not synchronisation
	}
}

// start runs the service and returns it with its admin and first HTTP
// listener addresses (the testdata specs bind port 0).
func start(t *testing.T, bin, dir, resource string) (*e2e.Process, string, string) {
	t.Helper()
	p, err := e2e.Start(bin, dir, nil, "run")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	admin, err := p.ListenAddr("admin", 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	api, err := p.ListenAddr(resource, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	waitReady(t, p, admin)
	return p, admin, api
}

func stop(t *testing.T, p *e2e.Process) {
	t.Helper()
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code, err := p.Wait(30 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0; log:\n%s", code, p.Log())
	}
}

// TestShopOrders: an app with its own main, handlers over several files,
// a hook with a Windows-only implementation and a sibling package; it
// does not compile until generated.
func TestShopOrders(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("runs the service with SIGTERM; the Windows build is checked by cross-compiling")
	}
	mod := copyModule(t, "shop")
	dir := filepath.Join(mod, "cmd", "orders")
	if out, code := goCmd(t, dir, nil, "build", "-o", os.DevNull, "."); code == 0 {
		t.Fatalf("the package compiles before generation; the test would prove less:\n%s", out)
	}
	out, code := goGenerate(t, dir)
	if code != 0 {
		t.Fatalf("go generate: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "main.go")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "main.go")); bytes.Contains(data, []byte("Code generated")) {
		t.Fatal("main.go was replaced by a generated one; the package has its own main")
	}
	for _, user := range []string{"api.go", "hooks.go", "store.go", "outbox.go"} {
		if data, err := os.ReadFile(filepath.Join("testdata", "shop", "cmd", "orders", user)); err != nil {
			t.Fatal(err)
		} else if got, _ := os.ReadFile(filepath.Join(dir, user)); !bytes.Equal(got, data) {
			t.Errorf("user file %s was changed", user)
		}
	}
	for _, g := range []string{"svcgen_wire.go", "svcgen_config.go", "svcgen_guards.go"} {
		data, err := os.ReadFile(filepath.Join(dir, g))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte("\npackage main\n")) {
			t.Errorf("%s is not in package main", g)
		}
	}
	bin := buildBoth(t, dir)

	// The user's main still runs first.
	if out, err := exec.Command(bin, "about").CombinedOutput(); err != nil || !strings.Contains(string(out), "the shop's orders API") {
		t.Fatalf("orders about: %v\n%s", err, out)
	}

	p, _, api := start(t, bin, dir, "api")
	if code, body := get(t, "GET", "http://"+api+"/products"); code != 200 || body != "apple,pear\n" {
		t.Errorf("GET /products = %d %q", code, body)
	}
	if code, body := get(t, "POST", "http://"+api+"/orders/pear"); code != 200 || body != "order 1: pear\n" {
		t.Errorf("POST /orders/pear = %d %q", code, body)
	}
	if code, _ := get(t, "POST", "http://"+api+"/orders/plum"); code != 404 {
		t.Errorf("POST /orders/plum = %d, want 404", code)
	}
	if _, err := p.WaitLine(regexp.MustCompile(`announced os=other`), 10*time.Second); err != nil {
		t.Error(err)
	}
	stop(t, p)
	if !strings.Contains(p.Log(), "withdrawn") {
		t.Errorf("before_drain hook did not run; log:\n%s", p.Log())
	}

	// Again: nothing changes.
	before := snapshot(t, dir)
	out, code = goGenerate(t, dir)
	if code != 0 || !strings.Contains(out, " 0 created, 0 updated") {
		t.Fatalf("second go generate: exit %d\n%s", code, out)
	}
	if after := snapshot(t, dir); len(after) != len(before) {
		t.Fatalf("second run changed the file set")
	} else {
		for name, content := range before {
			if after[name] != content {
				t.Errorf("second run changed %s", name)
			}
		}
	}

	// The handler is renamed in the code and the spec: the generated files
	// on disk still call the old name, so the package no longer compiles
	// until it is generated again; one generated file is missing too.
	// Generation works from that state and the package builds again.
	rename := func(file, from, to string) {
		t.Helper()
		p := filepath.Join(dir, file)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, bytes.ReplaceAll(data, []byte(from), []byte(to)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rename("api.go", "NewAPI", "NewRouter")
	rename("service.toml", `"NewAPI"`, `"NewRouter"`)
	if err := os.Remove(filepath.Join(dir, "svcgen_config.go")); err != nil {
		t.Fatal(err)
	}
	if out, code := goCmd(t, dir, nil, "build", "-o", os.DevNull, "."); code == 0 {
		t.Fatalf("the stale package still compiles; the test would prove less:\n%s", out)
	}
	out, code = goGenerate(t, dir)
	if code != 0 {
		t.Fatalf("go generate over stale files: exit %d\n%s", code, out)
	}
	if after := snapshot(t, dir); after["svcgen_config.go"] != before["svcgen_config.go"] {
		t.Fatal("the missing generated file was not restored")
	}
	mustGo(t, dir, nil, "build", "-o", os.DevNull, ".")
}

// TestShopMailer: a command package without a main of its own gets the
// generated main.go.
func TestShopMailer(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("runs the service with SIGTERM; the Windows build is checked by cross-compiling")
	}
	mod := copyModule(t, "shop")
	dir := filepath.Join(mod, "cmd", "mailer")
	out, code := goGenerate(t, dir)
	if code != 0 {
		t.Fatalf("go generate: exit %d\n%s", code, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "main.go"))
	if err != nil || !bytes.Contains(data, []byte("Code generated by svcgen from service.toml. DO NOT EDIT.")) {
		t.Fatalf("main.go not generated: %v\n%s", err, data)
	}
	bin := buildBoth(t, dir)
	p, _, web := start(t, bin, dir, "web")
	if code, body := get(t, "GET", "http://"+web+"/"); code != 200 || body != "mailer idle\n" {
		t.Errorf("GET / = %d %q", code, body)
	}
	stop(t, p)
}

// TestShopAgent: a hook whose Windows file imports golang.org/x/sys/windows,
// which the Linux files do not: the package is loaded a second time with
// GOOS=windows (not type-checked in process).
func TestShopAgent(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("runs the service with SIGTERM; the Windows build is checked by cross-compiling")
	}
	mod := copyModule(t, "shop")
	dir := filepath.Join(mod, "cmd", "agent")
	out, code := goGenerate(t, dir)
	if code != 0 {
		t.Fatalf("go generate: exit %d\n%s", code, out)
	}
	bin := buildBoth(t, dir)
	p, err := e2e.Start(bin, dir, nil, "run")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	admin, err := p.ListenAddr("admin", 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	waitReady(t, p, admin)
	if _, err := p.WaitLine(regexp.MustCompile(`msg=hello pid=`), 10*time.Second); err != nil {
		t.Error(err)
	}
	stop(t, p)
}

// TestRedisApp: a handler taking *redis.Client, a type of a module the
// package requires (resolved from its export data, not by name).
func TestRedisApp(t *testing.T) {
	mod := copyModule(t, "redisapp")
	if out, code := goCmd(t, mod, nil, "mod", "download", "github.com/redis/go-redis/v9"); code != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("go-redis is not in the module cache:\n%s", out)
		}
		t.Skipf("go-redis is not in the module cache (offline test):\n%s", out)
	}
	dir := filepath.Join(mod, "svc")
	out, code := goGenerate(t, dir)
	if code != 0 {
		t.Fatalf("go generate: exit %d\n%s", code, out)
	}
	buildBoth(t, dir)
}

// TestErrors: problems in the package are reported all at once, with the
// spec position and, for a wrong signature, the Go declaration; nothing
// is written. Outputs are golden (go test -run TestErrors -update).
func TestErrors(t *testing.T) {
	cases := []struct{ module, pkg string }{
		{"broken", "missing"},  // a handler and a Windows-only hook not found
		{"broken", "wrongsig"}, // wrong signatures, a type named as a hook
		{"broken", "usererr"},  // the user's own errors are not hidden
		{"nomod", "svc"},       // go.mod lacks what the output imports
	}
	for _, c := range cases {
		t.Run(c.module+"/"+c.pkg, func(t *testing.T) {
			mod := copyModule(t, c.module)
			dir := filepath.Join(mod, c.pkg)
			before := snapshot(t, dir)
			out, code := goGenerate(t, dir)
			if code == 0 {
				t.Fatalf("go generate succeeded:\n%s", out)
			}
			if after := snapshot(t, dir); len(after) != len(before) {
				t.Errorf("files were written: %d before, %d after", len(before), len(after))
			}
			out = strings.ReplaceAll(out, mod, "$MODULE")
			golden := filepath.Join("testdata", c.module, c.pkg+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if out != string(want) {
				t.Errorf("output differs from %s:\ngot:\n%s\nwant:\n%s", golden, out, want)
			}

			// Again, by hand (go generate's environment differs, so
			// its cache entry is another one), then with the
			// dependencies from svcgen's cache: the same errors (less
			// go generate's own line).
			svcgenVerbose(t, dir)
			loaded, errs, code := svcgenVerbose(t, dir)
			if code != 1 {
				t.Fatalf("second run: exit %d, want 1\n%s", code, errs)
			}
			if !strings.Contains(loaded, " from the dependency cache") || strings.Contains(loaded, "from go list") {
				t.Errorf("second run did not take every dependency from the cache: %s", loaded)
			}
			wantAgain := regexp.MustCompile(`(?m)^.*running "svcgen".*\n`).ReplaceAllString(string(want), "")
			if got := strings.ReplaceAll(errs, mod, "$MODULE"); got != wantAgain {
				t.Errorf("second run, from the cache:\ngot:\n%s\nwant:\n%s", got, wantAgain)
			}
		})
	}
}
