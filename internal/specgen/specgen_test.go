package specgen

import (
	"bytes"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/spec"
)

// specs is how many seeds the tests draw.
const specs = 1000

// TestSpecsAreValid checks that spec accepts every spec specgen writes:
// a rejected one means specgen no longer follows a rule of spec.
func TestSpecsAreValid(t *testing.T) {
	for seed := uint64(0); seed < specs; seed++ {
		src := Spec(seed)
		if _, err := spec.Parse("service.toml", src); err != nil {
			t.Fatalf("seed %d: spec rejects what specgen wrote:\n%v\n\n%s", seed, err, src)
		}
	}
}

func TestSpecIsDeterministic(t *testing.T) {
	for seed := uint64(0); seed < 50; seed++ {
		if a, b := Spec(seed), Spec(seed); !bytes.Equal(a, b) {
			t.Fatalf("seed %d gives two specs", seed)
		}
	}
	if bytes.Equal(Spec(1), Spec(2)) {
		t.Fatal("seeds 1 and 2 give the same spec")
	}
}

// use is something a spec can write: a key of a table, or of a kind of
// resource, possibly with one of its enumerated values.
type use struct{ table, kind, key, value string }

func (u use) String() string {
	s := u.table
	if u.kind != "" {
		s += "(" + u.kind + ")"
	}
	s += "." + u.key
	if u.value != "" {
		s += "=" + u.value
	}
	return s
}

// TestEveryKeyAppears checks that the specs use every key of every table
// and every kind of the schema, every value of every enumerated key, and
// every combination of CombinedTables.
func TestEveryKeyAppears(t *testing.T) {
	m := schema()
	want := map[use]bool{}
	for _, table := range m.tableNames() {
		for _, k := range m.keys(table) {
			ks := m.tables[table][k]
			want[use{table: table, key: k}] = true
			for _, v := range ks.Enum {
				want[use{table: table, key: k, value: v}] = true
			}
			if ks.Items != nil {
				for sub, ss := range ks.Items.Props {
					want[use{table: table, key: k + "[]." + sub}] = true
					for _, v := range ss.Enum {
						want[use{table: table, key: k + "[]." + sub, value: v}] = true
					}
				}
			}
		}
	}
	for _, kind := range m.kinds {
		for _, k := range m.kindKeys[kind] {
			want[use{table: "resource", kind: kind, key: k}] = true
			for _, v := range m.resource[k].Enum {
				if k == "kind" && v != kind {
					continue
				}
				want[use{table: "resource", kind: kind, key: k, value: v}] = true
			}
		}
	}
	combos := map[int]bool{}
	seen := map[use]bool{}
	for seed := uint64(0); seed < specs; seed++ {
		s, err := spec.Parse("service.toml", Spec(seed))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		combo := 0
		for i, table := range CombinedTables {
			if s.Has(table) {
				combo |= 1 << i
			}
		}
		combos[combo] = true
		for u := range want {
			if !seen[u] && uses(s, u) {
				seen[u] = true
			}
		}
	}
	var missing []string
	for u := range want {
		if !seen[u] {
			missing = append(missing, u.String())
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d specs never use:\n%v", specs, missing)
	}
	if len(combos) != 1<<len(CombinedTables) {
		t.Errorf("%d specs hold %d of the %d combinations of %v", specs, len(combos), 1<<len(CombinedTables), CombinedTables)
	}
}

// uses reports whether the spec wrote u.
func uses(s *spec.Spec, u use) bool {
	if u.table == "resource" {
		for _, r := range s.Resources {
			if r.Kind == u.kind && s.Has("resource", r.Name, u.key) && (u.value == "" || value(reflect.ValueOf(*r), u.key) == u.value) {
				return true
			}
		}
		return false
	}
	key, sub, nested := strings.Cut(u.key, "[].")
	if !nested {
		return s.Has(u.table, key) && (u.value == "" || value(reflect.ValueOf(s).Elem(), u.table, key) == u.value)
	}
	list := reflect.ValueOf(s).Elem()
	list = field(list, u.table)
	list = field(list, key)
	for i := 0; i < list.Len(); i++ {
		if s.Has(u.table, key, strconv.Itoa(i), sub) && (u.value == "" || value(list.Index(i), sub) == u.value) {
			return true
		}
	}
	return false
}

// value is the string at a path of toml keys in a spec struct.
func value(v reflect.Value, path ...string) string {
	for _, p := range path {
		v = field(v, p)
	}
	if v.Kind() == reflect.String {
		return v.String()
	}
	return ""
}

// field is the struct field of v with toml tag key.
func field(v reflect.Value, key string) reflect.Value {
	for i := 0; i < v.NumField(); i++ {
		if v.Type().Field(i).Tag.Get("toml") == key {
			return v.Field(i)
		}
	}
	panic("no field " + key + " in " + v.Type().String())
}
