package generator

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// setting is one overridable value: a constant of svcgen_config.go that a
// deployment may override from the environment (spec.TableOverrides,
// spec.KindOverrides). svcgen_settings.go declares a field per setting and
// loads it; svcConfig and svcWire read the field, not the constant.
type setting struct {
	constName string // svcAPIAddr
	section   string // "resource.api", "admin"
	ov        spec.Override
	path      []string // the key's path in the spec
	fixed     bool
	derived   *spec.DerivedValue // the default follows other values
}

// field is the setting's field of svcSettings: the constant without "svc".
func (s *setting) field() string { return strings.TrimPrefix(s.constName, "svc") }

// settingsVar is svcLoad's local for the settings, and svcConfig's and
// svcWire's parameter; overridesVar is svcLoad's parameter.
const (
	settingsVar  = "svcSet"
	overridesVar = "svcEnv"
)

// collectSettings lists the overridable values the spec's constants hold,
// plain values first (tables, then resources in start order), then the
// defaults that follow other values, in the order spec decoding computed
// them, so each reads values already loaded.
func collectSettings(g *Context) {
	s := g.Spec
	var plain, derived []*setting
	add := func(section, constName string, ov spec.Override, path []string) {
		if !g.hasConst(constName) {
			return
		}
		st := &setting{constName: constName, section: section, ov: ov, path: path, fixed: s.Fixed(section, ov.Key)}
		if d, ok := g.derived[constName]; ok {
			v := d.value
			st.derived = &v
			derived = append(derived, st)
		} else {
			plain = append(plain, st)
		}
		g.settingByConst[constName] = st
	}
	for _, t := range spec.OverrideTables {
		for _, ov := range spec.TableOverrides[t] {
			add(t, tableConst(t, ov.Key), ov, []string{t, ov.Key})
		}
	}
	for _, r := range s.Graph.Order {
		for _, ov := range spec.ResourceOverrides(r.Kind) {
			add("resource."+r.Name, constName(r, ov.Key), ov, []string{"resource", r.Name, ov.Key})
		}
	}
	// Formulas in the order decoding applied them.
	order := map[string]int{}
	for i, v := range s.Derived() {
		order[refConst(v.Resource, v.Formula.Ref())] = i
	}
	sortStable(derived, func(a, b *setting) bool { return order[a.constName] < order[b.constName] })
	g.settings = append(plain, derived...)
}

// unavailable lists the overridable keys the spec gave no constant, with
// why: their variables are refused at start rather than ignored.
func unavailable(g *Context) [][3]string {
	var out [][3]string
	why := map[string]string{
		"runtime":  "the spec does not set it: Go's own GOMAXPROCS, GOGC and GOMEMLIMIT apply",
		"watchdog": "the spec has no [watchdog], so this binary runs no checks: add [watchdog] to the spec",
	}
	for _, t := range spec.OverrideTables {
		for _, ov := range spec.TableOverrides[t] {
			if !g.hasConst(tableConst(t, ov.Key)) && why[t] != "" {
				out = append(out, [3]string{t, ov.Key, why[t]})
			}
		}
	}
	for _, r := range g.Spec.Graph.Order {
		for _, ov := range spec.ResourceOverrides(r.Kind) {
			if !g.hasConst(constName(r, ov.Key)) && (r.Kind == spec.KindHTTP || r.Kind == spec.KindGRPC) {
				out = append(out, [3]string{"resource." + r.Name, ov.Key, "the spec serves no TLS: set tls_cert_file and tls_key_file in the spec"})
			}
		}
	}
	return out
}

// tableConst is the constant of a table's key (declareConstants names them).
func tableConst(table, key string) string {
	switch table {
	case "timeouts":
		return "svcTimeout" + spec.GoName(key)
	case "runtime":
		return map[string]string{"gomaxprocs": "svcRuntimeGOMAXPROCS", "gc_percent": "svcRuntimeGCPercent", "memory_limit": "svcRuntimeMemoryLimit"}[key]
	case "log":
		if key == "max_size_mb" {
			return "svcLogMaxSizeMB" // MB as Go spells the unit, not GoName's Mb
		}
	}
	return "svc" + spec.GoName(table) + spec.GoName(key)
}

// val is the value the wiring hands the runtime for a constant: the
// setting's field when a deployment may override it, else the constant.
func (g *Context) val(constName string) jen.Code {
	if st, ok := g.settingByConst[constName]; ok {
		return jen.Id(settingsVar).Dot(st.field())
	}
	return jen.Id(constName)
}

// settingType is the Go type of a setting's field.
func settingType(ov spec.Override) jen.Code {
	switch ov.Type {
	case spec.OverrideInt:
		return jen.Int()
	case spec.OverrideDuration:
		return jen.Qual("time", "Duration")
	case spec.OverrideBool:
		return jen.Bool()
	case spec.OverrideLevel:
		return jen.Qual("log/slog", "Level")
	case spec.OverrideMemory:
		return jen.Int64()
	}
	return jen.String()
}

// emitSettings writes svcgen_settings.go: svcSettings, svcLoad (one call per
// overridable value, then the rules between values, then the secrets the
// resources read, for the config verb) and svcSetup, which the runtime
// calls with the environment's overrides.
func emitSettings(g *Context) {
	s := g.Spec
	f := g.NewFile("svcgen_settings.go", "")
	f.Comment("svcSettings are the values of " + s.File + " a deployment may override at start from")
	f.Comment("the environment (<SERVICE>_<RESOURCE>_<KEY>, <SERVICE>_<TABLE>_<KEY>), as the process uses them.")
	f.Type().Id("svcSettings").StructFunc(func(sg *jen.Group) {
		for _, st := range g.settings {
			sg.Id(st.field()).Add(settingType(st.ov))
		}
	})
	f.Line()
	f.Comment("svcSetup is what the runtime runs: the configuration and the wiring, both")
	f.Comment("reading the same loaded values.")
	f.Func().Id("svcSetup").Params(jen.Id(overridesVar).Op("*").Add(g.rt(rtOverrides))).Params(jen.Op("*").Add(g.rt(rtConfig)), jen.Func().Params(jen.Op("*").Add(g.rt(rtApp)))).Block(
		jen.Id(settingsVar).Op(":=").Id("svcLoad").Call(jen.Id(overridesVar)),
		jen.Return(jen.Id("svcConfig").Call(jen.Id(settingsVar)), jen.Func().Params(jen.Id(wireApp).Op("*").Add(g.rt(rtApp))).Block(
			jen.Id("svcWire").Call(jen.Id(wireApp), jen.Id(settingsVar)),
		)),
	)
	f.Line()
	f.Comment("svcLoad reads each value from its variable when set, else from svcgen_config.go.")
	f.Comment("A default that follows other values follows them as loaded, unless the spec")
	f.Comment("or the environment sets it. The rules the spec's validation checks between")
	f.Comment("values are checked again after the overrides.")
	f.Func().Id("svcLoad").Params(jen.Id(overridesVar).Op("*").Add(g.rt(rtOverrides))).Op("*").Id("svcSettings").BlockFunc(func(body *jen.Group) {
		body.Id(settingsVar).Op(":=").Op("&").Id("svcSettings").Values()
		for _, st := range g.settings {
			body.Add(loadCall(g, st))
		}
		for _, u := range unavailable(g) {
			body.Id(overridesVar).Dot("Unavailable").Call(jen.Lit(u[0]), jen.Lit(u[1]), jen.Lit(u[2]))
		}
		for _, r := range s.Graph.Order {
			if r.Kind == spec.KindHTTP && r.PortEnv != "" && !slicesContains(r.Fixed, "addr") {
				body.Id(overridesVar).Dot("PortEnv").Call(jen.Op("&").Id(settingsVar).Dot(g.settingByConst[constName(r, "addr")].field()), jen.Lit("resource."+r.Name), jen.Lit(r.PortEnv))
			}
		}
		for _, rule := range settingRules(g) {
			body.Add(rule)
		}
		for _, c := range secretCalls(g) {
			body.Add(c)
		}
		body.Return(jen.Id(settingsVar))
	})
}

// loadCall is the svcLoad line of one setting.
func loadCall(g *Context, st *setting) jen.Code {
	def := jen.Id(st.constName)
	src := g.rt(rtFromSpec)
	if st.derived != nil {
		def = formulaCode(st.derived.Expr, func(k spec.Ref) string {
			name := refConst(st.derived.Resource, k)
			if o, ok := g.settingByConst[name]; ok {
				return settingsVar + "." + o.field()
			}
			return name
		})
		src = g.rt(rtFromDefault)
	} else if !g.Spec.Has(st.path...) {
		src = g.rt(rtFromDefault)
	}
	args := []jen.Code{jen.Op("&").Id(settingsVar).Dot(st.field()), jen.Lit(st.section), jen.Lit(st.ov.Key), def, src, jen.Lit(st.fixed)}
	method := ""
	switch st.ov.Type {
	case spec.OverrideAddr:
		method = "String"
		args = append(args, g.rt(rtCheckListenAddr))
	case spec.OverridePath:
		method = "String"
		args = append(args, g.rt(rtCheckNotEmpty))
	case spec.OverrideFormat:
		method = "String"
		args = append(args, g.rt(rtOneOf).Call(jen.Lit("text"), jen.Lit("json")))
	case spec.OverrideInt:
		method = "Int"
		args = append(args, jen.Lit(st.ov.Min), jen.Lit(spec.IntLimit(st.path...)))
	case spec.OverrideDuration:
		method = "Duration"
		hi, _ := spec.DurationLimit(st.path...)
		args = append(args, durationCode(hi))
	case spec.OverrideBool:
		method = "Bool"
	case spec.OverrideLevel:
		method = "Level"
	case spec.OverrideMemory:
		method = "MemoryLimit"
	}
	return jen.Id(overridesVar).Dot(method).Call(args...)
}

// settingRules are the checks between values that spec validation makes,
// made again over the loaded values, each naming its keys.
func settingRules(g *Context) []jen.Code {
	var out []jen.Code
	field := func(constName string) (jen.Code, bool) {
		st, ok := g.settingByConst[constName]
		if !ok {
			return nil, false
		}
		return jen.Id(settingsVar).Dot(st.field()), true
	}
	label := func(constName string) string {
		st := g.settingByConst[constName]
		return "[" + st.section + "] " + st.ov.Key
	}
	// atMost: a ≤ b.
	atMost := func(a, b string) {
		fa, ok1 := field(a)
		fb, ok2 := field(b)
		if !ok1 || !ok2 {
			return
		}
		out = append(out, jen.Id(overridesVar).Dot("Require").Call(jen.Add(fa).Op("<=").Add(fb),
			jen.Lit(fmt.Sprintf("%s must be at most %s", label(a), label(b))), jen.Lit(label(a)), jen.Lit(label(b))))
	}
	positive := func(a string) {
		if fa, ok := field(a); ok {
			out = append(out, jen.Id(overridesVar).Dot("Require").Call(jen.Add(fa).Op(">").Lit(0),
				jen.Lit(label(a)+" must be longer than 0s"), jen.Lit(label(a))))
		}
	}
	positive("svcTimeoutStart")
	positive("svcTimeoutStop")
	positive("svcTimeoutCritical")
	positive("svcTimeoutShutdown")
	atMost("svcTimeoutShutdown", "svcTimeoutStop")
	if dd, ok := field("svcTimeoutDrainDelay"); ok {
		crit, _ := field("svcTimeoutCritical")
		stop, _ := field("svcTimeoutStop")
		drain, _ := field("svcTimeoutDrain")
		out = append(out,
			jen.Id(overridesVar).Dot("Require").Call(jen.Add(dd).Op("+").Add(crit).Op("<").Add(stop),
				jen.Lit("[timeouts] drain_delay + critical must be shorter than stop"), jen.Lit("[timeouts] drain_delay"), jen.Lit("[timeouts] critical"), jen.Lit("[timeouts] stop")),
			jen.Id(overridesVar).Dot("Require").Call(jen.Add(dd).Op("+").Add(drain).Op("+").Add(crit).Op("<=").Add(stop),
				jen.Lit("[timeouts] drain_delay + drain + critical must fit in stop"), jen.Lit("[timeouts] drain_delay"), jen.Lit("[timeouts] drain"), jen.Lit("[timeouts] critical"), jen.Lit("[timeouts] stop")))
	}
	if fi, ok := field("svcWatchdogExitAfter"); ok {
		iv, _ := field("svcWatchdogInterval")
		out = append(out, jen.Id(overridesVar).Dot("Require").Call(jen.Add(fi).Op("==").Lit(0).Op("||").Add(fi).Op(">=").Add(iv),
			jen.Lit("[watchdog] exit_after must be 0s or at least interval"), jen.Lit("[watchdog] exit_after"), jen.Lit("[watchdog] interval")))
	}
	if st, ok := field("svcLogStderr"); ok {
		if file, ok := field("svcLogFile"); ok {
			out = append(out, jen.Id(overridesVar).Dot("Require").Call(jen.Add(st).Op("||").Add(file).Op("!=").Lit(""),
				jen.Lit("[log] stderr = false needs a [log] file"), jen.Lit("[log] stderr"), jen.Lit("[log] file")))
		} else {
			out = append(out, jen.Id(overridesVar).Dot("Require").Call(st,
				jen.Lit("[log] stderr = false needs a [log] file, and this service was generated without one"), jen.Lit("[log] stderr")))
		}
	}
	var listenKeys, listenAddrs []jen.Code
	if a, ok := field("svcAdminAddr"); ok {
		listenKeys, listenAddrs = append(listenKeys, jen.Lit("[admin] addr")), append(listenAddrs, a)
	}
	for _, r := range g.Spec.Graph.Order {
		c := func(key string) string { return constName(r, key) }
		atMost(c("open_timeout"), "svcTimeoutStart")
		atMost(c("close_timeout"), "svcTimeoutStop")
		switch r.Kind {
		case spec.KindSQL:
			atMost(c("max_idle"), c("max_open"))
			atMost(c("warm"), c("max_idle"))
			atMost(c("ping_timeout"), c("open_timeout"))
		case spec.KindRedis:
			atMost(c("min_idle"), c("pool_size"))
			atMost(c("warm"), c("pool_size"))
			atMost(c("dial_timeout"), c("open_timeout"))
		case spec.KindHTTPClient:
			atMost(c("warm"), c("max_idle_per_host"))
			atMost(c("retry_base"), c("retry_max"))
		case spec.KindHTTP, spec.KindGRPC:
			if a, ok := field(c("addr")); ok {
				listenKeys, listenAddrs = append(listenKeys, jen.Lit(label(c("addr")))), append(listenAddrs, a)
			}
		}
	}
	if len(listenAddrs) > 1 {
		out = append(out, jen.Id(overridesVar).Dot("Listeners").Call(jen.Index().String().Values(listenKeys...), jen.Index().String().Values(listenAddrs...)))
	}
	return out
}

// secretCalls record the variables the resources read at their open
// (DSNs, addresses, passwords, base URLs): the config verb shows them
// redacted, and config -check reports a required one that is not set.
func secretCalls(g *Context) []jen.Code {
	var out []jen.Code
	for _, r := range g.Spec.Graph.Order {
		call := func(key, variable string, optional bool, redact jen.Code) {
			out = append(out, jen.Id(overridesVar).Dot("Secret").Call(jen.Lit("resource."+r.Name), jen.Lit(key), jen.Id(constName(r, key)), jen.Lit(optional), redact))
			_ = variable
		}
		switch r.Kind {
		case spec.KindSQL:
			if r.DSNEnv != "" {
				call("dsn_env", r.DSNEnv, false, g.rt(rtRedactFor).Call(jen.Id(constName(r, "driver"))))
			}
		case spec.KindRedis:
			if r.AddrEnv != "" {
				call("addr_env", r.AddrEnv, false, g.rt(rtRedactFor).Call(jen.Lit("redis")))
			}
			if r.PasswordEnv != "" {
				call("password_env", r.PasswordEnv, slicesContains(r.OptionalEnv, "password_env"), jen.Nil())
			}
		case spec.KindHTTPClient:
			call("base_url_env", r.BaseURLEnv, false, g.rt(rtRedactFor).Call(jen.Lit("http")))
		}
	}
	return out
}

func slicesContains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// sortStable is a stable insertion sort of a short list.
func sortStable(list []*setting, less func(a, b *setting) bool) {
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && less(list[j], list[j-1]); j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
}
