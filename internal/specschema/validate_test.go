package specschema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// validator checks a decoded TOML document against the subset of JSON
// Schema (draft-04) that Schema emits: $ref to #/definitions, type,
// properties, patternProperties, additionalProperties, required, enum,
// pattern, items, allOf, anyOf, not. Anything else in the schema is an
// error, so the schema cannot grow a keyword this validator ignores.
type validator struct {
	root map[string]any
	errs []string
}

var knownKeywords = map[string]bool{
	"$schema": true, "$id": true, "title": true, "description": true, "definitions": true,
	"$ref": true, "type": true, "properties": true, "patternProperties": true, "additionalProperties": true,
	"required": true, "enum": true, "pattern": true, "items": true, "allOf": true, "anyOf": true, "not": true,
	"x-taplo": true, // editor hints, no validation
}

// loadSchema parses the JSON that `svcgen schema` prints.
func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	var root map[string]any
	if err := json.Unmarshal(JSON(), &root); err != nil {
		t.Fatalf("the schema is not valid JSON: %v", err)
	}
	return root
}

func validate(root map[string]any, doc any) []string {
	v := &validator{root: root}
	v.check(root, doc, "")
	sort.Strings(v.errs)
	return v.errs
}

func (v *validator) fail(path, format string, args ...any) {
	if path == "" {
		path = "(root)"
	}
	v.errs = append(v.errs, path+": "+fmt.Sprintf(format, args...))
}

// ok reports whether doc satisfies s, without recording errors.
func (v *validator) ok(s map[string]any, doc any) bool {
	sub := &validator{root: v.root}
	sub.check(s, doc, "")
	return len(sub.errs) == 0
}

func (v *validator) check(s map[string]any, doc any, path string) {
	for k := range s {
		if !knownKeywords[k] {
			v.fail(path, "schema keyword %q is not supported by the test validator", k)
		}
	}
	if ref, ok := s["$ref"].(string); ok {
		name, found := strings.CutPrefix(ref, "#/definitions/")
		def, _ := v.root["definitions"].(map[string]any)[name].(map[string]any)
		if !found || def == nil {
			v.fail(path, "unresolvable $ref %q", ref)
			return
		}
		v.check(def, doc, path)
	}
	if typ, ok := s["type"].(string); ok && !hasType(doc, typ) {
		v.fail(path, "%v is not of type %s", doc, typ)
		return
	}
	if e, ok := s["enum"].([]any); ok && !containsValue(e, doc) {
		v.fail(path, "%v is not one of %v", doc, e)
	}
	if p, ok := s["pattern"].(string); ok {
		if str, isStr := doc.(string); isStr && !regexp.MustCompile(p).MatchString(str) {
			v.fail(path, "%q does not match %s", str, p)
		}
	}
	if items, ok := s["items"].(map[string]any); ok {
		for i, el := range asArray(doc) {
			v.check(items, el, fmt.Sprintf("%s[%d]", path, i))
		}
	}
	if obj, isObj := doc.(map[string]any); isObj {
		props, _ := s["properties"].(map[string]any)
		for _, r := range asArray(s["required"]) {
			if _, ok := obj[r.(string)]; !ok {
				v.fail(path, "missing required key %q", r)
			}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		patterns, _ := s["patternProperties"].(map[string]any)
		for _, k := range keys {
			sub := join(path, k)
			if ps, ok := props[k].(map[string]any); ok {
				v.check(ps, obj[k], sub)
				continue
			}
			matched := false
			for p, ps := range patterns {
				if regexp.MustCompile(p).MatchString(k) {
					v.check(ps.(map[string]any), obj[k], sub)
					matched = true
				}
			}
			if matched {
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					v.fail(sub, "unknown key %q", k)
				}
			case map[string]any:
				v.check(ap, obj[k], sub)
			}
		}
	}
	for _, sub := range asArray(s["allOf"]) {
		v.check(sub.(map[string]any), doc, path)
	}
	if alts, ok := s["anyOf"].([]any); ok {
		// None matched: report the errors of the last alternative, which
		// in this schema is the substantive one ("kind is not K, or K's
		// rules"; "a built-in account, or DOMAIN\user").
		var last []string
		matched := false
		for _, sub := range alts {
			w := &validator{root: v.root}
			w.check(sub.(map[string]any), doc, path)
			if len(w.errs) == 0 {
				matched = true
				break
			}
			last = w.errs
		}
		if !matched {
			v.errs = append(v.errs, last...)
		}
	}
	if not, ok := s["not"].(map[string]any); ok && v.ok(not, doc) {
		what, _ := not["description"].(string)
		v.fail(path, "must not have %s", what)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// asArray turns the arrays of decoded JSON and TOML into []any.
func asArray(x any) []any {
	rv := reflect.ValueOf(x)
	if !rv.IsValid() || rv.Kind() != reflect.Slice {
		return nil
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out
}

func hasType(doc any, typ string) bool {
	switch typ {
	case "object":
		_, ok := doc.(map[string]any)
		return ok
	case "array":
		return doc != nil && reflect.TypeOf(doc).Kind() == reflect.Slice
	case "string":
		_, ok := doc.(string)
		return ok
	case "integer":
		switch doc.(type) {
		case int64, int:
			return true
		case float64:
			return doc.(float64) == float64(int64(doc.(float64)))
		}
		return false
	case "boolean":
		_, ok := doc.(bool)
		return ok
	}
	return false
}

func containsValue(list []any, x any) bool {
	for _, e := range list {
		if equal(e, x) {
			return true
		}
	}
	return false
}

// equal compares a JSON value (numbers are float64) with a TOML one
// (integers are int64).
func equal(a, b any) bool {
	if n, ok := b.(int64); ok {
		b = float64(n)
	}
	return reflect.DeepEqual(a, b)
}
