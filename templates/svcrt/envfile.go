package svcrt

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
)

// Env is the process's environment as a deployment configures it: the real
// environment, and under it an env file (-env-file). A variable the real
// environment sets wins over the file, as with docker compose and most
// dotenv loaders: an operator can try one value on the command line without
// editing the file.
type Env struct {
	// File is the env file's path, "" without one.
	File string
	// fromFile holds the line of each variable the file set.
	fromFile map[string]int
	// only, when not nil, is the whole environment: what install checks
	// before it stores a service's configuration, which the service will see
	// instead of the installing user's environment.
	only map[string]EnvVar
}

// FromEnvironment is the source of a variable set in the real environment.
const FromEnvironment = "environment"

// Lookup returns a variable's value and where it came from: "environment"
// or the env file's path:line. set is false when neither sets it; a
// variable set to "" is set.
func (e *Env) Lookup(name string) (value, origin string, set bool) {
	if e.only != nil {
		v, ok := e.only[name]
		if !ok {
			return "", "", false
		}
		return v.Value, fmt.Sprintf("%s:%d", e.File, v.Line), true
	}
	v, ok := os.LookupEnv(name)
	if !ok {
		return "", "", false
	}
	if line, ok := e.fromFile[name]; ok {
		return v, fmt.Sprintf("%s:%d", e.File, line), true
	}
	return v, FromEnvironment, true
}

// LoadEnvFile reads an env file and sets each of its variables the real
// environment does not set, so that every reader of the environment (a
// resource reading its dsn_env, a driver's own variables) sees them.
func LoadEnvFile(path string) (*Env, error) {
	e := &Env{File: path, fromFile: map[string]int{}}
	if path == "" {
		return e, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("env file: %w", err)
	}
	vars, err := ParseDotenv(path, b)
	if err != nil {
		return nil, err
	}
	for _, v := range vars {
		if _, set := os.LookupEnv(v.Name); set {
			if _, mine := e.fromFile[v.Name]; !mine {
				continue // the real environment wins
			}
		}
		if err := os.Setenv(v.Name, v.Value); err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w", path, v.Line, v.Name, err)
		}
		e.fromFile[v.Name] = v.Line
	}
	return e, nil
}

// EnvVar is one assignment of an env file.
type EnvVar struct {
	Name, Value string
	Line        int
}

// ParseDotenv reads dotenv syntax: NAME=VALUE lines, blank lines and
// # comments, an optional `export ` prefix; a value is bare (trimmed, a
// " #" starts a comment), 'single-quoted' (as written) or "double-quoted"
// (\n, \t, \", \\ and \$ escapes; may span lines). Errors are positioned
// (file:line: ...); every error of the file is reported at once.
func ParseDotenv(file string, b []byte) ([]EnvVar, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var out []EnvVar
	var errs []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	next := func() (string, bool) {
		if !sc.Scan() {
			return "", false
		}
		line++
		return strings.TrimSuffix(sc.Text(), "\r"), true
	}
	for {
		text, ok := next()
		if !ok {
			break
		}
		start := line
		t := strings.TrimSpace(text)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if rest, ok := strings.CutPrefix(t, "export "); ok {
			t = strings.TrimSpace(rest)
		}
		name, val, ok := strings.Cut(t, "=")
		name = strings.TrimSpace(name)
		fail := func(format string, a ...any) {
			errs = append(errs, fmt.Sprintf("%s:%d: ", file, start)+fmt.Sprintf(format, a...))
		}
		if !ok {
			fail("want NAME=VALUE (the line is not shown: it may hold a secret)")
			continue
		}
		if !validEnvName(name) {
			fail("%q is not a variable name (letters, digits and _, not starting with a digit)", cut(name, 40))
			continue
		}
		val = strings.TrimLeft(val, " \t")
		switch {
		case strings.HasPrefix(val, "'"):
			end := strings.IndexByte(val[1:], '\'')
			if end < 0 {
				fail("%s: the single quote is not closed on its line", name)
				continue
			}
			if rest := strings.TrimSpace(val[end+2:]); rest != "" && !strings.HasPrefix(rest, "#") {
				fail("%s: text after the closing quote", name)
				continue
			}
			val = val[1 : end+1]
		case strings.HasPrefix(val, `"`):
			v, rest, closed := unquoteDouble(val[1:])
			for !closed {
				more, ok := next()
				if !ok {
					break
				}
				var add string
				add, rest, closed = unquoteDouble(more)
				v += "\n" + add
			}
			if !closed {
				fail("%s: the double quote is not closed before the end of the file", name)
				continue
			}
			if rest = strings.TrimSpace(rest); rest != "" && !strings.HasPrefix(rest, "#") {
				fail("%s: text after the closing quote", name)
				continue
			}
			val = v
		default:
			if i := strings.Index(val, " #"); i >= 0 {
				val = val[:i]
			}
			val = strings.TrimSpace(val)
		}
		if strings.ContainsRune(val, 0) {
			fail("%s: the value holds a NUL character", name)
			continue
		}
		out = append(out, EnvVar{Name: name, Value: val, Line: start})
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Sprintf("%s:%d: %v", file, line+1, err))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return out, nil
}

// unquoteDouble reads a double-quoted value up to its closing quote: the
// value, what follows the quote, and whether the quote closed on this line.
func unquoteDouble(s string) (val, rest string, closed bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return b.String(), s[i+1:], true
		case c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '"', '\\', '$':
				b.WriteByte(s[i])
			default:
				b.WriteByte('\\')
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), "", false
}

// validEnvName reports whether s is a portable variable name.
func validEnvName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, c := range s {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// cut shortens s for a message.
func cut(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
