package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"

	"github.com/svcgen/svcgen/generator"
)

// userDeclarations lists the package-level names the user's Go files in a
// project's directory declare, each with the file that declares it. A
// project's package is package main in that directory; test files and
// generated files (they carry svcgen's header) are not the user's
// declarations. A file that does not parse still yields what it declares
// before the error. Without this, a scaffold would declare again what a
// user file holds (a resource renamed in the spec keeps its functions in
// the old resource's file) and the project would not compile.
func userDeclarations(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		if generator.IsGenerated(src) {
			continue
		}
		f, _ := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if f == nil || f.Name == nil || f.Name.Name != "main" {
			continue
		}
		for _, n := range topLevelNames(f) {
			if _, seen := out[n]; !seen {
				out[n] = name
			}
		}
	}
	return out, nil
}

// topLevelNames are the names a file declares at package level: functions
// (not methods), types, variables and constants.
func topLevelNames(f *ast.File) []string {
	var names []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name != "init" && d.Name.Name != "_" {
				names = append(names, d.Name.Name)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names = append(names, s.Name.Name)
				case *ast.ValueSpec:
					for _, id := range s.Names {
						if id.Name != "_" {
							names = append(names, id.Name)
						}
					}
				}
			}
		}
	}
	return names
}
