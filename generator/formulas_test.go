package generator

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// formulaRefs are the keys the formulas read or fill, each once.
func formulaRefs() []spec.Ref {
	seen := map[spec.Ref]bool{}
	var out []spec.Ref
	add := func(k spec.Ref) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, f := range spec.Formulas {
		add(f.Ref())
		for _, c := range f.Cases {
			for _, k := range append(c.Given, c.Expr.Refs()...) {
				add(k)
			}
		}
	}
	return out
}

// randomEnv draws a value for every key the formulas read, inside the
// stop budget's rules the validator enforces (drain_delay + critical <
// stop, and drain within what is left: outside them the constants would
// overflow and no spec gets there). About half the computed keys take
// their formula's value, as in a spec that leaves them out; a quarter of
// the budgets are one to three nanoseconds short of the validator's limit.
func randomEnv(rng *rand.Rand, refs []spec.Ref) map[spec.Ref]int64 {
	env := map[spec.Ref]int64{}
	given := map[spec.Ref]bool{}
	for _, k := range refs {
		if durationKey(k) {
			env[k] = int64(randomDuration(rng))
		} else {
			env[k] = randomCount(rng)
		}
		given[k] = rng.IntN(2) == 0
	}
	value := func(k spec.Ref) int64 { return env[k] }
	fill := func(f *spec.Formula) {
		env[f.Ref()] = f.Case(func(k spec.Ref) bool { return given[k] }).Eval(value)
	}
	formula := map[spec.Ref]*spec.Formula{}
	for _, f := range spec.Formulas {
		formula[f.Ref()] = f
	}

	stop := max(env["timeouts.stop"], 1)
	env["timeouts.stop"] = stop
	if given["timeouts.critical"] && stop > 1 {
		env["timeouts.critical"] = 1 + rng.Int64N(stop-1)
	} else {
		fill(formula["timeouts.critical"]) // at most stop/2
	}
	rest := stop - env["timeouts.critical"]
	switch rng.IntN(4) {
	case 0:
		env["timeouts.drain_delay"] = 0
	case 1:
		env["timeouts.drain_delay"] = max(rest-1-rng.Int64N(3), 0)
	default:
		env["timeouts.drain_delay"] = rng.Int64N(rest)
	}
	if left := rest - env["timeouts.drain_delay"]; given["timeouts.drain"] {
		env["timeouts.drain"] = rng.Int64N(left)
	} else {
		fill(formula["timeouts.drain"])
	}

	for _, f := range spec.Formulas {
		if f.Table != "timeouts" && !given[f.Ref()] {
			fill(f)
		}
	}
	return env
}

// TestFormulasEvaluateAsTheirConstants draws thousands of values for the
// keys the formulas read and checks, for every case of every formula, that
// spec's Eval gives what the Go compiler computes for the constant
// expression the generator emits: the spec, `svcgen graph` and the
// generated binary agree to the nanosecond.
func TestFormulasEvaluateAsTheirConstants(t *testing.T) {
	const envs, perFile = 2000, 500
	rng := newRand(t)
	check := newConstChecker()
	refs := formulaRefs()
	ident := func(i int, k spec.Ref) string {
		return fmt.Sprintf("v%d_%s", i, strings.ReplaceAll(string(k), ".", "_"))
	}
	checked := 0
	for start := 0; start < envs; start += perFile {
		var defs []jen.Code
		want := map[string]int64{}
		type origin struct {
			f    *spec.Formula
			c    int
			vals map[spec.Ref]int64
		}
		what := map[string]origin{}
		for i := start; i < start+perFile; i++ {
			env := randomEnv(rng, refs)
			for _, k := range refs {
				defs = append(defs, jen.Id(ident(i, k)).Op("=").Add(valueCode(k, env[k])))
			}
			name := func(k spec.Ref) string { return ident(i, k) }
			for fi, f := range spec.Formulas {
				for ci, c := range f.Cases {
					id := fmt.Sprintf("f%d_%d_%d", i, fi, ci)
					defs = append(defs, jen.Id(id).Op("=").Add(formulaCode(c.Expr, name)))
					want[id] = c.Expr.Eval(func(k spec.Ref) int64 { return env[k] })
					what[id] = origin{f, ci, env}
				}
			}
		}
		got, err := check.values(defs)
		if err != nil {
			t.Fatal(err)
		}
		for id, w := range want {
			if got[id] != w {
				o := what[id]
				t.Fatalf("%s (case %d) with %v: the constant is %d, Eval gives %d", o.f.Ref(), o.c+1, o.vals, got[id], w)
			}
			checked++
		}
	}
	t.Logf("%d formula cases checked on %d random value sets", checked, envs)
}

// randomExpr builds a formula of any shape from every operation, over
// values small enough that no sum overflows: the rendering's parentheses
// and Go's integer semantics are checked beyond today's formulas.
func randomExpr(rng *rand.Rand, refs []spec.Ref, depth int) *spec.Expr {
	if depth == 0 || rng.IntN(4) == 0 {
		switch rng.IntN(3) {
		case 0:
			return &spec.Expr{Op: spec.OpRef, Ref: refs[rng.IntN(len(refs))]}
		case 1:
			return &spec.Expr{Op: spec.OpConst, Value: rng.Int64N(1<<40) - 1<<39}
		}
		units := []time.Duration{1, 7, time.Microsecond, time.Millisecond, time.Second, time.Minute, time.Hour, 1500 * time.Millisecond}
		return &spec.Expr{Op: spec.OpConst, Dur: true, Value: int64(units[rng.IntN(len(units))]) * (rng.Int64N(2001) - 1000)}
	}
	args := make([]*spec.Expr, 1+rng.IntN(3))
	for i := range args {
		args[i] = randomExpr(rng, refs, depth-1)
	}
	switch ops := []spec.Op{spec.OpAdd, spec.OpSub, spec.OpDiv, spec.OpMin, spec.OpMax, spec.OpTrunc}; ops[rng.IntN(len(ops))] {
	case spec.OpAdd:
		return &spec.Expr{Op: spec.OpAdd, Args: args}
	case spec.OpSub:
		return &spec.Expr{Op: spec.OpSub, Args: args}
	case spec.OpDiv:
		return &spec.Expr{Op: spec.OpDiv, Args: args[:1], Value: 1 + rng.Int64N(1000)}
	case spec.OpMin:
		return &spec.Expr{Op: spec.OpMin, Args: args}
	case spec.OpMax:
		return &spec.Expr{Op: spec.OpMax, Args: args}
	}
	units := []time.Duration{1, 3, time.Microsecond, time.Millisecond, time.Second, 1500 * time.Millisecond, time.Minute, time.Hour}
	return &spec.Expr{Op: spec.OpTrunc, Args: args[:1], Value: int64(units[rng.IntN(len(units))])}
}

// TestAnyFormulaEvaluatesAsItsConstant: random formula trees, with
// negative values too, evaluate in Go as their rendered constants do.
func TestAnyFormulaEvaluatesAsItsConstant(t *testing.T) {
	const exprs = 2000
	rng := newRand(t)
	check := newConstChecker()
	refs := []spec.Ref{"timeouts.stop", "timeouts.start", "warm", "max_idle", "retry_base"}
	env := map[spec.Ref]int64{}
	var defs []jen.Code
	for _, k := range refs {
		v := rng.Int64N(1<<40) - 1<<39
		env[k] = v
		defs = append(defs, jen.Id(strings.ReplaceAll(string(k), ".", "_")).Op("=").Add(valueCode(k, v)))
	}
	name := func(k spec.Ref) string { return strings.ReplaceAll(string(k), ".", "_") }
	want := map[string]*spec.Expr{}
	for i := range exprs {
		e := randomExpr(rng, refs, 4)
		id := fmt.Sprintf("e%d", i)
		want[id] = e
		defs = append(defs, jen.Id(id).Op("=").Add(formulaCode(e, name)))
	}
	got, err := check.values(defs)
	if err != nil {
		t.Fatal(err)
	}
	for id, e := range want {
		if w := e.Eval(func(k spec.Ref) int64 { return env[k] }); got[id] != w {
			t.Errorf("%s = %#v: the constant is %d, Eval gives %d", id, fmt.Sprint(formulaCode(e, name)), got[id], w)
		}
	}
}
