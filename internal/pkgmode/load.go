package pkgmode

import (
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/tools/go/packages"
)

// load is the package as one build configuration sees it.
type load struct {
	goos string
	pkg  *packages.Package
	// how says where the dependencies' types came from: "go list", "go
	// list (dependencies only)" (the package's own listing was still
	// good), "the dependency cache" or "in process" (the other OS family,
	// checked against the host load's imports).
	how string
}

// The go command is asked two things, concurrently, through go/packages:
// the package itself (rootMode: its name, path, module and the files it
// selects for the build) and the export data file of every package its
// files import, with their dependencies (depsMode). Not one `go list
// -export -deps .`: that compiles the package itself for export data
// nothing reads, and after an edit to it that compile was most of a run.
// No NeedTypes either: go/packages would type-check and run one more go
// command for the type sizes; the package is type-checked here
// (typecheck.go) from the same export data go/packages would read.
// NeedDeps on the second query only fills in each dependency's directory
// and module (which of them can change under the same go.mod); the go
// command line is the same without it. With NeedSyntax or NeedTypes it
// would type-check every dependency from source, about ten times the
// cost: neither is asked for.
const (
	rootMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedModule
	depsMode = packages.NeedName | packages.NeedImports | packages.NeedDeps | packages.NeedExportFile | packages.NeedModule
)

// listing is what the go command says about the package in one build
// configuration: everything the type check needs that only the go command
// knows. It is what the dependency cache keeps (depcache.go).
type listing struct {
	PkgPath string
	Name    string
	Module  *packages.Module `json:",omitempty"`
	// Files are the user files the go command selected for the build
	// (absolute). Generated files are left out: missing, current or
	// stale, they must not change what the package's own code resolves to.
	Files []string
	// Export maps the import path of every package the package depends
	// on, directly or not, to its export data file in the build cache.
	Export map[string]string
	// local are the dependencies outside the module cache and GOROOT
	// (this module's own packages, local replacements, vendored code):
	// their source can change under the same go.mod.
	local []string
	// errors are the go command's errors about the package, and
	// importErrors its errors about imported packages it has no export
	// data for (the type check reports them at the import).
	errors       []packages.Error
	importErrors map[string]string
	// cgo: some file imports "C"; its compiled files are not its source.
	cgo bool
	// goroot is the toolchain's root, read off a standard package.
	goroot string
}

// listRoot asks the go command about the package itself.
func listRoot(dir string, src *source, env []string) (*listing, error) {
	pkgs, err := packages.Load(&packages.Config{Mode: rootMode, Dir: dir, Env: env}, ".")
	if err != nil {
		return nil, err
	}
	if len(pkgs) != 1 {
		return nil, fmt.Errorf("got %d packages", len(pkgs))
	}
	root := pkgs[0]
	l := &listing{PkgPath: root.PkgPath, Name: root.Name, Module: root.Module, errors: root.Errors}
	for _, f := range root.CompiledGoFiles {
		if !src.generated[f] {
			l.Files = append(l.Files, f)
		}
	}
	l.cgo = !slices.Equal(root.CompiledGoFiles, root.GoFiles)
	return l, nil
}

// listDeps asks the go command for the export data of the imports and
// everything they depend on, and adds it to l.
func listDeps(dir string, env []string, imports []string, l *listing) error {
	l.Export, l.importErrors, l.local, l.goroot = map[string]string{}, map[string]string{}, nil, ""
	if len(imports) == 0 {
		return nil
	}
	pkgs, err := packages.Load(&packages.Config{Mode: depsMode, Dir: dir, Env: env}, imports...)
	if err != nil {
		return err
	}
	seen := map[*packages.Package]bool{}
	var visit func(p *packages.Package)
	visit = func(p *packages.Package) {
		if seen[p] {
			return
		}
		seen[p] = true
		if p.ExportFile != "" {
			l.Export[p.PkgPath] = p.ExportFile
		}
		if p.Module == nil && l.goroot == "" {
			l.goroot = gorootOf(p)
		}
		if p.Dir != "" && mutable(p) {
			l.local = append(l.local, p.Dir)
		}
		for _, dep := range p.Imports {
			visit(dep)
		}
	}
	for _, p := range pkgs {
		visit(p)
		if p.ExportFile == "" {
			var msgs []string
			for _, e := range p.Errors {
				msgs = append(msgs, e.Msg)
			}
			if len(msgs) == 0 {
				msgs = append(msgs, "the go command wrote no export data for it")
			}
			l.importErrors[p.PkgPath] = strings.Join(msgs, "; ")
		}
	}
	slices.Sort(l.local)
	l.local = slices.Compact(l.local)
	return nil
}

// list asks the go command about the package and its dependencies. The
// dependencies are asked for by the imports the package's files appear to
// have (guess: the files go/build selects for this configuration); when
// the go command selected files that import more (build tags svcgen does
// not see), they are asked for again with the exact imports.
func list(dir string, src *source, env []string, guess []string) (*listing, *token.FileSet, []*ast.File, []packages.Error, error) {
	var (
		l                *listing
		rootErr, depsErr error
		deps             = &listing{}
		wg               sync.WaitGroup
	)
	wg.Go(func() { l, rootErr = listRoot(dir, src, env) })
	wg.Go(func() { depsErr = listDeps(dir, env, guess, deps) })
	wg.Wait()
	if err := errors.Join(rootErr, depsErr); err != nil {
		return nil, nil, nil, nil, err
	}
	fset := token.NewFileSet()
	files, parseErrs := parseFiles(fset, l.Files)
	exact := importsOfFiles(files)
	guessed := func(path string) bool { return slices.Contains(guess, path) }
	if !slices.ContainsFunc(exact, func(path string) bool { return !guessed(path) }) {
		l.Export, l.importErrors, l.local, l.goroot = deps.Export, deps.importErrors, deps.local, deps.goroot
	} else if err := listDeps(dir, env, exact, l); err != nil {
		return nil, nil, nil, nil, err
	}
	// A guessed import no selected file has is none of the package's
	// business, even when the go command could not provide it.
	maps.DeleteFunc(l.importErrors, func(path, _ string) bool { return !slices.Contains(exact, path) })
	return l, fset, files, parseErrs, nil
}

// importsOfFiles lists what the files import that the go command can be
// asked about: not "C" or "unsafe", and nothing it would read as a
// pattern ("all", "std", ./rel, .../...) rather than a path.
func importsOfFiles(files []*ast.File) []string {
	var out []string
	for _, f := range files {
		for _, is := range f.Imports {
			path, err := strconv.Unquote(is.Path.Value)
			if err != nil || !listable(path) || slices.Contains(out, path) {
				continue
			}
			out = append(out, path)
		}
	}
	slices.Sort(out)
	return out
}

func listable(path string) bool {
	switch path {
	case "", "C", "unsafe", "all", "std", "cmd", "tool", "work", "main":
		return false
	}
	return !strings.HasPrefix(path, ".") && !strings.HasPrefix(path, "/") && !strings.Contains(path, "...") && !strings.HasPrefix(path, "-")
}

// mutable reports whether a dependency's source can change while go.mod
// and go.sum stay the same: everything but the standard library (which
// changes with the toolchain, checked on its own) and versioned modules
// in the module cache (read-only, named by version).
func mutable(p *packages.Package) bool {
	m := p.Module
	if m == nil {
		return gorootOf(p) == ""
	}
	if m.Replace != nil {
		m = m.Replace
	}
	// The module cache keeps a module in path@version; a vendored copy
	// or a local replacement is elsewhere.
	return m.Main || m.Version == "" || !strings.Contains(filepath.ToSlash(m.Dir), "@"+m.Version) || !within(p.Dir, m.Dir)
}

// gorootOf reads GOROOT off a standard library package's directory.
func gorootOf(p *packages.Package) string {
	dir := filepath.ToSlash(p.Dir)
	if root, ok := strings.CutSuffix(dir, "/src/"+p.PkgPath); ok {
		return filepath.FromSlash(root)
	}
	return ""
}

func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// loadAll loads the package for this machine's GOOS and, when the user's
// files differ between Windows and the rest (hooks_windows.go), also as
// the other family builds it: generated code is built for both, so a
// function must be right in both. The second view costs no go command
// when the other family's own files import only what the host's files
// import (and nothing OS-specific): they are type-checked in process
// against the host load's imports. Otherwise both configurations are
// loaded concurrently. Each configuration's dependencies come from the
// cache when nothing they depend on has changed (depcache.go).
//
// root, when not nil, is the host's listing of the package alone, made by
// this run (syntaxload.go): only the dependencies are then listed.
func loadAll(dir string, src *source, p plan, cache *depCache, root *listing) ([]load, error) {
	type config struct {
		ctx build.Context
		env []string
	}
	configs := []config{{p.host, os.Environ()}}
	if p.needOther && !p.inProcess {
		env := append(os.Environ(), "GOOS="+p.other.GOOS, "GOARCH="+p.other.GOARCH, "CGO_ENABLED=0")
		configs = append(configs, config{p.other, env})
	}
	out := make([]load, len(configs))
	errs := make([]error, len(configs))
	var wg sync.WaitGroup
	for i, c := range configs {
		wg.Go(func() {
			var known *listing
			if i == 0 {
				known = root
			}
			l, err := loadConfigFrom(dir, src, p.importsFor(dir, c.ctx), c.ctx.GOARCH, c.env, cache, known)
			if err != nil {
				errs[i] = fmt.Errorf("load the package in %s (GOOS=%s): %w", dir, c.ctx.GOOS, err)
				return
			}
			l.goos = c.ctx.GOOS
			out[i] = l
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if p.needOther && p.inProcess && out[0].pkg.Types != nil {
		out = append(out, load{goos: p.other.GOOS, pkg: checkOther(out[0], dir, p, hostImports(out[0])), how: "in process"})
	}
	return out, nil
}

// loadConfig loads the package in one build configuration: from the
// dependency cache when its entry still holds, else through the go
// command, whose answer then refills the cache. guess is what the
// package's files import as far as go/build tells.
func loadConfig(dir string, src *source, guess []string, goarch string, env []string, cache *depCache) (load, error) {
	return loadConfigFrom(dir, src, guess, goarch, env, cache, nil)
}

// loadConfigFrom is loadConfig with, when root is not nil, the package's
// own listing made by this run: only the dependencies are then listed.
func loadConfigFrom(dir string, src *source, guess []string, goarch string, env []string, cache *depCache, root *listing) (load, error) {
	key := cache.key(dir, env)
	how := "go list"
	if root != nil {
		fset := token.NewFileSet()
		files, parseErrs := parseFiles(fset, root.Files)
		if err := listDeps(dir, env, importsOfFiles(files), root); err != nil {
			return load{}, err
		}
		pkg, _ := typeCheck(root, fset, files, parseErrs, goarch)
		if root.dependable() && covered(files, root) {
			cache.store(key, dir, src, root)
		}
		return load{pkg: pkg, how: how}, nil
	}
	l, full := cache.lookup(key, dir, src)
	var (
		fset      *token.FileSet
		files     []*ast.File
		parseErrs []packages.Error
	)
	if l != nil {
		fset = token.NewFileSet()
		files, parseErrs = parseFiles(fset, l.Files)
		switch {
		case needsGoCommand(files):
			l = nil // a new embed pattern or cgo: the go command lists it
		case full && hasExports(files, l):
			if pkg, readable := typeCheck(l, fset, files, parseErrs, goarch); readable {
				return load{pkg: pkg, how: "the dependency cache"}, nil
			}
			// An export data file went while it was read (the go command
			// trimmed its cache): list the dependencies again.
			fallthrough
		default:
			// The package's own listing holds (same files, same
			// constraints, same module); its dependencies changed
			// (go.mod, a sibling package, a new import): ask for them
			// alone.
			if err := listDeps(dir, env, importsOfFiles(files), l); err != nil {
				return load{}, err
			}
			how = "go list (dependencies only)"
		}
	}
	if l == nil {
		var err error
		if l, fset, files, parseErrs, err = list(dir, src, env, guess); err != nil {
			return load{}, err
		}
	}
	pkg, _ := typeCheck(l, fset, files, parseErrs, goarch)
	if l.dependable() && covered(files, l) {
		cache.store(key, dir, src, l)
	}
	return load{pkg: pkg, how: how}, nil
}

// dependable reports whether the go command's answer can stand for the
// next runs: it found no fault with the package or its imports, the
// package is a module's, without cgo.
func (l *listing) dependable() bool {
	return len(l.errors) == 0 && len(l.importErrors) == 0 && !l.cgo && l.Module != nil
}

// covered reports whether the listing can stand in for the go command
// for these files: nothing needs the go command's own processing and
// every import has export data.
func covered(files []*ast.File, l *listing) bool {
	return !needsGoCommand(files) && hasExports(files, l)
}

// needsGoCommand reports files the go command processes itself: cgo
// (import "C") and embed patterns, which it resolves and checks.
func needsGoCommand(files []*ast.File) bool {
	for _, f := range files {
		for _, is := range f.Imports {
			if is.Path.Value == `"C"` {
				return true
			}
		}
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if strings.HasPrefix(c.Text, "//go:embed") {
					return true
				}
			}
		}
	}
	return false
}

// hasExports reports whether the listing has export data, still on disk,
// for every import of the files.
func hasExports(files []*ast.File, l *listing) bool {
	for _, f := range files {
		for _, is := range f.Imports {
			path, err := strconv.Unquote(is.Path.Value)
			if err != nil {
				return false
			}
			if path == "unsafe" {
				continue
			}
			// The build cache may have been trimmed since the listing.
			if file, ok := l.Export[path]; !ok || !exists(file) {
				return false
			}
		}
	}
	return true
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
