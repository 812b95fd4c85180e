package pkgmode

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/spec"
)

// resolve finds every user function the spec names in every load of the
// package and checks its signature. A function missing from one build
// configuration only is reported with that GOOS.
func resolve(s *spec.Spec, loads []load, funcs []generator.UserFunc) spec.ErrorList {
	var errs spec.ErrorList
	seen := map[string]bool{}
	for _, f := range funcs {
		at := s.Pos(f.SpecPath...)
		var missing []string
		for _, l := range loads {
			msg := check(l, f)
			switch {
			case msg == "":
			case msg == notFound:
				missing = append(missing, l.goos)
			case !seen[at.String()+msg]:
				seen[at.String()+msg] = true
				errs = append(errs, &spec.Error{Pos: at, Msg: msg})
			}
		}
		if len(missing) > 0 {
			msg := fmt.Sprintf("%s %q not found in package %s", f.Role, f.Name, loads[0].pkg.PkgPath)
			if len(missing) < len(loads) {
				msg += " when built for GOOS=" + strings.Join(missing, ",")
			}
			errs = append(errs, &spec.Error{Pos: at, Msg: msg})
		}
	}
	return errs
}

const notFound = "\x00not found"

// check looks f up in one load: "" when it is right, notFound, or the
// message of what is wrong with it.
func check(l load, f generator.UserFunc) string {
	obj := l.pkg.Types.Scope().Lookup(f.Name)
	if obj == nil {
		return notFound
	}
	decl := goPos(l.pkg.Fset.Position(obj.Pos())).String()
	sig, isFunc := obj.Type().Underlying().(*types.Signature)
	switch obj.(type) {
	case *types.Func, *types.Var:
	default:
		isFunc = false
	}
	if !isFunc {
		return fmt.Sprintf("%s %q must be a function %s, but %s declares %s", f.Role, f.Name, f.Signature(), decl, kindOf(obj))
	}
	params, results := fieldExprs(l, obj)
	ok := !sig.Variadic() &&
		matchAll(l, sig.Params(), params, f.Params) &&
		matchAll(l, sig.Results(), results, f.Results)
	if ok {
		return ""
	}
	return fmt.Sprintf("%s %q has the wrong signature: have %s at %s, want %s", f.Role, f.Name, have(l, sig, params, results), decl, f.Signature())
}

func kindOf(obj types.Object) string {
	switch obj.(type) {
	case *types.TypeName:
		return "a type"
	case *types.Const:
		return "a constant"
	case *types.Var:
		return "a variable of type " + types.TypeString(obj.Type(), qualifier(obj.Pkg()))
	}
	return "something else"
}

func matchAll(l load, tuple *types.Tuple, exprs []ast.Expr, want []generator.TypeRef) bool {
	if tuple.Len() != len(want) {
		return false
	}
	for i := range want {
		var expr ast.Expr
		if i < len(exprs) {
			expr = exprs[i]
		}
		if !match(l, tuple.At(i).Type(), expr, want[i]) {
			return false
		}
	}
	return true
}

// match compares a parameter or result type with the type the generated
// code uses. A type of the runtime package (svcrt.HTTPClient) is not in the
// load before the first run wrote the package, and no imported type is in
// a load of the package alone (syntaxload.go): the user's reference to it
// is then an invalid type, and it is compared as written.
func match(l load, t types.Type, expr ast.Expr, want generator.TypeRef) bool {
	if t == types.Typ[types.Invalid] || isInvalidPtr(t) {
		return matchWritten(l, expr, want)
	}
	if want.Pointer {
		p, ok := types.Unalias(t).(*types.Pointer)
		if !ok {
			return false
		}
		t = p.Elem()
	}
	t = types.Unalias(t)
	if !want.Local && want.Path == "" {
		return types.Identical(t, types.Universe.Lookup(want.Name).Type())
	}
	named, ok := t.(*types.Named)
	if !ok || named.Obj().Name() != want.Name || named.Obj().Pkg() == nil {
		return false
	}
	if want.Local {
		return named.Obj().Pkg() == l.pkg.Types
	}
	if want.Runtime {
		return named.Obj().Pkg().Path() == l.pkg.PkgPath+"/"+want.Path
	}
	return named.Obj().Pkg().Path() == want.Path
}

func isInvalidPtr(t types.Type) bool {
	p, ok := t.(*types.Pointer)
	return ok && p.Elem() == types.Typ[types.Invalid]
}

// have renders the declared signature for a message, without parameter
// names, in the package's own terms (sql.DB, Store).
func have(l load, sig *types.Signature, params, results []ast.Expr) string {
	list := func(t *types.Tuple, exprs []ast.Expr) []string {
		var out []string
		for i := 0; i < t.Len(); i++ {
			typ := t.At(i).Type()
			s := types.TypeString(typ, qualifier(l.pkg.Types))
			if (typ == types.Typ[types.Invalid] || isInvalidPtr(typ)) && i < len(exprs) {
				s = types.ExprString(exprs[i])
			}
			if sig.Variadic() && t == sig.Params() && i == t.Len()-1 {
				s = "..." + strings.TrimPrefix(s, "[]")
			}
			out = append(out, s)
		}
		return out
	}
	b := "func(" + strings.Join(list(sig.Params(), params), ", ") + ")"
	res := list(sig.Results(), results)
	switch len(res) {
	case 0:
	case 1:
		b += " " + res[0]
	default:
		b += " (" + strings.Join(res, ", ") + ")"
	}
	return b
}

func qualifier(self *types.Package) types.Qualifier {
	return func(p *types.Package) string {
		if p == self {
			return ""
		}
		return p.Name()
	}
}

// fieldExprs finds the declaration of a function in the syntax and returns
// its parameter and result type expressions, one per parameter.
func fieldExprs(l load, obj types.Object) (params, results []ast.Expr) {
	for _, f := range l.pkg.Syntax {
		if f.Pos() > obj.Pos() || obj.Pos() > f.End() {
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if ok && fd.Name.Pos() == obj.Pos() {
				return flatten(fd.Type.Params), flatten(fd.Type.Results)
			}
		}
	}
	return nil, nil
}

func flatten(fl *ast.FieldList) []ast.Expr {
	if fl == nil {
		return nil
	}
	var out []ast.Expr
	for _, f := range fl.List {
		n := len(f.Names)
		if n == 0 {
			n = 1
		}
		for range n {
			out = append(out, f.Type)
		}
	}
	return out
}

// matchWritten compares a type expression with the wanted type of another
// package: a qualified name (under a * when a pointer is wanted) whose
// qualifier is the file's import of the wanted package.
func matchWritten(l load, expr ast.Expr, want generator.TypeRef) bool {
	if expr == nil || want.Local || want.Path == "" {
		return false
	}
	if want.Runtime && types.ExprString(expr) == want.String() {
		return true
	}
	if want.Pointer {
		star, ok := ast.Unparen(expr).(*ast.StarExpr)
		if !ok {
			return false
		}
		expr = star.X
	}
	sel, ok := ast.Unparen(expr).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != want.Name {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok || l.pkg.TypesInfo == nil {
		return false
	}
	pn, ok := l.pkg.TypesInfo.Uses[x].(*types.PkgName)
	if !ok {
		return false
	}
	path := want.Path
	if want.Runtime {
		path = l.pkg.PkgPath + "/" + want.Path
	}
	return pn.Imported().Path() == path
}
