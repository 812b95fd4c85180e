package spec

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// Load reads, decodes, defaults and validates the spec file at path.
// A spec problem is returned as an ErrorList (every problem, sorted by
// position); any other error means the file could not be read.
func Load(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse is Load for a spec already in memory; name is the path used in
// positions (its base name becomes Spec.File).
func Parse(name string, data []byte) (*Spec, error) {
	if err := sizeError(name, len(data)); err != nil {
		return nil, err
	}
	if base := filepath.Base(name); !utf8.ValidString(base) || strings.IndexFunc(base, isControl) >= 0 || strings.ContainsRune(base, '\uFEFF') {
		// The base name is written into the header of every generated file:
		// a line break there would start a line of a unit file or manifest,
		// and Go source holds no byte order mark or invalid UTF-8.
		return nil, ErrorList{{Pos: Pos{File: name}, Msg: "the spec file's name holds a control character, a line break, a byte order mark or invalid UTF-8; rename the file"}}
	}
	src := strings.TrimPrefix(string(data), "\uFEFF")
	positions := scanPositions(name, src)
	if err := scanLimitError(positions); err != nil {
		return nil, err
	}
	var raw map[string]any
	md, err := toml.Decode(src, &raw)
	if err != nil {
		return nil, syntaxError(name, src, err)
	}
	s := &Spec{
		File:      filepath.Base(name),
		Path:      name,
		positions: positions,
		given:     map[string]bool{},
	}
	d := &decoder{s: s, md: md, bad: map[string]bool{}, suggested: map[string]bool{}}
	if !d.checkLimits(raw) {
		return nil, d.errs.err()
	}
	d.decodeTop(raw)
	d.applyDefaults()
	d.validate()
	if err := d.errs.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// syntaxError turns the parser's error into a one-element ErrorList.
func syntaxError(name, src string, err error) error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return ErrorList{{Pos: Pos{File: name}, Msg: err.Error()}}
	}
	line, col := pe.Position.Line, pe.Position.Col
	// The parser's column is off by a line when the error starts a line;
	// recompute it from the byte offset.
	if line >= 1 {
		start := 0
		for l := 1; l < line; l++ {
			nl := strings.IndexByte(src[start:], '\n')
			if nl < 0 {
				break
			}
			start += nl + 1
		}
		if off := pe.Position.Start; off >= start && off <= len(src) {
			col = off - start + 1
		}
	}
	msg := oneLine(strings.TrimSuffix(pe.Message, "."))
	if msg != "" {
		msg = strings.ToLower(msg[:1]) + msg[1:]
	}
	return ErrorList{{Pos: Pos{File: name, Line: line, Col: col}, Msg: msg}}
}

type decoder struct {
	s    *Spec
	md   toml.MetaData
	errs ErrorList
	// bad marks key paths whose value was rejected while decoding; later
	// checks skip them instead of reporting the same problem twice.
	bad map[string]bool
	// suggested marks key paths an unknown key was taken for ("NAME" for
	// name): a missing-key error for them would say the same again.
	suggested map[string]bool
}

func (d *decoder) errorf(p Pos, format string, args ...any) {
	d.errs = append(d.errs, &Error{Pos: p, Msg: oneLine(fmt.Sprintf(format, args...))})
}

func (d *decoder) valPos(path ...string) Pos { return d.s.Pos(path...) }
func (d *decoder) keyPos(path ...string) Pos { return d.s.KeyPos(path...) }

// has reports whether the spec gave path.
func (d *decoder) has(path ...string) bool { return d.s.given[pathKey(path)] }

// ok reports whether the spec gave path with a value of the right type.
func (d *decoder) ok(path ...string) bool { return d.has(path...) && !d.bad[pathKey(path)] }

var durationType = reflect.TypeOf(Duration{})

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func appendPath(path []string, more ...string) []string {
	return append(append(make([]string, 0, len(path)+len(more)), path...), more...)
}

func (d *decoder) decodeTop(raw map[string]any) {
	rv := reflect.ValueOf(d.s).Elem()
	fields := fieldsOf(rv.Type())
	valid := append(keysOf(fields), "resource")
	for _, k := range sortedKeys(raw) {
		v := raw[k]
		if k == "resource" {
			d.decodeResources(v)
			continue
		}
		f, found := findField(fields, k)
		if !found {
			if _, isTable := v.(map[string]any); isTable {
				hint := ""
				if m := suggest(k, valid); m != "" {
					hint = " (did you mean [" + m + "]?)"
					d.suggested[m] = true
				}
				d.errorf(d.keyPos(k), "unknown table [%s]%s", quoteKey(k), hint)
			} else {
				d.errorf(d.keyPos(k), "unknown key %q outside any table%s", k, didYouMean(k, valid))
			}
			continue
		}
		d.s.given[k] = true
		d.set([]string{k}, v, rv.Field(f.index))
	}
}

func findField(fields []field, key string) (field, bool) {
	for _, f := range fields {
		if f.key == key {
			return f, true
		}
	}
	return field{}, false
}

// decodeStruct fills the table struct rv from m, reporting unknown keys.
func (d *decoder) decodeStruct(path []string, m map[string]any, rv reflect.Value) {
	fields := fieldsOf(rv.Type())
	for _, k := range sortedKeys(m) {
		f, found := findField(fields, k)
		if !found {
			d.unknownKey(path, k, keysOf(fields))
			continue
		}
		p := appendPath(path, k)
		d.s.given[pathKey(p)] = true
		d.set(p, m[k], rv.Field(f.index))
	}
}

func (d *decoder) unknownKey(table []string, key string, valid []string) {
	if m := suggest(key, valid); m != "" {
		d.suggested[pathKey(appendPath(table, m))] = true
	}
	d.errorf(d.keyPos(appendPath(table, key)...), "unknown key %q in %s%s", key, tableName(table), didYouMean(key, valid))
}

// resourceOrder lists resource names in the order the file declares them.
func (d *decoder) resourceOrder(m map[string]any) []string {
	var names []string
	seen := map[string]bool{}
	for _, k := range d.md.Keys() {
		if len(k) >= 2 && k[0] == "resource" && !seen[k[1]] {
			if _, ok := m[k[1]]; ok {
				seen[k[1]] = true
				names = append(names, k[1])
			}
		}
	}
	for _, k := range sortedKeys(m) {
		if !seen[k] {
			names = append(names, k)
		}
	}
	return names
}

var resourceFields = fieldsOf(reflect.TypeOf(Resource{}))

func (d *decoder) decodeResources(v any) {
	m, isTable := v.(map[string]any)
	if !isTable {
		d.errorf(d.valPos("resource"), "resource must be a table: declare resources as [resource.NAME] tables")
		d.bad["resource"] = true
		return
	}
	d.s.given["resource"] = true
	for _, name := range d.resourceOrder(m) {
		path := []string{"resource", name}
		rm, isTable := m[name].(map[string]any)
		if !isTable {
			d.errorf(d.valPos(path...), "resource.%s must be a table: write [resource.%s] with a kind", quoteKey(name), quoteKey(name))
			continue
		}
		d.s.given[pathKey(path)] = true
		r := &Resource{Name: name}
		d.s.Resources = append(d.s.Resources, r)
		kind, _ := rm["kind"].(string)
		valid := keysOf(resourceFields)
		if isKind(kind) {
			valid = keysForKind(kind)
		}
		rv := reflect.ValueOf(r).Elem()
		for _, k := range sortedKeys(rm) {
			f, found := findField(resourceFields, k)
			if !found {
				d.unknownKey(path, k, valid)
				continue
			}
			p := appendPath(path, k)
			if isKind(kind) && !contains(valid, k) {
				d.errorf(d.keyPos(p...), "%s is not a key of %s %s resource", k, article(kind), kind)
				d.bad[pathKey(p)] = true
				continue
			}
			d.s.given[pathKey(p)] = true
			d.set(p, rm[k], rv.Field(f.index))
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// set stores v into fv, checking its TOML type against the field's type.
// A rejected value is reported and its path marked bad.
func (d *decoder) set(path []string, v any, fv reflect.Value) {
	if !d.setValue(path, v, fv) {
		d.bad[pathKey(path)] = true
	}
}

func (d *decoder) setValue(path []string, v any, fv reflect.Value) bool {
	if fv.Type() == durationType {
		return d.setDuration(path, v, fv.Addr().Interface().(*Duration))
	}
	switch fv.Kind() {
	case reflect.String:
		str, isStr := v.(string)
		if !isStr {
			return d.mismatch(path, v, "a string")
		}
		if strings.ContainsRune(str, 0) {
			d.errorf(d.valPos(path...), "%s must not contain a NUL character", dotted(path))
			return false
		}
		fv.SetString(str)
	case reflect.Bool:
		b, isBool := v.(bool)
		if !isBool {
			return d.mismatch(path, v, "a boolean (true or false)")
		}
		fv.SetBool(b)
	case reflect.Int:
		n, isInt := v.(int64)
		if !isInt {
			return d.mismatch(path, v, "an integer")
		}
		if fv.OverflowInt(n) {
			d.errorf(d.valPos(path...), "%s is out of range", dotted(path))
			return false
		}
		if !d.checkInt(path, n) {
			return false
		}
		fv.SetInt(n)
	case reflect.Pointer:
		e := reflect.New(fv.Type().Elem())
		if !d.setValue(path, v, e.Elem()) {
			return false
		}
		fv.Set(e)
	case reflect.Slice:
		items, isArray := asArray(v)
		if !isArray {
			want := "an array"
			if fv.Type().Elem().Kind() == reflect.String {
				want = "an array of strings"
			} else if fv.Type().Elem().Kind() == reflect.Struct {
				want = "an array of tables"
			}
			return d.mismatch(path, v, want)
		}
		sl := reflect.MakeSlice(fv.Type(), len(items), len(items))
		allOK := true
		for i, it := range items {
			p := appendPath(path, strconv.Itoa(i))
			d.s.given[pathKey(p)] = true
			if !d.setValue(p, it, sl.Index(i)) {
				d.bad[pathKey(p)] = true
				allOK = false
			}
		}
		fv.Set(sl)
		return allOK
	case reflect.Struct:
		m, isTable := v.(map[string]any)
		if !isTable {
			return d.mismatch(path, v, "a table")
		}
		d.decodeStruct(path, m, fv)
	default:
		panic("spec: unsupported field type " + fv.Type().String())
	}
	return true
}

func (d *decoder) setDuration(path []string, v any, dst *Duration) bool {
	switch x := v.(type) {
	case string:
		dur, err := time.ParseDuration(x)
		if err != nil {
			d.errorf(d.valPos(path...), "%s: bad duration %q (write a number and a unit, like \"30s\" or \"250ms\")", dotted(path), x)
			return false
		}
		if dur < 0 {
			d.errorf(d.valPos(path...), "%s must not be negative", dotted(path))
			return false
		}
		if !d.checkDuration(path, dur) {
			return false
		}
		*dst = Duration{Duration: dur, Set: true}
		return true
	case int64, float64:
		d.errorf(d.valPos(path...), "%s must be a duration string like \"30s\", not the number %v", dotted(path), x)
		return false
	}
	return d.mismatch(path, v, `a duration string like "30s"`)
}

func (d *decoder) mismatch(path []string, v any, want string) bool {
	d.errorf(d.valPos(path...), "%s must be %s, not %s", dotted(path), want, tomlType(v))
	return false
}

// asArray returns the elements of a TOML array, written inline or as
// [[tables]].
func asArray(v any) ([]any, bool) {
	switch a := v.(type) {
	case []any:
		return a, true
	case []map[string]any:
		out := make([]any, len(a))
		for i := range a {
			out[i] = a[i]
		}
		return out, true
	}
	return nil, false
}

// tomlType names the TOML type of a decoded value, with an article.
func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case map[string]any:
		return "a table"
	case []any, []map[string]any:
		return "an array"
	}
	return "a datetime"
}

// dotted renders a key path as written in a spec: resource.db.max_open,
// windows.recovery[1].delay.
func dotted(path []string) string {
	var b strings.Builder
	for i, p := range path {
		if _, err := strconv.Atoi(p); err == nil && i > 0 {
			b.WriteString("[" + p + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(quoteKey(p))
	}
	return b.String()
}

// tableName renders a table path for messages: [resource.db], or
// windows.recovery[0] for an element of an array of tables.
func tableName(path []string) string {
	if len(path) == 0 {
		return "the top level"
	}
	if _, err := strconv.Atoi(path[len(path)-1]); err == nil && len(path) > 1 {
		return dotted(path)
	}
	return "[" + dotted(path) + "]"
}

// oneLine escapes control characters, so a message quoting spec text
// stays one line of output.
func oneLine(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// quoteKey returns k as TOML would need it written: bare when it can be.
func quoteKey(k string) string {
	if k == "" {
		return `""`
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return strconv.Quote(k)
		}
	}
	return k
}
