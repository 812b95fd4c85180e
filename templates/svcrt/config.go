package svcrt

import (
	"log/slog"
	"net/http"
	"time"
)

// Config is every value of the spec the runtime uses. The generated
// svcgen_config.go holds one constant per spec value, svcLoad (in
// svcgen_settings.go) loads the ones a deployment may override from the
// environment over them, and svcConfig (in svcgen_wire.go) fills a Config
// from both; the runtime never reads a spec value from anywhere else.
type Config struct {
	Name        string // [service] name: the binary, the SCM service and the systemd unit
	Version     string
	DisplayName string // the SCM's display name (empty: Name)
	Description string

	Timeouts TimeoutConfig
	Admin    AdminConfig
	Log      LogConfig
	Windows  WindowsConfig
	Systemd  SystemdConfig
	Runtime  RuntimeConfig
	Watchdog WatchdogConfig

	// Metrics adds /metrics to the admin listener, records the engine's step
	// durations and counts the requests of every http resource; nil when
	// [metrics] is off. ServeMetrics and ServeMetricsWith (metrics.go) are the
	// implementations; an error (the user's collectors could not be
	// registered) fails the start.
	Metrics func(app *App, mux *http.ServeMux) error
}

// TimeoutConfig is [timeouts]: the whole start and stop budgets and the
// shares of the stop budget.
type TimeoutConfig struct {
	Start      time.Duration // open and warm every resource, then after_ready hooks
	Stop       time.Duration // from the stop request to exit
	DrainDelay time.Duration // not ready but serving, so balancers deregister
	Drain      time.Duration // servers finish in-flight requests
	Critical   time.Duration // reserved for critical closes and the log flush
	Shutdown   time.Duration // the whole stop when the OS is shutting down
}

// AdminConfig is [admin].
type AdminConfig struct {
	Addr  string // /healthz, /readyz (and /metrics, /debug/pprof/ when enabled)
	Pprof bool   // net/http/pprof under /debug/pprof/
}

// LogConfig is [log].
type LogConfig struct {
	Format     string // text | json
	Level      slog.Level
	Stderr     bool   // also (or only) to stderr
	File       string // empty: no file
	MaxSizeMB  int
	MaxAge     time.Duration
	MaxBackups int
	Compress   bool
	// OpenFile opens File; nil when the spec writes no file. OpenRotatingFile
	// (logfile.go) is the one implementation.
	OpenFile func(path string, c LogConfig) (LogFile, error)
}

// LogFile is an open log file: records are written to it, and Flush writes
// what is buffered when the service stops.
type LogFile interface {
	Write(p []byte) (int, error)
	Flush() error
}

// WindowsConfig is [windows]: what install registers with the SCM.
type WindowsConfig struct {
	Start              string // auto | delayed-auto | manual | disabled
	Account            string
	PasswordEnv        string
	Dependencies       string        // service names joined by / (no service name has one)
	Preshutdown        time.Duration // the whole stop on PreShutdown; 0: no PreShutdown
	Recovery           []RecoveryAction
	RecoveryReset      time.Duration
	RecoveryOnNonCrash bool
	EventLog           bool
	// Firewall: install adds an inbound rule letting the service accept
	// TCP connections on the ports of FirewallAddrs (the http and grpc
	// listen addresses; firewallPorts picks the ports), uninstall removes it.
	Firewall      bool
	FirewallAddrs []string
}

// RecoveryAction is one SCM failure action.
type RecoveryAction struct {
	Action string // restart | reboot | none
	Delay  time.Duration
}

// SystemdConfig is [systemd]: what install writes into the unit.
type SystemdConfig struct {
	// Unit is the unit file with @NAME@ placeholders that the install verb
	// fills from this Config.
	Unit       string
	RestartSec time.Duration
	Watchdog   time.Duration // WatchdogSec=; 0: none
	User       string        // User=; empty: root
}

// RuntimeConfig is [runtime]; a zero value leaves Go's default.
type RuntimeConfig struct {
	GOMAXPROCS  int
	GCPercent   int
	SetGC       bool // GCPercent is set (0 is a valid percent)
	MemoryLimit int64
}

// WatchdogConfig is [watchdog]: liveness checks while ready.
type WatchdogConfig struct {
	Interval  time.Duration
	Failures  int
	ExitAfter time.Duration // 0: never exit
}
