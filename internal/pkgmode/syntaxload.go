package pkgmode

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/tools/go/packages"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/spec"
)

// Most runs need nothing from the package's dependencies: the functions
// the spec names are declared in the package with signatures whose types
// say by their syntax what they are (*Store, http.Handler, *sql.DB,
// error, each qualifier an import of the file). The generated
// compile-time guards prove the match again at build time. So a run
// first loads the package alone: the go command lists the package
// itself (`go list -find`, which does not look at the imports: cheaper
// than a bare `go list`), or svcgen's cache holds that listing; its
// files are type-checked with every import an empty package of its
// likely name (uses of an import's members are left unchecked, the
// package's own code is checked as usual). When that settles everything
// (every function found with the right signature, no error in the
// package's own code, every import provided by the module's
// requirements) the run needs no export data at all. Anything else
// (a function missing, a signature that does not match or that names a
// type syntax cannot place, such as a local alias, a type error, an
// unknown import, cgo) is not decided here: the run loads the
// dependencies' export data (load.go) and reports exactly what that load
// finds.

// packageOnly is a load of the package alone, in each build
// configuration: usable says it can stand for the full load if it
// settles the spec's functions; root is the host listing, reused when
// the full load is needed.
type packageOnly struct {
	loads  []load
	root   *listing
	usable bool
}

// loadPackageOnly loads the package without its dependencies for the
// host and, when the user's files differ between OS families, checks the
// other family's view in process. names maps import paths to the
// package names the spec's functions use them by (redis for
// github.com/redis/go-redis/v9).
func loadPackageOnly(dir string, src *source, p plan, cache *depCache, names map[string]string) (packageOnly, error) {
	env := os.Environ()
	key := cache.key(dir, env)
	l, _ := cache.lookup(key, dir, src)
	how := "the dependency cache (the package alone)"
	fresh := false
	var (
		files     []*ast.File
		parseErrs []packages.Error
		fset      = token.NewFileSet()
	)
	if l != nil {
		files, parseErrs = parseFiles(fset, l.Files)
		if needsGoCommand(files) {
			l = nil // embed patterns, cgo: the go command lists them afresh
		}
	}
	if l == nil {
		var err error
		if l, err = listPackage(dir, src, env); err != nil {
			return packageOnly{}, err
		}
		how, fresh = "go list (the package alone)", true
		fset = token.NewFileSet()
		files, parseErrs = parseFiles(fset, l.Files)
	}
	if l.cgo || len(l.errors) > 0 || l.Module == nil {
		// The full load reports the go command's errors as go/packages
		// words them, and type-checks cgo's output.
		return packageOnly{}, nil
	}
	if fresh && l.dependable() && !needsGoCommand(files) {
		cache.store(key, dir, src, l)
	}
	imp := newEmptyImporter(names)
	pkg := &packages.Package{
		ID: l.PkgPath, PkgPath: l.PkgPath, Name: l.Name, Module: l.Module, Fset: fset, Syntax: files,
		Errors: parseErrs,
	}
	for _, f := range files {
		pkg.CompiledGoFiles = append(pkg.CompiledGoFiles, fset.File(f.FileStart).Name())
	}
	pkg.GoFiles = pkg.CompiledGoFiles
	pkg.Types, pkg.TypesInfo = checkTypes(pkg, imp.Import, p.host.GOARCH)
	pkg.Errors = imp.dropMemberErrors(pkg.Errors, files)
	out := packageOnly{usable: pkg.Types != nil && importsProvided(l, files)}
	if fresh {
		// Listed by this run: the full load needs only the dependencies.
		// A listing from the cache is looked up there again.
		out.root = l
	}
	out.loads = []load{{goos: p.host.GOOS, pkg: pkg, how: how}}
	if p.needOther && pkg.Types != nil {
		other := checkOther(out.loads[0], dir, p, imp.Import)
		other.Errors = imp.dropMemberErrors(other.Errors, other.Syntax)
		out.loads = append(out.loads, load{goos: p.other.GOOS, pkg: other, how: "in process"})
		out.usable = out.usable && importsProvided(l, other.Syntax)
	}
	return out, nil
}

// settles reports whether the package-only load decides the run: the
// package's own code has no error (other than names the generated code
// declares), no user declaration collides with a generated one, and
// every function the spec names is found in every build configuration
// with the signature the generated code calls.
func settles(s *spec.Spec, po packageOnly, src *source, gen generated) bool {
	if !po.usable || gen.err != nil {
		return false
	}
	if len(loadErrors(po.loads, src, gen.names)) > 0 {
		return false
	}
	_, declared := loadOptions(po.loads, src)
	return len(collisions(declared, gen.names)) == 0 && len(resolve(s, po.loads, gen.funcs)) == 0
}

// importNames maps the import path of every type the spec's functions
// take or return to the name the generated code uses for its package.
func importNames(s *spec.Spec) map[string]string {
	out := map[string]string{}
	funcs, err := generator.UserFuncs(s)
	if err != nil {
		return out
	}
	for _, f := range funcs {
		for _, t := range slices.Concat(f.Params, f.Results) {
			if t.Path != "" && t.Pkg != "" && !t.Runtime {
				out[t.Path] = t.Pkg
			}
		}
	}
	return out
}

// listPackage asks the go command about the package alone: its name,
// path, module and the files it selects, without resolving its imports
// (-find). "unsafe" is listed with it for GOROOT, read off its
// directory.
func listPackage(dir string, src *source, env []string) (*listing, error) {
	cmd := exec.Command("go", "list", "-e", "-find", "-json=Dir,ImportPath,Name,Goroot,GoFiles,CgoFiles,Error,Module", ".", "unsafe")
	cmd.Dir = dir
	cmd.Env = append(env[:len(env):len(env)], "PWD="+dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go list: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	type listed struct {
		Dir, ImportPath, Name string
		Goroot                bool
		GoFiles, CgoFiles     []string
		Error                 *struct{ Pos, Err string }
		Module                *packages.Module
	}
	var (
		l      *listing
		goroot string
	)
	for dec := json.NewDecoder(&stdout); dec.More(); {
		var p listed
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("go list: %v", err)
		}
		if p.ImportPath == "unsafe" && p.Goroot {
			if root, ok := strings.CutSuffix(filepath.ToSlash(p.Dir), "/src/unsafe"); ok {
				goroot = filepath.FromSlash(root)
			}
			continue
		}
		l = &listing{PkgPath: p.ImportPath, Name: p.Name, Module: p.Module, cgo: len(p.CgoFiles) > 0}
		if p.Error != nil {
			l.errors = append(l.errors, packages.Error{Pos: p.Error.Pos, Msg: p.Error.Err, Kind: packages.ListError})
		}
		for _, f := range p.GoFiles {
			path := filepath.Join(p.Dir, f)
			if !src.generated[path] {
				l.Files = append(l.Files, path)
			}
		}
	}
	if l == nil {
		return nil, errors.New("go list said nothing about the package")
	}
	l.goroot = goroot
	return l, nil
}

// emptyImporter gives each import an empty package of the name the
// file most likely uses for it: the package's own code type-checks,
// and a use of an import's member is an "undefined" error that
// dropMemberErrors takes out again.
type emptyImporter struct {
	names map[string]string
	pkgs  map[string]*types.Package
}

func newEmptyImporter(names map[string]string) *emptyImporter {
	return &emptyImporter{names: names, pkgs: map[string]*types.Package{}}
}

func (imp *emptyImporter) Import(path string) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	if p := imp.pkgs[path]; p != nil {
		return p, nil
	}
	name := imp.names[path]
	if name == "" {
		name = likelyName(path)
	}
	p := types.NewPackage(path, name)
	p.MarkComplete()
	imp.pkgs[path] = p
	return p, nil
}

var memberUse = regexp.MustCompile(`^undefined: ([\pL_][\pL\pN_]*)\.[\pL_][\pL\pN_]*$`)

// dropMemberErrors removes the errors that only say a member of an
// imported package is undefined: the importer knows no members.
func (imp *emptyImporter) dropMemberErrors(errs []packages.Error, files []*ast.File) []packages.Error {
	imported := map[string]bool{}
	for _, f := range files {
		for _, is := range f.Imports {
			if is.Name != nil {
				imported[is.Name.Name] = true
			} else if path, err := strconv.Unquote(is.Path.Value); err == nil {
				if p := imp.pkgs[path]; p != nil {
					imported[p.Name()] = true
				}
			}
		}
	}
	return slices.DeleteFunc(slices.Clone(errs), func(e packages.Error) bool {
		m := memberUse.FindStringSubmatch(e.Msg)
		return e.Kind == packages.TypeError && m != nil && imported[m[1]]
	})
}

var majorVersion = regexp.MustCompile(`^v[0-9]+$`)

// likelyName is the name a package is usually declared with: the last
// element of its path, before a major version suffix (math/rand/v2,
// github.com/redis/go-redis/v9), without a go- prefix, a -go suffix or a
// .vN of gopkg.in. A wrong guess shows as an error about the name, and
// the full load decides.
func likelyName(path string) string {
	elems := strings.Split(path, "/")
	last := elems[len(elems)-1]
	if len(elems) > 1 && majorVersion.MatchString(last) {
		last = elems[len(elems)-2]
	}
	if i := strings.IndexByte(last, '.'); i >= 0 {
		last = last[:i]
	}
	last = strings.TrimSuffix(strings.TrimPrefix(last, "go-"), "-go")
	return last
}

// importsProvided reports whether the build can provide every import of
// the files, as far as can be told without the go command: a standard
// package in GOROOT, a package of this module, or one of a module it
// requires (with its go.sum hash, or vendored); the internal package
// rule holds. When it cannot tell, the full load asks the go command.
func importsProvided(l *listing, files []*ast.File) bool {
	m := l.Module
	if m == nil || m.GoMod == "" || m.Dir == "" || l.goroot == "" {
		return false
	}
	data, err := os.ReadFile(m.GoMod)
	if err != nil {
		return false
	}
	mf, err := modfile.ParseLax(m.GoMod, data, nil)
	if err != nil {
		return false
	}
	vendored := exists(filepath.Join(m.Dir, "vendor", "modules.txt"))
	sums := readSums(filepath.Join(m.Dir, "go.sum"))
	replaced := map[string]bool{}
	for _, r := range mf.Replace {
		replaced[r.Old.Path] = true
	}
	provided := func(path string) bool {
		if !internalAllowed(l.PkgPath, path) {
			return false
		}
		if first, _, _ := strings.Cut(path, "/"); !strings.Contains(first, ".") {
			return isDir(filepath.Join(l.goroot, "src", filepath.FromSlash(path)))
		}
		if rel, ok := belowModule(path, m.Path); ok {
			return isDir(filepath.Join(m.Dir, filepath.FromSlash(rel)))
		}
		// The module with the longest path that holds the package
		// provides it.
		var req *modfile.Require
		for _, r := range mf.Require {
			if _, ok := belowModule(path, r.Mod.Path); ok && (req == nil || len(r.Mod.Path) > len(req.Mod.Path)) {
				req = r
			}
		}
		switch {
		case req == nil:
			return false
		case vendored:
			return isDir(filepath.Join(m.Dir, "vendor", filepath.FromSlash(path)))
		case replaced[req.Mod.Path]:
			return true
		default:
			return sums[req.Mod.Path+" "+req.Mod.Version]
		}
	}
	for _, f := range files {
		for _, is := range f.Imports {
			path, err := strconv.Unquote(is.Path.Value)
			if err != nil || path == "C" || path != "unsafe" && !listable(path) {
				return false
			}
			if path != "unsafe" && !provided(path) {
				return false
			}
		}
	}
	return true
}

// belowModule reports whether the import path is module or a package in
// it, and the path below the module.
func belowModule(path, module string) (string, bool) {
	if path == module {
		return ".", true
	}
	rel, ok := strings.CutPrefix(path, module+"/")
	return rel, ok
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
