package spec

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

func (d *decoder) validate() {
	d.validateService()
	d.validateTimeouts()
	d.validateWindows()
	d.validateSystemd()
	d.validateLog()
	d.validateRuntime()
	d.validateHooks()
	d.validateMetrics()
	d.validateWatchdog()
	d.validateKubernetes()
	d.validateResources()
	d.validateFunctions()
	d.validateListeners()
	d.validateOverrides()
	d.buildGraph()
}

// missing reports a required key that the table at path lacks.
func (d *decoder) missing(table []string, key, hint string) {
	if d.suggested[pathKey(table)] || d.suggested[pathKey(appendPath(table, key))] {
		return
	}
	if hint != "" {
		hint = " (" + hint + ")"
	}
	if len(table) == 1 && !d.has(table...) {
		d.errorf(d.valPos(table...), "missing [%s] table with %s%s", table[0], key, hint)
		return
	}
	d.errorf(d.valPos(table...), "missing %s in %s%s", key, tableName(table), hint)
}

// required checks that the string at path was given and is not empty.
func (d *decoder) required(val string, hint string, path ...string) bool {
	if d.bad[pathKey(path)] {
		return false
	}
	if !d.has(path...) {
		d.missing(path[:len(path)-1], path[len(path)-1], hint)
		return false
	}
	if val == "" {
		d.errorf(d.valPos(path...), "%s must not be empty", dotted(path))
		return false
	}
	return true
}

// oneOf checks an enumerated string value the spec gave.
func (d *decoder) oneOf(val string, allowed []string, path ...string) {
	if !d.ok(path...) || contains(allowed, val) {
		return
	}
	d.errorf(d.valPos(path...), "%s %q is not one of %s%s", dotted(path), val, strings.Join(allowed, ", "), didYouMean(val, allowed))
}

// nonNegative checks an integer the spec gave.
func (d *decoder) nonNegative(val int, path ...string) {
	if d.ok(path...) && val < 0 {
		d.errorf(d.valPos(path...), "%s must not be negative", dotted(path))
	}
}

// positive checks an integer the spec gave.
func (d *decoder) positive(val int, path ...string) {
	if d.ok(path...) && val < 1 {
		d.errorf(d.valPos(path...), "%s must be at least 1", dotted(path))
	}
}

// positiveDur checks a duration the spec gave.
func (d *decoder) positiveDur(val Duration, path ...string) {
	if val.Set && val.Duration <= 0 {
		d.errorf(d.valPos(path...), "%s must be longer than 0s", dotted(path))
	}
}

// singleLine checks text that becomes one line somewhere (a display
// name, a unit file value, a log record): no control characters, C0 or C1,
// and no line or paragraph separator.
func (d *decoder) singleLine(val string, path ...string) bool {
	if !d.ok(path...) {
		return true
	}
	for _, r := range val {
		if isControl(r) {
			d.errorf(d.valPos(path...), "%s must not contain control characters or line breaks", dotted(path))
			return false
		}
	}
	return true
}

// multiLine checks text that may span lines (a description): line breaks
// are "\n" (a CRLF-edited spec's "\r\n" was made "\n" before), and no other
// control character, which a terminal, a unit file or a log viewer would act on.
func (d *decoder) multiLine(val string, path ...string) {
	if !d.ok(path...) {
		return
	}
	for _, r := range val {
		if r != '\n' && unicode.IsControl(r) {
			d.errorf(d.valPos(path...), "%s must not contain control characters other than line breaks (found %q)", dotted(path), r)
			return
		}
	}
}

// isControl reports a rune that is not text on one line: a C0 or C1
// control character, or a Unicode line or paragraph separator.
func isControl(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
}

// ident checks a user function or type name.
func (d *decoder) ident(val string, path ...string) {
	if !d.ok(path...) {
		return
	}
	if why := identProblem(val); why != "" {
		d.errorf(d.valPos(path...), "%s: %q %s; it must name a Go function or type", dotted(path), val, why)
	}
}

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// envName checks the name of an environment variable the spec gave.
func (d *decoder) envName(val string, path ...string) {
	if !d.ok(path...) {
		return
	}
	if !envNameRE.MatchString(val) {
		d.errorf(d.valPos(path...), "%s: %q is not an environment variable name (letters, digits and _, like \"ORDERS_DB_DSN\")", dotted(path), val)
	}
}

var serviceNameRE = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

func (d *decoder) validateService() {
	sv := d.s.Service
	if d.required(sv.Name, `the binary and Windows service name, like "orders"`, "service", "name") {
		switch {
		case !serviceNameRE.MatchString(sv.Name):
			d.errorf(d.valPos("service", "name"), "service name %q must be lowercase letters, digits, - and _, starting with a letter", sv.Name)
		case len(sv.Name) > 80:
			d.errorf(d.valPos("service", "name"), "service name is longer than 80 characters")
		case isWindowsDeviceName(sv.Name):
			d.errorf(d.valPos("service", "name"), "service name %q is a reserved Windows file name", sv.Name)
		}
	}
	if d.singleLine(sv.DisplayName, "service", "display_name") && len(sv.DisplayName) > 256 {
		d.errorf(d.valPos("service", "display_name"), "service.display_name is longer than 256 bytes (the SCM limit)")
	}
	if d.ok("service", "module") {
		if why := modulePathProblem(sv.Module); why != "" {
			d.errorf(d.valPos("service", "module"), "service.module %q is not a valid module path: %s", sv.Module, why)
		}
	}
	d.singleLine(sv.Version, "service", "version")
	d.s.Service.Description = strings.ReplaceAll(sv.Description, "\r\n", "\n")
	d.multiLine(d.s.Service.Description, "service", "description")
}

func (d *decoder) validateTimeouts() {
	t := d.s.Timeouts
	d.positiveDur(t.Start, "timeouts", "start")
	d.positiveDur(t.Stop, "timeouts", "stop")
	d.positiveDur(t.Critical, "timeouts", "critical")
	d.positiveDur(t.Shutdown, "timeouts", "shutdown")
	if t.Stop.Duration <= 0 {
		return
	}
	for _, k := range []string{"stop", "drain_delay", "drain", "critical"} {
		if d.bad[pathKey([]string{"timeouts", k})] {
			return // reported; the budget would be checked against its default
		}
	}
	// Position a budget error at the first of the involved keys the spec
	// wrote: that is the one to change.
	at := func(keys ...string) Pos {
		for _, k := range keys {
			if d.has("timeouts", k) {
				return d.valPos("timeouts", k)
			}
		}
		return d.valPos("timeouts")
	}
	// drain_delay + critical < stop, without the sum: near the longest
	// duration it would wrap around, pass, and leave the generated
	// constants (svcTimeoutStop-svcTimeoutDrainDelay-...) overflowing.
	// Once it holds, ClosePhase cannot wrap.
	if t.DrainDelay.Duration >= t.Stop.Duration || t.Critical.Duration >= t.Stop.Duration-t.DrainDelay.Duration {
		d.errorf(at("drain_delay", "critical", "stop"), "drain_delay (%s) plus critical (%s) must be shorter than the stop budget (timeouts.stop = %s)",
			fmtDur(t.DrainDelay.Duration), fmtDur(t.Critical.Duration), fmtDur(t.Stop.Duration))
	} else if t.ClosePhase() <= 0 {
		d.errorf(at("drain", "drain_delay", "critical", "stop"), "drain_delay (%s), drain (%s) and critical (%s) fill the stop budget (%s) and leave no time to close resources",
			fmtDur(t.DrainDelay.Duration), fmtDur(t.Drain.Duration), fmtDur(t.Critical.Duration), fmtDur(t.Stop.Duration))
	}
	if t.Shutdown.Set && t.Shutdown.Duration > t.Stop.Duration {
		d.errorf(d.valPos("timeouts", "shutdown"), "shutdown (%s) is the stop budget on an OS shutdown and cannot exceed timeouts.stop (%s)",
			fmtDur(t.Shutdown.Duration), fmtDur(t.Stop.Duration))
	}
}

// fmtDur prints a duration the way a spec writes it: "30s", "1m30s",
// "250ms", "0s".
func fmtDur(v time.Duration) string {
	s := v.String()
	for _, unit := range []string{"h", "m"} {
		s = strings.Replace(s, unit+"0m0s", unit, 1)
		s = strings.Replace(s, unit+"0s", unit, 1)
	}
	return s
}

var windowsStarts = []string{"auto", "delayed-auto", "manual", "disabled"}
var builtinAccounts = []string{"LocalSystem", "LocalService", "NetworkService", "virtual"}
var recoveryActions = []string{"restart", "reboot", "none"}

func (d *decoder) validateWindows() {
	w := d.s.Windows
	d.oneOf(w.Start, windowsStarts, "windows", "start")
	if d.ok("windows", "account") {
		d.validateAccount(w)
	}
	seen := map[string]int{}
	for i, dep := range w.Dependencies {
		p := []string{"windows", "dependencies", itoa(i)}
		if !d.ok(p...) {
			continue
		}
		switch {
		case dep == "" || dep == "+":
			d.errorf(d.valPos(p...), "windows.dependencies[%d] is empty", i)
		case strings.ContainsAny(dep, `/\`) || !isPrintable(dep) || len(dep) > 256:
			d.errorf(d.valPos(p...), "windows.dependencies[%d]: %q is not a service name", i, dep)
		default:
			if j, dup := seen[strings.ToLower(dep)]; dup {
				d.errorf(d.valPos(p...), "windows.dependencies lists %q twice (also at [%d])", dep, j)
			}
			seen[strings.ToLower(dep)] = i
		}
	}
	for i, a := range w.Recovery {
		if !d.has("windows", "recovery") {
			break
		}
		p := []string{"windows", "recovery", itoa(i)}
		if !d.has(append(p, "action")...) && !d.bad[pathKey(p)] {
			d.missing(p, "action", orList(recoveryActions))
			continue
		}
		d.oneOf(a.Action, recoveryActions, append(p, "action")...)
	}
	if w.RecoveryReset.Set && w.RecoveryReset.Duration%time.Second != 0 {
		d.errorf(d.valPos("windows", "recovery_reset"), "windows.recovery_reset must be whole seconds (the SCM counts it in seconds)")
	}
}

func (d *decoder) validateAccount(w Windows) {
	acct := w.Account
	pos := d.valPos("windows", "account")
	if !strings.Contains(acct, `\`) {
		if !contains(builtinAccounts, acct) {
			d.errorf(pos, "windows.account %q is not one of %s or DOMAIN\\user%s", acct, strings.Join(builtinAccounts, ", "), didYouMean(acct, builtinAccounts))
			return
		}
		if w.PasswordEnv != "" {
			d.errorf(d.valPos("windows", "password_env"), "windows.password_env is only for a DOMAIN\\user account, not %s", acct)
		}
		return
	}
	domain, user, _ := strings.Cut(acct, `\`)
	if domain == "" || user == "" || strings.Contains(user, `\`) || !isPrintable(acct) ||
		strings.ContainsAny(user, `"/[]:;|=,+*?<>@`) {
		d.errorf(pos, "windows.account %q is not a DOMAIN\\user account name", acct)
		return
	}
	builtin := strings.EqualFold(domain, "NT AUTHORITY") || strings.EqualFold(domain, "NT SERVICE")
	managed := strings.HasSuffix(user, "$") // a (group) managed service account
	switch {
	case (builtin || managed) && w.PasswordEnv != "":
		d.errorf(d.valPos("windows", "password_env"), "windows.password_env: %s has no password", acct)
	case !builtin && !managed && w.PasswordEnv == "" && !d.bad[pathKey([]string{"windows", "password_env"})]:
		d.errorf(pos, "windows.account %s needs password_env (the variable install reads the password from), or use a managed account ending in $", acct)
	}
	d.envName(w.PasswordEnv, "windows", "password_env")
}

var unixUserRE = regexp.MustCompile(`^[a-z_][a-z0-9_-]*\$?$`)

func (d *decoder) validateSystemd() {
	u := d.s.Systemd.User
	if d.ok("systemd", "user") && (!unixUserRE.MatchString(u) || len(u) > 32) {
		d.errorf(d.valPos("systemd", "user"), "systemd.user %q is not a user name", u)
	}
}

var logFormats = []string{"text", "json"}
var logLevels = []string{"debug", "info", "warn", "error"}

func (d *decoder) validateLog() {
	l := d.s.Log
	d.oneOf(l.Format, logFormats, "log", "format")
	d.oneOf(l.Level, logLevels, "log", "level")
	if d.ok("log", "file") && l.File == "" {
		d.errorf(d.valPos("log", "file"), "log.file must not be empty (leave it out to log to stderr only)")
	}
	d.singleLine(l.File, "log", "file")
	for _, k := range []string{"max_size_mb", "max_age", "max_backups", "compress"} {
		if d.has("log", k) && l.File == "" && !d.has("log", "file") {
			d.errorf(d.keyPos("log", k), "log.%s needs log.file (it rotates the log file)", k)
		}
	}
	d.nonNegative(l.MaxSizeMB, "log", "max_size_mb")
	d.nonNegative(l.MaxBackups, "log", "max_backups")
	if d.ok("log", "stderr") && !*l.Stderr && !d.has("log", "file") {
		d.errorf(d.valPos("log", "stderr"), "log.stderr = false needs log.file, or nothing is logged")
	}
}

func (d *decoder) validateRuntime() {
	r := d.s.Runtime
	d.nonNegative(r.GOMAXPROCS, "runtime", "gomaxprocs")
	if d.ok("runtime", "gc_percent") && *r.GCPercent < -1 {
		d.errorf(d.valPos("runtime", "gc_percent"), "runtime.gc_percent must be -1 (off) or more")
	}
	if d.ok("runtime", "memory_limit") {
		if _, ok := parseMemoryLimit(r.MemoryLimit); !ok || r.MemoryLimit == "" {
			hint := `an integer with a unit B, KiB, MiB, GiB or TiB, like "512MiB"`
			if m := regexp.MustCompile(`^(\d+)\s*([KMGT])B$`).FindStringSubmatch(r.MemoryLimit); m != nil {
				hint = fmt.Sprintf(`binary units: write "%s%siB"`, m[1], m[2])
			}
			d.errorf(d.valPos("runtime", "memory_limit"), "runtime.memory_limit %q: %s", r.MemoryLimit, hint)
		}
	}
}

func (d *decoder) validateHooks() {
	h := d.s.Hooks
	for key, list := range map[string][]string{"after_ready": h.AfterReady, "before_drain": h.BeforeDrain} {
		seen := map[string]bool{}
		for i, name := range list {
			p := []string{"hooks", key, itoa(i)}
			d.ident(name, p...)
			if seen[name] && d.ok(p...) {
				d.errorf(d.valPos(p...), "hooks.%s lists %s twice", key, name)
			}
			seen[name] = true
		}
	}
	d.ident(h.Reload, "hooks", "reload")
}

// validateMetrics checks [metrics] register: a Go function name. With
// enabled = false it is kept for when /metrics is turned on again, and
// nothing calls it.
func (d *decoder) validateMetrics() {
	d.ident(d.s.Metrics.Register, "metrics", "register")
}

func (d *decoder) validateWatchdog() {
	w := d.s.Watchdog
	d.positiveDur(w.Interval, "watchdog", "interval")
	d.positive(w.Failures, "watchdog", "failures")
	if w.ExitAfter.Set && w.ExitAfter.Duration > 0 && w.Interval.Duration > 0 && w.ExitAfter.Duration < w.Interval.Duration {
		d.errorf(d.valPos("watchdog", "exit_after"), "watchdog.exit_after (%s) is shorter than one check interval (%s); use 0s to never exit",
			fmtDur(w.ExitAfter.Duration), fmtDur(w.Interval.Duration))
	}
}

var dnsLabelRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

func (d *decoder) validateKubernetes() {
	k := d.s.Kubernetes
	d.nonNegative(k.Replicas, "kubernetes", "replicas")
	if d.ok("kubernetes", "namespace") && (!dnsLabelRE.MatchString(k.Namespace) || len(k.Namespace) > 63) {
		d.errorf(d.valPos("kubernetes", "namespace"), "kubernetes.namespace %q is not a DNS label (lowercase letters, digits and -)", k.Namespace)
	}
	if d.ok("kubernetes", "image") && (k.Image == "" || strings.ContainsAny(k.Image, " \t") || !isPrintable(k.Image)) {
		d.errorf(d.valPos("kubernetes", "image"), "kubernetes.image %q is not an image reference", k.Image)
	}
	if !k.Enabled {
		return
	}
	// The manifest names its objects after the service, and its probes ask
	// the admin listener from the kubelet, at the pod's IP: a name that is not
	// a DNS label, or an admin address on one host or on port 0, would give a
	// manifest that cannot be applied or whose probes always fail.
	if d.ok("service", "name") && (!dnsLabelRE.MatchString(d.s.Service.Name) || len(d.s.Service.Name) > 63) {
		d.errorf(d.valPos("service", "name"), "service.name %q names Kubernetes objects in [kubernetes]: use lowercase letters, digits and - only", d.s.Service.Name)
	}
	addr := d.s.Admin.Addr
	host, portText, err := net.SplitHostPort(addr)
	port, perr := strconv.Atoi(portText)
	at := d.valPos("admin", "addr")
	if !d.has("admin", "addr") {
		at = d.keyPos("kubernetes") // the default address is what is wrong
	}
	switch {
	case err != nil || perr != nil:
		d.errorf(at, "admin.addr %q is not host:port; [kubernetes] probes need it", addr)
	case !isWildcard(host) && !d.has("admin", "addr"):
		d.errorf(at, "[kubernetes] probes come from the kubelet to the pod's IP, but admin.addr is its default %q, on %s only: set [admin] addr = \":%d\" (every interface of the pod; publish only the API through a Service)", addr, host, port)
	case !isWildcard(host):
		d.errorf(at,
			"admin.addr %q listens on %s only, but [kubernetes] probes come from the kubelet to the pod's IP: use \":%d\" (every interface of the pod; publish only the API through a Service)",
			addr, host, port)
	case port == 0:
		d.errorf(at, "admin.addr %q has port 0, but [kubernetes] probes need a fixed port", addr)
	}
}

// isPrintable reports text without control characters or line breaks.
func isPrintable(s string) bool {
	for _, r := range s {
		if isControl(r) {
			return false
		}
	}
	return true
}

func itoa(i int) string { return fmt.Sprint(i) }
