package generator

import (
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"testing"

	"github.com/svcgen/svcgen/spec"
)

// TestDerivedDefaultsEvaluateToTheSpecDefaults type-checks the generated
// svcgen_config.go of every golden example and checks that each default
// emitted as an expression evaluates to the value spec decoding filled:
// the whole generator, on real projects, agrees with spec.Formulas (the
// property tests in formulas_test.go cover random values).
func TestDerivedDefaultsEvaluateToTheSpecDefaults(t *testing.T) {
	specs, _ := filepath.Glob("../golden/*/service.toml")
	checked := 0
	for _, p := range specs {
		s, err := spec.Load(p)
		if err != nil {
			t.Fatal(err)
		}
		files, err := Generate(s, Options{Mode: ProjectMode})
		if err != nil {
			t.Fatal(err)
		}
		var config []byte
		for _, f := range files {
			if f.Path == "svcgen_config.go" {
				config = f.Content
			}
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, "svcgen_config.go", config, 0)
		if err != nil {
			t.Fatal(err)
		}
		conf := types.Config{Importer: importer.Default()}
		pkg, err := conf.Check("main", fset, []*ast.File{file}, nil)
		if err != nil {
			t.Fatalf("%s: svcgen_config.go does not type-check alone: %v", p, err)
		}
		for name, d := range derivedDefaults(s) {
			obj, ok := pkg.Scope().Lookup(name).(*types.Const)
			if !ok {
				continue // an emitter that does not use this value
			}
			got, exact := constant.Int64Val(constant.ToInt(obj.Val()))
			if !exact || got != d.want {
				t.Errorf("%s: %s = %v, but the spec default is %d", p, name, obj.Val(), d.want)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no derived default was checked")
	}
}
