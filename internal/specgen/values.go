package specgen

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/svcgen/svcgen/spec"
)

// goNames are identifiers a spec may use as a resource, function or type
// name that the generated code, its runtime or its imports also use:
// the names most likely to collide with something svcgen declares.
var goNames = []string{
	// names of generated constants, blocks and features
	"timeout", "admin", "sql", "redis", "http", "http_client", "httpclient", "warm", "windows",
	"systemd", "watchdog", "metrics", "log", "runtime", "hooks_", "service", "config",
	"kubernetes", "critical", "stop", "start", "drain", "shutdown", "ready", "version", "name",
	"kind", "deps", "node", "nodes", "level", "levels", "exit", "code", "fault", "call", "flush",
	"app", "engine", "state", "store", "cache", "api", "db", "pool", "client", "server", "srv",
	"ln", "listener", "handler", "open", "close_", "check", "run", "reload", "register",
	"breaker", "retry", "retries", "secret", "secrets", "guard", "guards", "console", "cli",
	"backlog", "signals", "lifecycle", "resources", "manage", "install", "uninstall", "verbs",
	// the runtime package and what generated code imports
	"svcrt", "svcx", "context", "fmt", "os", "time", "slog", "errors", "net", "sync", "atomic",
	"signal", "debug", "strings", "syscall", "io", "bufio", "flag", "url", "rand", "filepath",
	"strconv", "slices", "exec", "json", "tls", "driver", "fs", "registry", "unsafe", "svc", "mgr",
	"eventlog", "lumberjack", "prometheus", "promhttp", "collectors", "pprof", "stdlib", "mysql",
	"mssql", "pgx", "v9",
	// locals and receivers of generated code
	"r", "a", "b", "c", "d", "e", "f", "g", "h", "i", "k", "l", "m", "n", "p", "q", "s", "t", "u",
	"v", "w", "x", "ctx", "err", "ok", "wg", "mu", "cfg", "cancel", "done", "req", "resp", "conn",
	"main", "init", "hooks", "svcgen", "test",
}

// exportedNames are the capitalised forms users write for functions and
// types, including ones generated code or its imports use.
var exportedNames = []string{
	"NewAPI", "Run", "Open", "Close", "Check", "Register", "Deregister", "Reload", "Handler",
	"Main", "Init", "App", "Node", "Config", "State", "Store", "DB", "Client", "Timeout", "Admin",
	"SQL", "Redis", "HTTP", "HTTPClient", "Warm", "Windows", "Svcrt", "Context", "Error", "String",
	"Service", "Server", "Engine", "Level", "Ready", "Stop", "Start", "Drain", "Flush", "Log",
	"Metrics", "Watchdog", "Systemd", "Version", "Exit", "Fault", "Pool", "Breaker", "Secret",
	"API", "ID", "URL", "Svc", "SvcApp", "X",
}

// identOK reports whether name is accepted as a user function or type
// name. The answer is spec's own: a tiny spec naming it as a hook is
// parsed, so the generator never drifts from the validator's rules.
func identOK(name string) bool {
	return oracle(&identCache, "[service]\nname = \"x\"\n[hooks]\nreload = "+basic(name)+"\n")
}

// resourceNameOK reports whether spec accepts name for a resource.
func resourceNameOK(name string) bool {
	return oracle(&resourceCache, "[service]\nname = \"x\"\n[resource."+name+"]\nkind = \"worker\"\nrun = \"Run\"\n")
}

var identCache, resourceCache sync.Map

func oracle(cache *sync.Map, src string) bool {
	if v, ok := cache.Load(src); ok {
		return v.(bool)
	}
	_, err := spec.Parse("oracle.toml", []byte(src))
	cache.Store(src, err == nil)
	return err == nil
}

// ident returns a random Go identifier of up to max bytes.
func (g *gen) ident(max int, upper bool) string {
	n := 1 + g.r.IntN(max)
	const first = "abcdefghijklmnopqrstuvwxyz"
	const rest = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
	b := make([]byte, n)
	b[0] = first[g.r.IntN(len(first))]
	if upper {
		b[0] -= 'a' - 'A'
	}
	for i := 1; i < n; i++ {
		b[i] = rest[g.r.IntN(len(rest))]
	}
	return string(b)
}

// funcCandidate proposes a user function or type name: one the generated
// code or its imports use, a usual exported name, a random identifier,
// or one as long as a string value may be.
func (g *gen) funcCandidate() string {
	switch x := g.r.IntN(100); {
	case x < 35:
		return pick(g, goNames)
	case x < 60:
		return pick(g, exportedNames)
	case x < 62:
		return g.ident(spec.MaxStringBytes, g.r.IntN(2) == 0)
	case x < 64:
		return "_" + g.ident(8, false)
	default:
		return g.ident(12, g.r.IntN(3) > 0)
	}
}

// resourceCandidate proposes a resource name.
func (g *gen) resourceCandidate() string {
	switch x := g.r.IntN(100); {
	case x < 45:
		return pick(g, goNames)
	case x < 52:
		return pick(g, exportedNames)
	case x < 55:
		// The longest name spec accepts.
		return g.resourceWord(64)
	case x < 65:
		// Parts joined by - and _, each converted to Go: order-db_pool.
		parts := []string{pick(g, goNames), pick(g, goNames)}
		if g.r.IntN(3) == 0 {
			parts = append(parts, pick(g, goNames))
		}
		out := parts[0]
		for _, p := range parts[1:] {
			out += pick(g, []string{"_", "-"}) + p
		}
		return out
	default:
		return g.resourceWord(1 + g.r.IntN(12))
	}
}

// resourceWord is a random resource name of n bytes.
func (g *gen) resourceWord(n int) string {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	const rest = "abcdefghijklmnopqrstuvwxyz0123456789_-"
	b := make([]byte, n)
	b[0] = letters[g.r.IntN(len(letters))]
	for i := 1; i < n; i++ {
		b[i] = rest[g.r.IntN(len(rest))]
	}
	return string(b)
}

// textPieces make up free text: plain words, and what could break out of
// a Go string, comment, format string, unit file or YAML value.
var textPieces = []string{
	"orders", "Orders API", "service", " ", " ", "%s", "%v", "%d", "%!", "%%", "%", `"`, `\`, "`",
	"'", "*/", "/*", "//", "//go:generate echo PWNED", "#", "=", ":", "- ", "{{.Name}}", "${HOME}",
	"$(id)", "<b>", "&amp;", "]]", "[[", "é", "日本語", "🙂", "\u00a0", "\ufeff", "PWNED",
	"[Service]", "ExecStartPre=+/bin/true", "```", "~~~", "<!--", "-->", "[x](https://example.com)",
	"https://example.com", "www.example.com", "1. ", "> ", "| a |", "***", "_x_", "\\",
}

// lineBreaks may only appear in text that spec allows to span lines (a
// description): every other control character is rejected there too.
var lineBreaks = []string{"\n", "\r\n", "\u2028", "\u2029", "\n\n", "\n    ", "\n# ", "\n---\n", "\n==="}

// text is free text of at most max bytes; multiline allows line breaks.
func (g *gen) text(max int, multiline bool) string {
	if max > 16 && g.r.IntN(25) == 0 {
		// Exactly as long as allowed.
		return g.fill(max, multiline)
	}
	var b strings.Builder
	n := g.r.IntN(8)
	for i := 0; i < n; i++ {
		p := pick(g, textPieces)
		if multiline && g.r.IntN(5) == 0 {
			p = pick(g, lineBreaks)
		}
		if b.Len()+len(p) > max {
			break
		}
		b.WriteString(p)
	}
	return b.String()
}

// fill is text of exactly n bytes.
func (g *gen) fill(n int, multiline bool) string {
	var b strings.Builder
	for b.Len() < n {
		p := pick(g, textPieces)
		if multiline && g.r.IntN(6) == 0 {
			p = pick(g, lineBreaks)
		}
		if b.Len()+len(p) > n {
			p = strings.Repeat("x", n-b.Len())
		}
		b.WriteString(p)
	}
	return b.String()
}

// envName is an environment variable name.
func (g *gen) envName() string {
	switch x := g.r.IntN(100); {
	case x < 50:
		return pick(g, []string{"ORDERS_DB_DSN", "DSN", "REDIS_ADDR", "PAYMENTS_URL", "PASSWORD", "_", "a", "PATH", "HOME", "GOMAXPROCS", "x1", "_X_"})
	case x < 52:
		return strings.Repeat("E", spec.MaxStringBytes)
	default:
		const first = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"
		const rest = first + "0123456789"
		n := 1 + g.r.IntN(24)
		b := []byte{first[g.r.IntN(len(first))]}
		for len(b) < n {
			b = append(b, rest[g.r.IntN(len(rest))])
		}
		return string(b)
	}
}

// path is a single-line file path.
func (g *gen) path() string {
	return pick(g, []string{"/var/log/orders/orders.log", "orders.log", "logs/orders.log", `C:\logs\orders.log`,
		"/etc/orders/tls.crt", "tls.key", "/run/secrets/dsn", "a", "./x", "../x", "with space/file",
		`quote"d`, "back`tick", "%s.log", "日本.log", "/" + strings.Repeat("p", 300)})
}

// ---- numbers ----

// count is an int in [lo, hi], biased to the ends and small values.
func (g *gen) count(lo, hi int) int {
	if hi < lo {
		hi = lo
	}
	span := uint64(hi - lo)
	switch x := g.r.IntN(10); {
	case x < 2:
		return lo
	case x < 3:
		return hi
	case x < 4 && lo <= 1 && hi >= 1:
		return 1
	case span < 64:
		return lo + int(g.r.Uint64N(span+1))
	case x < 8:
		return lo + g.r.IntN(64)
	default:
		return lo + int(g.r.Uint64N(span))
	}
}

// bigInt is a count of the key at path that is sometimes the largest the
// spec accepts there (spec.IntLimit), so the property test builds the
// largest values too.
func (g *gen) bigInt(lo int, path ...string) int {
	if g.r.IntN(12) == 0 {
		return spec.IntLimit(path...)
	}
	return g.count(lo, lo+100)
}

// intLit renders a TOML integer in one of its spellings.
func (g *gen) intLit(n int) string {
	if n < 0 {
		return strconv.Itoa(n)
	}
	switch g.r.IntN(12) {
	case 0:
		return "0x" + strconv.FormatInt(int64(n), 16)
	case 1:
		return "0o" + strconv.FormatInt(int64(n), 8)
	case 2:
		return "0b" + strconv.FormatInt(int64(n), 2)
	case 3:
		if n >= 1000 {
			s := strconv.Itoa(n)
			return s[:len(s)-3] + "_" + s[len(s)-3:]
		}
		if n > 0 {
			return "+" + strconv.Itoa(n)
		}
	}
	return strconv.Itoa(n)
}

func boolLit(b bool) string { return strconv.FormatBool(b) }

// ---- durations ----

// niceDurations are values people write; between picks among them.
var niceDurations = []time.Duration{
	time.Nanosecond, time.Microsecond, time.Millisecond, 100 * time.Millisecond, 250 * time.Millisecond,
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second, time.Minute,
	90 * time.Second, 5 * time.Minute, time.Hour, 24 * time.Hour, 8760 * time.Hour,
}

// between is a duration in [lo, hi]: an end, a value people write, or any
// value.
func (g *gen) between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	switch x := g.r.IntN(10); {
	case x < 2:
		return lo
	case x < 3:
		return hi
	case x < 7:
		var fit []time.Duration
		for _, d := range niceDurations {
			if d >= lo && d <= hi {
				fit = append(fit, d)
			}
		}
		if len(fit) > 0 {
			return pick(g, fit)
		}
	}
	return lo + time.Duration(g.r.Int64N(int64(hi-lo)))
}

// anyDuration is a duration the key at path accepts where only its
// limits are required: 0, its unit, a usual value or the largest one
// (spec.DurationLimit), in whole units where the key has one.
func (g *gen) anyDuration(path ...string) time.Duration {
	top, unit := spec.DurationLimit(path...)
	unit = max(unit, time.Nanosecond)
	switch x := g.r.IntN(20); {
	case x < 3:
		return 0
	case x < 4:
		return unit
	case x < 5:
		return top
	}
	return g.between(0, 24*time.Hour).Truncate(unit)
}

// durLit renders a duration as a TOML string in one of the forms Go's
// time.ParseDuration reads.
func (g *gen) durLit(d time.Duration) string {
	var s string
	switch x := g.r.IntN(10); {
	case d == 0 && x < 3:
		s = pick(g, []string{"0", "0s", "0ms", "0h"})
	case x < 5:
		s = d.String()
	case x < 6:
		s = strconv.FormatInt(int64(d), 10) + "ns"
	case x < 7 && d%time.Microsecond == 0:
		s = strconv.FormatInt(int64(d/time.Microsecond), 10) + pick(g, []string{"us", "µs", "μs"})
	case x < 8 && d%time.Millisecond == 0:
		s = strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
	case x < 9 && d%time.Second == 0:
		s = strconv.FormatInt(int64(d/time.Second), 10) + "s"
	case d%time.Minute == 0 && d >= time.Hour:
		s = fmt.Sprintf("%dh%dm", d/time.Hour, (d%time.Hour)/time.Minute)
	default:
		s = d.String()
	}
	return g.str(s)
}

// ---- addresses ----

var listenHosts = []string{"", "", "0.0.0.0", "127.0.0.1", "[::1]", "[::]", "localhost", "LocalHost", "10.0.0.1", "[fe80::1%eth0]",
	"[0:0:0:0:0:0:0:0]", "[::ffff:0.0.0.0]", "[::ffff:127.0.0.1]", "[::1%lo]"}

// port is a listen port no other listener has (0 never collides).
func (g *gen) port() int {
	for {
		var p int
		switch x := g.r.IntN(10); {
		case x < 2 && !g.socketActivation:
			return 0
		case x < 3:
			p = pick(g, []int{1, 80, 443, 8080, 65535})
		default:
			p = 1 + g.r.IntN(65535)
		}
		if !g.ports[p] {
			g.ports[p] = true
			return p
		}
	}
}

// listenAddr is host:port for a listener.
func (g *gen) listenAddr() string {
	return pick(g, listenHosts) + ":" + strconv.Itoa(g.port())
}

// ---- helpers ----

func pick[T any](g *gen, list []T) T { return list[g.r.IntN(len(list))] }

// maybe is true with probability p.
func (g *gen) maybe(p float64) bool { return g.r.Float64() < p }
