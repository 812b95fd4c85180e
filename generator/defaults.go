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
	// want is the value spec decoding computed (nanoseconds for a
	// duration); a test evaluates expr and checks it equals want.
	want int64
	// value is the formula as spec decoding applied it: the override
	// layer evaluates it again over the values a deployment overrides.
	value spec.DerivedValue
}

// derivedDefaults renders every default s took from spec.Formulas, keyed
// by constant name.
func derivedDefaults(s *spec.Spec) map[string]derivedDefault {
	d := map[string]derivedDefault{}
	for _, v := range s.Derived() {
		name := func(k spec.Ref) string { return refConst(v.Resource, k) }
		d[name(v.Formula.Ref())] = derivedDefault{formulaCode(v.Expr, name), v.Value, v}
	}
	return d
}

// globalConsts are the constants of the keys outside resources that a
// formula reads or fills (lifecycle.go and scm.go declare them).
var globalConsts = map[spec.Ref]string{
	"timeouts.start":       "svcTimeoutStart",
	"timeouts.stop":        "svcTimeoutStop",
	"timeouts.drain_delay": "svcTimeoutDrainDelay",
	"timeouts.drain":       "svcTimeoutDrain",
	"timeouts.critical":    "svcTimeoutCritical",
	"timeouts.shutdown":    "svcTimeoutShutdown",
	"windows.preshutdown":  "svcWindowsPreshutdown",
}

// refConst is the constant of key k of a formula; a bare key is r's.
func refConst(r *spec.Resource, k spec.Ref) string {
	if name, ok := globalConsts[k]; ok {
		return name
	}
	if r == nil {
		panic("generator: no constant for " + string(k))
	}
	return constName(r, string(k))
}

// formulaCode writes e as a Go constant expression, name giving the
// constant of each key it reads. Go evaluates integer constant
// expressions exactly as Expr.Eval does at run time (truncating division,
// min and max), which the property test checks to the nanosecond.
func formulaCode(e *spec.Expr, name func(spec.Ref) string) *jen.Statement {
	operand := func(i int) jen.Code {
		c := formulaCode(e.Args[i], name)
		if e.Parens(i) {
			return jen.Parens(c)
		}
		return c
	}
	args := func() []jen.Code {
		out := make([]jen.Code, len(e.Args))
		for i := range e.Args {
			out[i] = operand(i)
		}
		return out
	}
	switch e.Op {
	case spec.OpConst:
		if e.Dur {
			return jen.Add(durationCode(time.Duration(e.Value)))
		}
		return jen.Lit(int(e.Value))
	case spec.OpRef:
		return jen.Id(name(e.Ref))
	case spec.OpAdd, spec.OpSub:
		op := map[spec.Op]string{spec.OpAdd: "+", spec.OpSub: "-"}[e.Op]
		s := jen.Add(operand(0))
		for i := 1; i < len(e.Args); i++ {
			s.Op(op).Add(operand(i))
		}
		return s
	case spec.OpDiv:
		return jen.Add(operand(0)).Op("/").Lit(int(e.Value))
	case spec.OpTrunc:
		unit := durationCode(time.Duration(e.Value))
		if !isUnit(time.Duration(e.Value)) {
			// 1500*time.Millisecond between / and * would divide by 1500 only.
			unit = jen.Parens(unit)
		}
		return jen.Add(operand(0)).Op("/").Add(unit).Op("*").Add(unit)
	case spec.OpMin:
		return jen.Min(args()...)
	case spec.OpMax:
		return jen.Max(args()...)
	}
	panic("generator: unknown formula operation")
}

// isUnit reports whether durationCode writes d as one name (time.Second).
func isUnit(d time.Duration) bool {
	switch d {
	case time.Hour, time.Minute, time.Second, time.Millisecond, time.Microsecond:
		return true
	}
	return false
}
