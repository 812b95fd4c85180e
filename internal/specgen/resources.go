package specgen

import (
	"slices"
	"strings"
	"time"

	"github.com/svcgen/svcgen/spec"
)

// resourceTables writes the [resource.NAME] tables: names, kinds and the
// keys of each kind, then a random acyclic depends_on, then the user
// functions, whose signatures depend on the dependencies' types.
func (g *gen) resourceTables() {
	var n int
	switch x := g.r.IntN(100); {
	case x < 8:
		n = 0
	case x < 75:
		n = 1 + g.r.IntN(6)
	case x < 95:
		n = 7 + g.r.IntN(14)
	case x < 99:
		n = 21 + g.r.IntN(40)
	default:
		n = 61 + g.r.IntN(90)
	}
	for i := 0; i < n; i++ {
		r := &resource{name: g.resourceName(), kind: pick(g, g.m.kinds), open: g.start}
		r.t = &table{name: "resource." + r.name}
		g.resources = append(g.resources, r)
		g.tables = append(g.tables, r.t)
		r.t.set("kind", g.str(r.kind))
		g.commonKeys(r)
		switch r.kind {
		case spec.KindHTTP:
			g.httpKeys(r)
		case spec.KindGRPC:
			g.grpcKeys(r)
		case spec.KindSQL:
			g.sqlKeys(r)
		case spec.KindRedis:
			g.redisKeys(r)
		case spec.KindHTTPClient:
			g.httpClientKeys(r)
		case spec.KindCustom:
			g.customType(r)
		}
		for _, k := range g.m.kindKeys[r.kind] {
			if !slices.Contains(resourceKnownKeys, k) && g.maybe(0.3) {
				r.t.set(k, g.generic(g.m.resource[k], "resource", "*", k))
			}
		}
	}
	g.dependencies()
	for _, r := range g.resources {
		g.functions(r)
		g.onFailure(r)
	}
}

// onFailure sometimes writes on_failure, where spec takes it: a resource
// [watchdog] checks (sql and redis always, an http_client with warm_path, a
// custom resource with check), in a spec whose [watchdog] runs.
func (g *gen) onFailure(r *resource) {
	checked := false
	switch r.kind {
	case spec.KindSQL, spec.KindRedis:
		checked = true
	case spec.KindHTTPClient:
		_, checked = r.t.get("warm_path")
	case spec.KindCustom:
		_, checked = r.t.get("check")
	}
	if !checked || !g.watchdogRuns() || !g.maybe(0.5) {
		return
	}
	r.t.set("on_failure", g.str(pick(g, spec.OnFailures)))
}

// watchdogRuns reports whether the spec has a [watchdog] table that does
// not say enabled = false.
func (g *gen) watchdogRuns() bool {
	t := g.tableNamed("watchdog")
	if t == nil {
		return false
	}
	v, set := t.get("enabled")
	return !set || v == "true"
}

// tableNamed is the table written under name, or nil.
func (g *gen) tableNamed(name string) *table {
	for _, t := range g.tables {
		if t.name == name && !t.array {
			return t
		}
	}
	return nil
}

// resourceKnownKeys are the resource keys whose rules specgen follows.
var resourceKnownKeys = []string{
	"kind", "depends_on", "critical", "open_timeout", "close_timeout",
	"addr", "handler", "read_header_timeout", "read_timeout", "write_timeout", "idle_timeout",
	"max_header_bytes", "tls_cert_file", "tls_key_file",
	"driver", "dsn", "dsn_env", "dsn_file", "max_open", "max_idle", "warm", "conn_max_lifetime",
	"conn_max_idle_time", "ping_timeout", "warm_query",
	"addr_env", "password_env", "db", "pool_size", "min_idle", "dial_timeout",
	"base_url_env", "warm_path", "max_idle_per_host", "idle_conn_timeout", "tls_handshake_timeout",
	"request_timeout", "retries", "retry_base", "retry_max", "breaker_failures", "breaker_cooldown",
	"run", "open", "close", "type", "check", "on_failure", "fixed", "port_env", "optional_env",
	"register", "max_recv_msg_size", "max_send_msg_size", "max_concurrent_streams",
	"keepalive_min_time", "keepalive_permit_without_stream", "keepalive_time", "keepalive_timeout",
	"max_connection_age", "max_connection_age_grace", "reflection",
}

// resourceName is a name spec accepts whose Go name no other resource has.
func (g *gen) resourceName() string {
	for {
		name := g.resourceCandidate()
		// A resource named admin would share [admin]'s override variables.
		// Two names that differ only in case share their override variables.
		env := "env:" + spec.EnvWord(name)
		if g.goNames[spec.GoName(name)] || g.goNames[env] || !resourceNameOK(name) || spec.EnvWord(name) == "ADMIN" {
			continue
		}
		g.goNames[spec.GoName(name)], g.goNames[env] = true, true
		return name
	}
}

func (g *gen) commonKeys(r *resource) {
	t := r.t
	if g.maybe(0.3) {
		t.set("critical", boolLit(g.maybe(0.5)))
	}
	if g.maybe(0.3) {
		r.open = g.between(time.Nanosecond, g.start)
		t.set("open_timeout", g.durLit(r.open))
	}
	if g.maybe(0.3) {
		t.set("close_timeout", g.durLit(g.between(time.Nanosecond, g.stop)))
	}
	if g.maybe(0.15) {
		keys := g.fixedKeys(spec.ResourceOverrides(r.kind))
		for _, k := range keys {
			r.fixed = append(r.fixed, k[1:len(k)-1])
		}
		t.set("fixed", g.array(keys))
	}
}

// optDur sets a duration key that only has to be non-negative.
func (g *gen) optDur(t *table, key string) {
	if g.maybe(0.3) {
		t.set(key, g.durLit(g.anyDuration("resource", "*", key)))
	}
}

func (g *gen) httpKeys(r *resource) {
	t := r.t
	t.set("addr", g.str(g.listenAddr()))
	for _, k := range []string{"read_header_timeout", "read_timeout", "write_timeout", "idle_timeout"} {
		g.optDur(t, k)
	}
	if g.maybe(0.3) {
		t.set("max_header_bytes", g.intLit(g.bigInt(1, "resource", "*", "max_header_bytes")))
	}
	if g.maybe(0.2) {
		t.set("tls_cert_file", g.str(g.path()))
		t.set("tls_key_file", g.str(g.path()))
	}
	// One resource may take a platform's PORT; port_env overrides addr, so
	// not with addr fixed.
	if !slices.Contains(r.fixed, "addr") && !g.portEnvTaken && g.maybe(0.3) {
		g.portEnvTaken = true
		t.set("port_env", g.str("PORT"))
	}
}

// grpcKeys writes a grpc server's keys: keepalive_time at least 1s,
// keepalive_timeout above 0, an age grace only with an age.
func (g *gen) grpcKeys(r *resource) {
	t := r.t
	t.set("addr", g.str(g.listenAddr()))
	for _, k := range []string{"max_recv_msg_size", "max_send_msg_size"} {
		if g.maybe(0.3) {
			t.set(k, g.intLit(g.bigInt(1, "resource", "*", k)))
		}
	}
	if g.maybe(0.3) {
		t.set("max_concurrent_streams", g.intLit(g.bigInt(0, "resource", "*", "max_concurrent_streams")))
	}
	g.optDur(t, "keepalive_min_time")
	if g.maybe(0.3) {
		t.set("keepalive_time", g.durLit(max(g.anyDuration("resource", "*", "keepalive_time"), time.Second)))
	}
	if g.maybe(0.3) {
		t.set("keepalive_timeout", g.durLit(max(g.anyDuration("resource", "*", "keepalive_timeout"), time.Millisecond)))
	}
	if g.maybe(0.3) {
		t.set("max_connection_age", g.durLit(g.anyDuration("resource", "*", "max_connection_age")))
		g.optDur(t, "max_connection_age_grace")
	}
	for _, k := range []string{"keepalive_permit_without_stream", "reflection"} {
		if g.maybe(0.3) {
			t.set(k, pick(g, []string{"true", "false"}))
		}
	}
	if g.maybe(0.2) {
		t.set("tls_cert_file", g.str(g.path()))
		t.set("tls_key_file", g.str(g.path()))
	}
}

// dsns are connection strings without a password.
var dsns = []string{
	"postgres://app@localhost:5432/orders?sslmode=disable", "host=localhost user=app dbname=orders",
	"app@tcp(localhost:3306)/orders?parseTime=true", "sqlserver://app@localhost?database=orders",
	"/orders", "x", `C:\data\orders`, "%s", "`", "*/",
}

func (g *gen) sqlKeys(r *resource) {
	t := r.t
	driver := pick(g, g.m.resource["driver"].Enum)
	t.set("driver", g.str(driver))
	switch g.r.IntN(3) {
	case 0:
		t.set("dsn_env", g.str(g.envName()))
	case 1:
		t.set("dsn_file", g.str(g.path()))
	default:
		dsn := pick(g, dsns)
		if g.maybe(0.3) {
			dsn = g.text(spec.MaxStringBytes, true)
		}
		if dsn == "" || spec.DSNHoldsCredential(driver, dsn) {
			// A literal another driver reads without a password (mysql
			// reads postgres://app@ as user "postgres", password "//app").
			dsn = "x"
		}
		t.set("dsn", g.str(dsn))
	}
	// warm <= max_idle <= max_open, each where given.
	limit := -1
	if g.maybe(0.4) {
		limit = g.bigInt(1, "resource", "*", "max_open")
		t.set("max_open", g.intLit(limit))
	}
	if g.maybe(0.4) {
		idle := g.bigInt(0, "resource", "*", "max_idle")
		if limit >= 0 {
			idle = g.count(0, limit)
		}
		limit = idle
		t.set("max_idle", g.intLit(idle))
	}
	if g.maybe(0.5) {
		warm := g.bigInt(0, "resource", "*", "warm")
		if limit >= 0 {
			warm = g.count(0, limit)
		}
		t.set("warm", g.intLit(warm))
	}
	g.optDur(t, "conn_max_lifetime")
	g.optDur(t, "conn_max_idle_time")
	if g.maybe(0.3) {
		t.set("ping_timeout", g.durLit(g.between(0, r.open)))
	}
	if g.maybe(0.3) {
		q := pick(g, []string{"SELECT 1", "select 1 -- \"x\"", "/* */ SELECT `a`", "%s"})
		if g.maybe(0.3) {
			q = g.text(spec.MaxStringBytes, true)
		}
		t.set("warm_query", g.str(q))
	}
}

func (g *gen) redisKeys(r *resource) {
	t := r.t
	if g.maybe(0.5) {
		t.set("addr_env", g.str(g.envName()))
	} else {
		t.set("addr", g.str(pick(g, []string{"localhost:6379", "127.0.0.1:1", "[::1]:65535", "cache.internal:6379",
			"redis://localhost:6379/0", "rediss://user@cache.example.com:6380", "redis://:@localhost"})))
	}
	if g.maybe(0.3) {
		t.set("password_env", g.str(g.envName()))
		if g.maybe(0.3) {
			t.set("optional_env", g.array([]string{g.str("password_env")}))
		}
	}
	if g.maybe(0.3) {
		t.set("db", g.intLit(g.bigInt(0, "resource", "*", "db")))
	}
	// warm and min_idle fit the pool size in effect.
	pool := -1
	if g.maybe(0.4) {
		pool = g.bigInt(1, "resource", "*", "pool_size")
		t.set("pool_size", g.intLit(pool))
	}
	warm := 1
	if g.maybe(0.5) {
		if pool >= 0 {
			warm = g.count(0, pool)
		} else {
			warm = g.bigInt(0, "resource", "*", "warm")
		}
		t.set("warm", g.intLit(warm))
	}
	if pool < 0 {
		pool = max(spec.DefaultRedisPoolSize, warm)
	}
	if g.maybe(0.3) {
		t.set("min_idle", g.intLit(g.count(0, pool)))
	}
	if g.maybe(0.3) {
		t.set("dial_timeout", g.durLit(g.between(0, r.open)))
	}
	g.optDur(t, "read_timeout")
	g.optDur(t, "write_timeout")
}

func (g *gen) httpClientKeys(r *resource) {
	t := r.t
	t.set("base_url_env", g.str(g.envName()))
	limit := -1
	if g.maybe(0.4) {
		limit = g.bigInt(1, "resource", "*", "max_idle_per_host")
		t.set("max_idle_per_host", g.intLit(limit))
	}
	if g.maybe(0.5) {
		warm := g.bigInt(0, "resource", "*", "warm")
		if limit >= 0 {
			warm = g.count(0, limit)
		}
		t.set("warm", g.intLit(warm))
	}
	if g.maybe(0.5) {
		p := pick(g, []string{"/healthz", "/", "/a b", "/%s", "/日本", "/\"q\"", "/" + strings.Repeat("p", 300)})
		t.set("warm_path", g.str(p))
	}
	for _, k := range []string{"idle_conn_timeout", "tls_handshake_timeout", "request_timeout", "breaker_cooldown"} {
		g.optDur(t, k)
	}
	if g.maybe(0.3) {
		t.set("retries", g.intLit(g.bigInt(0, "resource", "*", "retries")))
	}
	if g.maybe(0.3) {
		t.set("breaker_failures", g.intLit(g.bigInt(0, "resource", "*", "breaker_failures")))
	}
	// retry_base <= retry_max in effect (retry_max defaults to at least
	// retry_base, retry_base to 100ms).
	setMax, setBase := g.maybe(0.3), g.maybe(0.3)
	if setMax {
		top := g.anyDuration("resource", "*", "retry_max")
		t.set("retry_max", g.durLit(top))
		if setBase || top < spec.DefaultRetryBase {
			t.set("retry_base", g.durLit(g.between(0, top)))
		}
	} else if setBase {
		t.set("retry_base", g.durLit(g.anyDuration("resource", "*", "retry_base")))
	}
}

// customType gives a custom resource its type: the default (the Go name),
// one of its own, or the type of another custom resource.
func (g *gen) customType(r *resource) {
	switch x := g.r.IntN(10); {
	case x < 5:
		r.typ = spec.GoName(r.name)
	case x < 6 && len(g.typeOrder) > 0:
		r.typ = pick(g, g.typeOrder)
		r.t.set("type", g.str(r.typ))
	default:
		for r.typ == "" || !identOK(r.typ) {
			r.typ = g.funcCandidate()
		}
		r.t.set("type", g.str(r.typ))
	}
	if !g.types[r.typ] {
		g.types[r.typ] = true
		g.typeOrder = append(g.typeOrder, r.typ)
	}
}

// dependencies draws a random DAG: a random rank for every resource, and
// each depends on some of the resources ranked before it.
func (g *gen) dependencies() {
	rank := g.r.Perm(len(g.resources))
	for i, r := range g.resources {
		var earlier []*resource
		for j, o := range g.resources {
			if rank[j] < rank[i] {
				earlier = append(earlier, o)
			}
		}
		n := 0
		switch x := g.r.IntN(10); {
		case x < 4 || len(earlier) == 0:
		case x < 7:
			n = 1
		case x < 9:
			n = min(len(earlier), 2+g.r.IntN(2))
		default:
			n = len(earlier)
		}
		g.r.Shuffle(len(earlier), func(a, b int) { earlier[a], earlier[b] = earlier[b], earlier[a] })
		r.deps = earlier[:n]
		if n > 0 || g.maybe(0.1) {
			var vals []string
			for _, d := range r.deps {
				vals = append(vals, g.str(d.name))
			}
			r.t.set("depends_on", g.array(vals))
		}
	}
}

// params are the Go types a resource's user function receives from its
// dependencies, written as spec states them in its messages.
func params(r *resource) string {
	var out []string
	for _, d := range r.deps {
		switch d.kind {
		case spec.KindSQL:
			out = append(out, "*sql.DB")
		case spec.KindRedis:
			out = append(out, "*redis.Client")
		case spec.KindHTTPClient:
			out = append(out, "the "+d.name+" client")
		case spec.KindCustom:
			out = append(out, "*"+d.typ)
		}
	}
	return strings.Join(out, ", ")
}

func withContext(p string) string {
	if p == "" {
		return "context.Context"
	}
	return "context.Context, " + p
}

// functions names a resource's user functions.
func (g *gen) functions(r *resource) {
	t := r.t
	p := params(r)
	switch r.kind {
	case spec.KindHTTP:
		t.set("handler", g.str(g.funcName("func("+p+") (http.Handler, error)")))
	case spec.KindGRPC:
		reg := "grpc.ServiceRegistrar"
		if p != "" {
			reg += ", " + p
		}
		t.set("register", g.str(g.funcName("func("+reg+") error")))
	case spec.KindWorker:
		t.set("run", g.str(g.funcName("func("+withContext(p)+") error")))
	case spec.KindCustom:
		t.set("open", g.str(g.funcName("func("+withContext(p)+") (*"+r.typ+", error)")))
		both := "func(context.Context, *" + r.typ + ") error"
		if g.maybe(0.4) {
			t.set("close", g.str(g.funcName(both)))
		}
		if g.maybe(0.5) {
			t.set("check", g.str(g.funcName(both)))
		}
	}
}
