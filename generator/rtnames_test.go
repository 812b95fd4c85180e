package generator

import (
	"go/types"
	"os"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestRuntimeNames checks every runtime name the wiring uses against the
// runtime package's real exported API: each rtRef is an exported object of
// templates/svcrt, and each field of rtFields a field of that struct. A
// rename in the runtime fails here, not in a user's build.
func TestRuntimeNames(t *testing.T) {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes}, "github.com/svcgen/svcgen/templates/svcrt")
	if err != nil || len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		t.Fatalf("load the runtime package: %v %v", err, pkgs)
	}
	scope := pkgs[0].Types.Scope()
	src, err := os.ReadFile("rtnames.go")
	if err != nil {
		t.Fatal(err)
	}
	refs := regexp.MustCompile(`(?m)^\s*rt\w+\s+rtRef = "(\w+)"`).FindAllStringSubmatch(string(src), -1)
	if len(refs) < len(rtFields) {
		t.Fatalf("read %d rtRef constants from rtnames.go, fewer than the %d structs of rtFields", len(refs), len(rtFields))
	}
	for _, m := range refs {
		if obj := scope.Lookup(m[1]); obj == nil || !obj.Exported() {
			t.Errorf("svcrt.%s: not an exported name of the runtime package", m[1])
		}
	}
	for typ, fields := range rtFields {
		obj := scope.Lookup(string(typ))
		if obj == nil {
			t.Errorf("svcrt.%s: no such type", typ)
			continue
		}
		st, ok := obj.Type().Underlying().(*types.Struct)
		if !ok {
			t.Errorf("svcrt.%s: not a struct", typ)
			continue
		}
		for _, f := range fields {
			found := false
			for i := range st.NumFields() {
				if st.Field(i).Name() == f && st.Field(i).Exported() {
					found = true
				}
			}
			if !found {
				t.Errorf("svcrt.%s has no exported field %s", typ, f)
			}
		}
	}
}

// TestRuntimeNamesInOnePlace: the emitters name runtime objects only
// through the rtRef constants, never as string literals.
func TestRuntimeNamesInOnePlace(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	literal := regexp.MustCompile(`g\.rt\("|newLit\("`)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		data, err := os.ReadFile(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if loc := literal.FindIndex(data); loc != nil {
			t.Errorf("%s names a runtime object by a string literal: %s", e.Name(), data[loc[0]:loc[1]+20])
		}
	}
}
