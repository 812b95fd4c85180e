package spec

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// minimal is the smallest valid spec; tests append tables to it.
const minimal = `[service]
name = "orders"
`

func mustParse(t *testing.T, src string) *Spec {
	t.Helper()
	s, err := Parse("service.toml", []byte(src))
	if err != nil {
		t.Fatalf("unexpected error:\n%v", err)
	}
	return s
}

// parseErr parses src and returns the rendered errors.
func parseErr(t *testing.T, src string) string {
	t.Helper()
	_, err := Parse("service.toml", []byte(src))
	if err == nil {
		t.Fatalf("spec accepted:\n%s", src)
	}
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error is %T, not an ErrorList: %v", err, err)
	}
	return err.Error()
}

func TestDefaults(t *testing.T) {
	s := mustParse(t, minimal+`
[resource.db]
kind = "sql"
driver = "pgx"
dsn_env = "DSN"

[resource.cache]
kind = "redis"
addr_env = "REDIS"

[resource.up]
kind = "http_client"
base_url_env = "UP"

[resource.api]
kind = "http"
addr = ":8080"
handler = "NewAPI"

[resource.state]
kind = "custom"
open = "LoadState"
`)
	sec := time.Second
	checks := []struct {
		name      string
		got, want any
	}{
		{"start", s.Timeouts.Start.Duration, 30 * sec},
		{"stop", s.Timeouts.Stop.Duration, 20 * sec},
		{"drain_delay", s.Timeouts.DrainDelay.Duration, time.Duration(0)},
		{"critical", s.Timeouts.Critical.Duration, 2 * sec},
		{"drain", s.Timeouts.Drain.Duration, 9 * sec},
		{"shutdown", s.Timeouts.Shutdown.Duration, 5 * sec},
		{"start not set", s.Timeouts.Start.Set, false},
		{"admin", s.Admin.Addr, "127.0.0.1:9090"},
		{"windows start", s.Windows.Start, "auto"},
		{"account", s.Windows.Account, "LocalService"},
		{"service account", s.ServiceAccount(), `NT AUTHORITY\LocalService`},
		{"preshutdown", s.Windows.Preshutdown.Duration, 20 * sec},
		{"recovery", len(s.Windows.Recovery), 3},
		{"recovery reset", s.Windows.RecoveryReset.Duration, 24 * time.Hour},
		{"non crash", *s.Windows.RecoveryOnNonCrash, true},
		{"log format", s.Log.Format, "text"},
		{"log level", s.Log.Level, "info"},
		{"stderr", *s.Log.Stderr, true},
		{"watchdog off", s.Watchdog.Enabled, false},
		{"watchdog interval", s.Watchdog.Interval.Duration, 10 * sec},
		{"watchdog failures", s.Watchdog.Failures, 3},
		{"watchdog exit", s.Watchdog.ExitAfter.Duration, time.Minute},
		{"metrics off", s.Metrics.Enabled, false},
		{"k8s image", s.Kubernetes.Image, "orders"},
		{"gc percent unset", s.Runtime.GCPercent == nil, true},

		{"db open", s.Resources[0].OpenTimeout.Duration, 30 * sec},
		{"db close", s.Resources[0].CloseTimeout.Duration, 9 * sec},
		{"db warm", s.Resources[0].Warm, 1},
		{"db max_open", s.Resources[0].MaxOpen, 10},
		{"db max_idle", s.Resources[0].MaxIdle, 2},
		{"db ping", s.Resources[0].PingTimeout.Duration, 5 * sec},
		{"db lifetime", s.Resources[0].ConnMaxLifetime.Duration, 30 * time.Minute},
		{"redis pool", s.Resources[1].PoolSize, 10},
		{"redis warm", s.Resources[1].Warm, 1},
		{"redis min idle", s.Resources[1].MinIdle, 1},
		{"redis dial", s.Resources[1].DialTimeout.Duration, 5 * sec},
		{"client idle per host", s.Resources[2].MaxIdlePerHost, 16},
		{"client idle", s.Resources[2].IdleConnTimeout.Duration, 90 * sec},
		{"client tls", s.Resources[2].TLSHandshakeTimeout.Duration, 10 * sec},
		{"client request", s.Resources[2].RequestTimeout.Duration, 30 * sec},
		{"client retries", s.Resources[2].Retries, 2},
		{"client retry base", s.Resources[2].RetryBase.Duration, 100 * time.Millisecond},
		{"client retry max", s.Resources[2].RetryMax.Duration, 2 * sec},
		{"client breaker", s.Resources[2].BreakerFailures, 5},
		{"client cooldown", s.Resources[2].BreakerCooldown.Duration, 30 * sec},
		{"http read header", s.Resources[3].ReadHeaderTimeout.Duration, 5 * sec},
		{"http idle", s.Resources[3].IdleTimeout.Duration, 60 * sec},
		{"http header bytes", s.Resources[3].MaxHeaderBytes, 1 << 20},
		{"custom type", s.Resources[4].Type, "State"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// TestGivenValuesKept: a value the spec gives is never replaced by a
// default, including an explicit zero.
func TestGivenValuesKept(t *testing.T) {
	s := mustParse(t, minimal+`
[timeouts]
stop = "10s"
drain_delay = "3s"

[windows]
recovery = []

[log]
stderr = false
file = "x.log"
max_backups = 0

[metrics]

[watchdog]
enabled = false

[resource.db]
kind = "sql"
driver = "pgx"
dsn_env = "DSN"
max_idle = 0

[resource.up]
kind = "http_client"
base_url_env = "UP"
retries = 0
breaker_failures = 0
retry_base = "3s"
`)
	db, up := s.Resources[0], s.Resources[1]
	checks := []struct {
		name      string
		got, want any
	}{
		{"stop", s.Timeouts.Stop, Duration{10 * time.Second, true}},
		{"critical", s.Timeouts.Critical.Duration, time.Second},
		{"drain", s.Timeouts.Drain.Duration, 3 * time.Second},
		{"close phase", s.Timeouts.ClosePhase(), 3 * time.Second},
		{"recovery empty", s.Windows.Recovery != nil && len(s.Windows.Recovery) == 0, true},
		{"stderr", *s.Log.Stderr, false},
		{"max_backups", s.Log.MaxBackups, 0},
		{"metrics by table", s.Metrics.Enabled, true},
		{"watchdog explicit off", s.Watchdog.Enabled, false},
		{"db warm follows max_idle", db.Warm, 0},
		{"db max_idle", db.MaxIdle, 0},
		{"retries", up.Retries, 0},
		{"breaker", up.BreakerFailures, 0},
		{"retry max follows base", up.RetryMax.Duration, 3 * time.Second},
		{"has retries", s.Has("resource", "up", "retries"), true},
		{"has not request_timeout", s.Has("resource", "up", "request_timeout"), false},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestPositions(t *testing.T) {
	src := "# comment [not.a.table]\n" +
		"[service]\n" +
		"name = \"orders\" # trailing\n" +
		"description = '''\n" +
		"two [lines]\n" +
		"'''\n" +
		"\"display_name\" = \"x = [y]\"\n" +
		"\n" +
		"[windows]\n" +
		"recovery = [\n" +
		"  { action = \"restart\", delay = \"5s\" },\n" +
		"  {action=\"none\"},\n" +
		"]\n" +
		"dependencies = [\"A\", \"B\"]\n" +
		"\n" +
		"  [resource.api]\n" +
		"  kind = \"http\"\n" +
		"  addr = \":8080\"\r\n" +
		"  handler = \"NewAPI\"\n" +
		"[resource]\n" +
		"db.kind = \"custom\"\n" +
		"db . open = \"Open\"\n"
	s := mustParse(t, src)
	cases := []struct {
		key  bool
		path []string
		want string // line:col
	}{
		{false, []string{"service"}, "2:1"},
		{true, []string{"service"}, "2:2"},
		{true, []string{"service", "name"}, "3:1"},
		{false, []string{"service", "name"}, "3:8"},
		{false, []string{"service", "description"}, "4:15"},
		{true, []string{"service", "display_name"}, "7:1"},
		{false, []string{"service", "display_name"}, "7:18"},
		{false, []string{"windows", "recovery"}, "10:12"},
		{false, []string{"windows", "recovery", "0"}, "11:3"},
		{true, []string{"windows", "recovery", "0", "delay"}, "11:25"},
		{false, []string{"windows", "recovery", "0", "delay"}, "11:33"},
		{false, []string{"windows", "recovery", "1", "action"}, "12:11"},
		{false, []string{"windows", "dependencies", "1"}, "14:22"},
		{false, []string{"resource", "api"}, "16:3"},
		{true, []string{"resource", "api"}, "16:13"},
		{false, []string{"resource", "api", "handler"}, "19:13"},
		{true, []string{"resource", "db"}, "21:1"},
		{false, []string{"resource", "db", "open"}, "22:13"},
		{true, []string{"resource", "db", "open"}, "22:6"},
		// Not written: the closest written ancestor.
		{false, []string{"resource", "api", "idle_timeout"}, "16:3"},
		{false, []string{"hooks"}, "1:1"},
	}
	for _, c := range cases {
		p := s.Pos(c.path...)
		if c.key {
			p = s.KeyPos(c.path...)
		}
		if got := strings.TrimPrefix(p.String(), "service.toml:"); got != c.want {
			t.Errorf("pos(key=%v, %v) = %s, want %s", c.key, c.path, got, c.want)
		}
	}
	checkPositions(t, s)
	if got := s.Resources[0].Name + "," + s.Resources[1].Name; got != "api,db" {
		t.Errorf("resource order %s, want api,db", got)
	}
}

func TestArrayOfTablesPositions(t *testing.T) {
	src := minimal + `
[[windows.recovery]]
action = "restart"
delay = "5s"

[[windows.recovery]]
action = "reboot"
dealy = "1s"
`
	got := parseErr(t, src)
	want := `service.toml:10:1: unknown key "dealy" in windows.recovery[1] (did you mean "delay"?)`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	s := mustParse(t, strings.Replace(src, "dealy", "delay", 1))
	if p := s.Pos("windows", "recovery", "1", "action"); p.Line != 9 || p.Col != 10 {
		t.Errorf("recovery[1].action at %v, want 9:10", p)
	}
	if len(s.Windows.Recovery) != 2 || s.Windows.Recovery[1].Action != "reboot" {
		t.Errorf("recovery = %+v", s.Windows.Recovery)
	}
}

// TestErrors checks single problems: each snippet (added to a minimal
// spec) must fail with exactly the wanted message at the wanted position.
func TestErrors(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"bare integer duration", "[timeouts]\nstop = 30\n",
			`5:8: timeouts.stop must be a duration string like "30s", not the number 30`},
		{"case-only key", "[admin]\nAddr = \":1\"\n",
			`5:1: unknown key "Addr" in [admin] (did you mean "addr"?)`},
		{"scalar at top level", "addr = \":1\"\n" + minimal,
			`1:1: unknown key "addr" outside any table`},
		{"resource not a table", "[resource]\ndb = 1\n",
			`5:6: resource.db must be a table: write [resource.db] with a kind`},
		{"resources not a table", "resource = 1\n" + minimal,
			`1:12: resource must be a table: declare resources as [resource.NAME] tables`},
		{"account with password env", "[windows]\naccount = \"LocalSystem\"\npassword_env = \"PW\"\n",
			`6:16: windows.password_env is only for a DOMAIN\user account, not LocalSystem`},
		{"critical beyond stop", "[timeouts]\nstop = \"2s\"\ncritical = \"2s\"\n",
			`6:12: drain_delay (0s) plus critical (2s) must be shorter than the stop budget (timeouts.stop = 2s)`},
		{"budget sum of the longest durations", "[timeouts]\nstop = \"1ns\"\ndrain_delay = \"100000h\"\ncritical = \"3ns\"\n",
			`6:15: drain_delay (100000h) plus critical (3ns) must be shorter than the stop budget (timeouts.stop = 1ns)`},
		{"stderr off without file", "[log]\nstderr = false\n",
			`5:10: log.stderr = false needs log.file, or nothing is logged`},
		{"tls half", "[resource.api]\nkind = \"http\"\naddr = \":1\"\nhandler = \"H\"\ntls_cert_file = \"c.pem\"\n",
			`8:1: tls_cert_file needs tls_key_file in [resource.api]`},
		{"warm path", "[resource.up]\nkind = \"http_client\"\nbase_url_env = \"U\"\nwarm_path = \"healthz\"\n",
			`7:13: resource.up.warm_path "healthz" must start with /`},
		{"retry order", "[resource.up]\nkind = \"http_client\"\nbase_url_env = \"U\"\nretry_base = \"1s\"\nretry_max = \"500ms\"\n",
			`7:14: retry_base (1s) is longer than retry_max (500ms) in [resource.up]`},
		{"env name", "[resource.db]\nkind = \"sql\"\ndriver = \"pgx\"\ndsn_env = \"MY-DSN\"\n",
			`7:11: resource.db.dsn_env: "MY-DSN" is not an environment variable name (letters, digits and _, like "ORDERS_DB_DSN")`},
		{"redis addr without port", "[resource.c]\nkind = \"redis\"\naddr = \"cache\"\n",
			`6:8: resource.c.addr "cache" is not host:port (like ":8080" or "127.0.0.1:8080")`},
		{"self dependency", "[resource.w]\nkind = \"worker\"\nrun = \"Run\"\ndepends_on = [\"w\"]\n",
			`7:15: resource w depends on itself`},
		{"two-node cycle", "[resource.a]\nkind = \"worker\"\nrun = \"A\"\ndepends_on = [\"b\"]\n[resource.b]\nkind = \"worker\"\nrun = \"B\"\ndepends_on = [\"a\"]\n",
			`11:15: dependency cycle: a -> b -> a`},
		{"admin collides with given admin", "[admin]\naddr = \":7000\"\n[resource.api]\nkind = \"http\"\naddr = \"127.0.0.1:7000\"\nhandler = \"H\"\n",
			`8:8: port 7000 of "127.0.0.1:7000" is already used by the admin listener at line 5`},
		{"localhost collides with loopback", "[admin]\naddr = \"localhost:7000\"\n[resource.api]\nkind = \"http\"\naddr = \"[::1]:7000\"\nhandler = \"H\"\n",
			`8:8: port 7000 of "[::1]:7000" is already used by the admin listener at line 5`},
		{"syntax error column", "[service]\n",
			`4:2: key 'service' has already been defined`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := minimal + "\n" + c.src
			if strings.HasSuffix(c.src, minimal) {
				src = c.src
			}
			got := parseErr(t, src)
			if want := "service.toml:" + c.want; got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

// TestImportedNamesRejected checks that every package name the generated
// code imports is refused, at its value, as a handler, a hook and a type;
// "HTTP" and "Fmt" differ from the imports and stay valid.
func TestImportedNamesRejected(t *testing.T) {
	for name, path := range ImportedNames {
		if reservedPrefix(name) {
			continue // "svc": rejected as reserved first
		}
		src := minimal + "\n[resource.api]\nkind = \"http\"\naddr = \":1\"\nhandler = \"" + name + "\"\n" +
			"\n[resource.state]\nkind = \"custom\"\nopen = \"Open\"\ntype = \"" + name + "\"\n" +
			"\n[hooks]\nreload = \"" + name + "\"\n"
		why := fmt.Sprintf("%q is the name of package %s, which the generated code imports; it must name a Go function or type", name, path)
		want := "service.toml:7:11: resource.api.handler: " + why + "\n" +
			"service.toml:12:8: resource.state.type: " + why + "\n" +
			"service.toml:15:10: hooks.reload: " + why
		if got := parseErr(t, src); got != want {
			t.Errorf("%s:\ngot  %s\nwant %s", name, got, want)
		}
	}
	mustParse(t, minimal+"[resource.api]\nkind = \"http\"\naddr = \":1\"\nhandler = \"HTTP\"\n[hooks]\nreload = \"Fmt\"\n")
}

func TestNULRejected(t *testing.T) {
	got := parseErr(t, "[service]\nname = \"orders\"\ndescription = \"a\\u0000b\"\n")
	want := `service.toml:3:15: service.description must not contain a NUL character`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestAccounts(t *testing.T) {
	cases := []struct {
		account, passwordEnv string
		ok                   bool
		scm                  string
	}{
		{"LocalSystem", "", true, "LocalSystem"},
		{"NetworkService", "", true, `NT AUTHORITY\NetworkService`},
		{"virtual", "", true, `NT SERVICE\orders`},
		{`CORP\svc-orders`, "ORDERS_PW", true, `CORP\svc-orders`},
		{`.\orders`, "ORDERS_PW", true, `.\orders`},
		{`CORP\gmsa-orders$`, "", true, `CORP\gmsa-orders$`},
		{`NT SERVICE\orders`, "", true, `NT SERVICE\orders`},
		{`CORP\svc-orders`, "", false, ""},
		{`CORP\gmsa$`, "PW", false, ""},
		{`\user`, "PW", false, ""},
		{`localservice`, "", false, ""},
	}
	for _, c := range cases {
		src := minimal + "[windows]\naccount = '" + c.account + "'\n"
		if c.passwordEnv != "" {
			src += "password_env = '" + c.passwordEnv + "'\n"
		}
		s, err := Parse("service.toml", []byte(src))
		if (err == nil) != c.ok {
			t.Errorf("%s (password_env %q): err = %v, want ok=%v", c.account, c.passwordEnv, err, c.ok)
			continue
		}
		if c.ok && s.ServiceAccount() != c.scm {
			t.Errorf("%s: ServiceAccount() = %q, want %q", c.account, s.ServiceAccount(), c.scm)
		}
	}
}

func TestGoName(t *testing.T) {
	cases := []struct{ in, name, local string }{
		{"db", "DB", "db"},
		{"order_db", "OrderDB", "orderDB"},
		{"order-db", "OrderDB", "orderDB"},
		{"api", "API", "api"},
		{"public_api", "PublicAPI", "publicAPI"},
		{"http_client", "HTTPClient", "httpClient"},
		{"user_id", "UserID", "userID"},
		{"sql_url", "SQLURL", "sqlURL"},
		{"json_cache", "JSONCache", "jsonCache"},
		{"state", "State", "state"},
		{"orderDB", "OrderDB", "orderDB"},
		{"v2_api", "V2API", "v2API"},
		{"a__b", "AB", "aB"},
	}
	for _, c := range cases {
		if got := GoName(c.in); got != c.name {
			t.Errorf("GoName(%q) = %q, want %q", c.in, got, c.name)
		}
		if got := GoLocal(c.in); got != c.local {
			t.Errorf("GoLocal(%q) = %q, want %q", c.in, got, c.local)
		}
	}
}

func TestDSNPassword(t *testing.T) {
	cases := []struct {
		dsn  string
		want bool
	}{
		{"postgres://u:p@h:5432/db", true},
		{"postgres://u@h:5432/db", false},
		{"postgres://u:@h/db", false},
		{"postgres://h/db?user=u&password=p", true},
		{"postgres://h/db?sslmode=disable", false},
		{"host=h user=u password=p dbname=d", true},
		{"host=h user=u dbname=d", false},
		{"host=h password = p", true},
		{"u:p@tcp(h:3306)/db", true},
		{"u:p@w/rd@tcp(h:3306)/db", true},
		{"u@tcp(h:3306)/db", false},
		{"tcp(h:3306)/db?parseTime=true", false},
		{"sqlserver://sa:secret@h:1433?database=d", true},
		{"sqlserver://h:1433?database=d", false},
		{"server=h;user id=sa;password=secret;database=d", true},
		{"server=h;user id=sa;PWD=secret", true},
		{"server=h;user id=sa;database=d", false},
	}
	for _, c := range cases {
		if got := len(credentialForms("", c.dsn)) > 0; got != c.want {
			t.Errorf("credentialForms(%q) = %v, want %v", c.dsn, got, c.want)
		}
	}
}

func TestModulePath(t *testing.T) {
	ok := []string{"example.com/orders", "github.com/a/b/v2", "example.com/x_y.z~w", "example/orders", "test/x", "localhost.localdomain/x"}
	bad := []string{"", "/orders", "orders/", "a//b", "a/./b", "example.com/.x", "a b", "-x", "example.com/v1", "ünïcode.com/x", "example.com/con", "a/b~1",
		// no dot in the first element: the standard library's paths
		"fmt", "net/http", "crypto/orders", "orders", "iter", "internal/x"}
	for _, p := range ok {
		if why := modulePathProblem(p); why != "" {
			t.Errorf("modulePathProblem(%q) = %q, want ok", p, why)
		}
	}
	for _, p := range bad {
		if modulePathProblem(p) == "" {
			t.Errorf("modulePathProblem(%q) accepted", p)
		}
	}
}

func TestListenAddresses(t *testing.T) {
	cases := []struct {
		addr string
		ok   bool
	}{
		{":8080", true}, {"0.0.0.0:1", true}, {"[::1]:443", true}, {"localhost:0", true},
		{"api.internal:80", true}, {"[fe80::1%eth0]:80", true},
		{"8080", false}, {":http", false}, {":-1", false}, {":65536", false}, {"a b:80", false}, {":", false},
	}
	for _, c := range cases {
		_, _, why := splitHostPort(c.addr)
		if (why == "") != c.ok {
			t.Errorf("splitHostPort(%q) problem %q, want ok=%v", c.addr, why, c.ok)
		}
	}
	overlap := []struct {
		a, b string
		want bool
	}{
		{"", "0.0.0.0", true}, {"", "127.0.0.1", true}, {"::", "10.0.0.1", true},
		{"127.0.0.1", "127.0.0.1", true}, {"localhost", "127.0.0.1", true}, {"localhost", "::1", true},
		{"10.0.0.1", "10.0.0.2", false}, {"127.0.0.1", "::1", false}, {"a.internal", "b.internal", false},
	}
	for _, c := range overlap {
		if got := hostsOverlap(c.a, c.b); got != c.want {
			t.Errorf("hostsOverlap(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestMemoryLimit(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"", 0, true}, {"1024", 1024, true}, {"512MiB", 512 << 20, true}, {"2GiB", 2 << 30, true},
		{"1B", 1, true}, {"512MB", 0, false}, {"1.5GiB", 0, false}, {"-1", 0, false}, {"MiB", 0, false},
		{"99999999999TiB", 0, false},
	}
	for _, c := range cases {
		got, ok := parseMemoryLimit(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("parseMemoryLimit(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestGraph(t *testing.T) {
	s := mustParse(t, minimal+`
[resource.api]
kind = "http"
addr = ":8080"
handler = "NewAPI"
depends_on = ["state", "db"]

[resource.state]
kind = "custom"
open = "LoadState"
depends_on = ["db"]

[resource.db]
kind = "sql"
driver = "pgx"
dsn_env = "DSN"

[resource.jobs]
kind = "worker"
run = "RunJobs"

[resource.cache]
kind = "redis"
addr_env = "REDIS"
`)
	names := func(rs []*Resource) string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Name)
		}
		return strings.Join(out, " ")
	}
	g := s.Graph
	if got := names(g.Order); got != "db state api jobs cache" {
		t.Errorf("order %q", got)
	}
	var levels []string
	for _, l := range g.Levels {
		levels = append(levels, names(l))
	}
	if got := strings.Join(levels, " | "); got != "db jobs cache | state | api" {
		t.Errorf("levels %q", got)
	}
	db := s.Resource("db")
	if got := names(g.Dependents(db)); got != "api state" {
		t.Errorf("dependents of db %q", got)
	}
	if got := names(g.Deps(s.Resource("api"))); got != "state db" {
		t.Errorf("deps of api %q", got)
	}
	if g.Level(s.Resource("api")) != 2 {
		t.Errorf("level of api %d", g.Level(s.Resource("api")))
	}
}

// TestExamples parses the golden example specs, the starter spec and
// every complete example in REFERENCE.md: documentation that does not
// parse is wrong.
func TestExamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "golden", "*", "service.toml"))
	files = append(files, filepath.Join("..", "templates", "starter.toml"))
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			continue
		}
		s, err := Load(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		checkPositions(t, s)
	}
	ref, err := os.ReadFile("REFERENCE.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```toml\n(.*?)```").FindAllStringSubmatch(string(ref), -1)
	if len(blocks) == 0 {
		t.Fatal("no toml examples in REFERENCE.md")
	}
	for i, b := range blocks {
		s, err := Parse("REFERENCE.md example "+itoa(i+1), []byte(b[1]))
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		checkPositions(t, s)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.toml"))
	var list ErrorList
	if err == nil || errors.As(err, &list) {
		t.Errorf("Load of a missing file: %v (%T), want an I/O error", err, err)
	}
}

func TestErrorListSorted(t *testing.T) {
	l := ErrorList{
		{Pos{"a", 3, 1}, "c"}, {Pos{"a", 1, 5}, "b"}, {Pos{"a", 1, 5}, "b"}, {Pos{"a", 1, 2}, "a"},
	}
	l.Sort()
	if got := l.Error(); got != "a:1:2: a\na:1:5: b\na:3:1: c" {
		t.Errorf("sorted list:\n%s", got)
	}
}

// TestUnusualTOML: every way TOML allows to write the same keys must
// decode the same and give every key a position.
func TestUnusualTOML(t *testing.T) {
	src := `resource = { db = { kind = "worker", run = "RunDB" }, "api" = { kind = "http", addr = ":1", handler = "H", depends_on = [ "db" , ] } }
[ service ]` + "\r" + `
"name" = "orders"` + "\r" + `
description = """
has ""\" and # and [x]
""""
'version' = '''it's ''1'''''
display_name = 'a # b'   # comment
[timeouts]
stop = "10s"
[windows]
recovery = [ { action = "restart", delay = "1s" } ,
# comment
 { action = "none" } ]
`
	s := mustParse(t, src)
	checkPositions(t, s)
	if s.Service.Description != "has \"\"\" and # and [x]\n\"" {
		t.Errorf("description %q", s.Service.Description)
	}
	if s.Service.Version != "it's ''1''" {
		t.Errorf("version %q", s.Service.Version)
	}
	if len(s.Resources) != 2 || s.Resources[0].Name != "db" || s.Resources[1].DependsOn[0] != "db" {
		t.Fatalf("resources %+v", s.Resources)
	}
	if p := s.Pos("resource", "api", "depends_on", "0"); p.Line != 1 || p.Col != strings.Index(src, `[ "db"`)+3 {
		t.Errorf("depends_on[0] at %v", p)
	}
	if p := s.Pos("service", "display_name"); p.Line != 8 || p.Col != 16 {
		t.Errorf("display_name at %v, want 8:16", p)
	}
	if p := s.Pos("windows", "recovery", "1", "action"); p.Line != 14 || p.Col != 13 {
		t.Errorf("recovery[1].action at %v, want 14:13", p)
	}
}
