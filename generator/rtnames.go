package generator

import (
	"fmt"
	"slices"

	"github.com/dave/jennifer/jen"
)

// rtRef is a package-level name of the runtime package (templates/svcrt)
// that the generated wiring uses. Every one is declared here and nowhere
// else, with the fields the wiring sets of each struct, and
// TestRuntimeNames checks the list against the package's real exported API
// with go/types: renaming something in the runtime fails that test, not a
// user's build.
type rtRef string

const (
	rtMain               rtRef = "Main"
	rtApp                rtRef = "App"
	rtNode               rtRef = "Node"
	rtHook               rtRef = "Hook"
	rtConfig             rtRef = "Config"
	rtTimeoutConfig      rtRef = "TimeoutConfig"
	rtAdminConfig        rtRef = "AdminConfig"
	rtLogConfig          rtRef = "LogConfig"
	rtWindowsConfig      rtRef = "WindowsConfig"
	rtRecoveryAction     rtRef = "RecoveryAction"
	rtSystemdConfig      rtRef = "SystemdConfig"
	rtRuntimeConfig      rtRef = "RuntimeConfig"
	rtWatchdogConfig     rtRef = "WatchdogConfig"
	rtOpenRotatingFile   rtRef = "OpenRotatingFile"
	rtServeMetrics       rtRef = "ServeMetrics"
	rtServeMetricsWith   rtRef = "ServeMetricsWith"
	rtHTTPResource       rtRef = "HTTPResource"
	rtHTTPConfig         rtRef = "HTTPConfig"
	rtGRPCResource       rtRef = "GRPCResource"
	rtGRPCConfig         rtRef = "GRPCConfig"
	rtWorkerResource     rtRef = "WorkerResource"
	rtCustomResource     rtRef = "CustomResource"
	rtSQLResource        rtRef = "SQLResource"
	rtSQLPool            rtRef = "SQLPool"
	rtRedisResource      rtRef = "RedisResource"
	rtRedisPool          rtRef = "RedisPool"
	rtHTTPClientResource rtRef = "HTTPClientResource"
	rtHTTPClientPool     rtRef = "HTTPClientPool"
	rtHTTPClient         rtRef = "HTTPClient"
	rtContract           rtRef = "Contract"
	rtResource           rtRef = "Resource"
	rtOverrides          rtRef = "Overrides"
	rtRedactFor          rtRef = "RedactFor"
	rtCheckListenAddr    rtRef = "CheckListenAddr"
	rtCheckNotEmpty      rtRef = "CheckNotEmpty"
	rtOneOf              rtRef = "OneOf"
	rtFromSpec           rtRef = "FromSpec"
	rtFromDefault        rtRef = "FromDefault"
)

// rtFields are the fields the wiring sets of each runtime struct, and of
// App, the fields it assigns.
var rtFields = map[rtRef][]string{
	rtApp:            {"AfterReady", "BeforeDrain", "OnReload"},
	rtResource:       {"Node", "Value"},
	rtNode:           {"Name", "Deps", "Critical", "OpenTimeout", "CloseTimeout", "OnFailure"},
	rtHook:           {"Name", "Fn"},
	rtConfig:         {"Name", "Version", "DisplayName", "Description", "Timeouts", "Admin", "Log", "Windows", "Systemd", "Runtime", "Watchdog", "Metrics"},
	rtTimeoutConfig:  {"Start", "Stop", "DrainDelay", "Drain", "Critical", "Shutdown"},
	rtAdminConfig:    {"Addr", "Pprof"},
	rtLogConfig:      {"Format", "Level", "Stderr", "File", "MaxSizeMB", "MaxAge", "MaxBackups", "Compress", "OpenFile"},
	rtWindowsConfig:  {"Start", "Account", "PasswordEnv", "Dependencies", "Preshutdown", "Recovery", "RecoveryReset", "RecoveryOnNonCrash", "EventLog", "Firewall", "FirewallAddrs"},
	rtRecoveryAction: {"Action", "Delay"},
	rtSystemdConfig:  {"Unit", "RestartSec", "Watchdog", "User"},
	rtRuntimeConfig:  {"GOMAXPROCS", "GCPercent", "SetGC", "MemoryLimit"},
	rtWatchdogConfig: {"Interval", "Failures", "ExitAfter"},
	rtHTTPConfig:     {"Addr", "ReadHeaderTimeout", "ReadTimeout", "WriteTimeout", "IdleTimeout", "MaxHeaderBytes", "CertFile", "KeyFile"},
	rtGRPCConfig: {"Addr", "CertFile", "KeyFile", "MaxRecvMsgSize", "MaxSendMsgSize", "MaxConcurrentStreams", "KeepaliveMinTime",
		"KeepalivePermitWithoutStream", "KeepaliveTime", "KeepaliveTimeout", "MaxConnectionAge", "MaxConnectionAgeGrace", "Reflection"},
	rtSQLPool:        {"Name", "Driver", "DSN", "DSNEnv", "DSNFile", "MaxOpen", "MaxIdle", "ConnMaxLifetime", "ConnMaxIdleTime", "PingTimeout", "Warm", "WarmQuery"},
	rtRedisPool:      {"Name", "Addr", "AddrEnv", "PasswordEnv", "PasswordOptional", "DB", "PoolSize", "MinIdle", "Warm", "DialTimeout", "ReadTimeout", "WriteTimeout"},
	rtHTTPClientPool: {"Name", "BaseURLEnv", "Warm", "WarmPath", "MaxIdlePerHost", "IdleConnTimeout", "TLSHandshakeTimeout", "RequestTimeout", "Retries", "RetryBase", "RetryMax", "BreakerFailures", "BreakerCooldown"},
}

// rt is a name of the runtime package, qualified by its import path in
// this project.
func (g *Context) rt(name rtRef) *jen.Statement { return jen.Qual(g.runtimePath(), string(name)) }

// rtField is a field of a runtime struct the wiring sets; a field missing
// from rtFields is a bug of the generator, caught by every test that
// generates.
func rtField(typ rtRef, field string) string {
	if !slices.Contains(rtFields[typ], field) {
		panic(fmt.Sprintf("generator: svcrt.%s has no field %s in rtFields", typ, field))
	}
	return field
}

// rtLit builds a composite literal of a runtime struct, one field per line
// in the order they are set.
type rtLit struct {
	typ   rtRef
	items []jen.Code
}

func newLit(typ rtRef) *rtLit { return &rtLit{typ: typ} }

// set adds field: value.
func (l *rtLit) set(field string, value jen.Code) *rtLit {
	l.items = append(l.items, jen.Id(rtField(l.typ, field)).Op(":").Add(value))
	return l
}

// setIf adds field: value when cond holds.
func (l *rtLit) setIf(cond bool, field string, value jen.Code) *rtLit {
	if cond {
		l.set(field, value)
	}
	return l
}

// body is the literal's braces and fields, for an element of a slice
// literal whose type is elided.
func (l *rtLit) body() *jen.Statement {
	return jen.Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}, l.items...)
}

// inline is the literal's braces and fields on one line, for a short
// element of a slice literal whose type is elided.
func (l *rtLit) inline() *jen.Statement { return jen.Values(l.items...) }

// code is the whole literal: svcrt.Type{...}.
func (l *rtLit) code(g *Context) *jen.Statement { return g.rt(l.typ).Add(l.body()) }
