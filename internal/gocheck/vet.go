package gocheck

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/appends"
	"golang.org/x/tools/go/analysis/passes/assign"
	"golang.org/x/tools/go/analysis/passes/atomic"
	"golang.org/x/tools/go/analysis/passes/bools"
	"golang.org/x/tools/go/analysis/passes/buildtag"
	"golang.org/x/tools/go/analysis/passes/composite"
	"golang.org/x/tools/go/analysis/passes/copylock"
	"golang.org/x/tools/go/analysis/passes/defers"
	"golang.org/x/tools/go/analysis/passes/directive"
	"golang.org/x/tools/go/analysis/passes/errorsas"
	"golang.org/x/tools/go/analysis/passes/hostport"
	"golang.org/x/tools/go/analysis/passes/httpresponse"
	"golang.org/x/tools/go/analysis/passes/ifaceassert"
	"golang.org/x/tools/go/analysis/passes/loopclosure"
	"golang.org/x/tools/go/analysis/passes/lostcancel"
	"golang.org/x/tools/go/analysis/passes/nilfunc"
	"golang.org/x/tools/go/analysis/passes/printf"
	"golang.org/x/tools/go/analysis/passes/shift"
	"golang.org/x/tools/go/analysis/passes/sigchanyzer"
	"golang.org/x/tools/go/analysis/passes/slog"
	"golang.org/x/tools/go/analysis/passes/stdmethods"
	"golang.org/x/tools/go/analysis/passes/stdversion"
	"golang.org/x/tools/go/analysis/passes/stringintconv"
	"golang.org/x/tools/go/analysis/passes/structtag"
	"golang.org/x/tools/go/analysis/passes/testinggoroutine"
	"golang.org/x/tools/go/analysis/passes/tests"
	"golang.org/x/tools/go/analysis/passes/timeformat"
	"golang.org/x/tools/go/analysis/passes/unmarshal"
	"golang.org/x/tools/go/analysis/passes/unreachable"
	"golang.org/x/tools/go/analysis/passes/unsafeptr"
	"golang.org/x/tools/go/analysis/passes/unusedresult"
	"golang.org/x/tools/go/analysis/passes/waitgroup"
)

// VetAnalyzers are the analyzers `go vet` runs (cmd/vet) that need only
// Go source and types: asmdecl, cgocall and framepointer, which read
// assembly or cgo output, are left to the real go vet.
var VetAnalyzers = []*analysis.Analyzer{
	appends.Analyzer, assign.Analyzer, atomic.Analyzer, bools.Analyzer, buildtag.Analyzer,
	composite.Analyzer, copylock.Analyzer, defers.Analyzer, directive.Analyzer, errorsas.Analyzer,
	hostport.Analyzer, httpresponse.Analyzer, ifaceassert.Analyzer, loopclosure.Analyzer,
	lostcancel.Analyzer, nilfunc.Analyzer, printf.Analyzer, shift.Analyzer, sigchanyzer.Analyzer,
	slog.Analyzer, stdmethods.Analyzer, stdversion.Analyzer, stringintconv.Analyzer,
	structtag.Analyzer, testinggoroutine.Analyzer, tests.Analyzer, timeformat.Analyzer,
	unmarshal.Analyzer, unreachable.Analyzer, unsafeptr.Analyzer, unusedresult.Analyzer,
	waitgroup.Analyzer,
}

// vet runs VetAnalyzers (and what they require) on a type-checked
// package. Facts, which analyzers such as printf record about functions
// (a wrapper of fmt.Sprintf), flow from the project's packages the
// package imports (deps) into its own store; facts about packages outside
// the project are not known, as when go vet is given no export facts.
func vet(fset *token.FileSet, files []*ast.File, pkg *types.Package, info *types.Info, sizes types.Sizes,
	goVersion string, facts *factStore, deps []*factStore) []Problem {
	var problems []Problem
	results := map[*analysis.Analyzer]any{}
	failed := map[*analysis.Analyzer]bool{}
	report := map[*analysis.Analyzer]bool{}
	for _, a := range VetAnalyzers {
		report[a] = true
	}
	var run func(a *analysis.Analyzer)
	run = func(a *analysis.Analyzer) {
		if _, ok := results[a]; ok || failed[a] {
			return
		}
		resultOf := map[*analysis.Analyzer]any{}
		for _, req := range a.Requires {
			run(req)
			if failed[req] {
				failed[a] = true
				return
			}
			resultOf[req] = results[req]
		}
		pass := &analysis.Pass{
			Analyzer:   a,
			Fset:       fset,
			Files:      files,
			Pkg:        pkg,
			TypesInfo:  info,
			TypesSizes: sizes,
			Module:     &analysis.Module{Path: pkg.Path(), GoVersion: strings.TrimPrefix(goVersion, "go")},
			ResultOf:   resultOf,
			Report: func(d analysis.Diagnostic) {
				if report[a] {
					problems = append(problems, Problem{Pos: fset.Position(d.Pos), Msg: d.Message, Check: a.Name})
				}
			},
			ReadFile: func(name string) ([]byte, error) {
				return nil, fmt.Errorf("gocheck: vet reads no files (%s)", name)
			},
			ImportObjectFact:  func(obj types.Object, f analysis.Fact) bool { return facts.importObject(deps, obj, f) },
			ExportObjectFact:  func(obj types.Object, f analysis.Fact) { facts.objects[factKey{obj, reflect.TypeOf(f)}] = f },
			ImportPackageFact: func(p *types.Package, f analysis.Fact) bool { return facts.importPackage(deps, p, f) },
			ExportPackageFact: func(f analysis.Fact) { facts.packages[pkgFactKey{pkg, reflect.TypeOf(f)}] = f },
			AllObjectFacts:    facts.allObjects,
			AllPackageFacts:   facts.allPackages,
		}
		res, err := a.Run(pass)
		if err != nil {
			problems = append(problems, Problem{Pos: token.Position{Filename: pkg.Path()}, Msg: "analyzer failed: " + err.Error(), Check: a.Name})
			failed[a] = true
			return
		}
		results[a] = res
	}
	for _, a := range VetAnalyzers {
		run(a)
	}
	return problems
}

type factKey struct {
	obj types.Object
	t   reflect.Type
}

type pkgFactKey struct {
	pkg *types.Package
	t   reflect.Type
}

// factStore holds the facts analyzers exported while vetting one package.
type factStore struct {
	objects  map[factKey]analysis.Fact
	packages map[pkgFactKey]analysis.Fact
}

func newFactStore() *factStore {
	return &factStore{objects: map[factKey]analysis.Fact{}, packages: map[pkgFactKey]analysis.Fact{}}
}

// importObject copies the fact of obj of f's type into f, looking in the
// package's own store, then its dependencies'.
func (s *factStore) importObject(deps []*factStore, obj types.Object, f analysis.Fact) bool {
	k := factKey{obj, reflect.TypeOf(f)}
	for _, st := range append([]*factStore{s}, deps...) {
		if v, ok := st.objects[k]; ok {
			reflect.ValueOf(f).Elem().Set(reflect.ValueOf(v).Elem())
			return true
		}
	}
	return false
}

func (s *factStore) importPackage(deps []*factStore, p *types.Package, f analysis.Fact) bool {
	k := pkgFactKey{p, reflect.TypeOf(f)}
	for _, st := range append([]*factStore{s}, deps...) {
		if v, ok := st.packages[k]; ok {
			reflect.ValueOf(f).Elem().Set(reflect.ValueOf(v).Elem())
			return true
		}
	}
	return false
}

func (s *factStore) allObjects() []analysis.ObjectFact {
	var out []analysis.ObjectFact
	for k, f := range s.objects {
		out = append(out, analysis.ObjectFact{Object: k.obj, Fact: f})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Object.Pos() < out[j].Object.Pos() })
	return out
}

func (s *factStore) allPackages() []analysis.PackageFact {
	var out []analysis.PackageFact
	for k, f := range s.packages {
		out = append(out, analysis.PackageFact{Package: k.pkg, Fact: f})
	}
	return out
}
