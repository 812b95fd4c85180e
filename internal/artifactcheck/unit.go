package artifactcheck

import (
	"fmt"
	"strings"
)

// Setting is one assignment of a unit file, with its value as written
// (specifiers not expanded) and the line it starts on.
type Setting struct {
	Section, Key, Value string
	Line                int
}

// ParseUnit reads a unit file as systemd's configuration parser does
// (systemd.syntax(7), src/shared/conf-parser.c): a line ends at "\n",
// "\r\n", "\r" or NUL; a line ending in an odd run of backslashes continues
// on the next, the last backslash replaced by a space, and comment lines
// inside a continuation are skipped; then, with surrounding whitespace
// removed, an empty line or one starting with # or ; is nothing, "[NAME]"
// starts a section and anything else must be KEY=VALUE inside a section.
func ParseUnit(data []byte) ([]Setting, error) {
	text := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\x00", "\n").Replace(string(data))
	var settings []Setting
	section := ""
	cont, contLine := "", 0
	parse := func(line string, n int) error {
		l := strings.Trim(line, " \t\n\r")
		switch {
		case l == "" || l[0] == '#' || l[0] == ';':
			return nil
		case l[0] == '[':
			if !strings.HasSuffix(l, "]") || len(l) < 3 {
				return fmt.Errorf("line %d: invalid section header %q", n, l)
			}
			section = l[1 : len(l)-1]
			return nil
		}
		key, value, ok := strings.Cut(l, "=")
		if !ok {
			return fmt.Errorf("line %d: missing '=' in %q", n, l)
		}
		if section == "" {
			return fmt.Errorf("line %d: assignment outside of a section: %q", n, l)
		}
		settings = append(settings, Setting{Section: section, Key: strings.Trim(key, " \t"), Value: strings.Trim(value, " \t"), Line: n})
		return nil
	}
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		if cont != "" {
			if l := strings.TrimLeft(line, " \t"); l != "" && (l[0] == '#' || l[0] == ';') {
				continue
			}
			line = cont + line
			n = contLine
		}
		escaped := false
		for _, c := range []byte(line) {
			if escaped {
				escaped = false
			} else if c == '\\' {
				escaped = true
			}
		}
		if escaped {
			if cont == "" {
				contLine = n
			}
			cont = line[:len(line)-1] + " "
			continue
		}
		cont = ""
		if err := parse(line, n); err != nil {
			return nil, err
		}
	}
	if cont != "" {
		if err := parse(cont, contLine); err != nil {
			return nil, err
		}
	}
	return settings, nil
}

// Keys lists "Section.Key" of every setting, in order.
func Keys(settings []Setting) []string {
	keys := make([]string, len(settings))
	for i, s := range settings {
		keys[i] = s.Section + "." + s.Key
	}
	return keys
}

// ExpandPercent resolves the only specifier a free-text setting may hold,
// %% (a literal %); any other specifier is an error: systemd would replace
// it with a value of the machine or unit.
func ExpandPercent(v string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '%' {
			b.WriteByte(v[i])
			continue
		}
		if i+1 < len(v) && v[i+1] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		return "", fmt.Errorf("specifier %q in %q", v[i:min(i+2, len(v))], v)
	}
	return b.String(), nil
}
