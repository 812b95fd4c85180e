// Package specgen writes random valid svcgen specs, deterministically from
// a seed, for the property test that every spec spec accepts generates a
// project that compiles (generator/property_test.go).
//
// The keys, their types and the allowed values of enumerated keys come
// from the JSON Schema of the spec (internal/specschema); the rules the
// schema cannot state (budgets that must fit in each other, pool sizes,
// one signature per function name, an acyclic depends_on) are followed
// here, and whether a name is accepted is asked of package spec itself.
// A spec mixes boundary values (0, 1, the largest int and duration spec
// accepts, 1ns, strings as long as allowed) with names the generated code
// and its imports also use (http, fmt, ctx, timeout, svcrt, ...).
package specgen

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/svcgen/svcgen/spec"
)

// CombinedTables are the optional tables whose every combination the seeds
// cycle through: bit i of seed%32 says whether CombinedTables[i] is
// present, so any 32 consecutive seeds hold all 32 combinations.
var CombinedTables = []string{"windows", "systemd", "watchdog", "metrics", "log"}

// Spec returns the text of a random spec that spec.Parse accepts; one seed
// always gives the same text.
func Spec(seed uint64) []byte {
	g := &gen{
		r:       rand.New(rand.NewPCG(seed, 0x73766367656e)),
		seed:    seed,
		m:       schema(),
		present: map[string]bool{},
		ports:   map[int]bool{},
		funcs:   map[string]string{},
		types:   map[string]bool{},
		goNames: map[string]bool{},
	}
	g.build()
	return g.render()
}

type gen struct {
	r    *rand.Rand
	seed uint64
	m    *model

	tables []*table
	// portEnvTaken: one http resource has port_env already.
	portEnvTaken bool
	present      map[string]bool // optional table -> written

	start, stop time.Duration // the budgets in effect
	ports       map[int]bool  // listen ports taken
	funcs       map[string]string
	funcOrder   []string // funcs' keys in the order chosen
	types       map[string]bool
	typeOrder   []string
	goNames     map[string]bool // resources' Go names
	resources   []*resource
	// socketActivation: [systemd] socket_activation = true, so no listener
	// is on port 0.
	socketActivation bool
}

// resource is a [resource.NAME] being written.
type resource struct {
	name, kind string
	typ        string        // custom: the Go type open returns
	open       time.Duration // open_timeout in effect
	deps       []*resource
	t          *table
	fixed      []string // keys its fixed lists
}

func (g *gen) build() {
	for i, name := range CombinedTables {
		g.present[name] = g.seed>>i&1 == 1
	}
	for _, name := range g.m.tableNames() {
		if _, decided := g.present[name]; !decided {
			g.present[name] = name == "service" || g.maybe(0.5)
		}
	}
	if g.present["kubernetes"] {
		// [kubernetes] needs an admin listener its probes reach (spec
		// rejects the default, on loopback).
		g.present["admin"] = true
	}
	g.start, g.stop = spec.DefaultStart, spec.DefaultStop
	// Decided before any port: socket activation needs every listener on a
	// fixed one.
	g.socketActivation = g.present["systemd"] && g.maybe(0.3)

	// Tables in the order their values depend on each other: budgets
	// before the resources that fit in them, the admin port before the
	// http ports, resources (and their types) before every function name.
	g.tableOf("service", g.service)
	g.tableOf("timeouts", g.timeouts)
	g.tableOf("admin", g.admin)
	g.tableOf("windows", g.windows)
	for _, name := range g.m.tableNames() {
		switch name {
		case "service", "timeouts", "admin", "windows", "hooks":
		default:
			g.tableOf(name, g.simpleTable)
		}
	}
	g.resourceTables()
	g.tableOf("hooks", g.hooks)
	g.metricsRegister()
	// Tables appear in any order in a file; a table and its [[sub]]
	// tables stay together.
	g.r.Shuffle(len(g.tables), func(i, j int) { g.tables[i], g.tables[j] = g.tables[j], g.tables[i] })
	g.tables = gatherArrays(g.tables)
}

// gatherArrays moves every [[a.b]] table right after its table [a].
func gatherArrays(tables []*table) []*table {
	var out, arrays []*table
	for _, t := range tables {
		if t.array {
			arrays = append(arrays, t)
		}
	}
	for _, t := range tables {
		if t.array {
			continue
		}
		out = append(out, t)
		for _, a := range arrays {
			if strings.HasPrefix(a.name, t.name+".") {
				out = append(out, a)
			}
		}
	}
	return out
}

// tableOf writes table name when it is present (always for one the
// schema requires keys of), then gives every key the table function left
// out a value of its schema type, so a key added to spec is generated
// before specgen learns its rules.
func (g *gen) tableOf(name string, fill func(t *table)) {
	if !g.present[name] && len(g.m.tableReq[name]) == 0 {
		return
	}
	t := &table{name: name}
	g.tables = append(g.tables, t)
	known := knownKeys[name]
	fill(t)
	if ovs, ok := spec.TableOverrides[name]; ok && g.maybe(0.2) {
		t.set("fixed", g.array(g.fixedKeys(ovs)))
	}
	for _, k := range g.m.keys(name) {
		if !slices.Contains(known, k) && g.maybe(0.3) {
			t.set(k, g.generic(g.m.tables[name][k], name, k))
		}
	}
}

// knownKeys are the keys whose rules the table functions follow.
var knownKeys = map[string][]string{
	"service":    {"name", "display_name", "description", "module", "version"},
	"timeouts":   {"start", "stop", "drain_delay", "drain", "critical", "shutdown", "fixed"},
	"admin":      {"addr", "pprof", "fixed"},
	"windows":    {"start", "account", "password_env", "dependencies", "preshutdown", "recovery", "recovery_reset", "recovery_on_non_crash", "event_log", "firewall"},
	"systemd":    {"enabled", "user", "restart_sec", "watchdog", "socket_activation"},
	"log":        {"format", "level", "stderr", "file", "max_size_mb", "max_age", "max_backups", "compress", "fixed"},
	"runtime":    {"gomaxprocs", "gc_percent", "memory_limit", "fixed"},
	"hooks":      {"after_ready", "before_drain", "reload"},
	"metrics":    {"enabled", "register"},
	"watchdog":   {"enabled", "interval", "failures", "exit_after", "fixed"},
	"kubernetes": {"enabled", "image", "namespace", "replicas"},
}

// generic is a value of a key specgen has no rules for, by its schema.
func (g *gen) generic(ks *keySchema, path ...string) string {
	switch ks.Type {
	case "duration":
		return g.durLit(g.anyDuration(path...))
	case "integer":
		return g.intLit(g.bigInt(0, path...))
	case "boolean":
		return boolLit(g.maybe(0.5))
	case "array":
		var vals []string
		for i := g.r.IntN(3); i > 0; i-- {
			vals = append(vals, g.generic(ks.Items, append(path, "0")...))
		}
		return g.array(vals)
	case "object":
		var keys []string
		for k := range ks.Props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var pairs []string
		for _, k := range keys {
			pairs = append(pairs, k+" = "+g.generic(ks.Props[k], append(path, k)...))
		}
		return "{ " + strings.Join(pairs, ", ") + " }"
	}
	if len(ks.Enum) > 0 {
		return g.str(pick(g, ks.Enum))
	}
	return g.str(g.text(64, false))
}

// enum picks a value of an enumerated key from the schema.
func (g *gen) enum(table, key string) string {
	return g.str(pick(g, g.m.tables[table][key].Enum))
}

func (g *gen) service(t *table) {
	t.set("name", g.str(g.serviceName()))
	if g.maybe(0.4) {
		t.set("display_name", g.str(g.text(256, false)))
	}
	if g.maybe(0.4) {
		t.set("description", g.str(g.text(spec.MaxStringBytes, true)))
	}
	// Project mode needs a module path.
	t.set("module", g.str(g.modulePath()))
	if g.maybe(0.4) {
		v := pick(g, []string{"1.4.0", "v0.0.0-dev", "%s", "1.0 \"beta\""})
		if g.maybe(0.3) {
			v = g.text(128, false)
		}
		t.set("version", g.str(v))
	}
}

func (g *gen) serviceName() string {
	for {
		var name string
		switch x := g.r.IntN(10); {
		case x < 5:
			name = pick(g, []string{"orders", "svcrt", "main", "http", "fmt", "windows", "a", "x-y", "orders_api", "o1", "svc", "service", "svcgen", "test"})
		case x < 6:
			name = "s" + g.resourceWord(79)[1:]
		default:
			name = "s" + g.resourceWord(1 + g.r.IntN(16))[1:]
		}
		if g.present["kubernetes"] && (!dnsLabel.MatchString(name) || len(name) > 63) {
			continue // with [kubernetes] the name also names its objects
		}
		if oracle(&serviceCache, "[service]\nname = "+basic(name)+"\n") {
			return name
		}
	}
}

func (g *gen) modulePath() string {
	for {
		var p string
		switch x := g.r.IntN(10); {
		case x < 6:
			p = pick(g, []string{"example.com/orders", "example/orders", "test/orders", "example.com/svcrt", "github.com/acme/orders/v2",
				"example.com/a/internal/b", "example.com/internal", "x.y", "example.com/A-B_c.d~e", "gopkg.in/orders.v3",
				"example.com/main", "example.com/http", "example.com/fmt", "svcgen.test/property"})
		case x < 7:
			p = "example.com/" + g.resourceWord(1+g.r.IntN(200))
		default:
			p = "example.com/" + g.resourceWord(1+g.r.IntN(12)) + "/" + g.resourceWord(1+g.r.IntN(12))
		}
		p = g.mostlyLower(p)
		if oracle(&moduleCache, "[service]\nname = \"x\"\nmodule = "+basic(p)+"\n") {
			return p
		}
	}
}

// mostlyLower lowers a module path's letters, but leaves a few paths with
// the upper case letters module paths allow.
func (g *gen) mostlyLower(p string) string {
	if g.r.IntN(4) == 0 {
		return p
	}
	b := []byte(p)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

var serviceCache, moduleCache sync.Map

// dnsLabel is a Kubernetes object name (RFC 1123 label).
var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)

// budget is a whole-process budget: from 1ns to the longest the spec
// accepts.
func (g *gen) budget(key string) time.Duration {
	if g.maybe(0.15) {
		top, _ := spec.DurationLimit("timeouts", key)
		return pick(g, []time.Duration{time.Nanosecond, 2 * time.Nanosecond, time.Microsecond, time.Millisecond, top})
	}
	return g.between(time.Second, time.Hour)
}

func (g *gen) timeouts(t *table) {
	if g.maybe(0.6) {
		g.stop = g.budget("stop")
		t.set("stop", g.durLit(g.stop))
	}
	stop := g.stop
	// The critical reserve, then drain_delay and drain, must leave at
	// least 1ns of the stop budget for closing.
	critical := min(max(stop/10, time.Second), stop/2)
	if stop >= 2 && g.maybe(0.4) {
		critical = g.between(1, stop-1)
		t.set("critical", g.durLit(critical))
	}
	delay := time.Duration(0)
	if g.maybe(0.4) {
		delay = g.between(0, stop-critical-1)
		t.set("drain_delay", g.durLit(delay))
	}
	if g.maybe(0.4) {
		t.set("drain", g.durLit(g.between(0, stop-delay-critical-1)))
	}
	if g.maybe(0.3) {
		t.set("shutdown", g.durLit(g.between(1, stop)))
	}
	if g.maybe(0.6) {
		g.start = g.budget("start")
		t.set("start", g.durLit(g.start))
	}
}

func (g *gen) admin(t *table) {
	switch {
	case g.present["kubernetes"]:
		// Kubernetes probes need every interface and a fixed port.
		p := 0
		for p == 0 {
			p = g.port()
		}
		t.set("addr", g.str(pick(g, []string{"", "0.0.0.0", "[::]"})+":"+strconv.Itoa(p)))
	case g.maybe(0.6):
		t.set("addr", g.str(g.listenAddr()))
	default:
		g.ports[9090] = true // the default 127.0.0.1:9090
	}
	if g.maybe(0.5) {
		t.set("pprof", boolLit(g.maybe(0.5)))
	}
}

func (g *gen) windows(t *table) {
	if g.maybe(0.5) {
		t.set("start", g.enum("windows", "start"))
	}
	if g.maybe(0.6) {
		var account, passwordEnv string
		switch x := g.r.IntN(10); {
		case x < 5:
			account = pick(g, g.m.tables["windows"]["account"].Enum)
		case x < 7:
			account = pick(g, []string{`CORP\orders$`, `NT AUTHORITY\LocalService`, `NT SERVICE\orders`, `nt authority\NetworkService`})
		default:
			account = pick(g, []string{`CORP\orders`, `.\svc-orders`, `DOMAIN\user name`, `EXAMPLE\a`})
			passwordEnv = g.envName()
		}
		t.set("account", g.str(account))
		if passwordEnv != "" {
			t.set("password_env", g.str(passwordEnv))
		}
	}
	if g.maybe(0.4) {
		var deps []string
		seen := map[string]bool{}
		for i := g.r.IntN(5); i > 0; i-- {
			d := pick(g, []string{"Tcpip", "+NetworkProvider", "Dnscache", "LanmanWorkstation", "My Service", `a"b`, "x'y",
				"%s", "日本", "svcrt", "+", "++Group"})
			if g.maybe(0.05) {
				d = g.fill(256, false)
			}
			key := strings.ToLower(d)
			if d == "+" || seen[key] || strings.ContainsAny(d, `/\`) {
				continue
			}
			seen[key] = true
			deps = append(deps, g.str(d))
		}
		t.set("dependencies", g.array(deps))
	}
	if g.maybe(0.4) {
		t.set("preshutdown", g.durLit(g.anyDuration("windows", "preshutdown")))
	}
	if g.maybe(0.5) {
		g.recovery(t)
	}
	if g.maybe(0.4) {
		d := g.anyDuration("windows", "recovery_reset").Truncate(time.Second)
		t.set("recovery_reset", g.durLit(d))
	}
	if g.maybe(0.4) {
		t.set("recovery_on_non_crash", boolLit(g.maybe(0.5)))
	}
	if g.maybe(0.4) {
		t.set("event_log", boolLit(g.maybe(0.5)))
	}
	if g.maybe(0.3) {
		t.set("firewall", boolLit(g.maybe(0.5)))
	}
}

// recovery writes windows.recovery in one of its three forms.
func (g *gen) recovery(t *table) {
	n := g.r.IntN(5)
	if g.maybe(0.05) {
		n = 12
	}
	actions := make([][]kv, n)
	for i := range actions {
		actions[i] = append(actions[i], kv{"action", g.str(pick(g, g.m.tables["windows"]["recovery"].Items.Props["action"].Enum))})
		if g.maybe(0.7) {
			actions[i] = append(actions[i], kv{"delay", g.durLit(g.anyDuration("windows", "recovery", "0", "delay"))})
		}
	}
	if n > 0 && g.maybe(0.4) {
		for _, a := range actions {
			g.tables = append(g.tables, &table{name: "windows.recovery", array: true, keys: a})
		}
		return
	}
	var vals []string
	for _, a := range actions {
		s := "{"
		for i, k := range a {
			if i > 0 {
				s += ","
			}
			s += " " + k.key + " = " + k.val
		}
		vals = append(vals, s+" }")
	}
	t.set("recovery", g.array(vals))
}

// simpleTable writes the tables whose keys depend on little else.
func (g *gen) simpleTable(t *table) {
	switch t.name {
	case "systemd":
		if g.maybe(0.2) {
			t.set("enabled", boolLit(g.maybe(0.5)))
		}
		if g.socketActivation {
			t.set("socket_activation", "true")
		} else if g.maybe(0.2) {
			t.set("socket_activation", "false")
		}
		if g.maybe(0.5) {
			t.set("user", g.str(pick(g, []string{"orders", "_svc", "a", "nobody", "user$", "x-y", "svcrt", "u" + strings.Repeat("x", 31)})))
		}
		if g.maybe(0.5) {
			t.set("restart_sec", g.durLit(g.anyDuration("systemd", "restart_sec")))
		}
		if g.maybe(0.5) {
			t.set("watchdog", g.durLit(g.anyDuration("systemd", "watchdog")))
		}
	case "log":
		g.logTable(t)
	case "runtime":
		if g.maybe(0.5) {
			t.set("gomaxprocs", g.intLit(g.bigInt(0, "runtime", "gomaxprocs")))
		}
		if g.maybe(0.5) {
			t.set("gc_percent", g.intLit(pick(g, []int{-1, 0, 1, 100, spec.IntLimit("runtime", "gc_percent"), g.bigInt(0, "runtime", "gc_percent")})))
		}
		if g.maybe(0.5) {
			t.set("memory_limit", g.str(pick(g, []string{"0", "0B", "1", "1KiB", "512MiB", "2GiB", "1TiB", "8388607TiB", "9223372036854775807B", "9223372036854775807"})))
		}
	case "metrics":
		if g.maybe(0.3) {
			t.set("enabled", boolLit(g.maybe(0.5)))
		}
	case "watchdog":
		if g.maybe(0.3) {
			t.set("enabled", boolLit(g.maybe(0.5)))
		}
		interval := spec.DefaultWatchInterval
		if g.maybe(0.5) {
			interval = g.between(time.Nanosecond, time.Hour)
			if g.maybe(0.05) {
				interval, _ = spec.DurationLimit("watchdog", "interval")
			}
			t.set("interval", g.durLit(interval))
		}
		if g.maybe(0.5) {
			t.set("failures", g.intLit(g.bigInt(1, "watchdog", "failures")))
		}
		if g.maybe(0.5) {
			exit := time.Duration(0)
			if g.maybe(0.7) {
				exit = g.between(interval, max(interval, 2*time.Hour))
			}
			t.set("exit_after", g.durLit(exit))
		}
	case "kubernetes":
		if g.maybe(0.3) {
			t.set("enabled", boolLit(g.maybe(0.5)))
		}
		if g.maybe(0.5) {
			t.set("image", g.str(pick(g, []string{"orders", "orders:1.0", "registry.example.com/a/b:latest", "ghcr.io/acme/orders@sha256:" + strings.Repeat("a", 64), `a"b`, "%s", "{{.Name}}"})))
		}
		if g.maybe(0.5) {
			t.set("namespace", g.str(pick(g, []string{"default", "a", "kube-system", "x1", "0", "n" + strings.Repeat("s", 61) + "z"})))
		}
		if g.maybe(0.5) {
			t.set("replicas", g.intLit(g.bigInt(0, "kubernetes", "replicas")))
		}
	}
}

func (g *gen) logTable(t *table) {
	if g.maybe(0.5) {
		t.set("format", g.enum("log", "format"))
	}
	if g.maybe(0.5) {
		t.set("level", g.enum("log", "level"))
	}
	file := g.maybe(0.5)
	if file {
		t.set("file", g.str(g.path()))
		if g.maybe(0.5) {
			t.set("max_size_mb", g.intLit(g.bigInt(0, "log", "max_size_mb")))
		}
		if g.maybe(0.5) {
			t.set("max_age", g.durLit(g.anyDuration("log", "max_age")))
		}
		if g.maybe(0.5) {
			t.set("max_backups", g.intLit(g.bigInt(0, "log", "max_backups")))
		}
		if g.maybe(0.5) {
			t.set("compress", boolLit(g.maybe(0.5)))
		}
	}
	if g.maybe(0.4) {
		t.set("stderr", boolLit(!file || g.maybe(0.5)))
	}
}

// metricsRegister sometimes names the [metrics] register function, once
// the resources' types are known, where /metrics is served.
func (g *gen) metricsRegister() {
	t := g.tableNamed("metrics")
	if t == nil {
		return
	}
	if v, set := t.get("enabled"); set && v != "true" {
		return
	}
	if g.maybe(0.5) {
		t.set("register", g.str(g.funcName("func(prometheus.Registerer) error")))
	}
}

func (g *gen) hooks(t *table) {
	const sig = "func(context.Context) error"
	list := func(key string) {
		n := g.r.IntN(4)
		if g.maybe(0.05) {
			n = 12
		}
		var vals []string
		seen := map[string]bool{}
		for i := 0; i < n; i++ {
			name := g.funcName(sig)
			if !seen[name] {
				seen[name] = true
				vals = append(vals, g.str(name))
			}
		}
		t.set(key, g.array(vals))
	}
	if g.maybe(0.6) {
		list("after_ready")
	}
	if g.maybe(0.6) {
		list("before_drain")
	}
	if g.maybe(0.5) {
		t.set("reload", g.str(g.funcName(sig)))
	}
}

// funcName names a user function of signature sig: sometimes one already
// named with the same signature (spec allows sharing it), else a new one
// that is neither a function of another signature nor a custom type.
func (g *gen) funcName(sig string) string {
	if g.maybe(0.2) {
		var same []string
		for _, n := range g.funcOrder {
			if g.funcs[n] == sig {
				same = append(same, n)
			}
		}
		if len(same) > 0 {
			return pick(g, same)
		}
	}
	for {
		n := g.funcCandidate()
		if g.types[n] {
			continue
		}
		if s, ok := g.funcs[n]; ok {
			if s == sig {
				return n
			}
			continue
		}
		if !identOK(n) {
			continue
		}
		g.funcs[n] = sig
		g.funcOrder = append(g.funcOrder, n)
		return n
	}
}

// fixedKeys is a random set of overridable keys, each once, quoted.
func (g *gen) fixedKeys(ovs []spec.Override) []string {
	var out []string
	for _, o := range ovs {
		if g.maybe(0.3) {
			out = append(out, g.str(o.Key))
		}
	}
	return out
}
