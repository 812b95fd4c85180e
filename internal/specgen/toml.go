package specgen

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// table is one TOML table of the spec as it will be written.
type table struct {
	name string // "service", "resource.db", "windows.recovery"
	// array marks one element of an array of tables ([[name]]).
	array bool
	keys  []kv
}

// kv is one key and its value, already TOML.
type kv struct{ key, val string }

func (t *table) set(key, val string) { t.keys = append(t.keys, kv{key, val}) }

// get is the value written under key, if any.
func (t *table) get(key string) (string, bool) {
	for _, k := range t.keys {
		if k.key == key {
			return k.val, true
		}
	}
	return "", false
}

// render writes the tables in order. Keys keep their order, except that
// some tables are shuffled (kind need not come first); a table whose
// values fit on one line is sometimes written inline at the top.
func (g *gen) render() []byte {
	var top, body strings.Builder
	top.WriteString("# spec " + fmt.Sprint(g.seed) + " from internal/specgen\n")
	for _, t := range g.tables {
		if g.r.IntN(3) == 0 {
			g.r.Shuffle(len(t.keys), func(i, j int) { t.keys[i], t.keys[j] = t.keys[j], t.keys[i] })
		}
		if !t.array && !strings.Contains(t.name, ".") && oneLine(t) && !g.hasSubtables(t.name) && g.r.IntN(6) == 0 {
			// name = { k = v, ... } must precede every [table] header.
			top.WriteString(t.name + " = {")
			for i, k := range t.keys {
				if i > 0 {
					top.WriteString(",")
				}
				top.WriteString(" " + k.key + " = " + k.val)
			}
			top.WriteString(" }\n")
			continue
		}
		body.WriteString("\n")
		header := t.name
		if strings.HasPrefix(header, "resource.") && g.r.IntN(8) == 0 {
			header = `resource."` + strings.TrimPrefix(header, "resource.") + `"`
		}
		if t.array {
			body.WriteString("[[" + header + "]]\n")
		} else {
			body.WriteString("[" + header + "]\n")
		}
		for _, k := range t.keys {
			body.WriteString(k.key + " = " + k.val + "\n")
		}
	}
	return []byte(top.String() + body.String())
}

// hasSubtables reports whether another table is written under name:
// an inline table cannot be extended later.
func (g *gen) hasSubtables(name string) bool {
	for _, t := range g.tables {
		if strings.HasPrefix(t.name, name+".") {
			return true
		}
	}
	return false
}

func oneLine(t *table) bool {
	for _, k := range t.keys {
		if strings.Contains(k.val, "\n") {
			return false
		}
	}
	return true
}

// str renders s as a TOML string: literal ('...') when it can be, basic
// ("...") otherwise, and multi-line ("""...""") for text with line breaks.
func (g *gen) str(s string) string {
	plain := !strings.ContainsAny(s, "'\n\r\x7f\u2028\u2029") && strings.IndexFunc(s, isControl) < 0
	switch {
	case plain && g.r.IntN(4) == 0:
		return "'" + s + "'"
	case strings.Contains(s, "\n") && g.r.IntN(2) == 0:
		return multiline(s)
	}
	return basic(s)
}

// basic renders s as a TOML basic string.
func basic(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		b.WriteString(escape(r))
	}
	b.WriteByte('"')
	return b.String()
}

// multiline renders s as a TOML multi-line basic string keeping its line
// feeds (a first one is escaped: the parser drops a newline right after
// the opening quotes).
func multiline(s string) string {
	var b strings.Builder
	b.WriteString(`"""`)
	for i, r := range s {
		if r == '\n' && i > 0 {
			b.WriteByte('\n')
			continue
		}
		b.WriteString(escape(r))
	}
	b.WriteString(`"""`)
	return b.String()
}

func escape(r rune) string {
	switch r {
	case '"':
		return `\"`
	case '\\':
		return `\\`
	case '\n':
		return `\n`
	case '\t':
		return `\t`
	case '\r':
		return `\r`
	}
	if isControl(r) {
		return fmt.Sprintf(`\u%04X`, r)
	}
	if r == utf8.RuneError {
		return `\uFFFD`
	}
	return string(r)
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// array renders TOML values as an array, on one line or several.
func (g *gen) array(vals []string) string {
	if len(vals) > 0 && g.r.IntN(4) == 0 {
		return "[\n  " + strings.Join(vals, ",\n  ") + ",\n]"
	}
	return "[" + strings.Join(vals, ", ") + "]"
}
