package pkgmode

import (
	"encoding/json"
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/go/packages"
)

// The build cache can be trimmed (go clean -cache, or its own expiry)
// after a listing was kept: an export data file the package imports is
// then gone, and the load must ask the go command for the dependencies
// again rather than report a package that cannot be imported.
func TestCachedListingWithTrimmedBuildCache(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("testdata", "shop", "cmd", "mailer"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := scan(dir)
	if err != nil {
		t.Fatal(err)
	}
	guess := planLoads(dir, src).importsFor(dir, build.Default)
	cache := &depCache{dir: t.TempDir()}
	env := append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly")
	loadOnce := func(want string) *load {
		t.Helper()
		l, err := loadConfig(dir, src, guess, runtime.GOARCH, env, cache)
		if err != nil {
			t.Fatal(err)
		}
		if l.how != want {
			t.Fatalf("loaded from %s, want %s", l.how, want)
		}
		for _, e := range l.pkg.Errors {
			if e.Kind == packages.TypeError {
				t.Errorf("type error: %s: %s", e.Pos, e.Msg)
			}
		}
		return &l
	}
	loadOnce("go list")
	loadOnce("the dependency cache")

	entries, err := filepath.Glob(filepath.Join(cache.dir, "*.json"))
	if err != nil || len(entries) != 1 {
		t.Fatalf("cache entries: %v %v", entries, err)
	}
	data, err := os.ReadFile(entries[0])
	if err != nil {
		t.Fatal(err)
	}
	var e cacheEntry
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatal(err)
	}
	if e.Listing.Export["net/http"] == "" {
		t.Fatalf("the entry has no export data for net/http: %v", e.Listing.Export)
	}
	point := func(file string) {
		t.Helper()
		e.Listing.Export["net/http"] = file
		data, err := json.Marshal(&e)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(entries[0], data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	point(filepath.Join(t.TempDir(), "trimmed"))
	loadOnce("go list (dependencies only)")
	loadOnce("the dependency cache")

	// A file that is there but is not export data (cut short by a trim
	// during the run) is found out while it is read.
	cut := filepath.Join(t.TempDir(), "cut")
	if err := os.WriteFile(cut, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	point(cut)
	loadOnce("go list (dependencies only)")
	loadOnce("the dependency cache")
}

// The go command is asked about imports by path, where the internal
// package rule does not apply; the importer applies it.
func TestInternalAllowed(t *testing.T) {
	for _, c := range []struct {
		importer, path string
		ok             bool
	}{
		{"example.com/shop/cmd/orders", "example.com/shop/internal/catalog", true},
		{"example.com/shop", "example.com/shop/internal/catalog", true},
		{"example.com/other/cmd", "example.com/shop/internal/catalog", false},
		{"example.com/shop/cmd/orders", "example.com/shop/cmd/agent/internal", false},
		{"example.com/shop/cmd/orders", "example.com/shop/internal/a/internal/b", false},
		{"example.com/shop/internal/a/x", "example.com/shop/internal/a/internal/b", true},
		{"example.com/shop/cmd/orders", "internal/abi", false},
		{"example.com/shop/cmd/orders", "net/http", true},
		{"example.com/shop/cmd/orders", "example.com/internalize", true},
	} {
		if got := internalAllowed(c.importer, c.path); got != c.ok {
			t.Errorf("internalAllowed(%q, %q) = %v, want %v", c.importer, c.path, got, c.ok)
		}
	}
}

// Every go.mod that takes part in the build list is in the key: a local
// replacement's requirements change what the package builds against as
// much as the module's own.
func TestKeyCoversLocalModules(t *testing.T) {
	root := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app/go.mod", "module example.com/app\n\ngo 1.26\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n")
	write("app/cmd/svc/main.go", "package main\n")
	write("lib/go.mod", "module example.com/lib\n\ngo 1.26\n")
	write("wslib/go.mod", "module example.com/wslib\n\ngo 1.26\n")
	dir := filepath.Join(root, "app", "cmd", "svc")
	c := &depCache{dir: t.TempDir()}
	env := []string{"GOFLAGS=-mod=mod", "GOWORK=off"}
	k := c.key(dir, env)
	if k.full == "" {
		t.Fatal("no key for a module package")
	}
	changed := func(what string, env []string) {
		t.Helper()
		nk := c.key(dir, env)
		if nk.full == k.full {
			t.Errorf("%s: the key did not change", what)
		}
		k = nk
	}
	write("lib/go.mod", "module example.com/lib\n\ngo 1.26\n\nrequire golang.org/x/sys v0.49.0\n")
	changed("replacement's go.mod", env)
	write("app/go.sum", "golang.org/x/sys v0.49.0 h1:x\n")
	changed("go.sum", env)
	if nk := c.key(dir, append(env, "GOLINE=12", "GOFILE=main.go")); nk != k {
		t.Error("go generate's per-directive variables changed the key")
	}
	changed("GOFLAGS", []string{"GOFLAGS=-mod=mod -tags=x", "GOWORK=off"})

	// In a workspace, every module it uses counts.
	write("go.work", "go 1.26\n\nuse (\n\t./app\n\t./wslib\n)\n")
	ws := []string{"GOFLAGS=-mod=mod"}
	changed("workspace", ws)
	write("wslib/go.mod", "module example.com/wslib\n\ngo 1.26\n\nrequire golang.org/x/sys v0.49.0\n")
	changed("a workspace module's go.mod", ws)
	if nk := c.key(dir, []string{"GOFLAGS=-mod=mod", "GOWORK=off"}); nk.slot == k.slot {
		t.Error("GOWORK=off shares the workspace's slot")
	}

	// A workspace set with go env -w counts like one set in the
	// environment.
	write("elsewhere/go.work", "go 1.26\n\nuse ../app\n")
	write("goenv", "GOWORK="+filepath.Join(root, "elsewhere", "go.work")+"\n")
	byFile := []string{"GOFLAGS=-mod=mod", "GOENV=" + filepath.Join(root, "goenv")}
	k = c.key(dir, byFile)
	write("elsewhere/go.work", "go 1.26\n\nuse (\n\t../app\n\t../wslib\n)\n")
	changed("the go.work go env names", byFile)
}

// The cache forgets what nobody uses: entries untouched for five days
// (a deleted checkout, a CI workspace), and temporary files of runs
// killed while storing; it looks at most once a day.
func TestCacheForgetsUnusedEntries(t *testing.T) {
	c := &depCache{dir: t.TempDir()}
	now := time.Now()
	put := func(name string, age time.Duration) string {
		t.Helper()
		p := filepath.Join(c.dir, name)
		if err := os.WriteFile(p, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
		return p
	}
	day := 24 * time.Hour
	stale := put("a.json", 6*day)
	used := put("b.json", 1*day)
	killed := put(".entry-1", 2*time.Hour)
	storing := put(".entry-2", time.Minute)
	other := put("notes.txt", 10*day)
	c.trim(now)
	for p, want := range map[string]bool{stale: false, used: true, killed: false, storing: true, other: true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s: kept %v, want %v", filepath.Base(p), err == nil, want)
		}
	}

	// Within a day of the last look, nothing is looked at.
	later := put("c.json", 6*day)
	c.trim(now.Add(time.Hour))
	if _, err := os.Stat(later); err != nil {
		t.Errorf("trimmed again within a day: %v", err)
	}
	c.trim(now.Add(25 * time.Hour))
	if _, err := os.Stat(later); err == nil {
		t.Error("an entry unused for six days survived the next day's trim")
	}

	// A used entry is refreshed, at most once an hour.
	c.touch(used, now)
	if fi, _ := os.Stat(used); now.Sub(fi.ModTime()) > time.Second {
		t.Errorf("a used entry was not refreshed: %v old", now.Sub(fi.ModTime()))
	}
	fresh := put("d.json", 10*time.Minute)
	c.touch(fresh, now)
	if fi, _ := os.Stat(fresh); now.Sub(fi.ModTime()) < 9*time.Minute {
		t.Error("an entry used ten minutes ago was written again")
	}
}

// go generate runs svcgen with GOROOT, GOOS and GOARCH set and GOROOT/bin
// put ahead of PATH: settings the go command would take anyway, so a run
// by hand and one by go generate share an entry. A GOROOT that is not the
// go command's, or another target, keeps an entry of its own.
func TestGoGenerateSharesTheKey(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	goroot := strings.TrimSpace(string(out))
	dir, err := filepath.Abs(filepath.Join("testdata", "shop", "cmd", "mailer"))
	if err != nil {
		t.Fatal(err)
	}
	c := &depCache{dir: t.TempDir()}
	path := filepath.Join(goroot, "bin") + string(os.PathListSeparator) + os.Getenv("PATH")
	byHand := []string{"PATH=" + path, "GOFLAGS=-mod=mod"}
	underGenerate := func(goroot, goos string) []string {
		return append(slices.Clone(byHand), "GOROOT="+goroot, "GOOS="+goos, "GOARCH="+runtime.GOARCH,
			"GOFILE=doc.go", "GOLINE=3", "GOPACKAGE=main", "DOLLAR=$",
			"PATH="+filepath.Join(goroot, "bin")+string(os.PathListSeparator)+path)
	}
	k := c.key(dir, byHand)
	if k.full == "" {
		t.Fatal("no key")
	}
	if got := c.key(dir, underGenerate(goroot, runtime.GOOS)); got != k {
		t.Error("go generate's environment has a key of its own")
	}
	other := "windows"
	if runtime.GOOS == "windows" {
		other = "linux"
	}
	if got := c.key(dir, underGenerate(goroot, other)); got.slot == k.slot {
		t.Errorf("GOOS=%s shares the slot of the default", other)
	}
	if got := c.key(dir, underGenerate(t.TempDir(), runtime.GOOS)); got.slot == k.slot {
		t.Error("a GOROOT without the go command on PATH shares the slot")
	}
}

// likelyName is the package name a load of the package alone gives an
// import; a wrong guess only sends the run to the full load.
func TestLikelyName(t *testing.T) {
	for path, want := range map[string]string{
		"net/http":                          "http",
		"math/rand/v2":                      "rand",
		"github.com/redis/go-redis/v9":      "redis",
		"gopkg.in/yaml.v3":                  "yaml",
		"github.com/jackc/pgx/v5":           "pgx",
		"github.com/mattn/go-sqlite3":       "sqlite3",
		"github.com/segmentio/kafka-go":     "kafka",
		"example.com/shop/internal/catalog": "catalog",
		"v2":                                "v2",
	} {
		if got := likelyName(path); got != want {
			t.Errorf("likelyName(%q) = %q, want %q", path, got, want)
		}
	}
}
