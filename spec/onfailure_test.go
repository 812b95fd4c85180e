package spec

import (
	"strings"
	"testing"
)

// TestOnFailureDefaults: every kind with a check gets the on_failure of
// DefaultOnFailure, a given value is kept, and the kinds without a check
// have none.
func TestOnFailureDefaults(t *testing.T) {
	s := mustParse(t, minimal+`
[watchdog]

[resource.db]
kind = "sql"
driver = "pgx"
dsn_env = "DB_DSN"

[resource.cache]
kind = "redis"
addr = "127.0.0.1:6379"

[resource.pay]
kind = "http_client"
base_url_env = "PAY_URL"
warm_path = "/healthz"

[resource.state]
kind = "custom"
open = "OpenState"
check = "CheckState"

[resource.mail]
kind = "http_client"
base_url_env = "MAIL_URL"
warm_path = "/healthz"
on_failure = "liveness"

[resource.api]
kind = "http"
addr = ":8080"
handler = "NewAPI"

[resource.outbox]
kind = "worker"
run = "RunOutbox"
`)
	want := map[string]string{
		"db": "readiness", "cache": "readiness", "pay": "metrics", "state": "readiness",
		"mail": "liveness", "api": "", "outbox": "",
	}
	for name, v := range want {
		if got := s.Resource(name).OnFailure; got != v {
			t.Errorf("%s: on_failure %q, want %q", name, got, v)
		}
	}
}

// TestOnFailureErrors: a value that is not a choice, a resource without a
// check, a spec without [watchdog] and a kind without checks are errors at
// the key, each one.
func TestOnFailureErrors(t *testing.T) {
	db := func(v string) string {
		return "[resource.db]\nkind = \"sql\"\ndriver = \"pgx\"\ndsn_env = \"DB_DSN\"\non_failure = " + v + "\n"
	}
	for _, tc := range []struct {
		name, src, want string
	}{
		{"typo", minimal + "[watchdog]\n" + db(`"readyness"`), `service.toml:8:14: resource.db.on_failure "readyness" is not one of readiness, liveness, metrics (did you mean "readiness"?)`},
		{"case", minimal + "[watchdog]\n" + db(`"Liveness"`), `resource.db.on_failure "Liveness" is not one of readiness, liveness, metrics (did you mean "liveness"?)`},
		{"empty", minimal + "[watchdog]\n" + db(`""`), `resource.db.on_failure "" is not one of readiness, liveness, metrics`},
		{"type", minimal + "[watchdog]\n" + db(`true`), `service.toml:8:14: resource.db.on_failure must be a string`},
		{"no watchdog", minimal + db(`"liveness"`), `service.toml:7:1: on_failure in [resource.db] needs [watchdog]: without it no check runs`},
		{"no warm_path", minimal + "[watchdog]\n[resource.pay]\nkind = \"http_client\"\nbase_url_env = \"PAY_URL\"\non_failure = \"readiness\"\n",
			`service.toml:7:1: on_failure needs warm_path in [resource.pay]: without it the client has no check to fail`},
		{"no check", minimal + "[watchdog]\n[resource.state]\nkind = \"custom\"\nopen = \"OpenState\"\non_failure = \"metrics\"\n",
			`service.toml:7:1: on_failure needs check in [resource.state]: without it the resource has no check to fail`},
		{"http", minimal + "[watchdog]\n[resource.api]\nkind = \"http\"\naddr = \":8080\"\nhandler = \"NewAPI\"\non_failure = \"metrics\"\n",
			`on_failure is not a key of an http resource`},
		{"worker", minimal + "[watchdog]\n[resource.outbox]\nkind = \"worker\"\nrun = \"RunOutbox\"\non_failure = \"metrics\"\n",
			`on_failure is not a key of a worker resource`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseErr(t, tc.src); !strings.Contains(got, tc.want) {
				t.Errorf("error\n\t%s\nlacks\n\t%s", got, tc.want)
			}
		})
	}
}

// TestMetricsRegister: [metrics] register names a Go function with the
// registerer signature; it needs a served /metrics and may not share its
// name with a function of another signature.
func TestMetricsRegister(t *testing.T) {
	if s := mustParse(t, minimal+"[metrics]\nregister = \"RegisterMetrics\"\n"); s.Metrics.Register != "RegisterMetrics" || !s.Metrics.Enabled {
		t.Errorf("register: %+v", s.Metrics)
	}
	for _, tc := range []struct {
		name, src, want string
	}{
		{"not an identifier", minimal + "[metrics]\nregister = \"register-metrics\"\n",
			`service.toml:4:12: metrics.register: "register-metrics" is not a Go identifier`},
		{"imported name", minimal + "[metrics]\nregister = \"prometheus\"\n",
			`metrics.register: "prometheus"`},
		{"reserved", minimal + "[metrics]\nregister = \"svcRegister\"\n",
			`metrics.register: "svcRegister"`},
		{"signature", minimal + "[metrics]\nregister = \"Setup\"\n[hooks]\nafter_ready = [\"Setup\"]\n",
			"service.toml:6:16: hooks.after_ready[0]: Setup must be func(context.Context) error here but func(prometheus.Registerer) error as the metrics register (line 4)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseErr(t, tc.src); !strings.Contains(got, tc.want) {
				t.Errorf("error\n\t%s\nlacks\n\t%s", got, tc.want)
			}
		})
	}
}
