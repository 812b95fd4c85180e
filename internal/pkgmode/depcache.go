package pkgmode

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"go/parser"
	"go/token"
	"hash"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
)

// The dependency cache lets a run skip the go command when nothing it
// would answer differently has changed.
//
// Most of a package-mode run is the go command listing the package's
// dependencies and their export data: it hashes every dependency's inputs
// to find its build cache entries. What it answers depends only on the
// package directory's file set and build constraints, every go.mod and
// go.sum in the build list (the module's, a workspace's modules', local
// replacements'), go.work and vendor/modules.txt, the environment and go
// env file, the toolchain, and the source of the dependencies outside the
// module cache (this module's own packages, local replacements, vendored
// code). When none of those changed since a run that listed the package,
// the listing that run kept is the go command's answer, and the package
// itself is type-checked from it as usual: its own files are always read
// afresh, so an edit to a handler is checked the same either way.
// Anything else (a new import, a file added, an edited sibling package, a
// go get, another GOFLAGS) misses and the go command runs. Packages that
// use cgo or go:embed always take the go command: it processes those
// files itself.
//
// An entry can also hold the package's own listing alone, without export
// data, kept by a run that needed no dependencies (syntaxload.go). That
// part depends only on the directory's shape, the go env file, go.work,
// the module path and go and toolchain lines of go.mod, the environment
// and the toolchain, so it still holds after a go get or an edit to a
// sibling package.
//
// Entries live in the user's cache directory (os.UserCacheDir()/svcgen/deps,
// or $SVCGEN_CACHE; SVCGEN_CACHE=off disables the cache), one file per
// package directory and go command environment, replaced when it no
// longer holds and removed after five days unused. Nothing is ever
// written into the repository.

// cacheVersion changes when the entry format or what a key covers does.
const cacheVersion = "svcgen-depcache-2"

// depCache is the cache's directory; a nil *depCache is a disabled cache.
type depCache struct{ dir string }

// openDepCache returns the cache configured by the environment, nil when
// it is off or there is no cache directory.
func openDepCache() *depCache {
	switch dir := os.Getenv("SVCGEN_CACHE"); dir {
	case "off":
		return nil
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return nil
		}
		return &depCache{dir: filepath.Join(base, "svcgen", "deps")}
	default:
		return &depCache{dir: dir}
	}
}

// cacheEntry is one listing with what it was valid for.
type cacheEntry struct {
	Key     string
	Root    string
	Listing listing
	// Shape hashes the package directory's file names and the build
	// constraints of its user Go files: what decides which files the go
	// command selects.
	Shape string
	// Local hashes the files of each dependency whose source can change
	// under the same go.mod.
	Local map[string]string
	// GOROOT is the toolchain the standard library's export data came
	// from, and Toolchain a stamp of its version and go binary.
	GOROOT    string
	Toolchain string
}

// entryKey names a cache entry and what it must match.
type entryKey struct {
	// slot hashes the package directory and the go command's
	// environment: one entry file per slot, replaced when the rest of the
	// key changes (a go.mod edit does not leave the old entry behind).
	slot string
	// full adds the go env file and the module and workspace files.
	full string
	// root is the part of full the package's own listing (its files,
	// path, module) depends on: the go env file, go.work, and the module
	// path and Go version lines of its go.mod, not the requirements.
	root string
}

// key hashes what the go command's answer depends on besides the files
// checked entry by entry. The zero key means the cache cannot be used
// for this run.
func (c *depCache) key(dir string, env []string) entryKey {
	if c == nil {
		return entryKey{}
	}
	h := sha256.New()
	io.WriteString(h, cacheVersion+"\x00"+dir+"\x00")
	vars := map[string]string{}
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		if runtime.GOOS == "windows" {
			name = strings.ToUpper(name) // Path and PATH are one variable
		}
		vars[name] = value // the last one wins, as in the go command
	}
	dropGoGenerateDefaults(vars)
	names := make([]string, 0, len(vars))
	for name := range vars {
		if affectsGo(name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		io.WriteString(h, name+"="+vars[name]+"\x00")
	}
	slot := hex.EncodeToString(h.Sum(nil))
	mod := findUp(dir, "go.mod")
	if mod == "" {
		return entryKey{} // GOPATH mode or no module: always ask the go command
	}
	modDir := filepath.Dir(mod)
	root, ok := rootKey(slot, goEnvFile(vars), findWork(dir, vars), mod)
	if !ok {
		return entryKey{}
	}
	files := []string{goEnvFile(vars), filepath.Join(modDir, "vendor", "modules.txt")}
	// Every go.mod that takes part in the build list: this module's (or
	// the workspace's modules'), and those of the local replacements they
	// make (whose own replacements do not apply).
	var mains, replacements []string
	if work := findWork(dir, vars); work != "" {
		files = append(files, work, work+".sum")
		data, err := os.ReadFile(work)
		if err != nil {
			return entryKey{}
		}
		wf, err := modfile.ParseWork(work, data, nil)
		if err != nil {
			return entryKey{} // the go command says what is wrong
		}
		for _, u := range wf.Use {
			mains = append(mains, localDir(filepath.Dir(work), u.Path))
		}
		for _, r := range wf.Replace {
			if r.New.Version == "" {
				replacements = append(replacements, localDir(filepath.Dir(work), r.New.Path))
			}
		}
	} else {
		mains = append(mains, modDir)
	}
	for _, m := range mains {
		gomod := filepath.Join(m, "go.mod")
		files = append(files, gomod, filepath.Join(m, "go.sum"))
		data, err := os.ReadFile(gomod)
		if err != nil {
			continue // hashed as missing
		}
		mf, err := modfile.Parse(gomod, data, nil)
		if err != nil {
			return entryKey{}
		}
		for _, r := range mf.Replace {
			if r.New.Version == "" {
				replacements = append(replacements, localDir(m, r.New.Path))
			}
		}
	}
	for _, r := range replacements {
		files = append(files, filepath.Join(r, "go.mod"))
	}
	for _, f := range files {
		if !hashFile(h, f) {
			return entryKey{}
		}
	}
	return entryKey{slot: slot, full: hex.EncodeToString(h.Sum(nil)), root: root}
}

// findWork is the go.work file in effect, "" when none is: GOWORK from
// the environment or, failing that, from the go env file, else the
// nearest go.work above dir.
func findWork(dir string, vars map[string]string) string {
	work, set := vars["GOWORK"]
	if !set {
		work = goEnvSetting(goEnvFile(vars), "GOWORK")
	}
	switch work {
	case "off":
		return ""
	case "":
		return findUp(dir, "go.work")
	default:
		return work
	}
}

// rootKey hashes what the package's own listing depends on besides the
// directory's shape and the toolchain: the slot, the go env file (it may
// set GOFLAGS), go.work, and the module path, go and toolchain lines of
// the module's go.mod.
func rootKey(slot, envFile, work, gomod string) (string, bool) {
	h := sha256.New()
	io.WriteString(h, slot+"\x00")
	if !hashFile(h, envFile) || work != "" && !hashFile(h, work) {
		return "", false
	}
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", false
	}
	mf, err := modfile.ParseLax(gomod, data, nil)
	if err != nil || mf.Module == nil {
		return "", false
	}
	io.WriteString(h, mf.Module.Mod.Path+"\x00")
	if mf.Go != nil {
		io.WriteString(h, mf.Go.Version)
	}
	io.WriteString(h, "\x00")
	if mf.Toolchain != nil {
		io.WriteString(h, mf.Toolchain.Name)
	}
	return hex.EncodeToString(h.Sum(nil)), true
}

// affectsGo reports whether an environment variable can change what the
// go command lists: its own settings (GOFLAGS, GOOS, GOEXPERIMENT, ...),
// cgo's, which go runs (PATH), and where its defaults live. go
// generate's per-directive variables are left out, so moving the
// directive does not miss.
func affectsGo(name string) bool {
	// Windows spells them as it likes (Path, AppData).
	switch name = strings.ToUpper(name); name {
	case "GOFILE", "GOLINE", "GOPACKAGE", "DOLLAR":
		return false
	case "PATH", "HOME", "USERPROFILE", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "APPDATA", "LOCALAPPDATA", "CC", "CXX":
		return true
	}
	return strings.HasPrefix(name, "GO") || strings.HasPrefix(name, "CGO_")
}

// dropGoGenerateDefaults removes from vars what go generate sets that
// the go command would take anyway, so that a run by hand and a run by go
// generate share an entry: GOROOT, and GOROOT/bin put at the head of
// PATH, when the go command found on the rest of PATH is GOROOT's own;
// GOOS and GOARCH when they are the defaults (the go env file's, else
// this machine's). A value that differs from the default stays, so a
// different toolchain or target still has an entry of its own.
func dropGoGenerateDefaults(vars map[string]string) {
	if goroot := vars["GOROOT"]; goroot != "" {
		goBin := filepath.Join(goroot, "bin", goCommand())
		path := vars["PATH"]
		rest, prefixed := strings.CutPrefix(path, filepath.Join(goroot, "bin")+string(os.PathListSeparator))
		if prefixed && sameFile(goBin, findGo(rest)) {
			vars["PATH"], path = rest, rest
		}
		if sameFile(goBin, findGo(path)) {
			delete(vars, "GOROOT")
		}
	}
	envFile := goEnvFile(vars)
	for name, def := range map[string]string{"GOOS": runtime.GOOS, "GOARCH": runtime.GOARCH} {
		if set := goEnvSetting(envFile, name); set != "" {
			def = set
		}
		if v, ok := vars[name]; ok && v == def {
			delete(vars, name)
		}
	}
}

// findGo is the go command a PATH list finds first, "" when none.
func findGo(path string) string {
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, goCommand())
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

func goCommand() string {
	if runtime.GOOS == "windows" {
		return "go.exe"
	}
	return "go"
}

// sameFile reports whether a and b name the same existing file.
func sameFile(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// goEnvFile is where `go env -w` keeps settings.
func goEnvFile(vars map[string]string) string {
	if f := vars["GOENV"]; f != "" {
		return f
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "go", "env")
}

// goEnvSetting reads one setting of a go env file ("" when unset).
func goEnvSetting(file, name string) string {
	data, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+"="); ok {
			return v
		}
	}
	return ""
}

// hashFile adds a file's name and content to h; a missing file counts as
// empty. false: the file exists but cannot be read.
func hashFile(h hash.Hash, path string) bool {
	io.WriteString(h, path+"\x00")
	if path == "" {
		return true
	}
	data, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return false
	}
	h.Write(data)
	io.WriteString(h, "\x00")
	return true
}

// localDir resolves a directory a go.mod or go.work names relative to its
// own directory.
func localDir(base, path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(base, filepath.FromSlash(path))
}

func findUp(dir, name string) string {
	for {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// path is the entry file of a slot.
func (c *depCache) path(k entryKey) string {
	return filepath.Join(c.dir, k.slot[:32]+".json")
}

// lookup returns the kept listing when everything it depended on is as it
// was (full), or when only what its dependencies depend on changed: then
// the package's own part of it (files, path, module) still holds and
// only the dependencies need the go command. nil when neither.
func (c *depCache) lookup(key entryKey, dir string, src *source) (l *listing, full bool) {
	if c == nil || key.full == "" {
		return nil, false
	}
	data, err := os.ReadFile(c.path(key))
	if err != nil {
		return nil, false
	}
	var e cacheEntry
	if json.Unmarshal(data, &e) != nil || e.Root != key.root {
		return nil, false
	}
	if shape, ok := dirShape(dir, src); !ok || shape != e.Shape {
		return nil, false
	}
	if stamp, ok := toolchainStamp(e.GOROOT); !ok || stamp != e.Toolchain {
		return nil, false
	}
	c.touch(c.path(key), time.Now())
	e.Listing.goroot = e.GOROOT
	// An entry without export data holds the package's own listing only
	// (a run that needed no dependencies, syntaxload.go).
	full = e.Key == key.full && e.Listing.Export != nil
	for d, want := range e.Local {
		if !full {
			break
		}
		if got, ok := dirHash(d); !ok || got != want {
			full = false
		}
	}
	return &e.Listing, full
}

// store keeps a listing the go command just gave. A failure to write only
// costs the next run the go command.
func (c *depCache) store(key entryKey, dir string, src *source, l *listing) {
	if c == nil || key.full == "" || l.goroot == "" {
		return
	}
	e := cacheEntry{Key: key.full, Root: key.root, Listing: *l, Local: map[string]string{}, GOROOT: l.goroot}
	var ok bool
	if e.Shape, ok = dirShape(dir, src); !ok {
		return
	}
	if e.Toolchain, ok = toolchainStamp(l.goroot); !ok {
		return
	}
	for _, d := range l.local {
		if e.Local[d], ok = dirHash(d); !ok {
			return
		}
	}
	data, err := json.Marshal(&e)
	if err != nil {
		return
	}
	if os.MkdirAll(c.dir, 0o755) != nil {
		return
	}
	tmp, err := os.CreateTemp(c.dir, tempPattern)
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), c.path(key)) != nil {
		os.Remove(tmp.Name())
	}
	c.trim(time.Now())
}

// Like the go command's build cache, the cache forgets entries not used
// for five days (a checkout deleted, a CI workspace gone), looking at most
// once a day; a used entry's time is refreshed at most once an hour.
const (
	trimAge     = 5 * 24 * time.Hour
	trimEvery   = 24 * time.Hour
	touchEvery  = time.Hour
	trimMarker  = "trim.txt"
	tempPattern = ".entry-*"
)

// touch marks an entry used.
func (c *depCache) touch(path string, now time.Time) {
	if fi, err := os.Stat(path); err == nil && now.Sub(fi.ModTime()) > touchEvery {
		os.Chtimes(path, now, now)
	}
}

// trim removes the entries unused for trimAge, and the temporary files
// of runs killed while storing, once per trimEvery.
func (c *depCache) trim(now time.Time) {
	marker := filepath.Join(c.dir, trimMarker)
	if fi, err := os.Stat(marker); err == nil && now.Sub(fi.ModTime()) < trimEvery {
		return
	}
	if os.WriteFile(marker, nil, 0o644) != nil {
		return
	}
	os.Chtimes(marker, now, now)
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		temp, _ := filepath.Match(tempPattern, name)
		if !temp && !strings.HasSuffix(name, ".json") {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		if age := now.Sub(fi.ModTime()); age > trimAge || temp && age > touchEvery {
			os.Remove(filepath.Join(c.dir, name))
		}
	}
}

// dirShape hashes what makes the go command select a package's files:
// the name of every file of a kind it builds (a new .go or .c file
// changes the package) and, for each user Go file, what precedes its
// package clause (the build constraints). Generated files are left out:
// the load reads them as bare package clauses, which declare nothing.
func dirShape(dir string, src *source) (string, bool) {
	return hashDir(dir, func(path string) ([]byte, error) {
		if src.generated[path] {
			return nil, errSkip
		}
		if !strings.HasSuffix(path, ".go") {
			return nil, nil
		}
		head, err := readHead(path)
		return constraintHeader(head), err
	})
}

// dirHash hashes the names and contents of a dependency's source files
// (tests aside): its API is made of them.
func dirHash(dir string) (string, bool) {
	return hashDir(dir, os.ReadFile)
}

var errSkip = errors.New("skip")

// hashDir hashes the source files of a directory, tests aside: each name
// with what part reads of the file (errSkip leaves a file out).
func hashDir(dir string, part func(path string) ([]byte, error)) (string, bool) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", false
	}
	h := sha256.New()
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasSuffix(name, "_test.go") || !sourceExts[filepath.Ext(name)] {
			continue
		}
		data, err := part(filepath.Join(dir, name))
		if err == errSkip {
			continue
		}
		if err != nil {
			return "", false
		}
		io.WriteString(h, name+"\x00")
		h.Write(data)
		io.WriteString(h, "\x00")
	}
	return hex.EncodeToString(h.Sum(nil)), true
}

// sourceExts are the file kinds the go command builds into a package.
var sourceExts = map[string]bool{
	".go": true, ".c": true, ".cc": true, ".cxx": true, ".cpp": true, ".m": true,
	".h": true, ".hh": true, ".hpp": true, ".hxx": true, ".f": true, ".F": true,
	".for": true, ".f90": true, ".s": true, ".S": true, ".sx": true,
	".swig": true, ".swigcxx": true, ".syso": true,
}

// constraintHeader is the part of a Go file before its package clause,
// where build constraints live; the whole head when the clause is not in
// it (any change then counts).
func constraintHeader(head []byte) []byte {
	f, err := parser.ParseFile(token.NewFileSet(), "", head, parser.PackageClauseOnly)
	if err != nil || f.Package == token.NoPos {
		return head
	}
	return head[:int(f.Package)-1]
}

// toolchainStamp identifies the toolchain in goroot: its VERSION and
// go.env files and its go binary's size and modification time (an
// upgrade in place changes them).
func toolchainStamp(goroot string) (string, bool) {
	h := sha256.New()
	version, verr := os.ReadFile(filepath.Join(goroot, "VERSION"))
	h.Write(version)
	found := verr == nil
	// go.env holds the toolchain's own defaults (GOPROXY, GOTOOLCHAIN).
	if !hashFile(h, filepath.Join(goroot, "go.env")) {
		return "", false
	}
	for _, name := range []string{"go", "go.exe"} {
		if fi, err := os.Stat(filepath.Join(goroot, "bin", name)); err == nil {
			io.WriteString(h, "\x00"+name+"\x00"+fi.ModTime().UTC().String()+"\x00"+strconv.FormatInt(fi.Size(), 10))
			found = true
		}
	}
	return hex.EncodeToString(h.Sum(nil)), found
}
