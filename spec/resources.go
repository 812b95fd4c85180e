package spec

import (
	"go/token"
	"net/url"
	"regexp"
	"strings"
	"time"
)

var resourceNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

func (d *decoder) validateResources() {
	byGoName := map[string]*Resource{}
	for _, r := range d.s.Resources {
		d.validateResourceName(r, byGoName)
		if !d.validateKind(r) {
			continue
		}
		switch r.Kind {
		case KindHTTP:
			d.validateHTTP(r)
		case KindGRPC:
			d.validateGRPC(r)
		case KindSQL:
			d.validateSQL(r)
		case KindRedis:
			d.validateRedis(r)
		case KindHTTPClient:
			d.validateHTTPClient(r)
		case KindWorker:
			d.requiredIdent(r, "run", r.Run, `a function func(context.Context, ...) error, like "RunOutbox"`)
		case KindCustom:
			d.requiredIdent(r, "open", r.Open, `a function returning (*`+r.Type+`, error), like "Open`+GoName(r.Name)+`"`)
			d.ident(r.Close, "resource", r.Name, "close")
			d.ident(r.Check, "resource", r.Name, "check")
			d.ident(r.Type, "resource", r.Name, "type")
		}
		d.validateStepTimeouts(r)
		d.validateOnFailure(r)
	}
}

// Checked reports whether [watchdog] has a check of the resource: sql and
// redis pings, an http_client's warm_path, a custom resource's check.
func (r *Resource) Checked() bool {
	switch r.Kind {
	case KindSQL, KindRedis:
		return true
	case KindHTTPClient:
		return r.WarmPath != ""
	case KindCustom:
		return r.Check != ""
	}
	return false
}

// onFailureAliases catch what people write for what a failure should do.
var onFailureAliases = map[string]string{
	"ready": OnFailureReadiness, "unready": OnFailureReadiness, "not_ready": OnFailureReadiness,
	"live": OnFailureLiveness, "restart": OnFailureLiveness, "exit": OnFailureLiveness, "stop": OnFailureLiveness,
	"none": OnFailureMetrics, "ignore": OnFailureMetrics, "log": OnFailureMetrics, "report": OnFailureMetrics,
}

// validateOnFailure checks on_failure where the spec gives it: one of
// OnFailures, on a resource that has a check, in a spec with [watchdog]. A
// key that can do nothing is an error, like a key of another kind; with
// [watchdog] enabled = false it is kept for when the checks run again.
func (d *decoder) validateOnFailure(r *Resource) {
	p := rp(r, "on_failure")
	if !d.ok(p...) {
		return
	}
	if !contains(OnFailures, r.OnFailure) {
		hint := didYouMean(r.OnFailure, OnFailures)
		if alias, ok := onFailureAliases[strings.ToLower(r.OnFailure)]; ok {
			hint = ` (did you mean "` + alias + `"?)`
		}
		d.errorf(d.valPos(p...), "%s %q is not one of %s%s", dotted(p), r.OnFailure, strings.Join(OnFailures, ", "), hint)
		return
	}
	switch {
	case r.Kind == KindHTTPClient && !r.Checked():
		d.errorf(d.keyPos(p...), "on_failure needs warm_path in [resource.%s]: without it the client has no check to fail", r.Name)
	case r.Kind == KindCustom && !r.Checked():
		d.errorf(d.keyPos(p...), "on_failure needs check in [resource.%s]: without it the resource has no check to fail", r.Name)
	case !d.has("watchdog"):
		d.errorf(d.keyPos(p...), "on_failure in [resource.%s] needs [watchdog]: without it no check runs", r.Name)
	}
}

// rp is the key path of a resource key.
func rp(r *Resource, key string) []string { return []string{"resource", r.Name, key} }

func (d *decoder) validateResourceName(r *Resource, byGoName map[string]*Resource) {
	name := r.Name
	at := d.keyPos("resource", name)
	problem := ""
	switch local := GoLocal(name); {
	case !isASCII(name):
		problem = "is not ASCII"
	case !resourceNameRE.MatchString(name):
		problem = "must start with a letter and hold only letters, digits, - and _"
	case len(name) > 64:
		problem = "is longer than 64 characters"
	case token.IsKeyword(local):
		problem = "is a Go keyword"
	case predeclared[local]:
		problem = "is a predeclared Go identifier"
	case reservedPrefix(local) || strings.HasPrefix(strings.ToLower(name), "svcgen"):
		problem = `starts with "svc", which is reserved for generated code`
	default:
		problem = fileNameProblem(name)
	}
	if problem != "" {
		d.errorf(at, "resource name %q %s", name, problem)
		return
	}
	gn := GoName(name)
	if other, dup := byGoName[gn]; dup {
		d.errorf(at, "resource name %q collides with %q (line %d): both are %s in Go", name, other.Name, d.keyPos("resource", other.Name).Line, gn)
		return
	}
	byGoName[gn] = r
}

// buildSuffixes are the GOOS and GOARCH values that make go build treat a
// file name_<suffix>.go as constrained (go/build's knownOS, knownArch).
var buildSuffixes = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Fields(`aix android darwin dragonfly freebsd hurd illumos ios js linux nacl
		netbsd openbsd plan9 solaris wasip1 windows zos 386 amd64 amd64p32 arm armbe arm64 arm64be
		loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64
		s390 s390x sparc sparc64 wasm`) {
		m[s] = true
	}
	return m
}()

// fileNameProblem says why <name>.go cannot hold the resource's user
// functions: go build would skip or constrain it, or it is svcgen's.
func fileNameProblem(name string) string {
	lower := strings.ToLower(name)
	switch lower {
	case "main", "hooks":
		return "is taken: " + lower + ".go is a file of the generated project"
	}
	if isWindowsDeviceName(lower) {
		return "is a reserved Windows file name"
	}
	if i := strings.LastIndexByte(lower, '_'); i > 0 {
		suffix := lower[i+1:]
		if suffix == "test" {
			return "ends in _test: " + name + ".go would be a test file"
		}
		if buildSuffixes[suffix] {
			return "ends in _" + suffix + ": go build would compile " + name + ".go only for " + suffix
		}
	}
	return ""
}

// isWindowsDeviceName reports names Windows cannot use for a file.
func isWindowsDeviceName(name string) bool {
	base, _, _ := strings.Cut(strings.ToLower(name), ".")
	switch base {
	case "con", "prn", "aux", "nul":
		return true
	}
	return len(base) == 4 && (strings.HasPrefix(base, "com") || strings.HasPrefix(base, "lpt")) && base[3] >= '1' && base[3] <= '9'
}

// validateKind reports a missing or unknown kind; it returns whether the
// kind is known, so kind-specific checks can run.
func (d *decoder) validateKind(r *Resource) bool {
	p := rp(r, "kind")
	if d.bad[pathKey(p)] {
		return false
	}
	if !d.has(p...) {
		d.missing([]string{"resource", r.Name}, "kind", strings.Join(Kinds, ", "))
		return false
	}
	if isKind(r.Kind) {
		return true
	}
	hint := ""
	if alias, ok := kindAliases[strings.ToLower(r.Kind)]; ok {
		hint = ` (did you mean "` + alias + `"?)`
	} else if m := suggest(r.Kind, Kinds); m != "" {
		hint = ` (did you mean "` + m + `"?)`
	} else {
		hint = " (one of " + strings.Join(Kinds, ", ") + ")"
	}
	d.errorf(d.valPos(p...), "unknown resource kind %q%s", r.Kind, hint)
	return false
}

// requiredIdent checks a required user function name.
func (d *decoder) requiredIdent(r *Resource, key, val, hint string) {
	if d.required(val, hint, rp(r, key)...) {
		d.ident(val, rp(r, key)...)
	}
}

func (d *decoder) validateHTTP(r *Resource) {
	d.required(r.Addr, `the listen address, like ":8080"`, rp(r, "addr")...)
	d.requiredIdent(r, "handler", r.Handler, `a function returning (http.Handler, error), like "NewAPI"`)
	d.validateTLSFiles(r)
	d.positive(r.MaxHeaderBytes, rp(r, "max_header_bytes")...)
}

// validateGRPC checks a grpc server resource. The limits are grpc-go's:
// keepalive pings closer than 1s are raised to 1s by grpc-go, so a shorter
// keepalive_time would not mean what it says.
func (d *decoder) validateGRPC(r *Resource) {
	d.required(r.Addr, `the listen address, like ":9000"`, rp(r, "addr")...)
	d.requiredIdent(r, "register", r.Register, `a function func(grpc.ServiceRegistrar, ...) error that registers the services, like "RegisterRPC"`)
	d.validateTLSFiles(r)
	d.positive(r.MaxRecvMsgSize, rp(r, "max_recv_msg_size")...)
	d.positive(r.MaxSendMsgSize, rp(r, "max_send_msg_size")...)
	d.nonNegative(r.MaxConcurrentStreams, rp(r, "max_concurrent_streams")...)
	if p := rp(r, "keepalive_time"); r.KeepaliveTime.Set && r.KeepaliveTime.Duration < time.Second {
		d.errorf(d.valPos(p...), "%s must be at least 1s: grpc-go pings no more often", dotted(p))
	}
	d.positiveDur(r.KeepaliveTimeout, rp(r, "keepalive_timeout")...)
	for _, k := range []string{"keepalive_min_time", "max_connection_age", "max_connection_age_grace"} {
		v := map[string]Duration{"keepalive_min_time": r.KeepaliveMinTime, "max_connection_age": r.MaxConnectionAge, "max_connection_age_grace": r.MaxConnectionAgeGrace}[k]
		if v.Set && v.Duration < 0 {
			d.errorf(d.valPos(rp(r, k)...), "%s must not be negative", dotted(rp(r, k)))
		}
	}
	if p := rp(r, "max_connection_age_grace"); r.MaxConnectionAgeGrace.Set && r.MaxConnectionAgeGrace.Duration > 0 && !r.MaxConnectionAge.Set {
		d.errorf(d.keyPos(p...), "max_connection_age_grace needs max_connection_age in [resource.%s]: without an age no connection is closed", r.Name)
	}
}

// validateTLSFiles checks the TLS files of a server resource: both or
// neither, each a single line.
func (d *decoder) validateTLSFiles(r *Resource) {
	cert, key := d.has(rp(r, "tls_cert_file")...), d.has(rp(r, "tls_key_file")...)
	switch {
	case cert && !key:
		d.errorf(d.keyPos(rp(r, "tls_cert_file")...), "tls_cert_file needs tls_key_file in [resource.%s]", r.Name)
	case key && !cert:
		d.errorf(d.keyPos(rp(r, "tls_key_file")...), "tls_key_file needs tls_cert_file in [resource.%s]", r.Name)
	}
	for _, k := range []string{"tls_cert_file", "tls_key_file"} {
		if d.ok(rp(r, k)...) {
			v := r.TLSCertFile
			if k == "tls_key_file" {
				v = r.TLSKeyFile
			}
			if v == "" {
				d.errorf(d.valPos(rp(r, k)...), "%s must not be empty", dotted(rp(r, k)))
			}
			d.singleLine(v, rp(r, k)...)
		}
	}
}

// exactlyOne checks that a resource gives one of several alternative keys.
func (d *decoder) exactlyOne(r *Resource, keys []string, hint string) {
	var given []string
	for _, k := range keys {
		if d.has(rp(r, k)...) {
			given = append(given, k)
		}
	}
	if len(given) == 0 {
		d.missing([]string{"resource", r.Name}, keys[0], hint)
		return
	}
	for _, k := range given[1:] {
		d.errorf(d.keyPos(rp(r, k)...), "%s and %s are both set in [resource.%s]: keep one", given[0], k, r.Name)
	}
}

func (d *decoder) validateSQL(r *Resource) {
	if d.required(r.Driver, strings.Join(Drivers, ", "), rp(r, "driver")...) && !contains(Drivers, r.Driver) {
		hint := didYouMean(r.Driver, Drivers)
		if alias, ok := driverAliases[strings.ToLower(r.Driver)]; ok {
			hint = ` (did you mean "` + alias + `"?)`
		}
		if hint == "" {
			hint = " (one of " + strings.Join(Drivers, ", ") + ")"
		}
		d.errorf(d.valPos(rp(r, "driver")...), "unknown sql driver %q%s", r.Driver, hint)
	}
	d.exactlyOne(r, []string{"dsn_env", "dsn_file", "dsn"}, "or dsn_file: where the connection string comes from")
	d.envName(r.DSNEnv, rp(r, "dsn_env")...)
	for k, v := range map[string]string{"dsn_file": r.DSNFile, "dsn": r.DSN} {
		if d.ok(rp(r, k)...) && v == "" {
			d.errorf(d.valPos(rp(r, k)...), "%s must not be empty", dotted(rp(r, k)))
		}
	}
	d.singleLine(r.DSNFile, rp(r, "dsn_file")...)
	if d.ok(rp(r, "dsn")...) && DSNHoldsCredential(r.Driver, r.DSN) {
		// The value is not quoted: the message would print the credential.
		d.errorf(d.valPos(rp(r, "dsn")...), "%s holds a password: read the DSN from the environment (dsn_env) or a file (dsn_file)", dotted(rp(r, "dsn")))
	}
	d.positive(r.MaxOpen, rp(r, "max_open")...)
	d.nonNegative(r.MaxIdle, rp(r, "max_idle")...)
	d.nonNegative(r.Warm, rp(r, "warm")...)
	switch {
	case r.MaxOpen > 0 && r.Warm > r.MaxOpen:
		d.errorf(d.valPos(rp(r, "warm")...), "warm = %d is more than max_open = %d: raise max_open to at least %d", r.Warm, r.MaxOpen, r.Warm)
	case r.MaxIdle >= 0 && r.Warm > r.MaxIdle:
		d.errorf(d.valPos(rp(r, "warm")...), "warm = %d is more than max_idle = %d: raise max_idle to at least %d (idle connections above max_idle are closed)", r.Warm, r.MaxIdle, r.Warm)
	}
	if r.MaxOpen > 0 && r.MaxIdle > r.MaxOpen {
		d.errorf(d.valPos(rp(r, "max_idle")...), "max_idle = %d is more than max_open = %d: lower max_idle or raise max_open", r.MaxIdle, r.MaxOpen)
	}
	d.stepWithinOpen(r, "ping_timeout", r.PingTimeout)
}

// stepWithinOpen checks that a connect step fits the resource's open
// timeout.
func (d *decoder) stepWithinOpen(r *Resource, key string, v Duration) {
	if v.Set && v.Duration > r.OpenTimeout.Duration {
		d.errorf(d.valPos(rp(r, key)...), "%s (%s) is longer than open_timeout (%s) of [resource.%s]", key, fmtDur(v.Duration), fmtDur(r.OpenTimeout.Duration), r.Name)
	}
}

func (d *decoder) validateRedis(r *Resource) {
	d.exactlyOne(r, []string{"addr_env", "addr"}, "or addr: the variable holding host:port")
	d.envName(r.AddrEnv, rp(r, "addr_env")...)
	d.envName(r.PasswordEnv, rp(r, "password_env")...)
	if d.ok(rp(r, "addr")...) {
		if len(credentialForms(credRedis, r.Addr)) > 0 {
			// The value is not quoted: the message would print the credential.
			d.errorf(d.valPos(rp(r, "addr")...), "%s holds a password: use addr_env, or password_env for the password", dotted(rp(r, "addr")))
		} else if why := redisAddrProblem(r.Addr); why != "" {
			d.errorf(d.valPos(rp(r, "addr")...), "%s %q %s", dotted(rp(r, "addr")), r.Addr, why)
		}
	}
	d.nonNegative(r.DB, rp(r, "db")...)
	d.positive(r.PoolSize, rp(r, "pool_size")...)
	d.nonNegative(r.MinIdle, rp(r, "min_idle")...)
	d.nonNegative(r.Warm, rp(r, "warm")...)
	if r.PoolSize > 0 && r.Warm > r.PoolSize {
		d.errorf(d.valPos(rp(r, "warm")...), "warm = %d is more than pool_size = %d: raise pool_size to at least %d", r.Warm, r.PoolSize, r.Warm)
	}
	if r.PoolSize > 0 && r.MinIdle > r.PoolSize {
		d.errorf(d.valPos(rp(r, "min_idle")...), "min_idle = %d is more than pool_size = %d: lower min_idle or raise pool_size", r.MinIdle, r.PoolSize)
	}
	d.stepWithinOpen(r, "dial_timeout", r.DialTimeout)
}

// redisAddrProblem checks host:port or a redis:// URL (one with a password
// is rejected before, see credentialForms).
func redisAddrProblem(addr string) string {
	if strings.Contains(addr, "://") {
		u, err := url.Parse(addr)
		if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			return "is not host:port or a redis:// URL"
		}
		return ""
	}
	host, port, err := splitHostPort(addr)
	if err != "" {
		return err
	}
	if host == "" || port == 0 {
		return "needs a host and a port, like \"localhost:6379\""
	}
	return ""
}

func (d *decoder) validateHTTPClient(r *Resource) {
	if d.required(r.BaseURLEnv, "the variable holding the base URL", rp(r, "base_url_env")...) {
		d.envName(r.BaseURLEnv, rp(r, "base_url_env")...)
	}
	if d.ok(rp(r, "warm_path")...) && d.singleLine(r.WarmPath, rp(r, "warm_path")...) && !strings.HasPrefix(r.WarmPath, "/") {
		d.errorf(d.valPos(rp(r, "warm_path")...), "%s %q must start with /", dotted(rp(r, "warm_path")), r.WarmPath)
	}
	d.positive(r.MaxIdlePerHost, rp(r, "max_idle_per_host")...)
	d.nonNegative(r.Warm, rp(r, "warm")...)
	d.nonNegative(r.Retries, rp(r, "retries")...)
	d.nonNegative(r.BreakerFailures, rp(r, "breaker_failures")...)
	if r.MaxIdlePerHost > 0 && r.Warm > r.MaxIdlePerHost {
		d.errorf(d.valPos(rp(r, "warm")...), "warm = %d is more than max_idle_per_host = %d: raise max_idle_per_host to at least %d", r.Warm, r.MaxIdlePerHost, r.Warm)
	}
	if r.RetryBase.Duration > r.RetryMax.Duration {
		at := rp(r, "retry_base")
		if !r.RetryBase.Set {
			at = rp(r, "retry_max")
		}
		d.errorf(d.valPos(at...), "retry_base (%s) is longer than retry_max (%s) in [resource.%s]", fmtDur(r.RetryBase.Duration), fmtDur(r.RetryMax.Duration), r.Name)
	}
}

// validateStepTimeouts checks that a resource's own timeouts fit in the
// whole start and stop budgets.
func (d *decoder) validateStepTimeouts(r *Resource) {
	t := d.s.Timeouts
	d.positiveDur(r.OpenTimeout, rp(r, "open_timeout")...)
	d.positiveDur(r.CloseTimeout, rp(r, "close_timeout")...)
	if r.OpenTimeout.Set && t.Start.Duration > 0 && r.OpenTimeout.Duration > t.Start.Duration {
		d.errorf(d.valPos(rp(r, "open_timeout")...), "open_timeout (%s) is longer than the whole start budget (timeouts.start = %s)", fmtDur(r.OpenTimeout.Duration), fmtDur(t.Start.Duration))
	}
	if r.CloseTimeout.Set && t.Stop.Duration > 0 && r.CloseTimeout.Duration > t.Stop.Duration {
		d.errorf(d.valPos(rp(r, "close_timeout")...), "close_timeout (%s) is longer than the whole stop budget (timeouts.stop = %s)", fmtDur(r.CloseTimeout.Duration), fmtDur(t.Stop.Duration))
	}
}

// DSNHoldsCredential reports whether dsn, a spec's dsn literal for driver,
// holds a credential as that driver reads it: the spec rejects such a
// literal, so that no secret is written into generated code.
func DSNHoldsCredential(driver, dsn string) bool {
	return len(credentialForms(driver, dsn)) > 0
}
