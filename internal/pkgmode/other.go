package pkgmode

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
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
}

// planLoads matches the user's files against both families' build
// constraints and reads their imports (cheap: the import block only).
func planLoads(dir string, src *source) plan {
	p := plan{host: build.Default, other: build.Default}
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
func checkOther(host *packages.Package, dir string, src *source, p plan) *packages.Package {
	fset := host.Fset
	parsed := map[string]*ast.File{}
	for i, f := range host.Syntax {
		parsed[host.CompiledGoFiles[i]] = f
	}
	out := &packages.Package{
		ID: host.ID, Name: host.Name, PkgPath: host.PkgPath, Fset: fset, Module: host.Module,
	}
	for _, name := range p.otherFiles {
		path := filepath.Join(dir, name)
		f := parsed[path]
		if f == nil {
			content, err := os.ReadFile(path)
			if err != nil {
				out.Errors = append(out.Errors, packages.Error{Pos: path, Msg: err.Error(), Kind: packages.ListError})
				continue
			}
			f, err = src.parse(fset, path, content)
			if err != nil {
				out.Errors = append(out.Errors, packages.Error{Pos: path, Msg: err.Error(), Kind: packages.ParseError})
			}
			if f == nil {
				continue
			}
		}
		out.Syntax = append(out.Syntax, f)
		out.CompiledGoFiles = append(out.CompiledGoFiles, path)
	}
	out.GoFiles = out.CompiledGoFiles
	imported := map[string]*types.Package{"unsafe": types.Unsafe}
	if host.Types != nil {
		for _, ip := range host.Types.Imports() {
			imported[ip.Path()] = ip
		}
	}
	conf := types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if ip := imported[path]; ip != nil {
				return ip, nil
			}
			return nil, os.ErrNotExist
		}),
		Sizes: types.SizesFor("gc", p.other.GOARCH),
		Error: func(err error) {
			if te, ok := err.(types.Error); ok {
				out.Errors = append(out.Errors, packages.Error{Pos: fset.Position(te.Pos).String(), Msg: te.Msg, Kind: packages.TypeError})
			}
		},
	}
	if host.Module != nil && host.Module.GoVersion != "" {
		conf.GoVersion = "go" + host.Module.GoVersion
	}
	out.TypesInfo = &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{},
		Defs:  map[*ast.Ident]types.Object{},
		Uses:  map[*ast.Ident]types.Object{},
	}
	out.Types, _ = conf.Check(host.PkgPath, fset, out.Syntax, out.TypesInfo)
	return out
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
