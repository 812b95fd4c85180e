package svcrt

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// An override is read from <SERVICE>_<SECTION>_<KEY>, parsed, and shown with
// its source; an unset one keeps the spec's value and says so.
func TestOverridesLoad(t *testing.T) {
	t.Setenv("ORDER_SVC_API_ADDR", "127.0.0.1:18080")
	t.Setenv("ORDER_SVC_ORDER_DB_MAX_OPEN", " 25 ")
	t.Setenv("ORDER_SVC_LOG_LEVEL", "DEBUG")
	t.Setenv("ORDER_SVC_TIMEOUTS_STOP", "40s")
	o := NewOverrides("order-svc", nil)
	var addr, admin string
	var maxOpen int
	var level slog.Level
	var stop time.Duration
	o.String(&addr, "resource.api", "addr", ":8080", FromSpec, false, CheckListenAddr)
	o.String(&admin, "admin", "addr", "127.0.0.1:9090", FromDefault, false, CheckListenAddr)
	o.Int(&maxOpen, "resource.order-db", "max_open", 10, FromSpec, false, 1, 16384)
	o.Level(&level, "log", "level", slog.LevelInfo, FromDefault, false)
	o.Duration(&stop, "timeouts", "stop", 20*time.Second, FromSpec, false, 1000*time.Hour)
	if err := o.Err(); err != nil {
		t.Fatal(err)
	}
	if addr != "127.0.0.1:18080" || admin != "127.0.0.1:9090" || maxOpen != 25 || level != slog.LevelDebug || stop != 40*time.Second {
		t.Errorf("loaded %q %q %d %v %v", addr, admin, maxOpen, level, stop)
	}
	got := map[string]Setting{}
	for _, s := range o.Settings() {
		got[s.Key] = s
	}
	if s := got["[resource.order-db] max_open"]; s.Variable != "ORDER_SVC_ORDER_DB_MAX_OPEN" || s.Source != "environment" || s.Value != "25" {
		t.Errorf("max_open: %+v", s)
	}
	if s := got["[admin] addr"]; s.Variable != "ORDER_SVC_ADMIN_ADDR" || s.Source != FromDefault || s.Value != `"127.0.0.1:9090"` {
		t.Errorf("admin addr: %+v", s)
	}
}

// Every wrong override is reported at once, naming the variable, its value
// (credentials redacted), where it came from and what was expected; a
// variable set to "" is a value, and a wrong one.
func TestOverridesAllErrors(t *testing.T) {
	t.Setenv("ORDERS_API_ADDR", "8080")
	t.Setenv("ORDERS_DB_MAX_OPEN", "postgres://app:hunter2@db/orders")
	t.Setenv("ORDERS_TIMEOUTS_STOP", "30")
	t.Setenv("ORDERS_LOG_FORMAT", "")
	t.Setenv("ORDERS_API_PORT", "x") // no such key: not read
	o := NewOverrides("orders", nil)
	var addr, format string
	var n int
	var stop time.Duration
	o.String(&addr, "resource.api", "addr", ":8080", FromSpec, false, CheckListenAddr)
	o.Int(&n, "resource.db", "max_open", 10, FromSpec, false, 1, 16384)
	o.Duration(&stop, "timeouts", "stop", 20*time.Second, FromSpec, false, 1000*time.Hour)
	o.String(&format, "log", "format", "text", FromDefault, false, OneOf("text", "json"))
	err := o.Err()
	if err == nil {
		t.Fatal("no error")
	}
	problems := err.(*OverrideError).Problems
	if len(problems) != 4 {
		t.Fatalf("want 4 problems, got %d: %q", len(problems), problems)
	}
	for i, want := range []string{
		`ORDERS_API_ADDR="8080" (environment): want host:port`,
		`ORDERS_DB_MAX_OPEN="postgres://app:xxxxx@db/orders" (environment): want an integer from 1 to 16384 ([resource.db] max_open)`,
		`ORDERS_TIMEOUTS_STOP="30" (environment): want a duration with a unit`,
		`ORDERS_LOG_FORMAT="" (environment): want text or json ([log] format)`,
	} {
		if !strings.HasPrefix(problems[i], want) && !strings.Contains(problems[i], want) {
			t.Errorf("problem %d = %q, want %q", i, problems[i], want)
		}
		if strings.Contains(problems[i], "hunter2") {
			t.Errorf("problem %d shows the password: %q", i, problems[i])
		}
	}
	// The spec's value stays where an override was wrong.
	if addr != ":8080" || n != 10 || stop != 20*time.Second {
		t.Errorf("wrong overrides changed values: %q %d %v", addr, n, stop)
	}
}

// A fixed key is not read, and its variable set is an error.
func TestOverridesFixed(t *testing.T) {
	o := NewOverrides("orders", nil)
	var addr string
	o.String(&addr, "resource.api", "addr", ":8080", FromSpec, true, CheckListenAddr)
	if o.Err() != nil || o.Settings()[0].Variable != "" {
		t.Fatalf("fixed key unset: err %v, setting %+v", o.Err(), o.Settings()[0])
	}
	t.Setenv("ORDERS_API_ADDR", ":9999")
	o = NewOverrides("orders", nil)
	o.String(&addr, "resource.api", "addr", ":8080", FromSpec, true, CheckListenAddr)
	if err := o.Err(); err == nil || !strings.Contains(err.Error(), "ORDERS_API_ADDR=\":9999\" (environment): [resource.api] addr is fixed by the spec") || addr != ":8080" {
		t.Errorf("fixed key set: %v, addr %q", err, addr)
	}
}

// Rules between values hold after the overrides; the message names the
// variables that broke them.
func TestOverridesRequireAndListeners(t *testing.T) {
	t.Setenv("ORDERS_DB_MAX_IDLE", "100")
	t.Setenv("ORDERS_ADMIN_ADDR", "0.0.0.0:8080")
	o := NewOverrides("orders", nil)
	var maxOpen, maxIdle int
	var admin, api, other string
	o.Int(&maxOpen, "resource.db", "max_open", 50, FromSpec, false, 1, 16384)
	o.Int(&maxIdle, "resource.db", "max_idle", 20, FromSpec, false, 0, 16384)
	o.String(&admin, "admin", "addr", "127.0.0.1:9090", FromSpec, false, CheckListenAddr)
	o.String(&api, "resource.api", "addr", ":8080", FromSpec, false, CheckListenAddr)
	o.String(&other, "resource.web", "addr", "127.0.0.1:0", FromSpec, false, CheckListenAddr)
	o.Require(maxIdle <= maxOpen, "[resource.db] max_idle must be at most [resource.db] max_open", "[resource.db] max_idle", "[resource.db] max_open")
	o.Listeners([]string{"[admin] addr", "[resource.api] addr", "[resource.web] addr"}, []string{admin, api, other})
	err := o.Err()
	if err == nil {
		t.Fatal("no error")
	}
	p := err.(*OverrideError).Problems
	if len(p) != 2 || p[0] != "[resource.db] max_idle must be at most [resource.db] max_open (set by ORDERS_DB_MAX_IDLE=100)" ||
		!strings.Contains(p[1], `[admin] addr "0.0.0.0:8080" and [resource.api] addr ":8080" listen on the same port (set by ORDERS_ADMIN_ADDR="0.0.0.0:8080")`) {
		t.Errorf("problems: %q", p)
	}
}

func TestListenersCollide(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{":8080", "0.0.0.0:8080", true},
		{"[::]:8080", "127.0.0.1:8080", true},
		{"10.0.0.1:8081", "10.0.0.2:8081", false},
		{"127.0.0.1:0", ":0", false},
		{"[::ffff:127.0.0.1]:80", "127.0.0.1:80", true},
		{"localhost:80", "127.0.0.1:80", true},
		{"127.0.0.1:80", "127.0.0.1:81", false},
	} {
		if got := listenersCollide(c.a, c.b); got != c.want {
			t.Errorf("listenersCollide(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

// port_env gives the address its port when set, unless the resource's own
// variable is set too.
func TestOverridesPortEnv(t *testing.T) {
	t.Setenv("PORT", "5000")
	o := NewOverrides("orders", nil)
	addr := "127.0.0.1:8080"
	o.String(&addr, "resource.api", "addr", addr, FromSpec, false, CheckListenAddr)
	o.PortEnv(&addr, "resource.api", "PORT")
	if addr != "127.0.0.1:5000" || o.Err() != nil || !strings.Contains(o.Settings()[0].Source, "PORT") {
		t.Errorf("PORT: %q %v %+v", addr, o.Err(), o.Settings())
	}
	t.Setenv("ORDERS_API_ADDR", ":7000")
	o = NewOverrides("orders", nil)
	o.String(&addr, "resource.api", "addr", "127.0.0.1:8080", FromSpec, false, CheckListenAddr)
	o.PortEnv(&addr, "resource.api", "PORT")
	if addr != ":7000" {
		t.Errorf("ORDERS_API_ADDR and PORT: %q", addr)
	}
	t.Setenv("PORT", "http")
	o = NewOverrides("orders", nil)
	o.PortEnv(&addr, "resource.web", "PORT")
	if o.Err() == nil || !strings.Contains(o.Err().Error(), `PORT="http" (environment): want a port number`) {
		t.Errorf("bad PORT: %v", o.Err())
	}
}

// Secrets are shown redacted; "not set" is said only of an unset variable,
// and only a required one is a problem of config -check.
func TestOverridesSecrets(t *testing.T) {
	t.Setenv("ORDERS_DB_DSN", "postgres://app:s3cr3t@db:5432/orders")
	t.Setenv("REDIS_PASSWORD", "")
	t.Setenv("OTHER_PASSWORD", "hunter2")
	o := NewOverrides("orders", nil)
	o.Secret("resource.db", "dsn_env", "ORDERS_DB_DSN", false, RedactFor("pgx"))
	o.Secret("resource.cache", "password_env", "REDIS_PASSWORD", false, nil)
	o.Secret("resource.other", "password_env", "OTHER_PASSWORD", false, nil)
	o.Secret("resource.opt", "password_env", "UNSET_OPTIONAL_PASSWORD", true, nil)
	o.Secret("resource.req", "addr_env", "UNSET_REQUIRED_ADDR", false, RedactFor("redis"))
	var buf bytes.Buffer
	writeSettings(&buf, o.Settings())
	out := buf.String()
	for _, want := range []string{`"postgres://app:xxxxx@db:5432/orders"`, `[resource.cache] password_env  ""`, `"xxxxx"`, "(not set, optional)", "(not set)"} {
		if !strings.Contains(out, want) {
			t.Errorf("config output lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{"s3cr3t", "hunter2"} {
		if strings.Contains(out, secret) {
			t.Errorf("config output shows %q:\n%s", secret, out)
		}
	}
	if o.Err() != nil {
		t.Errorf("a missing secret is not a start error (the resource says it at its open): %v", o.Err())
	}
	err := o.CheckErr()
	if err == nil || len(err.(*OverrideError).Problems) != 1 || !strings.Contains(err.Error(), "UNSET_REQUIRED_ADDR is not set") {
		t.Errorf("CheckErr = %v", err)
	}
}

func TestParsers(t *testing.T) {
	if _, err := ParseDurationIn("-1s", time.Hour); err == nil {
		t.Error("negative duration accepted")
	}
	if _, err := ParseDurationIn("2h", time.Hour); err == nil {
		t.Error("duration past its limit accepted")
	}
	if d, err := ParseDurationIn("0", time.Hour); err != nil || d != 0 {
		t.Error("0 refused")
	}
	if _, err := ParseIntIn("1e3", 0, 5000); err == nil {
		t.Error("1e3 accepted")
	}
	if n, err := ParseMemoryLimit("512MiB"); err != nil || n != 512<<20 {
		t.Errorf("512MiB = %d, %v", n, err)
	}
	if _, err := ParseMemoryLimit("512MB"); err == nil {
		t.Error("512MB accepted")
	}
	for _, bad := range []string{"8080", "host:80", "127.1:80", ":http", ": 80", "[::1]:70000"} {
		if CheckListenAddr(bad) == nil {
			t.Errorf("listen address %q accepted", bad)
		}
	}
	for _, good := range []string{":8080", "127.0.0.1:0", "[::1]:443", "localhost:80", "[fe80::1%eth0]:80"} {
		if err := CheckListenAddr(good); err != nil {
			t.Errorf("listen address %q refused: %v", good, err)
		}
	}
}

// A key the binary cannot take (no [watchdog] in the spec) is refused when
// its variable is set, saying why, not ignored.
func TestOverridesUnavailable(t *testing.T) {
	o := NewOverrides("orders", nil)
	o.Unavailable("watchdog", "interval", "no checks")
	if o.Err() != nil {
		t.Fatal(o.Err())
	}
	t.Setenv("ORDERS_WATCHDOG_INTERVAL", "5s")
	o.Unavailable("watchdog", "interval", "no checks")
	if err := o.Err(); err == nil || !strings.Contains(err.Error(), `ORDERS_WATCHDOG_INTERVAL="5s" (environment): [watchdog] interval cannot be overridden: no checks`) {
		t.Errorf("Unavailable: %v", err)
	}
}
