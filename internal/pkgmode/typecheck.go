package pkgmode

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"strings"

	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"
)

// parseFiles parses the package's user files (the load never lists
// generated ones). Syntax errors come back as go/packages errors,
// positioned.
func parseFiles(fset *token.FileSet, paths []string) ([]*ast.File, []packages.Error) {
	var files []*ast.File
	var errs []packages.Error
	for _, path := range paths {
		content, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, packages.Error{Pos: path, Msg: err.Error(), Kind: packages.ListError})
			continue
		}
		f, err := parser.ParseFile(fset, path, content, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
		var list scanner.ErrorList
		switch {
		case errors.As(err, &list):
			for _, e := range list {
				errs = append(errs, packages.Error{Pos: e.Pos.String(), Msg: e.Msg, Kind: packages.ParseError})
			}
		case err != nil:
			errs = append(errs, packages.Error{Pos: path, Msg: err.Error(), Kind: packages.ParseError})
		}
		if f != nil {
			files = append(files, f)
		}
	}
	return files, errs
}

// typeCheck type-checks the package's files against the export data of
// its dependencies, as go/packages does for a package loaded without
// NeedDeps: the go command's errors, then syntax errors, then type errors.
// readable is false when an export data file named by the listing could
// not be read (a build cache trimmed meanwhile).
func typeCheck(l *listing, fset *token.FileSet, files []*ast.File, parseErrs []packages.Error, goarch string) (pkg *packages.Package, readable bool) {
	pkg = &packages.Package{
		ID: l.PkgPath, PkgPath: l.PkgPath, Name: l.Name, Module: l.Module, Fset: fset, Syntax: files,
		Errors: append(append([]packages.Error(nil), l.errors...), parseErrs...),
	}
	for _, f := range files {
		pkg.CompiledGoFiles = append(pkg.CompiledGoFiles, fset.File(f.FileStart).Name())
	}
	pkg.GoFiles = pkg.CompiledGoFiles
	imp := &exportImporter{importer: l.PkgPath, fset: fset, export: l.Export, errs: l.importErrors, pkgs: map[string]*types.Package{}}
	pkg.Types, pkg.TypesInfo = checkTypes(pkg, imp.Import, goarch)
	return pkg, !imp.unreadable
}

// checkTypes runs go/types over pkg's syntax, adding the type errors to
// pkg.Errors. A package with errors still gets its types: resolving the
// spec's functions works on the rest.
func checkTypes(pkg *packages.Package, importer func(string) (*types.Package, error), goarch string) (*types.Package, *types.Info) {
	conf := types.Config{
		Importer: importerFunc(importer),
		Sizes:    types.SizesFor("gc", goarch),
		Error: func(err error) {
			if te, ok := err.(types.Error); ok {
				pkg.Errors = append(pkg.Errors, packages.Error{Pos: te.Fset.Position(te.Pos).String(), Msg: te.Msg, Kind: packages.TypeError})
			}
		},
	}
	if pkg.Module != nil && pkg.Module.GoVersion != "" {
		conf.GoVersion = "go" + pkg.Module.GoVersion
	}
	info := &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{},
		Defs:  map[*ast.Ident]types.Object{},
		Uses:  map[*ast.Ident]types.Object{},
	}
	tpkg, _ := conf.Check(pkg.PkgPath, pkg.Fset, pkg.Syntax, info)
	if tpkg != nil && tpkg.Name() != "" {
		pkg.Name = tpkg.Name()
	}
	return tpkg, info
}

// exportImporter reads imported packages from the export data files the
// go command wrote to its build cache. One map serves every import, so a
// type reached through two imports (context.Context) is one type.
type exportImporter struct {
	importer string // the package being checked
	fset     *token.FileSet
	export   map[string]string // import path -> export data file
	errs     map[string]string // import path -> why the go command has none
	pkgs     map[string]*types.Package
	// unreadable: an export data file could not be read.
	unreadable bool
}

func (imp *exportImporter) Import(path string) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	// The go command was asked about the imports by path, as the build's
	// roots, so it did not apply the rules that depend on who imports.
	if !internalAllowed(imp.importer, path) {
		return nil, fmt.Errorf("use of internal package %s not allowed", path)
	}
	// Reading one package's export data creates, incomplete, the packages
	// its API mentions; importing one of those reads its own file.
	if p := imp.pkgs[path]; p != nil && p.Complete() {
		return p, nil
	}
	file := imp.export[path]
	if file == "" {
		if msg := imp.errs[path]; msg != "" {
			return nil, errors.New(msg)
		}
		return nil, fmt.Errorf("no export data for %q", path)
	}
	f, err := os.Open(file)
	if err != nil {
		imp.unreadable = true
		return nil, err
	}
	defer f.Close()
	// NewReader finds the export data section of the compiler's output,
	// which is what go list -export names; go/packages reads it the same
	// way.
	r, err := gcexportdata.NewReader(f)
	if err != nil {
		imp.unreadable = true
		return nil, fmt.Errorf("reading %s: %v", file, err)
	}
	p, err := gcexportdata.Read(r, imp.fset, imp.pkgs, path)
	if err != nil {
		imp.unreadable = true
		return nil, fmt.Errorf("reading %s: %v", file, err)
	}
	if p.Name() == "main" {
		return nil, fmt.Errorf("import %q is a program, not an importable package", path)
	}
	return p, nil
}

// internalAllowed applies the internal package rule: a path with an
// "internal" element (the last one counts) is importable only from the
// tree rooted at that element's parent; the standard library's only
// from the standard library.
func internalAllowed(importer, path string) bool {
	elems := strings.Split(path, "/")
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
	return parent != "" && (importer == parent || strings.HasPrefix(importer, parent+"/"))
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
