package generator

import (
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// derivedDefault is a value the spec did not give whose default follows
// another value: it is emitted as a constant expression of that value's
// constant, so changing the value it follows changes one line of output
// (the followed constant), not one line per default.
type derivedDefault struct {
	expr jen.Code
	// want is the value spec/defaults.go computed (nanoseconds for a
	// duration); a test evaluates expr and checks it equals want.
	want int64
}

// derivedDefaults mirrors the formulas of spec/defaults.go for every
// default that depends on another value. Keys are constant names.
func derivedDefaults(s *spec.Spec) map[string]derivedDefault {
	d := map[string]derivedDefault{}
	dur := func(name string, v spec.Duration, expr jen.Code) {
		if !v.Set {
			d[name] = derivedDefault{expr, int64(v.Duration)}
		}
	}
	num := func(name string, given bool, v int, expr jen.Code) {
		if !given {
			d[name] = derivedDefault{expr, int64(v)}
		}
	}
	id := jen.Id
	sec := func(n int) jen.Code { return jen.Lit(n).Op("*").Qual("time", "Second") }

	t := s.Timeouts
	// critical: a tenth of the stop budget, at least 1s, at most half.
	dur("svcTimeoutCritical", t.Critical, jen.Min(jen.Max(id("svcTimeoutStop").Op("/").Lit(10), jen.Qual("time", "Second")), id("svcTimeoutStop").Op("/").Lit(2)))
	// drain: half of what drain_delay and the critical reserve leave, in
	// whole milliseconds.
	dur("svcTimeoutDrain", t.Drain, jen.Max(
		jen.Parens(id("svcTimeoutStop").Op("-").Id("svcTimeoutDrainDelay").Op("-").Id("svcTimeoutCritical")).Op("/").Lit(2).Op("/").Qual("time", "Millisecond").Op("*").Qual("time", "Millisecond"),
		jen.Lit(0)))
	dur("svcTimeoutShutdown", t.Shutdown, jen.Min(sec(5), id("svcTimeoutStop")))
	dur("svcWindowsPreshutdown", s.Windows.Preshutdown, id("svcTimeoutStop"))

	closePhase := jen.Max(id("svcTimeoutStop").Op("-").Id("svcTimeoutDrainDelay").Op("-").Id("svcTimeoutDrain").Op("-").Id("svcTimeoutCritical"), jen.Lit(0))
	for _, r := range s.Resources {
		c := func(key string) string { return constName(r, key) }
		has := func(key string) bool { return s.Has("resource", r.Name, key) }
		dur(c("open_timeout"), r.OpenTimeout, id("svcTimeoutStart"))
		dur(c("close_timeout"), r.CloseTimeout, closePhase)
		switch r.Kind {
		case spec.KindSQL:
			if has("max_idle") {
				num(c("warm"), has("warm"), r.Warm, jen.Min(jen.Lit(1), jen.Max(id(c("max_idle")), jen.Lit(0))))
			}
			num(c("max_idle"), has("max_idle"), r.MaxIdle, maxIdleExpr(r, has))
			num(c("max_open"), has("max_open"), r.MaxOpen, jen.Max(jen.Lit(spec.DefaultSQLMaxOpen), id(c("max_idle")), id(c("warm"))))
			dur(c("ping_timeout"), r.PingTimeout, jen.Min(sec(int(spec.DefaultPingTimeout/time.Second)), id(c("open_timeout"))))
		case spec.KindRedis:
			num(c("pool_size"), has("pool_size"), r.PoolSize, jen.Max(jen.Lit(spec.DefaultRedisPoolSize), id(c("warm"))))
			num(c("min_idle"), has("min_idle"), r.MinIdle, id(c("warm")))
			dur(c("dial_timeout"), r.DialTimeout, jen.Min(sec(int(spec.DefaultDialTimeout/time.Second)), id(c("open_timeout"))))
		case spec.KindHTTPClient:
			num(c("max_idle_per_host"), has("max_idle_per_host"), r.MaxIdlePerHost, jen.Max(jen.Lit(spec.DefaultMaxIdlePerHost), id(c("warm"))))
			dur(c("retry_max"), r.RetryMax, jen.Max(durationCode(spec.DefaultRetryMax), id(c("retry_base"))))
		}
	}
	return d
}

// maxIdleExpr: max_idle defaults to max(2, warm), capped by an explicit
// max_open.
func maxIdleExpr(r *spec.Resource, has func(string) bool) jen.Code {
	e := jen.Max(jen.Lit(spec.DefaultSQLMaxIdle), jen.Id(constName(r, "warm")))
	if has("max_open") {
		e = jen.Min(e, jen.Id(constName(r, "max_open")))
	}
	return e
}
