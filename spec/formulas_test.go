package spec

import (
	"slices"
	"testing"
	"time"
)

// TestFormulaTable checks what decoding relies on: every key a formula
// fills or reads is a key of the spec, a formula reads only plain values
// and what earlier formulas filled (a given key is read as the spec wrote
// it), and its last case applies whatever is given.
func TestFormulaTable(t *testing.T) {
	for i, f := range Formulas {
		name := f.Table + "." + f.Key
		if f.Kind != "" {
			name = "resource(" + f.Kind + ")." + f.Key
		}
		if !f.AppliesTo(nil) && (f.Table != "resource" || f.Kind != "" && !slices.Contains(Kinds, f.Kind)) {
			t.Errorf("%s: no such table or kind", name)
		}
		resolves(t, name, f.Ref())
		if len(f.Cases) == 0 || len(f.Cases[len(f.Cases)-1].Given) > 0 {
			t.Errorf("%s: the last case must need no given keys", name)
		}
		for _, c := range f.Cases {
			if !positiveDivisors(c.Expr) {
				t.Errorf("%s divides or truncates by a number below 1", name)
			}
			for _, k := range append(slices.Clone(c.Given), c.Expr.Refs()...) {
				resolves(t, name, k)
				if slices.Contains(c.Given, k) {
					continue
				}
				for _, g := range Formulas[i:] {
					if g.Ref() == k && sameScope(f, g) {
						t.Errorf("%s reads %s, which a formula at or after it fills", name, k)
					}
				}
			}
		}
	}
}

// positiveDivisors reports whether every division and truncation of e is
// by at least 1 (Eval would panic, the constant would not compile).
func positiveDivisors(e *Expr) bool {
	if (e.Op == OpDiv || e.Op == OpTrunc) && e.Value < 1 {
		return false
	}
	for _, a := range e.Args {
		if !positiveDivisors(a) {
			return false
		}
	}
	return true
}

// sameScope reports whether f and g can fill keys of the same table.
func sameScope(f, g *Formula) bool {
	if f.Table != "resource" || g.Table != "resource" {
		return f.Table != "resource" && g.Table != "resource"
	}
	return f.Kind == "" || g.Kind == "" || f.Kind == g.Kind
}

func resolves(t *testing.T, name string, k Ref) {
	t.Helper()
	defer func() {
		if recover() != nil {
			t.Errorf("%s: %s is not a key of the spec", name, k)
		}
	}()
	k.IsDuration()
}

// TestStopBudgetSplit: the stop budget's defaults to the nanosecond,
// with what the generated constants compute (drain in whole
// milliseconds, the rest to closing).
func TestStopBudgetSplit(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		name                          string
		timeouts                      string
		critical, drain, closeTimeout time.Duration
	}{
		{"defaults", ``, 2 * time.Second, 9 * time.Second, 9 * time.Second},
		{"10001ms", `stop = "10001ms"`, 1000100 * time.Microsecond, 4500 * ms, 4500900 * time.Microsecond},
		{"drain delay", `stop = "10s"` + "\n" + `drain_delay = "3s"`, time.Second, 3 * time.Second, 3 * time.Second},
		{"critical at half", `stop = "1s"`, 500 * ms, 250 * ms, 250 * ms},
		{"nanoseconds", `stop = "3ns"`, 1, 0, 2},
		{"1ns left", `stop = "20s"` + "\n" + `drain_delay = "17999999999ns"`, 2 * time.Second, 0, 1},
		{"odd critical", `stop = "10s"` + "\n" + `critical = "1.0000001s"`, 1000000100, 4499 * ms, 4501*ms - 100},
		{"longest", `stop = "1000h"`, 100 * time.Hour, 450 * time.Hour, 450 * time.Hour},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := mustParse(t, minimal+"[timeouts]\n"+c.timeouts+"\n"+`
[resource.outbox]
kind = "worker"
run = "RunOutbox"
`)
			tm := s.Timeouts
			got := []time.Duration{tm.Critical.Duration, tm.Drain.Duration, tm.ClosePhase(), s.Resources[0].CloseTimeout.Duration}
			want := []time.Duration{c.critical, c.drain, c.closeTimeout, c.closeTimeout}
			if !slices.Equal(got, want) {
				t.Errorf("critical, drain, close phase, close_timeout = %v, want %v", got, want)
			}
		})
	}
}

// TestFormulaText: REFERENCE.md's notation puts parentheses exactly where
// Go needs them, and leaves truncations to Doc.
func TestFormulaText(t *testing.T) {
	a, b, c := ref("a"), ref("b"), ref("c")
	cases := []struct {
		e    *Expr
		want string
	}{
		{sub(a, b, c), "a − b − c"},
		{sub(a, sub(b, c)), "a − (b − c)"},
		{sub(sub(a, b), c), "a − b − c"},
		{div(sub(a, b), 2), "(a − b) / 2"},
		{div(div(a, 2), 3), "a / 2 / 3"},
		{sub(a, trunc(sub(b, c), time.Millisecond)), "a − (b − c)"},
		{div(trunc(div(a, 2), time.Second), 3), "a / 2 / 3"},
		{minOf(sub(a, b), dur(5*time.Second), num(0)), "min(a − b, 5s, 0)"},
		{ref("timeouts.stop"), "timeouts.stop"},
	}
	for _, c := range cases {
		if got := c.e.String(); got != c.want {
			t.Errorf("String() = %q, want %q", got, c.want)
		}
	}
}
