package specgen

import (
	"fmt"
	"sort"
	"sync"

	"github.com/svcgen/svcgen/internal/specschema"
)

// keySchema is what the JSON Schema says about one key: its type and,
// for an enumerated string, its values.
type keySchema struct {
	// Type is the schema type, with two refinements the schema spells
	// differently: "duration" (a string with the duration pattern) and
	// "account" (windows.account: an enum or DOMAIN\user).
	Type  string
	Enum  []string
	Items *keySchema            // of an array
	Props map[string]*keySchema // of a table (an array's items)
}

// model is the spec's shape as the schema states it: the tables, their
// keys, and the keys each resource kind accepts and requires.
type model struct {
	tables   map[string]map[string]*keySchema // table -> key -> schema
	resource map[string]*keySchema            // every key of a [resource.NAME]
	kinds    []string                         // in the schema's order
	kindKeys map[string][]string              // kind -> keys it accepts, sorted
	required map[string][]string              // kind -> keys it requires
	tableReq map[string][]string              // table -> keys it requires
}

// schema is the model of specschema.Schema, read once.
var schema = sync.OnceValue(func() *model {
	m, err := readSchema(specschema.Schema())
	if err != nil {
		panic("specgen: " + err.Error())
	}
	return m
})

// tableNames lists the spec's tables (not resource), sorted.
func (m *model) tableNames() []string {
	var out []string
	for t := range m.tables {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// keys lists a table's keys, sorted.
func (m *model) keys(table string) []string {
	var out []string
	for k := range m.tables[table] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func readSchema(root map[string]any) (*model, error) {
	m := &model{
		tables:   map[string]map[string]*keySchema{},
		kindKeys: map[string][]string{},
		required: map[string][]string{},
		tableReq: map[string][]string{},
	}
	props, _ := root["properties"].(map[string]any)
	for name, v := range props {
		if name == "resource" {
			continue
		}
		t, _ := v.(map[string]any)
		keys, err := readProps(t)
		if err != nil {
			return nil, fmt.Errorf("[%s]: %w", name, err)
		}
		m.tables[name] = keys
		m.tableReq[name] = stringList(t["required"])
	}
	defs, _ := root["definitions"].(map[string]any)
	res, _ := defs["resource"].(map[string]any)
	keys, err := readProps(res)
	if err != nil {
		return nil, fmt.Errorf("[resource]: %w", err)
	}
	m.resource = keys
	// Each branch of allOf is "kind is not K, or K's required keys and no
	// key of another kind" (see specschema.resourceSchema).
	branches, _ := res["allOf"].([]any)
	for _, b := range branches {
		anyOf, _ := b.(map[string]any)["anyOf"].([]any)
		if len(anyOf) != 2 {
			return nil, fmt.Errorf("a resource kind branch has %d alternatives, want 2", len(anyOf))
		}
		notKind := dig(anyOf[0], "properties", "kind", "not")
		kinds := stringList(notKind["enum"])
		if len(kinds) != 1 {
			return nil, fmt.Errorf("a resource kind branch names %d kinds, want 1", len(kinds))
		}
		kind := kinds[0]
		rules, _ := anyOf[1].(map[string]any)
		foreign := map[string]bool{}
		alts, _ := dig(rules, "not")["anyOf"].([]any)
		for _, a := range alts {
			for _, k := range stringList(a.(map[string]any)["required"]) {
				foreign[k] = true
			}
		}
		var accepted []string
		for k := range keys {
			if !foreign[k] {
				accepted = append(accepted, k)
			}
		}
		sort.Strings(accepted)
		m.kinds = append(m.kinds, kind)
		m.kindKeys[kind] = accepted
		m.required[kind] = stringList(rules["required"])
	}
	if len(m.kinds) == 0 {
		return nil, fmt.Errorf("the schema lists no resource kinds")
	}
	return m, nil
}

// readProps reads the "properties" of a table schema.
func readProps(t map[string]any) (map[string]*keySchema, error) {
	props, _ := t["properties"].(map[string]any)
	if len(props) == 0 {
		return nil, fmt.Errorf("no properties")
	}
	out := map[string]*keySchema{}
	for k, v := range props {
		ks, err := readKey(v.(map[string]any))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = ks
	}
	return out, nil
}

func readKey(s map[string]any) (*keySchema, error) {
	if _, ok := s["anyOf"]; ok {
		return &keySchema{Type: "account", Enum: stringList(dig(s["anyOf"].([]any)[0])["enum"])}, nil
	}
	typ, _ := s["type"].(string)
	ks := &keySchema{Type: typ, Enum: stringList(s["enum"])}
	switch typ {
	case "string":
		if _, ok := s["pattern"]; ok {
			ks.Type = "duration"
		}
	case "integer", "boolean":
	case "array":
		items, err := readKey(s["items"].(map[string]any))
		if err != nil {
			return nil, err
		}
		ks.Items = items
	case "object":
		props, err := readProps(s)
		if err != nil {
			return nil, err
		}
		ks.Props = props
	default:
		return nil, fmt.Errorf("unknown schema type %q", typ)
	}
	return ks, nil
}

// dig walks nested objects of a schema by key.
func dig(v any, path ...string) map[string]any {
	m, _ := v.(map[string]any)
	for _, p := range path {
		m, _ = m[p].(map[string]any)
	}
	return m
}

// stringList reads a list of strings however the schema holds it.
func stringList(v any) []string {
	switch l := v.(type) {
	case []string:
		return append([]string(nil), l...)
	case []any:
		var out []string
		for _, e := range l {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
