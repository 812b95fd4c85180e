package svcrt

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Overrides reads a deployment's values of the spec's overridable keys from
// the environment: <SERVICE>_<RESOURCE>_<KEY> for a resource's key and
// <SERVICE>_<TABLE>_<KEY> for a table's, in upper snake case
// (ORDERS_API_ADDR, ORDERS_LOG_LEVEL). The generated svcLoad calls one method
// per key, in the order the spec's defaults follow each other; every value
// and where it came from is recorded for the config verb, and every wrong
// value is collected, so a start fails once, naming all of them.
type Overrides struct {
	prefix string
	env    *Env
	// entries are every value as the process uses it, in the order loaded.
	entries []Setting
	errs    []string
	// missing are required secrets whose variable is not set: an error of
	// config -check (a run fails on them at the resource's open).
	missing []string
}

// Setting is one value of the effective configuration.
type Setting struct {
	Key      string // [resource.api] addr
	Variable string // ORDERS_API_ADDR; empty when the key is fixed
	Value    string // as the process uses it (a secret redacted)
	Source   string // spec, default, the environment, env file path:line
}

// NewOverrides reads service's overrides from env; nil env reads nothing
// (the spec's values alone, for the verbs that do not run the service).
func NewOverrides(service string, env *Env) *Overrides {
	if env == nil {
		env = &Env{}
	}
	return &Overrides{prefix: EnvName(service) + "_", env: env}
}

// EnvName is name in upper snake case: order-db → ORDER_DB.
func EnvName(name string) string {
	return strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(name))
}

// Variable is the environment variable that overrides key of section
// ("resource.api" or "admin"): ORDERS_API_ADDR, ORDERS_ADMIN_ADDR.
func (o *Overrides) Variable(section, key string) string {
	section = strings.TrimPrefix(section, "resource.")
	return o.prefix + EnvName(section) + "_" + EnvName(key)
}

// Settings are every value loaded, in load order.
func (o *Overrides) Settings() []Setting { return o.entries }

// Err is every wrong override, one per line, or nil.
func (o *Overrides) Err() error {
	if len(o.errs) == 0 {
		return nil
	}
	return &OverrideError{Problems: o.errs}
}

// CheckErr is Err plus the required secrets that are not set: what
// config -check reports before a deployment starts.
func (o *Overrides) CheckErr() error {
	all := append(append([]string(nil), o.errs...), o.missing...)
	if len(all) == 0 {
		return nil
	}
	return &OverrideError{Problems: all}
}

// OverrideError lists every wrong value of a deployment's configuration.
type OverrideError struct{ Problems []string }

func (e *OverrideError) Error() string {
	return "configuration: " + strings.Join(e.Problems, "; ")
}

// Source is the spec's origin of a value the environment does not set.
const (
	FromSpec    = "spec"    // service.toml wrote it
	FromDefault = "default" // the spec's default
)

// value is the one path of every typed method: a variable set (even to
// "") is parsed; a fixed key's variable must not be set.
func value[T any](o *Overrides, dst *T, section, key string, def T, src string, fixed bool, parse func(string) (T, error), show func(T) string) {
	name := o.Variable(section, key)
	label := "[" + section + "] " + key
	raw, origin, set := o.env.Lookup(name)
	*dst = def
	switch {
	case set && fixed:
		o.errs = append(o.errs, fmt.Sprintf("%s=%s (%s): %s is fixed by the spec and cannot be overridden", name, quoteValue(raw), origin, label))
		name = ""
	case set:
		v, err := parse(raw)
		if err != nil {
			o.errs = append(o.errs, fmt.Sprintf("%s=%s (%s): %v (%s)", name, quoteValue(raw), origin, err, label))
			break
		}
		*dst, src = v, origin
	case fixed:
		name = ""
	}
	o.entries = append(o.entries, Setting{Key: label, Variable: name, Value: show(*dst), Source: src})
}

// quoteValue shows a wrong value in a message: quoted, its credentials
// redacted (a DSN pasted into the wrong variable) and cut at 200 bytes.
func quoteValue(v string) string {
	s := &secretSet{}
	if strings.Contains(v, "://") {
		s.addForms(urlCredentials(v))
	}
	if strings.Contains(strings.ToLower(v), "password") || strings.Contains(strings.ToLower(v), "pwd") {
		s.addForms(keywordValueCredentials(v))
	}
	v = s.redact(v)
	if len(v) > 200 {
		v = v[:200] + "..."
	}
	return strconv.Quote(v)
}

// String loads a string value; check (may be nil) says what is wrong with one.
func (o *Overrides) String(dst *string, section, key, def, src string, fixed bool, check func(string) error) {
	value(o, dst, section, key, def, src, fixed, func(s string) (string, error) {
		if check != nil {
			if err := check(s); err != nil {
				return "", err
			}
		}
		return s, nil
	}, strconv.Quote)
}

// Int loads an integer in [lo, hi].
func (o *Overrides) Int(dst *int, section, key string, def int, src string, fixed bool, lo, hi int) {
	value(o, dst, section, key, def, src, fixed, func(s string) (int, error) { return ParseIntIn(s, lo, hi) }, strconv.Itoa)
}

// Duration loads a duration in [0, hi].
func (o *Overrides) Duration(dst *time.Duration, section, key string, def time.Duration, src string, fixed bool, hi time.Duration) {
	value(o, dst, section, key, def, src, fixed, func(s string) (time.Duration, error) { return ParseDurationIn(s, hi) }, func(d time.Duration) string { return strconv.Quote(d.String()) })
}

// Bool loads true or false.
func (o *Overrides) Bool(dst *bool, section, key string, def bool, src string, fixed bool) {
	value(o, dst, section, key, def, src, fixed, ParseBool, strconv.FormatBool)
}

// Level loads a log level: debug, info, warn or error.
func (o *Overrides) Level(dst *slog.Level, section, key string, def slog.Level, src string, fixed bool) {
	value(o, dst, section, key, def, src, fixed, ParseLevel, func(l slog.Level) string { return strconv.Quote(strings.ToLower(l.String())) })
}

// Unavailable is a key this binary cannot take from the environment,
// because the spec left out what it needs (a [log] file, TLS): its variable
// set is an error saying why, never silently ignored.
func (o *Overrides) Unavailable(section, key, why string) {
	name := o.Variable(section, key)
	if raw, origin, set := o.env.Lookup(name); set {
		o.errs = append(o.errs, fmt.Sprintf("%s=%s (%s): [%s] %s cannot be overridden: %s", name, quoteValue(raw), origin, section, key, why))
	}
}

// MemoryLimit loads a memory limit in GOMEMLIMIT syntax ("512MiB"), in bytes.
func (o *Overrides) MemoryLimit(dst *int64, section, key string, def int64, src string, fixed bool) {
	value(o, dst, section, key, def, src, fixed, func(s string) (int64, error) {
		n, err := ParseMemoryLimit(strings.TrimSpace(s))
		if err == nil && n == 0 {
			err = fmt.Errorf("want a limit above 0B")
		}
		return n, err
	}, func(n int64) string { return strconv.FormatInt(n, 10) + " bytes" })
}

// Require records a rule between values that must hold after the overrides
// (max_idle at most max_open, ...): the message names the keys, and the
// variables that set any of them.
func (o *Overrides) Require(ok bool, rule string, keys ...string) {
	if ok {
		return
	}
	var set []string
	for _, k := range keys {
		for _, e := range o.entries {
			if e.Key == k && e.Variable != "" && e.Source != FromSpec && e.Source != FromDefault && !strings.HasPrefix(e.Source, FromDefault) {
				set = append(set, e.Variable+"="+e.Value)
			}
		}
	}
	msg := rule
	if len(set) > 0 {
		msg += " (set by " + strings.Join(set, ", ") + ")"
	}
	o.errs = append(o.errs, msg)
}

// Listeners checks that no two listen addresses (the admin listener and every
// http resource, after overrides) take the same port on overlapping hosts, as
// the spec's validation does for the spec's own values. keys name each
// address as Settings does.
func (o *Overrides) Listeners(keys []string, addrs []string) {
	for i := range addrs {
		for j := 0; j < i; j++ {
			if listenersCollide(addrs[i], addrs[j]) {
				o.Require(false, fmt.Sprintf("%s %q and %s %q listen on the same port", keys[j], addrs[j], keys[i], addrs[i]), keys[j], keys[i])
			}
		}
	}
}

// PortEnv applies an http resource's port_env (a platform's PORT): when that
// variable is set and the resource's own override is not, the address keeps
// its host and takes that port.
func (o *Overrides) PortEnv(dst *string, section, variable string) {
	raw, origin, set := o.env.Lookup(variable)
	if !set {
		return
	}
	if _, _, own := o.env.Lookup(o.Variable(section, "addr")); own {
		return // the resource's own variable is the more specific one
	}
	label := "[" + section + "] addr"
	if _, err := ParseIntIn(raw, 0, 65535); err != nil {
		o.errs = append(o.errs, fmt.Sprintf("%s=%s (%s): want a port number 0-65535 (%s port_env)", variable, quoteValue(raw), origin, "["+section+"]"))
		return
	}
	host, _, _ := net.SplitHostPort(*dst)
	*dst = net.JoinHostPort(host, raw)
	for i := range o.entries {
		if o.entries[i].Key == label {
			o.entries[i].Value, o.entries[i].Source = strconv.Quote(*dst), origin+" ("+variable+", port_env)"
		}
	}
}

// Secret records a *_env variable a resource reads at its open: shown
// redacted (a DSN's credentials, a password whole), or "not set". A
// variable set to "" is set. redact is nil for a password.
func (o *Overrides) Secret(section, key, variable string, optional bool, redact func(string) string) {
	label := "[" + section + "] " + key
	raw, origin, set := o.env.Lookup(variable)
	e := Setting{Key: label, Variable: variable, Source: origin}
	switch {
	case !set && optional:
		e.Value, e.Source = "(not set, optional)", FromSpec
	case !set:
		e.Value, e.Source = "(not set)", FromSpec
		o.missing = append(o.missing, fmt.Sprintf("%s is not set (%s)", variable, label))
	case raw == "":
		e.Value = `""`
	case redact == nil:
		e.Value = `"xxxxx"`
	default:
		e.Value = strconv.Quote(redact(raw))
	}
	o.entries = append(o.entries, e)
}

// RedactFor returns the redaction of a value read the way driver reads it
// (pgx, mysql, sqlserver, redis, http): its credentials become xxxxx.
func RedactFor(driver string) func(string) string {
	return func(v string) string {
		s := &secretSet{}
		s.addForms(credentialForms(driver, v))
		return s.redact(v)
	}
}

// ParseIntIn reads a decimal integer in [lo, hi].
func ParseIntIn(s string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("want an integer from %d to %d", lo, hi)
	}
	return n, nil
}

// ParseDurationIn reads a Go duration ("250ms", "30s") in [0, hi]; a bare
// number is refused as in the spec (seconds or milliseconds?), except 0.
func ParseDurationIn(s string, hi time.Duration) (time.Duration, error) {
	s = strings.TrimSpace(s)
	want := fmt.Errorf("want a duration with a unit from 0s to %s, like \"30s\" or \"250ms\"", hi)
	if s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d > hi {
		return 0, want
	}
	return d, nil
}

// ParseBool reads true or false (and 1, 0).
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("want true or false")
}

// ParseLevel reads a log level.
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("want debug, info, warn or error")
}

// OneOf is a check of String: s must be one of values.
func OneOf(values ...string) func(string) error {
	return func(s string) error {
		for _, v := range values {
			if s == v {
				return nil
			}
		}
		return fmt.Errorf("want %s", strings.Join(values, " or "))
	}
}

// CheckListenAddr is a check of String for a listen address: host:port with
// a numeric port, the host an IP address, localhost or empty (Go would
// listen on only one address of any other name), as the spec requires.
func CheckListenAddr(s string) error {
	want := fmt.Errorf("want host:port with a numeric port, the host an IP address, localhost or empty (\":8080\", \"127.0.0.1:9090\")")
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return want
	}
	if _, err := ParseIntIn(port, 0, 65535); err != nil || strings.TrimSpace(port) != port {
		return want
	}
	if host != "" && host != "localhost" && net.ParseIP(strings.SplitN(host, "%", 2)[0]) == nil {
		return want
	}
	return nil
}

// CheckNotEmpty is a check of String for a path.
func CheckNotEmpty(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("want a path, not an empty value")
	}
	return nil
}

// CheckMemoryLimit is a check of String in GOMEMLIMIT syntax.
func CheckMemoryLimit(s string) error {
	if _, err := ParseMemoryLimit(s); err != nil {
		return err
	}
	return nil
}

// ParseMemoryLimit reads "512MiB" (units B, KiB, MiB, GiB, TiB) as bytes; "" is none.
func ParseMemoryLimit(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	units := []struct {
		suffix string
		mult   int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseInt(n, 10, 64)
			if err != nil || v < 0 || v > (1<<62)/u.mult {
				break
			}
			return v * u.mult, nil
		}
	}
	return 0, fmt.Errorf("want an integer with a unit B, KiB, MiB, GiB or TiB, like \"512MiB\"")
}

// listenersCollide reports whether two listen addresses take one port on
// overlapping hosts: port 0 never collides, an unspecified host takes the
// port on every address.
func listenersCollide(a, b string) bool {
	ha, pa, err1 := net.SplitHostPort(a)
	hb, pb, err2 := net.SplitHostPort(b)
	if err1 != nil || err2 != nil {
		return false
	}
	na, _ := strconv.Atoi(pa)
	nb, _ := strconv.Atoi(pb)
	if na != nb || na == 0 {
		return false
	}
	ia, ib := listenHost(ha), listenHost(hb)
	return ia == "" || ib == "" || ia == ib
}

// listenHost normalises a listener's host: "" for every spelling of the
// unspecified address, an IPv4-mapped address as its IPv4 address, no zone.
func listenHost(h string) string {
	h = strings.SplitN(h, "%", 2)[0]
	if h == "localhost" {
		return "127.0.0.1"
	}
	ip := net.ParseIP(h)
	if ip == nil || ip.IsUnspecified() {
		return ""
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	return ip.String()
}

// writeSettings prints the effective configuration: one value a line,
// aligned: the key, the value the process uses, where it came from, and the
// variable that overrides it ("-": fixed by the spec).
func writeSettings(w io.Writer, entries []Setting) {
	// Grouped by table and resource, in the order each first appears.
	first := map[string]int{}
	for i, e := range entries {
		if _, ok := first[sectionOf(e.Key)]; !ok {
			first[sectionOf(e.Key)] = i
		}
	}
	sorted := append([]Setting(nil), entries...)
	sort.SliceStable(sorted, func(i, j int) bool { return first[sectionOf(sorted[i].Key)] < first[sectionOf(sorted[j].Key)] })
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tSOURCE\tVARIABLE")
	for _, e := range sorted {
		v := e.Variable
		if v == "" {
			v = "- (fixed)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Key, e.Value, e.Source, v)
	}
	tw.Flush()
}

// sectionOf is the "[table]" part of a setting's key.
func sectionOf(key string) string {
	s, _, _ := strings.Cut(key, "]")
	return s
}
