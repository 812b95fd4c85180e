// Package specschema builds the JSON Schema of svcgen's TOML spec, which
// `svcgen schema` prints for editor tooling (Taplo, Even Better TOML:
// completion, hover docs and validation while the spec is written).
//
// The shape comes from the Go types of package spec (their toml tags),
// so a key added there appears here; the descriptions, defaults, required
// keys and the keys of each resource kind come from spec/REFERENCE.md
// (copied into docs.go by `go test ./internal/specschema -update`); the
// allowed values of enumerated keys are listed below. The tests keep all
// three in sync with spec's own decoding and validate every golden spec
// against the schema.
package specschema

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"

	"github.com/svcgen/svcgen/spec"
)

// durationPattern is a Go duration as the spec writes it: a string with a
// unit ("250ms", "1m30s"), never negative; "0" alone is allowed too.
const durationPattern = `^(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`

// enums are the allowed values of enumerated keys, by table.key
// ("resource.kind" for every resource). spec validates the same sets; the
// tests check that each value here is one spec accepts.
var enums = map[string][]string{
	"windows.start":           {"auto", "delayed-auto", "manual", "disabled"},
	"windows.recovery.action": {"restart", "reboot", "none"},
	"log.format":              {"text", "json"},
	"log.level":               {"debug", "info", "warn", "error"},
	"resource.kind":           spec.Kinds,
	"resource.driver":         spec.Drivers,
	"resource.on_failure":     spec.OnFailures,
}

// accountSchema: a built-in account, or DOMAIN\user (.\user for a local
// one).
var accountSchema = map[string]any{
	"anyOf": []any{
		map[string]any{"enum": []string{"LocalSystem", "LocalService", "NetworkService", "virtual"}},
		map[string]any{"pattern": `^[^\\]+\\[^\\]+$`},
	},
}

// resourceNamePattern is what spec accepts as NAME in [resource.NAME]
// (its Go-name checks come on top and are not expressible here).
const resourceNamePattern = `^[A-Za-z][A-Za-z0-9_-]*$`

// Schema is the JSON Schema of a spec. It keeps to draft-04, the draft
// Taplo (and so Even Better TOML) implements.
func Schema() map[string]any {
	root := map[string]any{
		"$schema":     "http://json-schema.org/draft-04/schema#",
		"title":       "svcgen service spec",
		"description": "A service.toml for svcgen: svcgen generate turns it into a Go service. Reference: spec/REFERENCE.md.",
		"type":        "object",
		"definitions": map[string]any{
			"resource": resourceSchema(),
		},
	}
	props := map[string]any{}
	var required []string
	st := reflect.TypeOf(spec.Spec{})
	for i := 0; i < st.NumField(); i++ {
		f := st.Field(i)
		tag := tomlKey(f)
		if tag == "" {
			continue
		}
		t, req := tableSchema(tag, f.Type)
		props[tag] = t
		if len(req) > 0 {
			required = append(required, tag)
		}
	}
	props["resource"] = map[string]any{
		"type":                 "object",
		"description":          "One [resource.NAME] table per resource.",
		"patternProperties":    map[string]any{resourceNamePattern: map[string]any{"$ref": "#/definitions/resource"}},
		"additionalProperties": false,
	}
	root["properties"] = props
	root["additionalProperties"] = false
	sort.Strings(required)
	root["required"] = required
	return root
}

// JSON renders the schema, indented, with a final newline.
func JSON() []byte {
	b, err := json.MarshalIndent(Schema(), "", "  ")
	if err != nil {
		panic(err) // the schema is built of maps, slices and strings only
	}
	return append(b, '\n')
}

// tomlKey is a struct field's spec key, or "" when it is not one.
func tomlKey(f reflect.StructField) string {
	tag := f.Tag.Get("toml")
	if tag == "" || tag == "-" || !f.IsExported() {
		return ""
	}
	return tag
}

// tableSchema is the schema of a spec table struct; required lists its
// required keys.
func tableSchema(table string, t reflect.Type) (map[string]any, []string) {
	props := map[string]any{}
	var required []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key := tomlKey(f)
		if key == "" {
			continue
		}
		path := table + "." + key
		s := valueSchema(path, f.Type)
		if d, ok := docFor(table, "", key); ok {
			s["description"] = d.description()
			if d.Default == "required" {
				required = append(required, key)
			}
		}
		props[key] = s
	}
	s := map[string]any{
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
	}
	if len(required) > 0 {
		s["required"] = required
	}
	return s, required
}

var durationType = reflect.TypeOf(spec.Duration{})

// valueSchema is the schema of one value of Go type t at path.
func valueSchema(path string, t reflect.Type) map[string]any {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == durationType {
		// Inline, not a $ref: editors ignore the siblings of a $ref,
		// and the description goes beside it.
		return map[string]any{"type": "string", "pattern": durationPattern}
	}
	if path == "windows.account" {
		return copyMap(accountSchema)
	}
	switch t.Kind() {
	case reflect.String:
		s := map[string]any{"type": "string"}
		if e, ok := enums[path]; ok {
			s["enum"] = e
		}
		return s
	case reflect.Int, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": valueSchema(path, t.Elem())}
	case reflect.Struct:
		s, _ := tableSchema(path, t)
		return s
	}
	panic("specschema: no schema for " + path + " of type " + t.String())
}

// resourceSchema is the schema of a [resource.NAME] table: every key of
// every kind (so editors complete them all), and for each kind the keys it
// accepts and the ones it requires.
func resourceSchema() map[string]any {
	props := map[string]any{}
	rt := reflect.TypeOf(spec.Resource{})
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		key := tomlKey(f)
		if key == "" {
			continue
		}
		s := valueSchema("resource."+key, f.Type)
		if d := resourceDescription(key); d != "" {
			s["description"] = d
		}
		props[key] = s
	}
	// Which keys a kind accepts is written in draft-04 terms, which every
	// TOML editor understands (Taplo supports draft-04): for each kind K,
	// "kind is not K, or the table has K's required keys and no key of
	// another kind".
	var branches []any
	for _, kind := range spec.Kinds {
		keys := append(append([]string(nil), kindKeys[""]...), kindKeys[kind]...)
		var required []string
		for _, k := range keys {
			if d, ok := docFor("resource", kind, k); ok && d.Default == "required" {
				required = append(required, k)
			}
		}
		var foreign []any
		for _, k := range sortedKeys(props) {
			if !contains(keys, k) {
				foreign = append(foreign, map[string]any{"required": []string{k}})
			}
		}
		rules := map[string]any{
			"not": map[string]any{
				"description": "a key of another kind than " + kind,
				"anyOf":       foreign,
			},
		}
		if len(required) > 0 {
			rules["required"] = required
		}
		branches = append(branches, map[string]any{
			"description": "the keys of kind " + kind,
			"anyOf": []any{
				map[string]any{"properties": map[string]any{"kind": map[string]any{"not": map[string]any{"enum": []string{kind}}}}},
				rules,
			},
		})
	}
	return map[string]any{
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
		"required":             []string{"kind"},
		"allOf":                branches,
		// Taplo's extension: completing a new [resource.NAME] table
		// writes its kind key first.
		"x-taplo": map[string]any{"initKeys": []string{"kind"}},
	}
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// resourceDescription describes a resource key: the common description,
// or each kind's when the key belongs to several ("warm" of sql, redis and
// http_client).
func resourceDescription(key string) string {
	if d, ok := docFor("resource", "", key); ok {
		return d.description()
	}
	var parts []string
	for _, kind := range spec.Kinds {
		if d, ok := docFor("resource", kind, key); ok {
			parts = append(parts, kind+": "+d.description())
		}
	}
	return strings.Join(parts, "\n\n")
}

// docFor finds the reference row of a key.
func docFor(table, kind, key string) (keyDoc, bool) {
	for _, d := range docs {
		if d.Table == table && d.Kind == kind && d.Key == key {
			return d, true
		}
	}
	return keyDoc{}, false
}

// keyDoc is one row of a table of spec/REFERENCE.md.
type keyDoc struct {
	Table, Kind, Key, Type, Default, Meaning string
}

func (d keyDoc) description() string {
	switch d.Default {
	case "required":
		return d.Meaning + " Required."
	case "—", "":
		return d.Meaning
	}
	return d.Meaning + " Default: " + d.Default + "."
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// kindKeys are the keys of a resource by kind ("" holds the keys of every
// kind), in the reference's order.
var kindKeys = func() map[string][]string {
	out := map[string][]string{}
	for _, d := range docs {
		if d.Table == "resource" {
			out[d.Kind] = append(out[d.Kind], d.Key)
		}
	}
	return out
}()
