// Package pkgmode generates a service's lifecycle files into a package of
// an existing module (the `go generate` way in).
//
// It first loads the target package alone (syntaxload.go): the go command
// lists the package without its imports, or svcgen's cache holds that
// listing, and the package is type-checked with empty imports. When that
// settles every function the spec names, no export data is read. Else it
// loads the package with golang.org/x/tools/go/packages (no NeedDeps:
// imports come from the build cache's export data) and sees it as both
// OS families build it when the package's own files differ between them
// (a hooks_windows.go): in process when the Windows-only files import
// nothing new and nothing OS-specific, else by a second, concurrent load
// with GOOS=windows (other.go). It resolves every function the spec
// names with go/types and checks its signature against what the
// generated code calls (resolve.go), checks that the module requires what
// the generated code imports (modules.go), and only then hands the files
// to the writer. Every problem is reported at once, as a spec.ErrorList:
// the CLI exits 1 and nothing is written. Generation itself runs while
// the go command loads the package.
//
// The go command, through go/packages, says which files the package
// builds, its module, and where the export data of its dependencies is
// (load.go); the package itself is type-checked here from that export data
// (typecheck.go), and that listing is kept between runs while nothing it
// depends on changes (depcache.go). Generated files already in the
// package are left out of the type check, so the package resolves the
// same whether they are missing, current or stale and no longer
// compiling; errors that only say a generated name is undefined are
// expected and dropped, every other error in the user's code is reported.
// (go/packages' Config.Overlay could hide them too, but makes it distrust
// all export data and type-check every dependency from source: measured
// 30x slower.)
package pkgmode

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/spec"
)

// Result is what package mode produces: the files for the writer and the
// facts about the package that shaped them.
type Result struct {
	Files []generator.File
	// PkgPath and Name are the package's import path and name.
	PkgPath string
	Name    string
	// HasMain reports that a user file declares func main: the generated
	// code then provides svcMain for it to call and no main.go.
	HasMain bool
	// GOOS lists the build configurations the package was loaded for,
	// and How, for each, where its dependencies' types came from: "go
	// list", "the dependency cache" or "in process".
	GOOS []string
	How  []string
}

// Generate loads the package in dir and returns the files of s for it.
// A spec or package problem comes back as a spec.ErrorList, with a Result
// that says how the package was loaded and holds no files; any other
// error means the tool could not do its job.
func Generate(s *spec.Spec, dir string) (*Result, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	src, err := scan(dir)
	if err != nil {
		return nil, err
	}
	p := planLoads(dir, src)

	// The go command is the slow part of a run; generation does not wait
	// for it. What generation needs from the package (its name, whether
	// it has main, what it declares) is first read from the syntax of the
	// files either OS family builds, and checked against the load below.
	guess := src.options(dir, p)
	early := make(chan generated, 1)
	go func() { early <- generate(s, guess) }()

	cache := openDepCache()
	po, err := loadPackageOnly(dir, src, p, cache, importNames(s))
	gen := <-early
	if err != nil {
		return nil, err
	}
	loads := po.loads
	if po.usable {
		if opt, _ := loadOptions(loads, src); !sameOptions(opt, guess) {
			guess, gen = opt, generate(s, opt)
		}
	}
	if !settles(s, po, src, gen) {
		if loads, err = loadAll(dir, src, p, cache, po.root); err != nil {
			return nil, err
		}
	}
	first := loads[0].pkg
	res := &Result{PkgPath: first.PkgPath, Name: first.Name}
	for _, l := range loads {
		res.GOOS = append(res.GOOS, l.goos)
		res.How = append(res.How, l.how)
	}
	if first.Name == "" || first.Types == nil {
		return res, loadErrors(loads, src, nil)
	}

	opt, declared := loadOptions(loads, src)
	res.HasMain = opt.HasMain
	if !sameOptions(opt, guess) {
		gen = generate(s, opt)
	}
	if gen.err != nil {
		return nil, gen.err
	}

	var errs spec.ErrorList
	if le := loadErrors(loads, src, gen.names); le != nil {
		errs = append(errs, le...)
	}
	errs = append(errs, collisions(declared, gen.names)...)
	errs = append(errs, resolve(s, loads, gen.funcs)...)
	modErrs, err := checkModules(first, gen.modules)
	if err != nil {
		return nil, err
	}
	errs = append(errs, modErrs...)
	if len(errs) > 0 {
		errs.Sort()
		return res, errs
	}
	res.Files = gen.files
	return res, nil
}

// loadOptions reads the generator options from the load: the package
// name, whether a user file declares func main, and every package-level
// name the user files declare (with where, for collision messages).
func loadOptions(loads []load, src *source) (generator.Options, map[string]token.Position) {
	first := loads[0].pkg
	opt := generator.Options{Mode: generator.PackageMode, PackageName: first.Name, ImportPath: first.PkgPath, Declared: map[string]bool{}}
	declared := map[string]token.Position{}
	for _, l := range loads {
		for i, f := range l.pkg.Syntax {
			if src.generated[l.pkg.CompiledGoFiles[i]] {
				continue
			}
			for name, pos := range topLevel(l.pkg.Fset, f) {
				if _, seen := declared[name]; !seen {
					declared[name] = pos
				}
				opt.Declared[name] = true
				if name == "main" && first.Name == "main" {
					opt.HasMain = true
				}
			}
		}
	}
	return opt, declared
}

// generated is the output for one set of options and what is derived
// from it alone.
type generated struct {
	files   []generator.File
	names   map[string]string // package-level name -> generated file
	funcs   []generator.UserFunc
	modules []generator.Module
	err     error
}

func generate(s *spec.Spec, opt generator.Options) generated {
	var g generated
	if g.files, g.err = generator.Generate(s, opt); g.err != nil {
		return g
	}
	if g.names, g.err = declaredIn(g.files); g.err != nil {
		return g
	}
	if g.funcs, g.err = generator.UserFuncs(s); g.err != nil {
		return g
	}
	g.modules, g.err = generator.RequiredModules(g.files)
	return g
}

func sameOptions(a, b generator.Options) bool {
	if a.Mode != b.Mode || a.PackageName != b.PackageName || a.ImportPath != b.ImportPath || a.HasMain != b.HasMain || len(a.Declared) != len(b.Declared) {
		return false
	}
	for name := range a.Declared {
		if !b.Declared[name] {
			return false
		}
	}
	return true
}

// options reads the generator options from the syntax of the user files
// either OS family builds: the first guess, confirmed by the load.
func (src *source) options(dir string, p plan) generator.Options {
	opt := generator.Options{Mode: generator.PackageMode, PackageName: src.pkgName, ImportPath: guessImportPath(dir), Declared: map[string]bool{}}
	fset := token.NewFileSet()
	for _, name := range src.user {
		a, _ := p.host.MatchFile(dir, name)
		b, _ := p.other.MatchFile(dir, name)
		if !a && !b {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			continue // the load reports it; the options are checked there
		}
		for n := range topLevel(fset, f) {
			opt.Declared[n] = true
			if n == "main" && src.pkgName == "main" {
				opt.HasMain = true
			}
		}
	}
	return opt
}

// source is what a look at the directory tells before loading: which Go
// files are svcgen's and which the user's.
type source struct {
	generated map[string]bool // absolute path -> svcgen generated
	user      []string        // base names of the user's .go files (not tests)
	pkgName   string          // from the first user file's package clause
}

func scan(dir string) (*source, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	src := &source{generated: map[string]bool{}}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		path := filepath.Join(dir, name)
		content, err := readHead(path)
		if err != nil {
			return nil, err
		}
		if generator.IsGenerated(content) {
			src.generated[path] = true
			continue
		}
		src.user = append(src.user, name)
		if src.pkgName == "" {
			src.pkgName = packageClause(content)
		}
	}
	return src, nil
}

// readHead reads the start of a file: enough for the generated header
// (which follows at most a build constraint) and the package clause.
func readHead(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, err := f.Read(buf)
	if n == 0 && err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:n], nil
}

func packageClause(content []byte) string {
	f, err := parser.ParseFile(token.NewFileSet(), "", content, parser.PackageClauseOnly)
	if err != nil || f.Name == nil {
		return ""
	}
	return f.Name.Name
}

// topLevel lists the package-level names a file declares.
func topLevel(fset *token.FileSet, f *ast.File) map[string]token.Position {
	out := map[string]token.Position{}
	add := func(id *ast.Ident) {
		if id != nil && id.Name != "_" && id.Name != "init" {
			out[id.Name] = fset.Position(id.Pos())
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				add(d.Name)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					add(s.Name)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						add(n)
					}
				}
			}
		}
	}
	return out
}

// declaredIn lists the package-level names the generated Go files of the
// target package declare (not those of the runtime package, which is a
// package of its own), with the file that declares each.
func declaredIn(files []generator.File) (map[string]string, error) {
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, f := range files {
		if f.Owner != generator.Generated || !strings.HasSuffix(f.Path, ".go") || strings.Contains(f.Path, "/") {
			continue
		}
		af, err := parser.ParseFile(fset, f.Path, f.Content, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Path, err)
		}
		for name := range topLevel(fset, af) {
			out[name] = f.Path
		}
	}
	return out, nil
}

// collisions reports user declarations of names the generated code
// declares: the package would not compile with both.
func collisions(declared map[string]token.Position, generated map[string]string) spec.ErrorList {
	var errs spec.ErrorList
	for name, pos := range declared {
		if file, ok := generated[name]; ok {
			errs = append(errs, &spec.Error{Pos: goPos(pos), Msg: fmt.Sprintf("%s is also declared by the generated %s; rename it (svcgen's names start with svc)", name, file)})
		}
	}
	return errs
}

// loadErrors turns the load's errors into positioned errors, dropping the
// ones that only say a generated name is undefined (expected: generated
// files are left out of the load) and the go command's copy of type
// errors. generated is nil when nothing is known yet: then every error
// is kept.
func loadErrors(loads []load, src *source, generated map[string]string) spec.ErrorList {
	var errs spec.ErrorList
	seen := map[string]bool{}
	for _, l := range loads {
		for _, e := range l.pkg.Errors {
			if file, _, _ := splitPos(e.Pos); src.generated[file] {
				continue // a stale generated file, about to be rewritten
			}
			if generated != nil {
				if name, ok := strings.CutPrefix(e.Msg, "undefined: "); ok && generated[name] != "" {
					continue
				}
			}
			msg := e.Msg
			if len(loads) > 1 && l.goos != loads[0].goos {
				msg += " (GOOS=" + l.goos + ")"
			}
			pos := parsePos(e.Pos)
			key := pos.String() + "\x00" + e.Msg
			if seen[key] {
				continue
			}
			seen[key] = true
			errs = append(errs, &spec.Error{Pos: pos, Msg: msg})
		}
	}
	return errs
}

// parsePos reads a go/packages position "file:line:col" (or
// "file:line", "-", "").
func parsePos(s string) spec.Pos {
	file, line, col := splitPos(s)
	if file == "" {
		return spec.Pos{File: "package"}
	}
	return spec.Pos{File: relPath(file), Line: line, Col: col}
}

// splitPos takes up to two trailing numbers off a position; what is left
// is the file name, which may itself hold a colon (C:\...).
func splitPos(s string) (file string, line, col int) {
	if s == "" || s == "-" {
		return "", 0, 0
	}
	var nums []int
	for len(nums) < 2 {
		i := strings.LastIndexByte(s, ':')
		if i < 0 {
			break
		}
		n, err := strconv.Atoi(s[i+1:])
		if err != nil {
			break
		}
		nums = append(nums, n)
		s = s[:i]
	}
	switch len(nums) {
	case 1:
		line = nums[0]
	case 2:
		line, col = nums[1], nums[0]
	}
	return s, line, col
}

func goPos(p token.Position) spec.Pos {
	return spec.Pos{File: relPath(p.Filename), Line: p.Line, Col: p.Column}
}

// relPath shows a file relative to the working directory (go generate
// runs in the package directory) when it is near it: in the package or a
// few levels up, like the module's go.mod; absolute otherwise.
func relPath(path string) string {
	wd, err := os.Getwd()
	if err != nil || !filepath.IsAbs(path) {
		return path
	}
	rel, err := filepath.Rel(wd, path)
	if err != nil || strings.HasPrefix(filepath.ToSlash(rel), "../../../../") {
		return path
	}
	return rel
}

// guessImportPath is the import path of the package in dir as its go.mod
// says: the module path joined with the directory below the module root.
// The load confirms it (a vendored or GOPATH package can differ).
func guessImportPath(dir string) string {
	mod := findUp(dir, "go.mod")
	if mod == "" {
		return ""
	}
	data, err := os.ReadFile(mod)
	if err != nil {
		return ""
	}
	path := modfile.ModulePath(data)
	rel, err := filepath.Rel(filepath.Dir(mod), dir)
	if err != nil || path == "" {
		return ""
	}
	if rel == "." {
		return path
	}
	return path + "/" + filepath.ToSlash(rel)
}
