package generator

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
	"github.com/svcgen/svcgen/templates"
)

// This file answers the two questions package mode asks about the output
// before it writes into someone else's package: which user functions the
// generated code calls, with which types, and which modules it imports.

// UserFunc is one place the spec names a user function, with the Go
// signature the generated code calls it with.
type UserFunc struct {
	Name string
	// Role says what the spec asks the function to be: "handler", "run",
	// "open", "close", "check", "after_ready hook", "before_drain hook",
	// "reload hook".
	Role string
	// SpecPath is the key path of the name in the spec, for spec.Pos:
	// ["resource", "api", "handler"] or ["hooks", "after_ready", "0"].
	SpecPath []string
	Params   []TypeRef
	Results  []TypeRef
}

// TypeRef is a parameter or result type of a user function: a named type,
// possibly behind one pointer.
type TypeRef struct {
	Pointer bool
	// Path is the import path of the type's package; "" for a predeclared
	// type (error) and for a type of the target package (Local).
	Path string
	// Pkg is the package name the type is written with (sql, redis).
	Pkg   string
	Local bool
	// Runtime: a type of the project's runtime package (svcrt.HTTPClient),
	// whose import path is <the target package>/RuntimeDir; Path is then
	// only RuntimeDir.
	Runtime bool
	Name    string
}

// String renders the type as Go source in the target package: *sql.DB,
// *Store, error.
func (t TypeRef) String() string {
	s := t.Name
	if t.Pkg != "" {
		s = t.Pkg + "." + s
	}
	if t.Pointer {
		s = "*" + s
	}
	return s
}

// Signature renders the function type the way go/types prints one without
// parameter names: func(context.Context, *Store) (*Store, error).
func (f UserFunc) Signature() string {
	var b strings.Builder
	b.WriteString("func(")
	for i, p := range f.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.String())
	}
	b.WriteString(")")
	switch len(f.Results) {
	case 0:
	case 1:
		b.WriteString(" " + f.Results[0].String())
	default:
		b.WriteString(" (")
		for i, r := range f.Results {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(r.String())
		}
		b.WriteString(")")
	}
	return b.String()
}

// UserFuncs lists every user function the spec names, in spec order, with
// the signature the generated code calls. The types come from the same
// helpers the scaffolds and the node table use (depParams, valueType), so
// they cannot drift from what the generated code passes.
func UserFuncs(s *spec.Spec) ([]UserFunc, error) {
	g := newContext(s, Options{Mode: PackageMode, PackageName: "p", ImportPath: "p"})
	byName := map[string]*spec.Resource{}
	for _, r := range s.Resources {
		byName[r.Name] = r
	}
	for _, r := range s.Resources {
		for _, d := range r.DependsOn {
			if dep := byName[d]; dep != nil && kinds[dep.Kind] == nil {
				return nil, fmt.Errorf("resource %s: kind %q is not supported yet", dep.Name, dep.Kind)
			}
		}
	}
	var funcs []UserFunc
	var decls []jen.Code
	add := func(name, role string, path []string, params []jen.Code, results ...jen.Code) {
		if name == "" {
			return
		}
		funcs = append(funcs, UserFunc{Name: name, Role: role, SpecPath: path})
		decls = append(decls, jen.Func().Id(fmt.Sprintf("f%d", len(decls))).Params(params...).Params(results...).Block())
	}
	withCtx := func(params []jen.Code) []jen.Code { return append([]jen.Code{ctxParam()}, params...) }
	for _, r := range s.Resources {
		params := depParams(g, r, byName)
		at := func(key string) []string { return []string{"resource", r.Name, key} }
		switch r.Kind {
		case spec.KindHTTP:
			add(r.Handler, "handler", at("handler"), params, jen.Qual("net/http", "Handler"), jen.Error())
		case spec.KindGRPC:
			add(r.Register, "register", at("register"), append([]jen.Code{jen.Id("s").Qual(grpcPath, "ServiceRegistrar")}, params...), jen.Error())
		case spec.KindWorker:
			add(r.Run, "run", at("run"), withCtx(params), jen.Error())
		case spec.KindCustom:
			typ := jen.Op("*").Id(customType(r))
			add(r.Open, "open", at("open"), withCtx(params), typ, jen.Error())
			add(r.Close, "close", at("close"), []jen.Code{ctxParam(), jen.Id("v").Op("*").Id(customType(r))}, jen.Error())
			add(r.Check, "check", at("check"), []jen.Code{ctxParam(), jen.Id("v").Op("*").Id(customType(r))}, jen.Error())
		}
	}
	h := s.Hooks
	for i, n := range h.AfterReady {
		add(n, "after_ready hook", []string{"hooks", "after_ready", strconv.Itoa(i)}, []jen.Code{ctxParam()}, jen.Error())
	}
	for i, n := range h.BeforeDrain {
		add(n, "before_drain hook", []string{"hooks", "before_drain", strconv.Itoa(i)}, []jen.Code{ctxParam()}, jen.Error())
	}
	add(h.Reload, "reload hook", []string{"hooks", "reload"}, []jen.Code{ctxParam()}, jen.Error())
	if s.Metrics.Enabled {
		add(s.Metrics.Register, "metrics register", []string{"metrics", "register"}, []jen.Code{jen.Id("reg").Qual(prometheusPath, "Registerer")}, jen.Error())
	}
	if len(funcs) == 0 {
		return nil, nil
	}

	// Render the signatures as Go and read them back: jennifer resolves
	// the import paths, go/parser hands them over as syntax.
	f := jen.NewFile("p")
	g.importNames(f)
	for _, d := range decls {
		f.Add(d)
	}
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		return nil, fmt.Errorf("user function signatures: %w", err)
	}
	file, err := parser.ParseFile(token.NewFileSet(), "signatures.go", buf.Bytes(), parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("user function signatures: %w", err)
	}
	imports := map[string]string{}
	for _, spec := range file.Imports {
		p, _ := strconv.Unquote(spec.Path.Value)
		name := assumedName(p)
		if spec.Name != nil {
			name = spec.Name.Name
		}
		imports[name] = p
	}
	i := 0
	for _, d := range file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		if funcs[i].Params, err = typeRefs(fd.Type.Params, imports); err != nil {
			return nil, err
		}
		if funcs[i].Results, err = typeRefs(fd.Type.Results, imports); err != nil {
			return nil, err
		}
		i++
	}
	return funcs, nil
}

// assumedName is the package name an import without an alias is used by,
// by the convention jennifer and goimports follow when they write no
// alias: the last path element, skipping a major version suffix, without
// a "go-" prefix or anything after a dot or dash.
func assumedName(importPath string) string {
	base := path.Base(importPath)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		if dir := path.Dir(importPath); dir != "." {
			base = path.Base(dir)
		}
	}
	base = strings.TrimPrefix(base, "go-")
	if i := strings.IndexAny(base, ".-"); i > 0 {
		base = base[:i]
	}
	return base
}

func typeRefs(fl *ast.FieldList, imports map[string]string) ([]TypeRef, error) {
	if fl == nil {
		return nil, nil
	}
	var out []TypeRef
	for _, f := range fl.List {
		var t TypeRef
		expr := f.Type
		if star, ok := expr.(*ast.StarExpr); ok {
			t.Pointer = true
			expr = star.X
		}
		switch e := expr.(type) {
		case *ast.Ident:
			t.Name = e.Name
			t.Local = e.Name != "error"
		case *ast.SelectorExpr:
			x, _ := e.X.(*ast.Ident)
			if x == nil || imports[x.Name] == "" {
				return nil, fmt.Errorf("user function signatures: unexpected type %T", e.X)
			}
			t.Pkg, t.Path, t.Name = x.Name, imports[x.Name], e.Sel.Name
			if strings.HasSuffix(t.Path, "/"+RuntimeDir) {
				t.Path, t.Runtime = RuntimeDir, true
			}
		default:
			return nil, fmt.Errorf("user function signatures: unexpected type %T", expr)
		}
		n := len(f.Names)
		if n == 0 {
			n = 1
		}
		for range n {
			out = append(out, t)
		}
	}
	return out, nil
}

// Module is a module the generated code imports, at the version svcgen
// pins and tests it with.
type Module struct {
	Path    string
	Version string
}

// RequiredModules lists the modules that the generated Go files import
// (outside the standard library), at their pinned versions, sorted by
// path. The pins are the direct requirements in templates/deps.
func RequiredModules(files []File) ([]Module, error) {
	pinned, err := pinnedDirect()
	if err != nil {
		return nil, err
	}
	need := map[string]Module{}
	fset := token.NewFileSet()
	for _, f := range files {
		if f.Owner != Generated || !strings.HasSuffix(f.Path, ".go") {
			continue
		}
		af, err := parser.ParseFile(fset, f.Path, f.Content, parser.ImportsOnly)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Path, err)
		}
		for _, is := range af.Imports {
			p, _ := strconv.Unquote(is.Path.Value)
			first, _, _ := strings.Cut(p, "/")
			if !strings.Contains(first, ".") {
				continue // standard library
			}
			if strings.HasSuffix(p, "/"+RuntimeDir) {
				continue // the project's own runtime package
			}
			m, ok := moduleOf(p, pinned)
			if !ok {
				return nil, fmt.Errorf("%s imports %s, which no pinned module in templates/deps provides", f.Path, p)
			}
			need[m.Path] = m
		}
	}
	out := make([]Module, 0, len(need))
	for _, m := range need {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// moduleOf finds the module providing an import path: the longest module
// path that is the import path or a prefix of it at a slash.
func moduleOf(importPath string, pinned map[string]string) (Module, bool) {
	best := ""
	for m := range pinned {
		if (importPath == m || strings.HasPrefix(importPath, m+"/")) && len(m) > len(best) {
			best = m
		}
	}
	return Module{Path: best, Version: pinned[best]}, best != ""
}

// pinnedDirect reads the direct requirement lines of every feature file in
// templates/deps: module path -> version.
func pinnedDirect() (map[string]string, error) {
	mods, err := fs.Glob(templates.FS, "deps/*.mod")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, name := range mods {
		data, err := fs.ReadFile(templates.FS, name)
		if err != nil {
			return nil, err
		}
		for _, l := range strings.Split(string(data), "\n") {
			fields := strings.Fields(l)
			if len(fields) != 2 {
				continue // blank, or "// indirect"
			}
			out[fields[0]] = fields[1]
		}
	}
	return out, nil
}
