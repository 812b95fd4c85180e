package spec

import (
	"strings"
	"time"
)

// Formulas are the defaults computed from other values, each written once.
// Decoding evaluates them to fill a spec's defaults (so `svcgen graph` and
// the generated README print what the service runs), the generator renders
// them as constant expressions of the constants they read (so a change of
// stop is one changed line of svcgen_config.go), and REFERENCE.md shows
// them as formulas (a test keeps its default column equal to Doc).
//
// Decoding evaluates them in this order, after every plain default, so a
// formula reads only plain values and the results of earlier formulas.
var Formulas = []*Formula{
	// The critical reserve: a tenth of the stop budget, at least 1s, but
	// never more than half of it.
	{Table: "timeouts", Key: "critical", Cases: always(
		minOf(maxOf(div(stop, 10), dur(time.Second)), div(stop, 2)))},
	// The drain gets half of what drain_delay and the critical reserve
	// leave; closing workers and resources gets the rest (closePhase). In
	// whole milliseconds, so the drain reads as a spec writes durations
	// ("4.5s", not "4.50045s") and the sub-millisecond rest goes to closing.
	{Table: "timeouts", Key: "drain", Cases: always(
		maxOf(trunc(div(sub(stop, drainDelay, critical), 2), time.Millisecond), num(0)))},
	{Table: "timeouts", Key: "shutdown", Cases: always(minOf(dur(DefaultShutdown), stop))},
	// Windows waits on an OS shutdown as long as the service's own stop.
	{Table: "windows", Key: "preshutdown", Cases: always(stop)},

	{Table: "resource", Key: "open_timeout", Cases: always(ref("timeouts.start"))},
	{Table: "resource", Key: "close_timeout", Cases: always(maxOf(closePhase, num(0)))},

	// sql: defaults never contradict what the spec gave: warm fits an
	// explicit max_idle, max_idle fits an explicit max_open.
	{Table: "resource", Kind: KindSQL, Key: "warm", Cases: []Case{
		{Given: []Ref{"max_idle"}, Expr: minOf(num(1), maxOf(ref("max_idle"), num(0)))},
		{Expr: num(1)},
	}},
	{Table: "resource", Kind: KindSQL, Key: "max_idle", Cases: []Case{
		{Given: []Ref{"max_open"}, Expr: minOf(maxOf(num(DefaultSQLMaxIdle), ref("warm")), ref("max_open"))},
		{Expr: maxOf(num(DefaultSQLMaxIdle), ref("warm"))},
	}},
	{Table: "resource", Kind: KindSQL, Key: "max_open", Cases: always(maxOf(num(DefaultSQLMaxOpen), ref("max_idle"), ref("warm")))},
	{Table: "resource", Kind: KindSQL, Key: "ping_timeout", Cases: always(minOf(dur(DefaultPingTimeout), ref("open_timeout")))},

	{Table: "resource", Kind: KindRedis, Key: "pool_size", Cases: always(maxOf(num(DefaultRedisPoolSize), ref("warm")))},
	{Table: "resource", Kind: KindRedis, Key: "min_idle", Cases: always(ref("warm"))},
	{Table: "resource", Kind: KindRedis, Key: "dial_timeout", Cases: always(minOf(dur(DefaultDialTimeout), ref("open_timeout")))},

	{Table: "resource", Kind: KindHTTPClient, Key: "max_idle_per_host", Cases: always(maxOf(num(DefaultMaxIdlePerHost), ref("warm")))},
	{Table: "resource", Kind: KindHTTPClient, Key: "retry_max", Cases: always(maxOf(dur(DefaultRetryMax), ref("retry_base")))},
}

var (
	stop       = ref("timeouts.stop")
	drainDelay = ref("timeouts.drain_delay")
	critical   = ref("timeouts.critical")

	// closePhase is the part of the stop budget left for step 4 (workers
	// cancelled, resources closed) once drain_delay, drain and the
	// critical reserve are taken out: Timeouts.ClosePhase, and the default
	// close_timeout when it is positive.
	closePhase = sub(stop, drainDelay, ref("timeouts.drain"), critical)
)

// A Formula is how one default follows other values.
type Formula struct {
	// Table, Kind and Key name the key the way REFERENCE.md's tables do:
	// Table "resource" is the key of every resource of Kind ("": of every
	// kind).
	Table, Kind, Key string
	// Cases are tried in order; the first whose Given keys the spec all
	// wrote applies. The last one has none.
	Cases []Case
}

// A Case is the formula of a default while some keys are given: a key
// that depends on another one cannot be that key's default in turn.
type Case struct {
	Given []Ref
	Expr  *Expr
}

// Ref is the key whose default this is, as a formula reads it.
func (f *Formula) Ref() Ref {
	if f.Table == "resource" {
		return Ref(f.Key)
	}
	return Ref(f.Table + "." + f.Key)
}

// AppliesTo reports whether f is a default of r (nil: of a key outside
// the resources).
func (f *Formula) AppliesTo(r *Resource) bool {
	if r == nil {
		return f.Table != "resource"
	}
	return f.Table == "resource" && (f.Kind == "" || f.Kind == r.Kind)
}

// Case is the formula that applies when given reports which keys the
// spec wrote.
func (f *Formula) Case(given func(Ref) bool) *Expr {
	for _, c := range f.Cases {
		all := true
		for _, k := range c.Given {
			all = all && given(k)
		}
		if all {
			return c.Expr
		}
	}
	panic("spec: formula " + string(f.Ref()) + " has no case without given keys")
}

func always(e *Expr) []Case { return []Case{{Expr: e}} }

// unitNames spell the units a formula may truncate to.
var unitNames = map[time.Duration]string{
	time.Microsecond: "whole microseconds",
	time.Millisecond: "whole milliseconds",
	time.Second:      "whole seconds",
	time.Minute:      "whole minutes",
}

// Doc is the default of f as REFERENCE.md's default column writes it:
// the formula, what it is truncated to, and which formula applies when
// the spec gives the keys a default may not exceed.
func (f *Formula) Doc() string {
	table := f.Table
	if table == "resource" {
		table = ""
	}
	var b strings.Builder
	for i, c := range f.Cases {
		switch {
		case i > 0 && i == len(f.Cases)-1:
			b.WriteString(", else ")
		case i > 0:
			b.WriteString("; ")
		}
		b.WriteString("`" + c.Expr.text(table) + "`")
		for _, u := range c.Expr.truncations() {
			name, ok := unitNames[u]
			if !ok {
				name = "multiples of " + fmtDur(u)
			}
			b.WriteString(", truncated to " + name)
		}
		if len(c.Given) > 0 {
			keys := make([]string, len(c.Given))
			for j, k := range c.Given {
				keys[j] = "`" + (&Expr{Op: OpRef, Ref: k}).text(table) + "`"
			}
			verb := " is given"
			if len(keys) > 1 {
				verb = " are given"
			}
			b.WriteString(" when " + strings.Join(keys, " and ") + verb)
		}
	}
	return b.String()
}
