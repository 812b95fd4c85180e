// Package gocheck checks a generated Go project the way `go build` and
// `go vet` would, without writing it to disk or starting the go command for
// it: every package directory of the file set is selected for one GOOS by
// its file names and //go:build lines, parsed, type-checked with go/types in
// dependency order, and vetted with go vet's analyzers. Imports of packages
// within the project resolve to what was just checked; every other import
// comes from the compiler's export data (see Exports). A package imported by
// another package of the project (a runtime package every project shares)
// is checked once per content and reused.
//
// GoBuild runs the real go command on a project written to disk, for the
// few projects where that is worth its time.
package gocheck

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"io"
	"os"
	"path"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/tools/go/gcexportdata"
)

// Problem is one thing wrong with a checked project.
type Problem struct {
	Pos token.Position // the file is relative to the project
	Msg string
	// Check says what found it: "parse", "import", "type", or the name of
	// the go vet analyzer ("printf", "lostcancel", ...).
	Check string
}

func (p Problem) String() string {
	s := p.Pos.String() + ": " + p.Msg
	if p.Check != "type" && p.Check != "parse" {
		s += " (" + p.Check + ")"
	}
	return s
}

// Checker checks projects for the GOOS of its Exports. A Checker is not
// safe for concurrent use; give each goroutine its own (they may share one
// Exports).
type Checker struct {
	exports *Exports
	// exportFset and imported hold the packages read from export data,
	// shared by every check so that a type reached through two imports
	// (context.Context) is one type.
	exportFset *token.FileSet
	imported   map[string]*types.Package
	exportFile map[string]string
	exportErr  map[string]string
	cache      map[string]*checked
	ctx        build.Context
	// Vet runs go vet's analyzers on every package that type-checks.
	Vet bool
}

// checked is a type-checked package with what was found in it.
type checked struct {
	pkg      *types.Package
	problems []Problem
	facts    *factStore
	key      string
}

// maxCached bounds the packages kept for reuse; past it the cache starts
// over (a run meets only a handful of distinct shared packages).
const maxCached = 64

// NewChecker returns a Checker for the GOOS of e (GOARCH amd64), with vet on.
func NewChecker(e *Exports) *Checker {
	ctx := build.Default
	ctx.GOOS, ctx.GOARCH = e.goos, "amd64"
	if e.goos != runtime.GOOS || ctx.GOARCH != runtime.GOARCH {
		ctx.CgoEnabled = false // as the go command when cross-compiling
	}
	ctx.BuildTags = nil
	return &Checker{
		exports:    e,
		exportFset: token.NewFileSet(),
		imported:   map[string]*types.Package{},
		exportFile: map[string]string{},
		exportErr:  map[string]string{},
		cache:      map[string]*checked{},
		ctx:        ctx,
		Vet:        true,
	}
}

// GOOS is the operating system the Checker checks for.
func (c *Checker) GOOS() string { return c.exports.goos }

// pkgDir is one package directory of the project.
type pkgDir struct {
	dir, path string
	files     []*ast.File
	names     []string
	imports   []string // import paths of the selected files, sorted
	local     []string // the ones within the project
	shared    bool     // another package of the project imports it
}

// Check checks every package of a project, given as file contents by
// slash-separated path relative to the project's root (where go.mod is).
// Test files, and directories go build ./... skips (testdata, vendor,
// names starting with . or _, nested modules), are left out. The error
// is for a project Check cannot check at all (no go.mod, no export data);
// what is wrong with the code comes back as problems, sorted.
func (c *Checker) Check(files map[string][]byte) ([]Problem, error) {
	mod, ok := files["go.mod"]
	if !ok {
		return nil, errors.New("gocheck: the project has no go.mod")
	}
	mf, err := modfile.ParseLax("go.mod", mod, nil)
	if err != nil || mf.Module == nil {
		return nil, fmt.Errorf("gocheck: go.mod: %v", err)
	}
	modPath := mf.Module.Mod.Path
	goVersion := ""
	if mf.Go != nil {
		goVersion = "go" + mf.Go.Version
	}
	fset := token.NewFileSet()
	var problems []Problem
	pkgs, byPath := c.selectPackages(files, modPath, fset, &problems)
	order, cycle := sortPackages(pkgs, byPath)
	if cycle != "" {
		problems = append(problems, Problem{Pos: token.Position{Filename: "go.mod"}, Msg: "import cycle: " + cycle, Check: "import"})
		return sortProblems(problems), nil
	}
	var external []string
	for _, p := range pkgs {
		for _, imp := range p.imports {
			if byPath[imp] == nil && imp != "unsafe" && imp != "C" {
				external = append(external, imp)
			}
		}
	}
	if err := c.loadExports(external); err != nil {
		return nil, err
	}
	done := map[string]*checked{}
	for _, p := range order {
		// The key covers the package's files and what its imports
		// within the project are, so a reused package is the same one.
		h := sha256.New()
		io.WriteString(h, c.exports.goos+"\x00"+goVersion+"\x00"+p.path+"\x00")
		for i, name := range p.names {
			io.WriteString(h, name+"\x00")
			h.Write(files[path.Join(p.dir, name)])
			io.WriteString(h, fmt.Sprintf("\x00%d\x00", i))
		}
		for _, l := range p.local {
			if d := done[l]; d != nil {
				io.WriteString(h, d.key+"\x00")
			}
		}
		key := hex.EncodeToString(h.Sum(nil))
		if ch := c.cache[key]; ch != nil {
			done[p.path] = ch
			problems = append(problems, ch.problems...)
			continue
		}
		ch := c.checkPackage(p, fset, goVersion, done)
		ch.key = key
		done[p.path] = ch
		problems = append(problems, ch.problems...)
		if p.shared {
			if len(c.cache) >= maxCached {
				clear(c.cache)
			}
			c.cache[key] = ch
		}
	}
	return sortProblems(problems), nil
}

// selectPackages picks, parses and indexes the project's packages for the
// Checker's GOOS.
func (c *Checker) selectPackages(files map[string][]byte, modPath string, fset *token.FileSet, problems *[]Problem) ([]*pkgDir, map[string]*pkgDir) {
	byDir := map[string][]string{}
	for name := range files {
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		dir := path.Dir(name)
		if skippedDir(dir, files) {
			continue
		}
		byDir[dir] = append(byDir[dir], path.Base(name))
	}
	ctx := c.ctx
	ctx.JoinPath = path.Join
	ctx.OpenFile = func(p string) (io.ReadCloser, error) {
		data, ok := files[p]
		if !ok {
			return nil, os.ErrNotExist
		}
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	var pkgs []*pkgDir
	byPath := map[string]*pkgDir{}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		names := byDir[dir]
		sort.Strings(names)
		p := &pkgDir{dir: dir, path: modPath}
		if dir != "." {
			p.path = modPath + "/" + dir
		}
		for _, name := range names {
			match, err := ctx.MatchFile(dir, name)
			if err != nil {
				*problems = append(*problems, Problem{Pos: token.Position{Filename: path.Join(dir, name)}, Msg: err.Error(), Check: "parse"})
				continue
			}
			if !match {
				continue
			}
			rel := path.Join(dir, name)
			f, err := parser.ParseFile(fset, rel, files[rel], parser.ParseComments|parser.SkipObjectResolution)
			var list scanner.ErrorList
			switch {
			case errors.As(err, &list):
				for _, e := range list {
					*problems = append(*problems, Problem{Pos: e.Pos, Msg: e.Msg, Check: "parse"})
				}
			case err != nil:
				*problems = append(*problems, Problem{Pos: token.Position{Filename: rel}, Msg: err.Error(), Check: "parse"})
			}
			if f == nil {
				continue
			}
			p.files = append(p.files, f)
			p.names = append(p.names, name)
			for _, imp := range f.Imports {
				if s, err := strconv.Unquote(imp.Path.Value); err == nil {
					p.imports = append(p.imports, s)
				}
			}
		}
		if len(p.files) == 0 {
			continue // nothing to build for this GOOS
		}
		slices.Sort(p.imports)
		p.imports = slices.Compact(p.imports)
		pkgs = append(pkgs, p)
		byPath[p.path] = p
	}
	for _, p := range pkgs {
		for _, imp := range p.imports {
			if dep := byPath[imp]; dep != nil {
				p.local = append(p.local, imp)
				dep.shared = true
			}
		}
	}
	return pkgs, byPath
}

// skippedDir reports a directory go build ./... does not build: testdata,
// vendor, a name starting with . or _, or one under a nested go.mod.
func skippedDir(dir string, files map[string][]byte) bool {
	if dir == "." {
		return false
	}
	elems := strings.Split(dir, "/")
	for i, e := range elems {
		if e == "testdata" || e == "vendor" || strings.HasPrefix(e, ".") || strings.HasPrefix(e, "_") {
			return true
		}
		if _, nested := files[strings.Join(elems[:i+1], "/")+"/go.mod"]; nested {
			return true
		}
	}
	return false
}

// sortPackages orders packages so that each comes after the project's
// packages it imports; cycle names an import cycle when there is one.
func sortPackages(pkgs []*pkgDir, byPath map[string]*pkgDir) (order []*pkgDir, cycle string) {
	state := map[*pkgDir]int{} // 1 on the path, 2 done
	var stack []string
	var visit func(p *pkgDir) bool
	visit = func(p *pkgDir) bool {
		state[p] = 1
		stack = append(stack, p.path)
		for _, l := range p.local {
			dep := byPath[l]
			switch state[dep] {
			case 1:
				i := slices.Index(stack, dep.path)
				cycle = strings.Join(append(slices.Clone(stack[i:]), dep.path), " -> ")
				return false
			case 0:
				if !visit(dep) {
					return false
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[p] = 2
		order = append(order, p)
		return true
	}
	for _, p := range pkgs {
		if state[p] == 0 && !visit(p) {
			return nil, cycle
		}
	}
	return order, ""
}

// loadExports finds the export data of the paths not known yet.
func (c *Checker) loadExports(paths []string) error {
	var missing []string
	for _, p := range paths {
		if _, ok := c.exportFile[p]; ok {
			continue
		}
		if _, ok := c.exportErr[p]; ok {
			continue
		}
		missing = append(missing, p)
	}
	if len(missing) == 0 {
		return nil
	}
	files, errs, err := c.exports.lookup(missing)
	if err != nil {
		return err
	}
	for p, f := range files {
		c.exportFile[p] = f
	}
	for p, msg := range errs {
		c.exportErr[p] = msg
	}
	return nil
}

// checkPackage type-checks one package and, when it has no type errors,
// vets it.
func (c *Checker) checkPackage(p *pkgDir, fset *token.FileSet, goVersion string, done map[string]*checked) *checked {
	ch := &checked{}
	typeErrors := 0
	conf := types.Config{
		GoVersion: goVersion,
		Sizes:     types.SizesFor("gc", "amd64"),
		Importer: importerFunc(func(imp string) (*types.Package, error) {
			return c.importPackage(p.path, imp, done)
		}),
		Error: func(err error) {
			var te types.Error
			switch {
			case errors.As(err, &te) && strings.HasPrefix(te.Msg, "\t") && len(ch.problems) > 0:
				// A continuation ("\tother declaration of x") belongs
				// to the error before it, as the compiler prints it.
				last := &ch.problems[len(ch.problems)-1]
				last.Msg += "\n\t" + te.Fset.Position(te.Pos).String() + ": " + strings.TrimPrefix(te.Msg, "\t")
				return
			case errors.As(err, &te):
				ch.problems = append(ch.problems, Problem{Pos: te.Fset.Position(te.Pos), Msg: te.Msg, Check: "type"})
			default:
				ch.problems = append(ch.problems, Problem{Pos: token.Position{Filename: p.dir}, Msg: err.Error(), Check: "type"})
			}
			typeErrors++
		},
	}
	info := &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		Scopes:       map[ast.Node]*types.Scope{},
		Instances:    map[*ast.Ident]types.Instance{},
		FileVersions: map[*ast.File]string{},
	}
	pkg, _ := conf.Check(p.path, fset, p.files, info)
	ch.pkg = pkg
	ch.facts = newFactStore()
	if typeErrors == 0 && c.Vet && pkg != nil {
		deps := []*factStore{}
		for _, l := range p.local {
			if d := done[l]; d != nil {
				deps = append(deps, d.facts)
			}
		}
		ch.problems = append(ch.problems, vet(fset, p.files, pkg, info, conf.Sizes, goVersion, ch.facts, deps)...)
	}
	return ch
}

// importPackage resolves an import of the package at from: the project's
// own packages from done, everything else from export data.
func (c *Checker) importPackage(from, imp string, done map[string]*checked) (*types.Package, error) {
	if imp == "unsafe" {
		return types.Unsafe, nil
	}
	if !internalAllowed(from, imp) {
		return nil, fmt.Errorf("use of internal package %s not allowed", imp)
	}
	if d := done[imp]; d != nil {
		if d.pkg == nil {
			return nil, fmt.Errorf("package %s did not type-check", imp)
		}
		if d.pkg.Name() == "main" {
			return nil, fmt.Errorf("import %q is a program, not an importable package", imp)
		}
		return d.pkg, nil
	}
	// Reading one package's export data creates, incomplete, the
	// packages its API mentions; importing one of those reads its own.
	if p := c.imported[imp]; p != nil && p.Complete() {
		return p, nil
	}
	file := c.exportFile[imp]
	if file == "" {
		if msg := c.exportErr[imp]; msg != "" {
			return nil, errors.New(msg)
		}
		return nil, fmt.Errorf("no export data for %q", imp)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := gcexportdata.NewReader(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %v", file, err)
	}
	p, err := gcexportdata.Read(r, c.exportFset, c.imported, imp)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %v", file, err)
	}
	if p.Name() == "main" {
		return nil, fmt.Errorf("import %q is a program, not an importable package", imp)
	}
	return p, nil
}

// internalAllowed applies the internal package rule: a path with an
// "internal" element (the last one counts) is importable only from the
// tree rooted at that element's parent.
func internalAllowed(importer, imp string) bool {
	elems := strings.Split(imp, "/")
	k := -1
	for i, e := range elems {
		if e == "internal" {
			k = i
		}
	}
	if k < 0 {
		return true
	}
	parent := strings.Join(elems[:k], "/")
	// The standard library's own internal packages (parent "") are never
	// for a project.
	return parent != "" && (importer == parent || strings.HasPrefix(importer, parent+"/"))
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func sortProblems(ps []Problem) []Problem {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i].Pos, ps[j].Pos
		switch {
		case a.Filename != b.Filename:
			return a.Filename < b.Filename
		case a.Line != b.Line:
			return a.Line < b.Line
		case a.Column != b.Column:
			return a.Column < b.Column
		}
		return ps[i].Msg < ps[j].Msg
	})
	return slices.CompactFunc(ps, func(a, b Problem) bool { return a == b })
}
