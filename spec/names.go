package spec

import (
	"go/token"
	"strings"
	"unicode"
)

// initialisms are spelled in one case in Go names (Effective Go, the
// golint list): order_db becomes OrderDB, not OrderDb.
var initialisms = map[string]bool{
	"acl": true, "api": true, "ascii": true, "cpu": true, "css": true, "db": true,
	"dns": true, "eof": true, "grpc": true, "guid": true, "html": true, "http": true,
	"https": true, "id": true, "ip": true, "json": true, "lhs": true, "qps": true,
	"ram": true, "rhs": true, "rpc": true, "sla": true, "smtp": true, "sql": true,
	"ssh": true, "tcp": true, "tls": true, "ttl": true, "udp": true, "ui": true,
	"uid": true, "uri": true, "url": true, "utf8": true, "uuid": true, "vm": true,
	"xml": true, "xmpp": true, "xsrf": true, "xss": true,
}

// nameParts splits a spec name at "_" and "-".
func nameParts(name string) []string {
	return strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '-' })
}

// GoName converts a spec name to an exported Go name: parts split at "_"
// and "-" are capitalised, common initialisms are upper case:
// "order_db" → "OrderDB", "api" → "API", "payments-http_client" →
// "PaymentsHTTPClient".
func GoName(name string) string {
	var b strings.Builder
	for _, p := range nameParts(name) {
		b.WriteString(upperPart(p))
	}
	return b.String()
}

// GoLocal converts a spec name to an unexported Go name (lowerCamel):
// "order_db" → "orderDB", "api" → "api", "db_pool" → "dbPool".
func GoLocal(name string) string {
	var b strings.Builder
	for i, p := range nameParts(name) {
		if i == 0 {
			if initialisms[strings.ToLower(p)] {
				b.WriteString(strings.ToLower(p))
			} else {
				r := []rune(p)
				r[0] = unicode.ToLower(r[0])
				b.WriteString(string(r))
			}
			continue
		}
		b.WriteString(upperPart(p))
	}
	return b.String()
}

func upperPart(p string) string {
	if initialisms[strings.ToLower(p)] {
		return strings.ToUpper(p)
	}
	r := []rune(p)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// predeclared are Go's predeclared identifiers (universe scope). A user
// function or a generated local with one of these names would shadow it.
var predeclared = map[string]bool{
	"any": true, "bool": true, "byte": true, "comparable": true, "complex64": true,
	"complex128": true, "error": true, "float32": true, "float64": true, "int": true,
	"int8": true, "int16": true, "int32": true, "int64": true, "rune": true,
	"string": true, "uint": true, "uint8": true, "uint16": true, "uint32": true,
	"uint64": true, "uintptr": true, "true": true, "false": true, "iota": true,
	"nil": true, "append": true, "cap": true, "clear": true, "close": true,
	"complex": true, "copy": true, "delete": true, "imag": true, "len": true,
	"make": true, "max": true, "min": true, "new": true, "panic": true,
	"print": true, "println": true, "real": true, "recover": true,
}

// ImportedNames maps the name of every package the generated code imports
// into the user's package (the generated files and the scaffolded user
// files) to its import path. Go allows no package-level declaration with
// the name of an import of any file of the package, so a user function or
// type with one of these names cannot be declared there. svcrt is the
// generated runtime package, at internal/svcrt of the generated module.
// The property test (generator/property_test.go) checks that generated
// code imports no other name.
var ImportedNames = map[string]string{
	"atomic": "sync/atomic", "bufio": "bufio", "collectors": "github.com/prometheus/client_golang/prometheus/collectors",
	"context": "context", "debug": "runtime/debug", "driver": "database/sql/driver", "errors": "errors",
	"eventlog": "golang.org/x/sys/windows/svc/eventlog", "exec": "os/exec", "filepath": "path/filepath",
	"flag": "flag", "fmt": "fmt", "fs": "io/fs", "grpc": "google.golang.org/grpc", "http": "net/http", "io": "io", "json": "encoding/json",
	"lumberjack": "gopkg.in/natefinch/lumberjack.v2", "mgr": "golang.org/x/sys/windows/svc/mgr", "net": "net",
	"os": "os", "pprof": "net/http/pprof", "prometheus": "github.com/prometheus/client_golang/prometheus",
	"promhttp": "github.com/prometheus/client_golang/prometheus/promhttp", "rand": "math/rand/v2",
	"redis": "github.com/redis/go-redis/v9", "regexp": "regexp", "registry": "golang.org/x/sys/windows/registry",
	"runtime": "runtime", "signal": "os/signal", "slices": "slices", "slog": "log/slog", "sql": "database/sql",
	"strconv": "strconv", "strings": "strings", "svc": "golang.org/x/sys/windows/svc", "svcrt": "internal/svcrt",
	"sync": "sync", "syscall": "syscall", "time": "time", "tls": "crypto/tls", "unsafe": "unsafe", "url": "net/url",
	"windows": "golang.org/x/sys/windows",
}

// identProblem says why s cannot name a user function or type in the
// generated package, or returns "" when it can.
func identProblem(s string) string {
	switch {
	case s == "":
		return "is empty"
	case !isASCII(s):
		return "is not ASCII"
	case s == "_":
		return "is the blank identifier"
	case token.IsKeyword(s):
		return "is a Go keyword"
	case !token.IsIdentifier(s):
		return "is not a Go identifier"
	case predeclared[s]:
		return "is a predeclared Go identifier"
	case s == "main" || s == "init":
		return "is reserved in package main"
	case reservedPrefix(s):
		return `starts with "svc", which is reserved for generated code`
	case ImportedNames[s] != "":
		return "is the name of package " + ImportedNames[s] + ", which the generated code imports"
	}
	return ""
}

// reservedPrefix reports whether s could collide with a generated
// identifier: generated package-level names are "svc" + a capitalised name.
func reservedPrefix(s string) bool {
	if !strings.HasPrefix(s, "svc") {
		return false
	}
	if len(s) == 3 {
		return true
	}
	c := s[3]
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// levenshtein is the edit distance between a and b, by bytes, counting
// a swap of two neighbours as one edit ("dealy" → "delay").
func levenshtein(a, b string) int {
	rows := make([][]int, len(a)+1)
	for i := range rows {
		rows[i] = make([]int, len(b)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, rows[i-2][j-2]+1)
			}
			rows[i][j] = d
		}
	}
	return rows[len(a)][len(b)]
}

// suggest returns the candidate closest to s (case-insensitively), or ""
// when none is close enough to be what was meant.
func suggest(s string, candidates []string) string {
	ls := strings.ToLower(s)
	best, bestDist := "", -1
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := levenshtein(ls, lc)
		// "warning" for "warn", "dsn" for "dsn_env": a shared prefix of
		// three or more letters counts as close.
		if len(ls) >= 3 && len(lc) >= 3 && (strings.HasPrefix(ls, lc) || strings.HasPrefix(lc, ls)) {
			d = min(d, 1)
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	if bestDist < 0 || bestDist > max(1, len(s)/3) || (bestDist > 0 && len(s) > 64) {
		return ""
	}
	return best
}

// didYouMean renders a suggestion suffix: ` (did you mean "x"?)`.
func didYouMean(s string, candidates []string) string {
	if m := suggest(s, candidates); m != "" {
		return ` (did you mean "` + m + `"?)`
	}
	return ""
}

// orList renders "a, b or c".
func orList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
