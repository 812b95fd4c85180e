package spec

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// limitSpec is a spec with one resource of each kind; a case adds one key
// to one table (line 4 of the table it names).
func limitSpec(table, line string) string {
	tables := []struct{ header, body string }{
		{"[service]", `name = "orders"`},
		{"[timeouts]", ``},
		{"[windows]", ``},
		{"[systemd]", ``},
		{"[runtime]", ``},
		{"[log]", `file = "orders.log"`},
		{"[watchdog]", ``},
		{"[kubernetes]", ``},
		{"[admin]", `addr = ":9090"`},
		{"[resource.db]", "kind = \"sql\"\ndriver = \"pgx\"\ndsn_env = \"DSN\""},
		{"[resource.cache]", "kind = \"redis\"\naddr_env = \"REDIS\""},
		{"[resource.up]", "kind = \"http_client\"\nbase_url_env = \"UP\""},
		{"[resource.api]", "kind = \"http\"\naddr = \":8080\"\nhandler = \"NewAPI\""},
	}
	var b strings.Builder
	for _, t := range tables {
		b.WriteString(t.header + "\n")
		if t.header == table {
			b.WriteString(line + "\n")
		}
		if t.body != "" {
			b.WriteString(t.body + "\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestValueLimits checks every numeric and duration key bounded by a
// consumer: the largest value is accepted, the next one is rejected at its
// line with the consumer named, and so is a value its consumer cannot
// count (less than the unit it counts in).
func TestValueLimits(t *testing.T) {
	type limitCase struct {
		table, key  string
		ok, bad     string // TOML values
		wantMessage string
		col         int // of the error, when not that of the value
	}
	cases := []limitCase{
		// Go constants and sums of generated code
		{"[timeouts]", "start", `"1000h"`, `"1000h0m0.001s"`, "is longer than 1000h: the SCM's wait hint counts it in milliseconds in 32 bits", 0},
		{"[timeouts]", "start", `"1000h"`, `"2562047h47m16.854775807s"`, "is longer than 1000h", 0},
		{"[timeouts]", "stop", `"1000h"`, `"1001h"`, "is longer than 1000h", 0},
		{"[resource.db]", "conn_max_lifetime", `"100000h"`, `"100000h0m0.000000001s"`, "is longer than 100000h: generated code adds budgets", 0},
		{"[resource.up]", "request_timeout", `"100000h"`, `"2562047h"`, "is longer than 100000h", 0},
		{"[resource.up]", "breaker_cooldown", `"100000h"`, `"100001h"`, "is longer than 100000h", 0},
		{"[resource.api]", "idle_timeout", `"100000h"`, `"100001h"`, "is longer than 100000h", 0},
		{"[watchdog]", "interval", `"100000h"`, `"100001h"`, "is longer than 100000h", 0},
		{"[log]", "max_age", `"100000h"`, `"100001h"`, "is longer than 100000h", 0},
		// the SCM's 32-bit milliseconds
		{"[windows]", "preshutdown", `"1000h"`, `"1193h2m47.296s"`, "is longer than 1000h: the SCM counts it in milliseconds in 32 bits", 0},
		{"[windows]", "preshutdown", `"1ms"`, `"1ns"`, "must be a whole number of milliseconds: the SCM counts it", 0},
		{"[windows]", "recovery", `[{ action = "restart", delay = "1000h" }]`, `[{ action = "restart", delay = "1001h" }]`, "windows.recovery[0].delay (1001h) is longer than 1000h", 43},
		{"[windows]", "recovery", `[{ action = "restart", delay = "1ms" }]`, `[{ action = "restart", delay = "1500us" }]`, "must be a whole number of milliseconds", 43},
		{"[windows]", "recovery_reset", `"100000h"`, `"100001h"`, "is longer than 100000h", 0},
		// the unit file's milliseconds
		{"[systemd]", "watchdog", `"1ms"`, `"1ns"`, "systemd.watchdog (1ns) must be a whole number of milliseconds: the systemd unit states it in milliseconds", 0},
		{"[systemd]", "watchdog", `"100000h"`, `"100001h"`, "is longer than 100000h", 0},
		{"[systemd]", "restart_sec", `"1.001s"`, `"1.0001s"`, "must be a whole number of milliseconds", 0},
		// the runtime and the pools
		{"[runtime]", "gomaxprocs", `8192`, `8193`, "runtime.gomaxprocs = 8193 is more than 8192, the most CPUs a Linux kernel supports", 0},
		{"[runtime]", "gomaxprocs", `8192`, `3000000000`, "is more than 8192", 0},
		{"[runtime]", "gc_percent", `2147483647`, `2147483648`, "is more than 2147483647, the most an int of a 32-bit build", 0},
		{"[resource.cache]", "pool_size", `16384`, `3000000000`, "resource.cache.pool_size = 3000000000 is more than 16384, the most connections one pool may open to one address", 0},
		{"[resource.cache]", "warm", `16384`, `16385`, "is more than 16384", 0},
		{"[resource.cache]", "min_idle", "16384\npool_size = 16384", `16385`, "is more than 16384", 0},
		{"[resource.cache]", "db", `2147483647`, `2147483648`, "is more than 2147483647", 0},
		{"[resource.db]", "max_open", `16384`, `16385`, "is more than 16384", 0},
		{"[resource.db]", "max_idle", `16384`, `16385`, "is more than 16384", 0},
		{"[resource.db]", "warm", `16384`, `16385`, "is more than 16384", 0},
		{"[resource.up]", "max_idle_per_host", `16384`, `16385`, "is more than 16384", 0},
		{"[resource.up]", "warm", `16384`, `16385`, "is more than 16384", 0},
		{"[resource.up]", "retries", `2147483647`, `2147483648`, "is more than 2147483647", 0},
		{"[resource.up]", "breaker_failures", `2147483647`, `9223372036854775807`, "is more than 2147483647", 0},
		{"[resource.api]", "max_header_bytes", `2147483647`, `2147483648`, "is more than 2147483647", 0},
		{"[watchdog]", "failures", `2147483647`, `2147483648`, "is more than 2147483647", 0},
		{"[log]", "max_size_mb", `2147483647`, `2147483648`, "is more than 2147483647", 0},
		{"[log]", "max_backups", `2147483647`, `2147483648`, "is more than 2147483647", 0},
		// Kubernetes' int32
		{"[kubernetes]", "replicas", `2147483647`, `2147483648`, "is more than 2147483647", 0},
	}
	for _, c := range cases {
		t.Run(strings.Trim(c.table, "[]")+"."+c.key+"="+c.bad, func(t *testing.T) {
			good := limitSpec(c.table, c.key+" = "+c.ok)
			if _, err := Parse("service.toml", []byte(good)); err != nil {
				t.Errorf("%s = %s rejected:\n%v", c.key, c.ok, err)
			}
			msg := parseErr(t, limitSpec(c.table, c.key+" = "+c.bad))
			line := strings.Count(good[:strings.Index(good, c.table)], "\n") + 2
			col := len(c.key) + 4
			if c.col != 0 {
				col = c.col
			}
			wantPos := fmt.Sprintf("service.toml:%d:%d: ", line, col)
			if !strings.HasPrefix(msg, wantPos) || !strings.Contains(msg, c.wantMessage) || strings.Contains(msg, "\n") {
				t.Errorf("%s = %s:\ngot  %s\nwant one error at %s...%s...", c.key, c.bad, msg, wantPos, c.wantMessage)
			}
		})
	}
}

// TestLimitLookups checks the exported limits against the table of keys
// the generator of random specs reads them from.
func TestLimitLookups(t *testing.T) {
	if got := IntLimit("resource", "any_name", "pool_size"); got != MaxConnections {
		t.Errorf("IntLimit(pool_size) = %d, want %d", got, MaxConnections)
	}
	if got := IntLimit("kubernetes", "replicas"); got != MaxInt {
		t.Errorf("IntLimit(replicas) = %d, want %d", got, MaxInt)
	}
	if max, unit := DurationLimit("windows", "recovery", "3", "delay"); max != MaxSCMDuration || unit != time.Millisecond {
		t.Errorf("DurationLimit(recovery delay) = %v, %v", max, unit)
	}
	if max, unit := DurationLimit("resource", "x", "idle_timeout"); max != MaxDuration || unit != 0 {
		t.Errorf("DurationLimit(idle_timeout) = %v, %v", max, unit)
	}
}
