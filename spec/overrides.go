package spec

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// An Override is a key whose value a deployment may override at start from
// the environment: <SERVICE>_<RESOURCE>_<KEY> for a resource's key,
// <SERVICE>_<TABLE>_<KEY> for a table's, upper snake case
// (ORDERS_API_ADDR, ORDERS_LOG_LEVEL). These are the values that
// legitimately differ between deployments: listen addresses, TLS files,
// pool sizes, timeouts, the log, runtime limits. What only the spec may say
// (names, kinds, functions, drivers, the variables secrets come from, what
// install registers) is not among them. A key listed in its table's
// `fixed` is not overridable either.
type Override struct {
	Key  string
	Type string // OverrideAddr, OverridePath, OverrideInt, ...
	// Min is the smallest integer the key accepts (the largest is IntLimit's).
	Min int
}

// Override types: how the runtime parses a variable.
const (
	OverrideAddr     = "addr"     // host:port
	OverridePath     = "path"     // a file path
	OverrideInt      = "int"      // a decimal integer in [Min, IntLimit]
	OverrideDuration = "duration" // a Go duration in [0, DurationLimit]
	OverrideBool     = "bool"
	OverrideLevel    = "level"  // debug | info | warn | error
	OverrideFormat   = "format" // text | json
	OverrideMemory   = "memory" // GOMEMLIMIT syntax
)

// TableOverrides are the overridable keys of the tables, by table, in the
// order the generated code loads them.
var TableOverrides = map[string][]Override{
	"timeouts": {{"start", OverrideDuration, 0}, {"stop", OverrideDuration, 0}, {"drain_delay", OverrideDuration, 0},
		{"drain", OverrideDuration, 0}, {"critical", OverrideDuration, 0}, {"shutdown", OverrideDuration, 0}},
	"admin": {{"addr", OverrideAddr, 0}},
	"log": {{"format", OverrideFormat, 0}, {"level", OverrideLevel, 0}, {"stderr", OverrideBool, 0},
		{"file", OverridePath, 0}, {"max_size_mb", OverrideInt, 0}, {"max_age", OverrideDuration, 0},
		{"max_backups", OverrideInt, 0}, {"compress", OverrideBool, 0}},
	"runtime":  {{"gomaxprocs", OverrideInt, 0}, {"gc_percent", OverrideInt, -1}, {"memory_limit", OverrideMemory, 0}},
	"watchdog": {{"interval", OverrideDuration, 0}, {"failures", OverrideInt, 1}, {"exit_after", OverrideDuration, 0}},
}

// OverrideTables are the tables with overridable keys, in load order.
var OverrideTables = []string{"timeouts", "admin", "log", "runtime", "watchdog"}

// KindOverrides are the overridable keys of each resource kind besides
// the step timeouts every kind has (CommonOverrides).
var KindOverrides = map[string][]Override{
	KindHTTP: {{"addr", OverrideAddr, 0}, {"read_header_timeout", OverrideDuration, 0}, {"read_timeout", OverrideDuration, 0},
		{"write_timeout", OverrideDuration, 0}, {"idle_timeout", OverrideDuration, 0}, {"max_header_bytes", OverrideInt, 1},
		{"tls_cert_file", OverridePath, 0}, {"tls_key_file", OverridePath, 0}},
	KindGRPC: {{"addr", OverrideAddr, 0}, {"tls_cert_file", OverridePath, 0}, {"tls_key_file", OverridePath, 0},
		{"max_recv_msg_size", OverrideInt, 1}, {"max_send_msg_size", OverrideInt, 1}, {"max_concurrent_streams", OverrideInt, 0},
		{"keepalive_min_time", OverrideDuration, 0}, {"keepalive_permit_without_stream", OverrideBool, 0},
		{"keepalive_time", OverrideDuration, 0}, {"keepalive_timeout", OverrideDuration, 0},
		{"max_connection_age", OverrideDuration, 0}, {"max_connection_age_grace", OverrideDuration, 0}},
	KindSQL: {{"max_open", OverrideInt, 1}, {"max_idle", OverrideInt, 0}, {"warm", OverrideInt, 0},
		{"conn_max_lifetime", OverrideDuration, 0}, {"conn_max_idle_time", OverrideDuration, 0}, {"ping_timeout", OverrideDuration, 0}},
	KindRedis: {{"db", OverrideInt, 0}, {"pool_size", OverrideInt, 1}, {"min_idle", OverrideInt, 0}, {"warm", OverrideInt, 0},
		{"dial_timeout", OverrideDuration, 0}, {"read_timeout", OverrideDuration, 0}, {"write_timeout", OverrideDuration, 0}},
	KindHTTPClient: {{"warm", OverrideInt, 0}, {"max_idle_per_host", OverrideInt, 1}, {"idle_conn_timeout", OverrideDuration, 0},
		{"tls_handshake_timeout", OverrideDuration, 0}, {"request_timeout", OverrideDuration, 0}, {"retries", OverrideInt, 0},
		{"retry_base", OverrideDuration, 0}, {"retry_max", OverrideDuration, 0}, {"breaker_failures", OverrideInt, 0},
		{"breaker_cooldown", OverrideDuration, 0}},
}

// CommonOverrides are the overridable keys of every resource.
var CommonOverrides = []Override{{"open_timeout", OverrideDuration, 0}, {"close_timeout", OverrideDuration, 0}}

// ResourceOverrides are the overridable keys of a resource of kind.
func ResourceOverrides(kind string) []Override {
	return append(append([]Override(nil), CommonOverrides...), KindOverrides[kind]...)
}

// OptionalEnvKeys are the *_env keys a resource may declare optional: a
// resource that can work without the value. A pool cannot open without
// its DSN, address or base URL.
var OptionalEnvKeys = map[string][]string{KindRedis: {"password_env"}}

// EnvWord is a name in upper snake case, as override variables spell it:
// order-db → ORDER_DB.
func EnvWord(name string) string {
	return strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(name))
}

// OverrideVariable is the environment variable that overrides key of a
// table ("admin") or resource ("resource.api"): ORDERS_ADMIN_ADDR,
// ORDERS_API_ADDR.
func (s *Spec) OverrideVariable(section, key string) string {
	return EnvWord(s.Service.Name) + "_" + EnvWord(strings.TrimPrefix(section, "resource.")) + "_" + EnvWord(key)
}

// Fixed reports whether the spec switched overriding off for key of a
// table or resource section.
func (s *Spec) Fixed(section, key string) bool {
	if name, ok := strings.CutPrefix(section, "resource."); ok {
		if r := s.Resource(name); r != nil {
			return slices.Contains(r.Fixed, key)
		}
		return false
	}
	var fixed []string
	switch section {
	case "timeouts":
		fixed = s.Timeouts.Fixed
	case "admin":
		fixed = s.Admin.Fixed
	case "log":
		fixed = s.Log.Fixed
	case "runtime":
		fixed = s.Runtime.Fixed
	case "watchdog":
		fixed = s.Watchdog.Fixed
	}
	return slices.Contains(fixed, key)
}

// validateOverrides checks `fixed`, `port_env` and `optional_env`, and that
// every override variable names one value: a resource named like a table
// (admin, log, ...) or whose name and key run into another's
// (db + max_open, db_max + open) would share a variable.
func (d *decoder) validateOverrides() {
	for _, t := range OverrideTables {
		var fixed []string
		switch t {
		case "timeouts":
			fixed = d.s.Timeouts.Fixed
		case "admin":
			fixed = d.s.Admin.Fixed
		case "log":
			fixed = d.s.Log.Fixed
		case "runtime":
			fixed = d.s.Runtime.Fixed
		case "watchdog":
			fixed = d.s.Watchdog.Fixed
		}
		d.validateFixed([]string{t, "fixed"}, "["+t+"]", fixed, TableOverrides[t])
	}
	for _, r := range d.s.Resources {
		if !isKind(r.Kind) {
			continue
		}
		d.validateFixed(rp(r, "fixed"), "[resource."+r.Name+"]", r.Fixed, ResourceOverrides(r.Kind))
		if r.PortEnv != "" {
			d.envName(r.PortEnv, rp(r, "port_env")...)
			if slices.Contains(r.Fixed, "addr") && d.ok(rp(r, "port_env")...) {
				d.errorf(d.valPos(rp(r, "port_env")...), "port_env of [resource.%s] overrides addr, which its fixed lists", r.Name)
			}
		}
		for i, k := range r.OptionalEnv {
			p := append(rp(r, "optional_env"), itoa(i))
			switch {
			case !slices.Contains(OptionalEnvKeys[r.Kind], k):
				d.errorf(d.valPos(p...), "optional_env of [resource.%s]: %q cannot be optional (%s)", r.Name, k, optionalHint(r.Kind))
			case !d.has(rp(r, k)...):
				d.errorf(d.valPos(p...), "optional_env of [resource.%s] lists %s, which the resource does not set", r.Name, k)
			}
		}
	}
	d.validatePortEnvs()
	d.validateOverrideNames()
}

func optionalHint(kind string) string {
	if keys := OptionalEnvKeys[kind]; len(keys) > 0 {
		return "a " + kind + " resource may declare " + strings.Join(keys, ", ")
	}
	return "a " + kind + " resource cannot open without its variables"
}

// validateFixed checks a fixed list: each an overridable key of its
// section, once.
func (d *decoder) validateFixed(path []string, section string, fixed []string, keys []Override) {
	var names []string
	for _, o := range keys {
		names = append(names, o.Key)
	}
	for i, k := range fixed {
		p := appendPath(path, itoa(i))
		switch {
		case !slices.Contains(names, k):
			d.errorf(d.valPos(p...), "fixed of %s: %q is not an overridable key of it (%s)%s", section, k, strings.Join(names, ", "), didYouMean(k, names))
		case slices.Index(fixed, k) < i:
			d.errorf(d.valPos(p...), "fixed of %s lists %q twice", section, k)
		}
	}
}

// validatePortEnvs rejects one port_env on two resources: both would take
// the same port.
func (d *decoder) validatePortEnvs() {
	seen := map[string]string{}
	for _, r := range d.s.Resources {
		if r.PortEnv == "" || !d.ok(rp(r, "port_env")...) {
			continue
		}
		if other, dup := seen[r.PortEnv]; dup {
			d.errorf(d.valPos(rp(r, "port_env")...), "port_env %q of [resource.%s] is also [resource.%s]'s: both would listen on one port", r.PortEnv, r.Name, other)
			continue
		}
		seen[r.PortEnv] = r.Name
	}
}

// validateOverrideNames rejects two values behind one variable, and a
// variable the spec also names for a secret or a port.
func (d *decoder) validateOverrideNames() {
	if d.s.Service.Name == "" {
		return
	}
	type owner struct {
		what string
		pos  Pos
	}
	seen := map[string]owner{}
	// claim takes the variables of one section; a section whose variable
	// is taken is one error, naming the first.
	claim := func(section string, keys []Override, at Pos) {
		var clash string
		for _, o := range keys {
			name := d.s.OverrideVariable(section, o.Key)
			what := "[" + section + "] " + o.Key
			if prev, dup := seen[name]; dup && clash == "" {
				clash = fmt.Sprintf("%s would be read from %s, which already overrides %s: rename the resource", what, name, prev.what)
			}
			if _, dup := seen[name]; !dup {
				seen[name] = owner{what, at}
			}
		}
		if clash != "" {
			d.errorf(at, "%s", clash)
		}
	}
	for _, t := range OverrideTables {
		claim(t, TableOverrides[t], d.keyPos(t))
	}
	goNames := map[string]bool{}
	for _, r := range d.s.Resources {
		if !isKind(r.Kind) || goNames[GoName(r.Name)] {
			continue // a Go name collision is an error of its own
		}
		goNames[GoName(r.Name)] = true
		claim("resource."+r.Name, ResourceOverrides(r.Kind), d.keyPos("resource", r.Name))
	}
	for _, r := range d.s.Resources {
		for _, k := range []string{"dsn_env", "addr_env", "password_env", "base_url_env", "port_env"} {
			v := keyField(reflect.ValueOf(r).Elem(), k)
			if !v.IsValid() || v.String() == "" {
				continue
			}
			if prev, dup := seen[v.String()]; dup {
				d.errorf(d.valPos(rp(r, k)...), "%s %q of [resource.%s] is the variable that overrides %s: name another one", k, v.String(), r.Name, prev.what)
			}
		}
	}
}
