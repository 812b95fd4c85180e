package spec

import "time"

// Defaults of every key that has one; spec/REFERENCE.md documents each.
// A value the spec gives is never replaced (Duration.Set, Spec.Has), so
// an explicit 0 stays 0. Some defaults are computed from other values
// (open_timeout from timeouts.start, drain from stop, ...) with plain
// min/max/+/−/÷ arithmetic, so generated code can state them as constant
// expressions of the values they come from and a one-value change stays a
// one-line diff.
const (
	DefaultStart           = 30 * time.Second
	DefaultStop            = 20 * time.Second
	DefaultShutdown        = 5 * time.Second
	DefaultAdminAddr       = "127.0.0.1:9090"
	DefaultRecoveryReset   = 24 * time.Hour
	DefaultRestartSec      = 5 * time.Second
	DefaultReadHeader      = 5 * time.Second
	DefaultHTTPIdle        = 60 * time.Second
	DefaultMaxHeaderBytes  = 1 << 20
	DefaultSQLMaxOpen      = 10
	DefaultSQLMaxIdle      = 2
	DefaultPingTimeout     = 5 * time.Second
	DefaultConnMaxLifetime = 30 * time.Minute
	DefaultRedisPoolSize   = 10
	DefaultDialTimeout     = 5 * time.Second
	DefaultRedisIO         = 3 * time.Second
	DefaultMaxIdlePerHost  = 16
	DefaultClientIdle      = 90 * time.Second
	DefaultTLSHandshake    = 10 * time.Second
	DefaultRequestTimeout  = 30 * time.Second
	DefaultRetries         = 2
	DefaultRetryBase       = 100 * time.Millisecond
	DefaultRetryMax        = 2 * time.Second
	DefaultBreakerFailures = 5
	DefaultBreakerCooldown = 30 * time.Second
	DefaultWatchInterval   = 10 * time.Second
	DefaultWatchFailures   = 3
	DefaultWatchExitAfter  = time.Minute
	DefaultLogMaxSizeMB    = 100
	DefaultLogMaxBackups   = 5
)

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
	// The critical reserve: a tenth of the stop budget, at least 1s, but
	// never more than half of it.
	dflt(&t.Critical, min(max(t.Stop.Duration/10, time.Second), t.Stop.Duration/2))
	// The drain gets half of what remains after drain_delay and the
	// critical reserve; closing workers and resources gets the other half.
	rest := t.Stop.Duration - t.DrainDelay.Duration - t.Critical.Duration
	dflt(&t.Drain, max(rest/2, 0))
	dflt(&t.Shutdown, min(DefaultShutdown, t.Stop.Duration))

	d.dfltStr(&s.Admin.Addr, DefaultAdminAddr, "admin", "addr")

	w := &s.Windows
	d.dfltStr(&w.Start, "auto", "windows", "start")
	d.dfltStr(&w.Account, "LocalService", "windows", "account")
	dflt(&w.Preshutdown, t.Stop.Duration)
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
}

func (d *decoder) resourceDefaults(r *Resource) {
	t := d.s.Timeouts
	p := func(key string) []string { return []string{"resource", r.Name, key} }
	dflt(&r.OpenTimeout, t.Start.Duration)
	dflt(&r.CloseTimeout, max(t.ClosePhase(), 0))
	switch r.Kind {
	case KindHTTP:
		dflt(&r.ReadHeaderTimeout, DefaultReadHeader)
		dflt(&r.IdleTimeout, DefaultHTTPIdle)
		d.dfltInt(&r.MaxHeaderBytes, DefaultMaxHeaderBytes, p("max_header_bytes")...)
	case KindSQL:
		// Defaults never contradict what the spec gave: warm fits max_idle,
		// max_idle fits max_open.
		warm := 1
		if d.ok(p("max_idle")...) {
			warm = min(warm, max(r.MaxIdle, 0))
		}
		d.dfltInt(&r.Warm, warm, p("warm")...)
		maxIdle := max(DefaultSQLMaxIdle, r.Warm)
		if d.ok(p("max_open")...) {
			maxIdle = min(maxIdle, max(r.MaxOpen, 0))
		}
		d.dfltInt(&r.MaxIdle, maxIdle, p("max_idle")...)
		d.dfltInt(&r.MaxOpen, max(DefaultSQLMaxOpen, r.MaxIdle, r.Warm), p("max_open")...)
		dflt(&r.PingTimeout, min(DefaultPingTimeout, r.OpenTimeout.Duration))
		dflt(&r.ConnMaxLifetime, DefaultConnMaxLifetime)
	case KindRedis:
		d.dfltInt(&r.Warm, 1, p("warm")...)
		d.dfltInt(&r.PoolSize, max(DefaultRedisPoolSize, r.Warm), p("pool_size")...)
		d.dfltInt(&r.MinIdle, r.Warm, p("min_idle")...)
		dflt(&r.DialTimeout, min(DefaultDialTimeout, r.OpenTimeout.Duration))
		dflt(&r.ReadTimeout, DefaultRedisIO)
		dflt(&r.WriteTimeout, DefaultRedisIO)
	case KindHTTPClient:
		d.dfltInt(&r.MaxIdlePerHost, max(DefaultMaxIdlePerHost, r.Warm), p("max_idle_per_host")...)
		dflt(&r.IdleConnTimeout, DefaultClientIdle)
		dflt(&r.TLSHandshakeTimeout, DefaultTLSHandshake)
		dflt(&r.RequestTimeout, DefaultRequestTimeout)
		d.dfltInt(&r.Retries, DefaultRetries, p("retries")...)
		dflt(&r.RetryBase, DefaultRetryBase)
		dflt(&r.RetryMax, max(DefaultRetryMax, r.RetryBase.Duration))
		d.dfltInt(&r.BreakerFailures, DefaultBreakerFailures, p("breaker_failures")...)
		dflt(&r.BreakerCooldown, DefaultBreakerCooldown)
	case KindCustom:
		d.dfltStr(&r.Type, GoName(r.Name), p("type")...)
	}
}
