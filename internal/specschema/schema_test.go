package specschema

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/svcgen/svcgen/spec"
)

// tags lists the spec keys of a struct type.
func tags(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		if k := tomlKey(t.Field(i)); k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// docType is the reference's name of a Go field type.
func docType(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == durationType:
		return "duration"
	case t.Kind() == reflect.String:
		return "string"
	case t.Kind() == reflect.Int:
		return "int"
	case t.Kind() == reflect.Bool:
		return "bool"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return "[string]"
	case t.Kind() == reflect.Slice:
		return "array of tables"
	}
	return t.String()
}

// TestSchemaMatchesGoTypes: every key of every spec table is in the
// schema and documented in spec/REFERENCE.md with its Go type, and the
// schema and the reference hold no key the Go types lack.
func TestSchemaMatchesGoTypes(t *testing.T) {
	root := loadSchema(t)
	props := root["properties"].(map[string]any)
	st := reflect.TypeOf(spec.Spec{})
	want := append(tags(st), "resource")
	sort.Strings(want)
	if got := keys(props); !slices.Equal(got, want) {
		t.Errorf("top-level tables: schema %v, Go types %v", got, want)
	}
	documented := map[string]bool{}
	for _, d := range docs {
		documented[d.Table+"."+d.Key] = true
	}
	check := func(table string, typ reflect.Type, schemaProps map[string]any) {
		if got, want := keys(schemaProps), tags(typ); !slices.Equal(got, want) {
			t.Errorf("[%s]: schema keys %v, Go keys %v", table, got, want)
		}
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			key := tomlKey(f)
			if key == "" {
				continue
			}
			if !documented[table+"."+key] {
				t.Errorf("[%s] %s is not documented in spec/REFERENCE.md", table, key)
			}
			for _, d := range docs {
				if d.Table == table && d.Key == key && d.Type != docType(f.Type) {
					t.Errorf("[%s] %s: the reference says %s, the Go type is %s", table, key, d.Type, docType(f.Type))
				}
			}
		}
	}
	for i := 0; i < st.NumField(); i++ {
		f := st.Field(i)
		if key := tomlKey(f); key != "" {
			check(key, f.Type, props[key].(map[string]any)["properties"].(map[string]any))
		}
	}
	res := root["definitions"].(map[string]any)["resource"].(map[string]any)
	check("resource", reflect.TypeOf(spec.Resource{}), res["properties"].(map[string]any))
	for _, d := range docs {
		var typ reflect.Type
		if d.Table == "resource" {
			typ = reflect.TypeOf(spec.Resource{})
		} else if f, ok := st.FieldByNameFunc(func(n string) bool { f, _ := st.FieldByName(n); return tomlKey(f) == d.Table }); ok {
			typ = f.Type
		}
		if typ == nil || !slices.Contains(tags(typ), d.Key) {
			t.Errorf("spec/REFERENCE.md documents [%s] %s, which the Go types do not have", d.Table, d.Key)
		}
	}
	if len(kindKeys) != len(spec.Kinds)+1 {
		t.Errorf("the reference documents keys for %d kinds and the common keys; spec has %d kinds", len(kindKeys)-1, len(spec.Kinds))
	}
}

// minimalWith is a valid spec with one resource of kind plus extra lines.
func minimalWith(kind string, extra string) string {
	return "[service]\nname = \"probe\"\nmodule = \"example.com/probe\"\n\n[resource.thing]\nkind = \"" + kind + "\"\n" + extra
}

// sample is a value of the right TOML type for a resource key.
func sample(key string) string {
	f, _ := reflect.TypeOf(spec.Resource{}).FieldByNameFunc(func(n string) bool {
		f, _ := reflect.TypeOf(spec.Resource{}).FieldByName(n)
		return tomlKey(f) == key
	})
	switch docType(f.Type) {
	case "duration":
		return `"1s"`
	case "int":
		return "1"
	case "bool":
		return "true"
	case "[string]":
		return "[]"
	}
	return `"x"`
}

// TestKindKeysMatchSpec asks spec itself which keys each kind accepts: a
// key the schema leaves out of a kind must be one spec rejects as "not a
// key of" that kind, and a key the schema allows must not be.
func TestKindKeysMatchSpec(t *testing.T) {
	all := tags(reflect.TypeOf(spec.Resource{}))
	for _, kind := range spec.Kinds {
		allowed := append(append([]string(nil), kindKeys[""]...), kindKeys[kind]...)
		for _, key := range all {
			if key == "kind" {
				continue
			}
			_, err := spec.Parse("probe.toml", []byte(minimalWith(kind, key+" = "+sample(key)+"\n")))
			rejected := err != nil && strings.Contains(err.Error(), key+" is not a key of")
			if in := slices.Contains(allowed, key); in == rejected {
				t.Errorf("kind %s, key %s: schema allows it: %v; spec rejects it: %v (%v)", kind, key, in, rejected, err)
			}
		}
	}
}

// TestEnumsMatchSpec: every value an enum of the schema allows is one
// spec accepts, and a value outside it is one spec rejects.
func TestEnumsMatchSpec(t *testing.T) {
	base := "[service]\nname = \"probe\"\nmodule = \"example.com/probe\"\n\n[resource.api]\nkind = \"http\"\naddr = \":8080\"\nhandler = \"NewAPI\"\n"
	cases := map[string]func(v string) string{
		"windows.start": func(v string) string { return base + "\n[windows]\nstart = \"" + v + "\"\n" },
		"windows.recovery.action": func(v string) string {
			return base + "\n[windows]\nrecovery = [{ action = \"" + v + "\", delay = \"1s\" }]\n"
		},
		"log.format": func(v string) string { return base + "\n[log]\nformat = \"" + v + "\"\n" },
		"log.level":  func(v string) string { return base + "\n[log]\nlevel = \"" + v + "\"\n" },
		"resource.on_failure": func(v string) string {
			return base + "\n[watchdog]\n\n[resource.db]\nkind = \"sql\"\ndriver = \"pgx\"\ndsn_env = \"DB_DSN\"\non_failure = \"" + v + "\"\n"
		},
	}
	for key, values := range enums {
		build, ok := cases[key]
		if !ok {
			if key != "resource.kind" && key != "resource.driver" { // spec.Kinds, spec.Drivers themselves
				t.Errorf("enum %s has no probe in this test", key)
			}
			continue
		}
		for _, v := range values {
			if _, err := spec.Parse("probe.toml", []byte(build(v))); err != nil {
				t.Errorf("%s = %q is in the schema's enum but spec rejects it: %v", key, v, err)
			}
		}
		if _, err := spec.Parse("probe.toml", []byte(build("bogus"))); err == nil {
			t.Errorf("%s = \"bogus\" is outside the schema's enum but spec accepts it", key)
		}
	}
}

func decodeTOML(t *testing.T, path string) any {
	t.Helper()
	var doc map[string]any
	if _, err := toml.DecodeFile(path, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc
}

// TestGoldenSpecsValidate validates every golden spec and the starter spec
// of `svcgen init` against the schema.
func TestGoldenSpecsValidate(t *testing.T) {
	root := loadSchema(t)
	specs, _ := filepath.Glob("../../golden/*/service.toml")
	specs = append(specs, "../../templates/starter.toml")
	if len(specs) < 4 {
		t.Fatalf("found only %v", specs)
	}
	for _, p := range specs {
		if errs := validate(root, decodeTOML(t, p)); len(errs) > 0 {
			t.Errorf("%s does not validate:\n%s", p, strings.Join(errs, "\n"))
		}
	}
}

// TestSchemaRejectsBadSpecs: the bad golden specs that a schema can catch
// (unknown keys and tables, keys of another kind, unknown kinds, bare
// integer durations, wrong types, missing required keys) fail validation.
func TestSchemaRejectsBadSpecs(t *testing.T) {
	root := loadSchema(t)
	for name, want := range map[string]string{
		"unknown_key":      `unknown key "max_opn"`,
		"unknown_table":    "unknown key",
		"wrong_kind_key":   "resource.api: must not have a key of another kind than http",
		"unknown_kind":     "is not one of",
		"integer_duration": "is not of type string",
		"type_mismatch":    "is not of type",
		"missing_fields":   "missing required key",
	} {
		path := "../../golden/bad/" + name + ".toml"
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		errs := validate(root, decodeTOML(t, path))
		if !strings.Contains(strings.Join(errs, "\n"), want) {
			t.Errorf("%s: want an error with %q, got:\n%s", name, want, strings.Join(errs, "\n"))
		}
	}
}

// TestSchemaIsDeterministic: the printed schema is the same every time.
func TestSchemaIsDeterministic(t *testing.T) {
	if first, second := JSON(), JSON(); string(first) != string(second) {
		t.Error("two renderings of the schema differ")
	}
}
