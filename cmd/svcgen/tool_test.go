package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// TestReadmeInstall is the newcomer's path, taken from README.md's Install
// section command by command so that the README and the test cannot
// drift: a clone of this repository (made from the working tree, the
// clone's URL being the only word replaced), `go install ./cmd/svcgen`
// in it, `svcgen version` naming the clone's commit; then, in a module of
// its own with requirements already in the module cache, the replace and
// `go get -tool` commands, `go tool svcgen version`, the //go:generate
// line of "Pin the tool", go generate (and the go get it asks for), go
// build, `go tool svcgen check`, and a broken handler that go build
// reports with the fix. It logs what the tool directive put into the
// module's build list. It runs offline: modules come from the module
// cache only (GOPROXY=off), which checked each against the checksum
// database when it was downloaded (GOSUMDB=off here).
func TestReadmeInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds svcgen twice and a generated service: skipped with -short")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	readme, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	install := section(t, string(readme), "## Install")
	blocks := fencedBlocks(install, "sh")
	if len(blocks) < 2 {
		t.Fatalf("README's Install section has %d sh blocks, want the clone's and the module's", len(blocks))
	}
	const readmeURL = "https://github.com/svcgen/svcgen"

	tmp := t.TempDir()
	origin := filepath.Join(tmp, "origin", "svcgen.git")
	commit := snapshotRepo(t, origin)
	work := filepath.Join(tmp, "work")
	gobin := filepath.Join(tmp, "bin")
	for _, d := range []string{work, gobin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "GOPROXY=off", "GOSUMDB=off", "GOWORK=off", "GOTOOLCHAIN=local",
		"GOFLAGS=-buildvcs=auto", "GOBIN="+gobin, "PATH="+gobin+string(os.PathListSeparator)+os.Getenv("PATH"))
	// The module cache may lack what an offline run needs (a machine
	// that never built svcgen): then skip, except in CI, where it fails.
	offline := func(msg string) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("the module cache lacks what this test needs offline: " + msg)
	}
	run := func(dir string, args ...string) string {
		t.Helper()
		name := args[0]
		if installed := filepath.Join(gobin, exeName(name)); !filepath.IsAbs(name) && exists(installed) {
			name = installed // found on the PATH of env, as a shell would
		}
		cmd := exec.Command(name, args[1:]...)
		cmd.Dir = dir
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			msg := fmt.Sprintf("%s (in %s): %v\n%s", strings.Join(args, " "), dir, err, out)
			if strings.Contains(string(out), "GOPROXY=off") {
				offline(msg)
			}
			t.Fatal(msg)
		}
		return string(out)
	}
	// follow runs a README block line by line: comments dropped, cd
	// followed, every other line a command.
	follow := func(dir string, block string, words map[string]string) (string, map[string]string) {
		t.Helper()
		outputs := map[string]string{}
		for _, line := range strings.Split(block, "\n") {
			if i := strings.Index(line, "#"); i >= 0 {
				line = line[:i]
			}
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			for from, to := range words {
				line = strings.ReplaceAll(line, from, to)
			}
			f := strings.Fields(line)
			if f[0] == "cd" {
				if len(f) != 2 {
					t.Fatalf("README: %q", line)
				}
				if filepath.IsAbs(f[1]) {
					dir = f[1]
				} else {
					dir = filepath.Join(dir, f[1])
				}
				continue
			}
			outputs[line] = run(dir, f...)
		}
		return dir, outputs
	}

	// A clone, and svcgen installed from it.
	clone, outs := follow(work, blocks[0], map[string]string{readmeURL: origin})
	if clone != filepath.Join(work, "svcgen") {
		t.Fatalf("the README's clone block ends in %s, not in the clone", clone)
	}
	if _, err := os.Stat(filepath.Join(gobin, exeName("svcgen"))); err != nil {
		t.Fatalf("go install put no svcgen in GOBIN: %v", err)
	}
	got := outs["svcgen version"]
	wantVersion := regexp.MustCompile(`^svcgen v0\.0\.0-\d{14}-` + commit[:12] + ` \(git revision ` + commit + `\)\n$`)
	if !wantVersion.MatchString(got) {
		t.Errorf("svcgen version of the clone: %q, want the pseudo-version and revision of %s", got, commit)
	}
	// An uncommitted change is in the version too.
	f, err := os.OpenFile(filepath.Join(clone, "cmd", "svcgen", "main.go"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "\n// edited")
	f.Close()
	dirty := filepath.Join(tmp, exeName("svcgen-dirty"))
	run(clone, "go", "build", "-o", dirty, "./cmd/svcgen")
	if got := run(clone, dirty, "version"); !strings.Contains(got, commit[:12]+"+dirty") || !strings.Contains(got, commit+", modified)") {
		t.Errorf("svcgen version with an uncommitted change: %q, want +dirty and modified", got)
	}
	run(clone, "git", "checkout", "--", ".")

	// An existing module with requirements of its own.
	mod := filepath.Join(tmp, "shop")
	pkg := filepath.Join(mod, "svc")
	os.MkdirAll(pkg, 0o755)
	write := func(path, content string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(mod, "go.mod"), "module example.com/shop\n\ngo 1.26\n")
	// It requires modules svcgen requires too, at older versions, those
	// of them the module cache holds (offline, a module that is not there
	// cannot be required).
	cache := strings.TrimSpace(run(tmp, "go", "env", "GOMODCACHE"))
	svcgenVersions := requirements(t, filepath.Join(repoRoot(t), "go.mod"))
	var imports, older []string
	for _, req := range []struct{ path, version, pkg string }{
		{"golang.org/x/mod", "v0.41.0", "golang.org/x/mod/semver"},
		{"golang.org/x/sync", "v0.23.0", "golang.org/x/sync/errgroup"},
	} {
		esc, err := module.EscapePath(req.path)
		if err != nil {
			t.Fatal(err)
		}
		if !exists(filepath.Join(cache, "cache", "download", esc, "@v", req.version+".zip")) {
			t.Logf("the module cache has no %s@%s: not required", req.path, req.version)
			continue
		}
		run(mod, "go", "get", req.path+"@"+req.version)
		imports = append(imports, "\t_ \""+req.pkg+"\"\n")
		older = append(older, req.path+" "+req.version+" => "+svcgenVersions[req.path])
	}
	write(filepath.Join(mod, "shop.go"), "// Package shop uses modules svcgen requires too.\npackage shop\n\nimport (\n"+strings.Join(imports, "")+")\n")
	before := buildList(t, run(mod, "go", "list", "-m", "-e", "all"))

	_, outs = follow(work, blocks[1], map[string]string{"/path/to/svcgen": clone, "/path/to/your/module": mod})
	if got := outs["go tool svcgen version"]; !strings.Contains(got, "svcgen v0.0.0-00010101000000-000000000000 (replaced by "+clone+")") {
		t.Errorf("go tool svcgen version: %q, want the placeholder version replaced by the clone", got)
	}
	after := buildList(t, run(mod, "go", "list", "-m", "-e", "all"))
	var raised, added []string
	for path, v := range after {
		switch old, ok := before[path]; {
		case !ok:
			added = append(added, path+" "+v)
		case old != v:
			raised = append(raised, path+" "+old+" => "+v)
		}
	}
	slices.Sort(raised)
	slices.Sort(added)
	t.Logf("the tool directive raised %d modules of the build list:\n\t%s", len(raised), strings.Join(raised, "\n\t"))
	t.Logf("and added %d:\n\t%s", len(added), strings.Join(added, "\n\t"))
	for _, want := range older {
		if !slices.Contains(raised, want) {
			t.Errorf("the build list did not change as the README says: %s missing from %v", want, raised)
		}
	}

	// Package mode with the README's //go:generate line.
	directive := regexp.MustCompile(`(?m)^//go:generate go tool svcgen generate.*$`).FindString(section(t, string(readme), "### Pin the tool and regenerate with go generate"))
	if directive == "" {
		t.Fatal("README's Pin the tool section has no //go:generate go tool svcgen line")
	}
	copyFile(t, "../../golden/minimal/service.toml", filepath.Join(pkg, "service.toml"))
	write(filepath.Join(pkg, "doc.go"), "// Package main is the hello service.\npackage main\n\n"+directive+"\n")
	write(filepath.Join(pkg, "api.go"), "package main\n\nimport \"net/http\"\n\nfunc NewAPI() (http.Handler, error) { return http.NewServeMux(), nil }\n")
	goCmd := func(dir string, args ...string) (string, error) {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	// The first go generate asks for the modules the generated code
	// imports (package mode never edits go.mod); run what it says.
	out, err := goCmd(mod, "generate", "./...")
	if err != nil {
		asked := false
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) == 3 && f[0] == "go" && f[1] == "get" {
				asked = true
				run(mod, f...)
			}
		}
		if !asked {
			t.Fatalf("go generate: %v\n%s", err, out)
		}
		if out, err := goCmd(mod, "generate", "./..."); err != nil {
			t.Fatalf("go generate after go get: %v\n%s", err, out)
		}
	}
	run(mod, "go", "build", "-o", os.DevNull, "./...")
	if _, err := os.Stat(filepath.Join(pkg, "svcgen.sum")); err != nil {
		t.Fatalf("go generate wrote no manifest: %v", err)
	}
	// By hand, svcgen reads the package listing go generate kept: go
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

// TestReadmeRequirements: the README's table of svcgen's requirements is
// go.mod's list of direct requirements, module for module and version
// for version, each with a reason.
func TestReadmeRequirements(t *testing.T) {
	root := repoRoot(t)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mf, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, r := range mf.Require {
		if !r.Indirect {
			want[r.Mod.Path] = r.Mod.Version
		}
	}
	row := regexp.MustCompile("^\\| `([^`]+)` \\| (v[^ ]+) \\| (.*) \\|$")
	got := map[string]string{}
	for _, line := range strings.Split(section(t, string(readme), "## Install"), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if strings.TrimSpace(m[3]) == "" {
			t.Errorf("README: %s has no reason", m[1])
		}
		got[m[1]] = m[2]
	}
	for path, v := range want {
		if got[path] != v {
			t.Errorf("README's requirements table: %s %q, go.mod requires %s", path, got[path], v)
		}
	}
	for path := range got {
		if _, ok := want[path]; !ok {
			t.Errorf("README's requirements table lists %s, which go.mod does not require directly", path)
		}
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root, err := filepath.Abs(filepath.Join(filepath.Dir(file), "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func exeName(name string) string {
	if runtime.GOOS == "windows" {
		return name + ".exe"
	}
	return name
}

// section returns a README section: from its heading line to the next
// heading of the same or a higher level (code blocks aside).
func section(t *testing.T, doc, heading string) string {
	t.Helper()
	start := strings.Index(doc, "\n"+heading+"\n")
	if start < 0 {
		t.Fatalf("README has no %q section", heading)
	}
	rest := doc[start+1+len(heading):]
	level := len(heading) - len(strings.TrimLeft(heading, "#"))
	inFence, n := false, 0
	for _, line := range strings.SplitAfter(rest, "\n") {
		if strings.HasPrefix(line, "```") {
			inFence = !inFence
		}
		hashes := len(line) - len(strings.TrimLeft(line, "#"))
		if !inFence && hashes > 0 && hashes <= level && strings.HasPrefix(line[hashes:], " ") {
			return rest[:n]
		}
		n += len(line)
	}
	return rest
}

// fencedBlocks returns the contents of the code blocks fenced as lang.
func fencedBlocks(doc, lang string) []string {
	var out []string
	var cur *strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		switch {
		case cur == nil && line == "```"+lang:
			cur = &strings.Builder{}
		case cur != nil && line == "```":
			out = append(out, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	return out
}

// snapshotRepo makes a git repository at dir holding this working tree's
// files (tracked, and new ones not ignored) as they are now, committed once, and returns the commit.
func snapshotRepo(t *testing.T, dir string) string {
	t.Helper()
	root := repoRoot(t)
	ls := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	ls.Dir = root
	list, err := ls.Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		to := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=svcgen test", "-c", "user.email=test@svcgen.invalid", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "snapshot")
	return git("rev-parse", "HEAD")
}

// requirements reads a go.mod's requirements: module path -> version.
func requirements(t *testing.T, gomod string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(gomod)
	if err != nil {
		t.Fatal(err)
	}
	mf, err := modfile.Parse(gomod, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range mf.Require {
		out[r.Mod.Path] = r.Mod.Version
	}
	return out
}

// buildList reads `go list -m all` output: module path -> version.
func buildList(t *testing.T, out string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 0 || strings.HasPrefix(f[0], "go:"):
		case len(f) == 1:
			m[f[0]] = "(main)"
		default:
			m[f[0]] = f[1]
		}
	}
	return m
}
