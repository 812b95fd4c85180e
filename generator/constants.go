package generator

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// declareConstants records every value of the spec as one constant of
// svcgen_config.go, table by table in the order the file shows them. The
// wiring (wire.go) refers to these constants only, so a change of one spec
// value is a change of one line of generated code.
func declareConstants(g *Context) error {
	s := g.Spec
	version := s.Service.Version
	if version == "" {
		version = "dev"
	}
	g.Const("[service]", "svcServiceName", jen.Lit(s.Service.Name), "")
	g.Const("[service]", "svcVersion", jen.Lit(version), "")
	g.Const("[service]", "svcDisplayName", jen.Lit(s.Service.DisplayName), "the SCM's display name (empty: the service name)")
	g.Const("[service]", "svcDescription", jen.Lit(s.Service.Description), "")

	declareLog(g)
	declareRuntime(g)

	g.DurationConst("[systemd]", "svcSystemdRestartSec", s.Systemd.RestartSec, "RestartSec= of the unit")
	if s.Systemd.Watchdog.Duration > 0 {
		g.DurationConst("[systemd]", "svcSystemdWatchdog", s.Systemd.Watchdog, "WatchdogSec= of the unit")
	}
	if s.Systemd.User != "" {
		g.Const("[systemd]", "svcSystemdUser", jen.Lit(s.Systemd.User), "User= of the unit")
	}

	if w := s.Watchdog; w.Enabled {
		g.Const("[watchdog]", "svcWatchdogInterval", durationCode(w.Interval.Duration), "between two rounds of checks; also each check's timeout")
		g.Const("[watchdog]", "svcWatchdogFailures", jen.Lit(w.Failures), "consecutive failures that make a check failing: its resource's on_failure says what that does")
		g.Const("[watchdog]", "svcWatchdogExitAfter", durationCode(w.ExitAfter.Duration), "the check of an on_failure = liveness resource failing this long stops the service with exit code 8 (0: never)")
	}

	g.Const("[metrics]", "svcMetricsEnabled", jen.Lit(s.Metrics.Enabled), "Prometheus /metrics on the admin listener")
	g.Const("[admin]", "svcAdminPprof", jen.Lit(s.Admin.Pprof), "net/http/pprof under /debug/pprof/ on the admin listener")

	t := s.Timeouts
	g.Const("[timeouts]", "svcTimeoutStart", durationCode(t.Start.Duration), "open and warm every resource, then after_ready hooks")
	g.Const("[timeouts]", "svcTimeoutStop", durationCode(t.Stop.Duration), "from the stop request to exit")
	g.Const("[timeouts]", "svcTimeoutDrainDelay", durationCode(t.DrainDelay.Duration), "not ready but serving, so balancers deregister")
	g.Const("[timeouts]", "svcTimeoutDrain", durationCode(t.Drain.Duration), "servers finish in-flight requests")
	g.Const("[timeouts]", "svcTimeoutCritical", durationCode(t.Critical.Duration), "reserved for critical closes and the log flush")
	g.Const("[timeouts]", "svcTimeoutShutdown", durationCode(t.Shutdown.Duration), "the whole stop when the OS is shutting down")
	g.Const("[admin]", "svcAdminAddr", jen.Lit(s.Admin.Addr), "")

	if s.Graph == nil {
		return fmt.Errorf("the spec has no resource graph: it was not validated")
	}
	for _, r := range s.Graph.Order {
		k, ok := kinds[r.Kind]
		if !ok {
			pos := s.Pos("resource", r.Name, "kind")
			return fmt.Errorf("%s:%d:%d: resource %q: kind %q cannot be generated yet", pos.File, pos.Line, pos.Col, r.Name, r.Kind)
		}
		b := blockOf(r)
		g.Const(b, constName(r, "open_timeout"), durationCode(r.OpenTimeout.Duration), "")
		g.Const(b, constName(r, "close_timeout"), durationCode(r.CloseTimeout.Duration), "")
		g.Const(b, constName(r, "critical"), jen.Lit(r.Critical), "")
		if watched(s, r) {
			g.Const(b, constName(r, "on_failure"), jen.Lit(r.OnFailure), "")
		}
		if err := k.declare(g, r); err != nil {
			return fmt.Errorf("resource %q: %w", r.Name, err)
		}
	}

	declareWindows(g)
	return nil
}

func declareLog(g *Context) {
	l := g.Spec.Log
	level := map[string]string{"debug": "LevelDebug", "info": "LevelInfo", "warn": "LevelWarn", "error": "LevelError"}[l.Level]
	if level == "" {
		level = "LevelInfo"
	}
	g.Const("[log]", "svcLogFormat", jen.Lit(l.Format), "text | json")
	g.Const("[log]", "svcLogLevel", jen.Qual("log/slog", level), "")
	g.Const("[log]", "svcLogStderr", jen.Lit(*l.Stderr), "")
	// Declared with no [log] file too: every binary has the rotating file's
	// code (a Windows service's default log), so a deployment may set one.
	g.Const("[log]", "svcLogFile", jen.Lit(l.File), "empty: none (a Windows service: its default log); a bare name: in the service's log directory; relative: against the executable's directory")
	// tableConst names the [log] constants, as svcLoad finds them.
	g.Const("[log]", tableConst("log", "max_size_mb"), jen.Lit(l.MaxSizeMB), "rotate at this size (0: 100)")
	g.Const("[log]", "svcLogMaxAge", durationCode(l.MaxAge.Duration), "delete rotated files older than this, rounded up to days (0: keep)")
	g.Const("[log]", "svcLogMaxBackups", jen.Lit(l.MaxBackups), "rotated files kept (0: all)")
	g.Const("[log]", "svcLogCompress", jen.Lit(l.Compress), "gzip rotated files")
}

// declareRuntime records [runtime]: only what the spec sets, since an
// unset value leaves Go's default (and the GO* variables) in charge.
func declareRuntime(g *Context) {
	r := g.Spec.Runtime
	if r.GOMAXPROCS > 0 {
		g.Const("[runtime]", "svcRuntimeGOMAXPROCS", jen.Lit(r.GOMAXPROCS), "")
	}
	if r.GCPercent != nil {
		g.Const("[runtime]", "svcRuntimeGCPercent", jen.Lit(*r.GCPercent), "-1: the collector is off")
	}
	if r.MemoryLimit != "" {
		g.Const("[runtime]", "svcRuntimeMemoryLimit", jen.Lit(r.MemoryLimitBytes()), "bytes")
	}
}

func declareWindows(g *Context) {
	s := g.Spec
	w := s.Windows
	g.DurationConst("[windows]", "svcWindowsPreshutdown", w.Preshutdown,
		"the whole stop when the SCM sends PreShutdown (the machine goes down)")
	g.Const("[windows]", "svcWindowsEventLog", jen.Lit(w.EventLog), "lifecycle events to the Application event log")
	g.Const("[windows]", "svcWindowsStart", jen.Lit(w.Start), "auto | delayed-auto | manual | disabled")
	g.Const("[windows]", "svcWindowsAccount", jen.Lit(s.ServiceAccount()), "windows.account as CreateService spells it (virtual: NT SERVICE\\<name>)")
	g.Const("[windows]", "svcWindowsPasswordEnv", jen.Lit(w.PasswordEnv), "install reads the account's password from it (never from the spec)")
	g.Const("[windows]", "svcWindowsDependencies", jen.Lit(strings.Join(w.Dependencies, "/")), "joined by / (no service name has one)")
	for i, a := range w.Recovery {
		n := recoveryConst(i)
		g.Const("[windows]", n, jen.Lit(a.Action), fmt.Sprintf("failure %d; later ones repeat the last action", i+1))
		g.Const("[windows]", n+"Delay", durationCode(a.Delay.Duration), "")
	}
	g.DurationConst("[windows]", "svcWindowsRecoveryReset", w.RecoveryReset, "failure count resets after this long without one")
	nonCrash := w.RecoveryOnNonCrash == nil || *w.RecoveryOnNonCrash
	g.Const("[windows]", "svcWindowsRecoveryOnNonCrash", jen.Lit(nonCrash), "recovery also when the service stops with a non-zero exit code")
}

// watched reports whether [watchdog] checks r, so that its on_failure
// reaches the runtime.
func watched(s *spec.Spec, r *spec.Resource) bool {
	return s.Watchdog.Enabled && r.Checked()
}

// recoveryConst names the constant of the (i+1)th windows.recovery action.
func recoveryConst(i int) string { return fmt.Sprintf("svcWindowsRecovery%d", i+1) }

// requireOps records the modules of the operations features before go.mod
// is rendered: client_golang for [metrics]; lumberjack always, for a [log]
// file and for the default log of a Windows service.
func requireOps(g *Context) error {
	if g.Spec.Metrics.Enabled {
		g.Require("prometheus")
	}
	g.Require("lumberjack")
	return nil
}
