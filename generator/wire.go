package generator

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// emitWire writes svcgen_wire.go, the whole of what the spec decides about
// the running service: svcConfig hands the runtime the constants of
// svcgen_config.go, and svcWire adds one node per resource in topological
// order, calling the user's functions with the values of the resources they
// depend on, and the hooks.
func emitWire(g *Context) error {
	s := g.Spec
	f := g.NewFile("svcgen_wire.go", "")
	// Drivers register themselves with database/sql when imported.
	drivers := map[string]bool{}
	for _, r := range s.Graph.Order {
		if d, ok := sqlDrivers[r.Driver]; r.Kind == spec.KindSQL && ok && !drivers[d.pkg] {
			drivers[d.pkg] = true
			f.Anon(d.pkg)
		}
	}

	collectSettings(g)
	emitSettings(g)
	f.Comment("svcMain runs the verb in args and returns the process's exit code.")
	f.Func().Id("svcMain").Params(jen.Id("args").Index().String()).Int().Block(
		jen.Return(g.rt(rtMain).Call(jen.Id("svcServiceName"), jen.Id("svcSetup"), jen.Id("args"))),
	)
	f.Line()
	f.Comment("svcConfig is what the runtime reads of " + s.File + ": the constants of svcgen_config.go,")
	f.Comment("and the values a deployment may override as svcLoad loaded them.")
	f.Func().Id("svcConfig").Params(jen.Id(settingsVar).Op("*").Id("svcSettings")).Op("*").Add(g.rt(rtConfig)).Block(
		jen.Return(jen.Op("&").Add(configLit(g).code(g))),
	)
	f.Line()
	f.Comment("svcWire adds the resources of " + s.File + " to the engine in topological order")
	f.Comment("(spec order breaks ties), then the hooks. A node opens once its Deps are")
	f.Comment("ready; a user function gets the values of its depends_on in that order.")
	f.Func().Id("svcWire").Params(jen.Id(wireApp).Op("*").Add(g.rt(rtApp)), jen.Id(settingsVar).Op("*").Id("svcSettings")).BlockFunc(func(body *jen.Group) {
		byName := map[string]*spec.Resource{}
		for _, r := range s.Resources {
			byName[r.Name] = r
		}
		for _, r := range s.Graph.Order {
			var deps, values []jen.Code
			for _, d := range r.DependsOn {
				dep := byName[d]
				deps = append(deps, nodeOf(dep))
				if kinds[dep.Kind].valueType(g, dep) != nil {
					values = append(values, jen.Id(wireLocal(dep)).Dot(rtField(rtResource, "Value")))
				}
			}
			node := newLit(rtNode).
				set("Name", jen.Lit(r.Name)).
				setIf(len(deps) > 0, "Deps", jen.Index().Op("*").Add(g.rt(rtNode)).Values(deps...)).
				set("Critical", jen.Id(constName(r, "critical"))).
				set("OpenTimeout", g.val(constName(r, "open_timeout"))).
				set("CloseTimeout", g.val(constName(r, "close_timeout"))).
				setIf(watched(s, r), "OnFailure", jen.Id(constName(r, "on_failure")))
			call := kinds[r.Kind].wire(g, r, jen.Op("&").Add(node.code(g)), values)
			body.Comment(fmt.Sprintf("[resource.%s] kind %s", r.Name, r.Kind))
			if usedAsDep(s, r) {
				body.Id(wireLocal(r)).Op(":=").Add(call)
			} else {
				body.Add(call)
			}
		}
		hookWiring(g, body)
	})
	return nil
}

// The names svcWire declares: its parameter, the context parameter of the
// closures it hands the runtime, and one variable per resource. Each starts
// with "svc" and a capital, a prefix the spec rejects for user functions
// and types, so none can shadow a function the wiring calls.
const (
	wireApp = "svcApp"
	wireCtx = "svcCtx"
	// wireRegistrar is the grpc registrar a register function is handed.
	wireRegistrar = "svcRegistrar"
)

// wireLocal is the variable of a resource in svcWire: svc<Name>Res. No
// constant of svcgen_config.go has that name (no spec key is "res").
func wireLocal(r *spec.Resource) string { return "svc" + r.GoName() + "Res" }

// nodeOf is the *svcrt.Node of a resource in svcWire: workers are added as
// a bare node, every other kind as a svcrt.Resource holding one.
func nodeOf(r *spec.Resource) jen.Code {
	if r.Kind == spec.KindWorker {
		return jen.Id(wireLocal(r))
	}
	return jen.Id(wireLocal(r)).Dot(rtField(rtResource, "Node"))
}

// usedAsDep reports whether another resource depends on r.
func usedAsDep(s *spec.Spec, r *spec.Resource) bool {
	for _, o := range s.Resources {
		for _, d := range o.DependsOn {
			if d == r.Name {
				return true
			}
		}
	}
	return false
}

// hookWiring hands the [hooks] functions to the engine, in spec order.
func hookWiring(g *Context, body *jen.Group) {
	h := g.Spec.Hooks
	for _, point := range []struct {
		field string
		names []string
	}{
		{"AfterReady", h.AfterReady},
		{"BeforeDrain", h.BeforeDrain},
	} {
		if len(point.names) == 0 {
			continue
		}
		body.Id(wireApp).Dot(rtField(rtApp, point.field)).Op("=").Index().Add(g.rt(rtHook)).ValuesFunc(func(lg *jen.Group) {
			for _, n := range point.names {
				lg.Add(newLit(rtHook).set("Name", jen.Lit(n)).set("Fn", jen.Id(n)).inline())
			}
		})
	}
	if h.Reload != "" {
		body.Id(wireApp).Dot(rtField(rtApp, "OnReload")).Op("=").Id(h.Reload)
	}
}

// configLit is the svcrt.Config literal: each field a constant of
// svcgen_config.go, or a runtime function the spec turns on.
func configLit(g *Context) *rtLit {
	s := g.Spec
	id := g.val
	has := g.hasConst

	log := newLit(rtLogConfig).
		set("Format", id("svcLogFormat")).set("Level", id("svcLogLevel")).set("Stderr", id("svcLogStderr"))
	log.set("File", id("svcLogFile")).set("MaxSizeMB", id(tableConst("log", "max_size_mb"))).set("MaxAge", id("svcLogMaxAge")).
		set("MaxBackups", id("svcLogMaxBackups")).set("Compress", id("svcLogCompress")).
		set("OpenFile", g.rt(rtOpenRotatingFile))
	var recovery []jen.Code
	for i := range s.Windows.Recovery {
		n := recoveryConst(i)
		recovery = append(recovery, newLit(rtRecoveryAction).set("Action", id(n)).set("Delay", id(n+"Delay")).inline())
	}
	windows := newLit(rtWindowsConfig).
		set("Start", id("svcWindowsStart")).set("Account", id("svcWindowsAccount")).
		set("PasswordEnv", id("svcWindowsPasswordEnv")).set("Dependencies", id("svcWindowsDependencies")).
		set("Preshutdown", id("svcWindowsPreshutdown")).
		setIf(len(recovery) > 0, "Recovery", jen.Index().Add(g.rt(rtRecoveryAction)).Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}, recovery...)).
		set("RecoveryReset", id("svcWindowsRecoveryReset")).set("RecoveryOnNonCrash", id("svcWindowsRecoveryOnNonCrash")).
		set("EventLog", id("svcWindowsEventLog")).
		setIf(s.Windows.Firewall, "Firewall", jen.True()).setIf(s.Windows.Firewall, "FirewallAddrs", firewallAddrs(g))
	systemd := newLit(rtSystemdConfig).
		set("Unit", id("svcSystemdUnit")).set("RestartSec", id("svcSystemdRestartSec")).
		setIf(has("svcSystemdWatchdog"), "Watchdog", id("svcSystemdWatchdog")).
		setIf(has("svcSystemdUser"), "User", id("svcSystemdUser"))
	runtime := newLit(rtRuntimeConfig).
		setIf(has("svcRuntimeGOMAXPROCS"), "GOMAXPROCS", id("svcRuntimeGOMAXPROCS")).
		setIf(has("svcRuntimeGCPercent"), "GCPercent", id("svcRuntimeGCPercent")).
		setIf(has("svcRuntimeGCPercent"), "SetGC", jen.True()).
		setIf(has("svcRuntimeMemoryLimit"), "MemoryLimit", id("svcRuntimeMemoryLimit"))
	watchdog := newLit(rtWatchdogConfig).
		set("Interval", id("svcWatchdogInterval")).set("Failures", id("svcWatchdogFailures")).
		set("ExitAfter", id("svcWatchdogExitAfter"))

	return newLit(rtConfig).
		set("Name", id("svcServiceName")).set("Version", id("svcVersion")).
		set("DisplayName", id("svcDisplayName")).set("Description", id("svcDescription")).
		set("Timeouts", newLit(rtTimeoutConfig).
			set("Start", id("svcTimeoutStart")).set("Stop", id("svcTimeoutStop")).
			set("DrainDelay", id("svcTimeoutDrainDelay")).set("Drain", id("svcTimeoutDrain")).
			set("Critical", id("svcTimeoutCritical")).set("Shutdown", id("svcTimeoutShutdown")).code(g)).
		set("Admin", newLit(rtAdminConfig).set("Addr", id("svcAdminAddr")).set("Pprof", id("svcAdminPprof")).code(g)).
		set("Log", log.code(g)).
		set("Windows", windows.code(g)).
		set("Systemd", systemd.code(g)).
		setIf(len(runtime.items) > 0, "Runtime", runtime.code(g)).
		setIf(s.Watchdog.Enabled, "Watchdog", watchdog.code(g)).
		setIf(s.Metrics.Enabled && s.Metrics.Register == "", "Metrics", g.rt(rtServeMetrics)).
		setIf(s.Metrics.Enabled && s.Metrics.Register != "", "Metrics", g.rt(rtServeMetricsWith).Call(id(s.Metrics.Register)))
}

// firewallAddrs lists the listen addresses of the http and grpc resources,
// as loaded (a deployment may move them): install opens their ports (the
// runtime leaves out loopback and port 0). They name the constants or
// settings, so that an address changes one line of the generated code.
func firewallAddrs(g *Context) jen.Code {
	var addrs []jen.Code
	for _, r := range g.Spec.Resources {
		if r.Kind == spec.KindHTTP || r.Kind == spec.KindGRPC {
			addrs = append(addrs, g.val(constName(r, "addr")))
		}
	}
	return jen.Index().String().Values(addrs...)
}
