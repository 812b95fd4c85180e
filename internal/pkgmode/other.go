package pkgmode

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// plan says how to see the package for the second OS family.
type plan struct {
	host, other build.Context
	// needOther: some user file is built for one family only.
	needOther bool
	// inProcess: the files only the other family builds import nothing
	// that the host's files do not import already and nothing whose API
	// differs between OSes, so the host load's export data types them
	// exactly and no second go list is needed.
	inProcess bool
	// otherFiles are the user files the other family builds, sorted.
	otherFiles []string
	// imports are the imports of each user file either family builds.
	imports map[string][]string
}

// importsFor is what the user files ctx selects import, for the go
// command to list: a guess, since go/build does not see the tags the go
// command may be given (the load checks it).
func (p plan) importsFor(dir string, ctx build.Context) []string {
	var out []string
	for name, imports := range p.imports {
		if ok, _ := ctx.MatchFile(dir, name); !ok {
			continue
		}
		for _, path := range imports {
			if listable(path) && !slices.Contains(out, path) {
				out = append(out, path)
			}
		}
	}
	slices.Sort(out)
	return out
}

// planLoads matches the user's files against both families' build
// constraints and reads their imports (cheap: the import block only).
func planLoads(dir string, src *source) plan {
	p := plan{host: build.Default, other: build.Default, imports: map[string][]string{}}
	p.other.CgoEnabled = false
	if p.host.GOOS == "windows" {
		p.other.GOOS, p.other.GOARCH = "linux", "amd64"
	} else {
		p.other.GOOS, p.other.GOARCH = "windows", "amd64"
	}
	hostImports := map[string]bool{}
	var otherOnly [][]string
	for _, name := range src.user {
		a, errA := p.host.MatchFile(dir, name)
		b, errB := p.other.MatchFile(dir, name)
		if errA != nil || errB != nil {
			p.needOther = true // let the go command say what is wrong
			return p
		}
		if a != b {
			p.needOther = true
		}
		if b {
			p.otherFiles = append(p.otherFiles, name)
		}
		if !a && !b {
			continue
		}
		imports := importsOf(filepath.Join(dir, name))
		if imports == nil {
			return p // unreadable: the go command reports it
		}
		p.imports[name] = imports
		if a {
			for _, i := range imports {
				hostImports[i] = true
			}
		} else {
			otherOnly = append(otherOnly, imports)
		}
	}
	p.inProcess = true
	for _, imports := range otherOnly {
		for _, i := range imports {
			if !hostImports[i] || osSpecific(i) {
				p.inProcess = false
			}
		}
	}
	return p
}

// osSpecific are packages whose API differs between OSes: types from the
// host's export data would be wrong for the other family.
func osSpecific(path string) bool {
	return path == "C" || path == "syscall" || path == "runtime/cgo" ||
		strings.HasPrefix(path, "internal/") || strings.HasPrefix(path, "golang.org/x/sys/")
}

func importsOf(path string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
	if err != nil {
		return nil
	}
	out := []string{}
	for _, is := range f.Imports {
		p, _ := strconv.Unquote(is.Path.Value)
		out = append(out, p)
	}
	return out
}

// checkOther type-checks the package as the other family builds it, in
// process: the host load's syntax for the files both build, the other
// family's own files parsed here, and the host load's imported packages
// (planLoads made sure they are the same for both).
func checkOther(host load, dir string, p plan, importer func(string) (*types.Package, error)) *packages.Package {
	hp := host.pkg
	fset := hp.Fset
	parsed := map[string]*ast.File{}
	for i, f := range hp.Syntax {
		parsed[hp.CompiledGoFiles[i]] = f
	}
	out := &packages.Package{ID: hp.ID, Name: hp.Name, PkgPath: hp.PkgPath, Fset: fset, Module: hp.Module}
	var fresh []string
	for _, name := range p.otherFiles {
		path := filepath.Join(dir, name)
		if f := parsed[path]; f != nil {
			out.Syntax = append(out.Syntax, f)
			out.CompiledGoFiles = append(out.CompiledGoFiles, path)
		} else {
			fresh = append(fresh, path)
		}
	}
	files, errs := parseFiles(fset, fresh)
	out.Errors = errs
	for _, f := range files {
		out.Syntax = append(out.Syntax, f)
		out.CompiledGoFiles = append(out.CompiledGoFiles, fset.File(f.FileStart).Name())
	}
	out.GoFiles = out.CompiledGoFiles
	out.Types, out.TypesInfo = checkTypes(out, importer, p.other.GOARCH)
	return out
}

// hostImports imports what the host load imported (planLoads made sure
// the other family's files import nothing else).
func hostImports(host load) func(string) (*types.Package, error) {
	imported := map[string]*types.Package{}
	for _, ip := range host.pkg.Types.Imports() {
		imported[ip.Path()] = ip
	}
	return func(path string) (*types.Package, error) {
		if path == "unsafe" {
			return types.Unsafe, nil
		}
		if ip := imported[path]; ip != nil {
			return ip, nil
		}
		return nil, os.ErrNotExist
	}
}
