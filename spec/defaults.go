package spec

import "time"

// Defaults of every key that has one; spec/REFERENCE.md documents each.
// A value the spec gives is never replaced (Duration.Set, Spec.Has), so
// an explicit 0 stays 0. The defaults computed from other values
// (open_timeout from timeouts.start, drain from stop, ...) are Formulas,
// applied after these.
const (
	DefaultStart          = 30 * time.Second
	DefaultStop           = 20 * time.Second
	DefaultShutdown       = 5 * time.Second
	DefaultAdminAddr      = "127.0.0.1:9090"
	DefaultRecoveryReset  = 24 * time.Hour
	DefaultRestartSec     = 5 * time.Second
	DefaultReadHeader     = 5 * time.Second
	DefaultHTTPIdle       = 60 * time.Second
	DefaultMaxHeaderBytes = 1 << 20
	// grpc: grpc-go's own defaults, written out so the spec shows them.
	DefaultMaxRecvMsgSize   = 4 << 20
	DefaultMaxSendMsgSize   = 4 << 20
	DefaultKeepaliveMinTime = 5 * time.Minute
	DefaultKeepaliveTime    = 2 * time.Hour
	DefaultKeepaliveTimeout = 20 * time.Second
	DefaultSQLMaxOpen       = 10
	DefaultSQLMaxIdle       = 2
	DefaultPingTimeout      = 5 * time.Second
	DefaultConnMaxLifetime  = 30 * time.Minute
	DefaultRedisPoolSize    = 10
	DefaultDialTimeout      = 5 * time.Second
	DefaultRedisIO          = 3 * time.Second
	DefaultMaxIdlePerHost   = 16
	DefaultClientIdle       = 90 * time.Second
	DefaultTLSHandshake     = 10 * time.Second
	DefaultRequestTimeout   = 30 * time.Second
	DefaultRetries          = 2
	DefaultRetryBase        = 100 * time.Millisecond
	DefaultRetryMax         = 2 * time.Second
	DefaultBreakerFailures  = 5
	DefaultBreakerCooldown  = 30 * time.Second
	DefaultWatchInterval    = 10 * time.Second
	DefaultWatchFailures    = 3
	DefaultWatchExitAfter   = time.Minute
	DefaultLogMaxSizeMB     = 100
	DefaultLogMaxBackups    = 5
)

// DefaultOnFailure is what a failing [watchdog] check of a resource does
// when the spec does not say (on_failure), by kind. A database or a redis
// the handlers are handed is what most routes need: while it fails the
// instance steps out of rotation (readiness) and keeps running, since a
// restart does not bring it back. An http_client is one upstream, which
// some routes call and others do not, and which fails fast behind its
// breaker: its failure is reported (metrics) and takes no route down. A
// custom check is the user's own test of a resource the service holds:
// readiness, as for the pools. Kinds without a check have no entry.
var DefaultOnFailure = map[string]string{
	KindSQL:        OnFailureReadiness,
	KindRedis:      OnFailureReadiness,
	KindHTTPClient: OnFailureMetrics,
	KindCustom:     OnFailureReadiness,
}

// DefaultRecovery are the SCM failure actions when the spec has no
// windows.recovery: restart after 5s, then 30s, then every 60s.
func DefaultRecovery() []RecoveryAction {
	return []RecoveryAction{
		{Action: "restart", Delay: Duration{Duration: 5 * time.Second}},
		{Action: "restart", Delay: Duration{Duration: 30 * time.Second}},
		{Action: "restart", Delay: Duration{Duration: 60 * time.Second}},
	}
}

func dflt(d *Duration, v time.Duration) {
	if !d.Set {
		d.Duration = v
	}
}

// dfltInt and dfltStr fill a value the spec did not give (or gave with
// the wrong type, already reported): an explicit 0 or "" is kept.
func (d *decoder) dfltInt(dst *int, v int, path ...string) {
	if !d.ok(path...) {
		*dst = v
	}
}

func (d *decoder) dfltStr(dst *string, v string, path ...string) {
	if !d.ok(path...) {
		*dst = v
	}
}

// enabledByTable turns a feature on when its table is present, unless the
// table says enabled = false.
func (d *decoder) enabledByTable(dst *bool, table string) {
	if d.has(table) && !d.has(table, "enabled") {
		*dst = true
	}
}

func (d *decoder) applyDefaults() {
	s := d.s
	t := &s.Timeouts
	dflt(&t.Start, DefaultStart)
	dflt(&t.Stop, DefaultStop)

	d.dfltStr(&s.Admin.Addr, DefaultAdminAddr, "admin", "addr")

	w := &s.Windows
	d.dfltStr(&w.Start, "auto", "windows", "start")
	d.dfltStr(&w.Account, "LocalService", "windows", "account")
	if !d.ok("windows", "recovery") {
		w.Recovery = DefaultRecovery()
	}
	dflt(&w.RecoveryReset, DefaultRecoveryReset)
	if w.RecoveryOnNonCrash == nil {
		yes := true
		w.RecoveryOnNonCrash = &yes
	}

	d.enabledByTable(&s.Systemd.Enabled, "systemd")
	dflt(&s.Systemd.RestartSec, DefaultRestartSec)

	l := &s.Log
	d.dfltStr(&l.Format, "text", "log", "format")
	d.dfltStr(&l.Level, "info", "log", "level")
	if l.Stderr == nil {
		yes := true
		l.Stderr = &yes
	}
	d.dfltInt(&l.MaxSizeMB, DefaultLogMaxSizeMB, "log", "max_size_mb")
	d.dfltInt(&l.MaxBackups, DefaultLogMaxBackups, "log", "max_backups")

	d.enabledByTable(&s.Metrics.Enabled, "metrics")

	wd := &s.Watchdog
	d.enabledByTable(&wd.Enabled, "watchdog")
	dflt(&wd.Interval, DefaultWatchInterval)
	d.dfltInt(&wd.Failures, DefaultWatchFailures, "watchdog", "failures")
	dflt(&wd.ExitAfter, DefaultWatchExitAfter)

	k := &s.Kubernetes
	d.enabledByTable(&k.Enabled, "kubernetes")
	d.dfltStr(&k.Image, s.Service.Name, "kubernetes", "image")
	d.dfltStr(&k.Namespace, "default", "kubernetes", "namespace")
	d.dfltInt(&k.Replicas, 1, "kubernetes", "replicas")

	for _, r := range s.Resources {
		d.resourceDefaults(r)
	}
	d.applyFormulas()
}

func (d *decoder) resourceDefaults(r *Resource) {
	p := func(key string) []string { return []string{"resource", r.Name, key} }
	if v, ok := DefaultOnFailure[r.Kind]; ok {
		d.dfltStr(&r.OnFailure, v, p("on_failure")...)
	}
	switch r.Kind {
	case KindHTTP:
		dflt(&r.ReadHeaderTimeout, DefaultReadHeader)
		dflt(&r.IdleTimeout, DefaultHTTPIdle)
		d.dfltInt(&r.MaxHeaderBytes, DefaultMaxHeaderBytes, p("max_header_bytes")...)
	case KindGRPC:
		d.dfltInt(&r.MaxRecvMsgSize, DefaultMaxRecvMsgSize, p("max_recv_msg_size")...)
		d.dfltInt(&r.MaxSendMsgSize, DefaultMaxSendMsgSize, p("max_send_msg_size")...)
		dflt(&r.KeepaliveMinTime, DefaultKeepaliveMinTime)
		dflt(&r.KeepaliveTime, DefaultKeepaliveTime)
		dflt(&r.KeepaliveTimeout, DefaultKeepaliveTimeout)
	case KindSQL:
		dflt(&r.ConnMaxLifetime, DefaultConnMaxLifetime)
	case KindRedis:
		d.dfltInt(&r.Warm, 1, p("warm")...)
		dflt(&r.ReadTimeout, DefaultRedisIO)
		dflt(&r.WriteTimeout, DefaultRedisIO)
	case KindHTTPClient:
		dflt(&r.IdleConnTimeout, DefaultClientIdle)
		dflt(&r.TLSHandshakeTimeout, DefaultTLSHandshake)
		dflt(&r.RequestTimeout, DefaultRequestTimeout)
		d.dfltInt(&r.Retries, DefaultRetries, p("retries")...)
		dflt(&r.RetryBase, DefaultRetryBase)
		d.dfltInt(&r.BreakerFailures, DefaultBreakerFailures, p("breaker_failures")...)
		dflt(&r.BreakerCooldown, DefaultBreakerCooldown)
	case KindCustom:
		d.dfltStr(&r.Type, GoName(r.Name), p("type")...)
	}
}
