package spec

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Op is what a formula node computes. Every value is an int64: a count,
// or a time.Duration in nanoseconds.
type Op int

const (
	OpConst Op = iota // Value (a duration when Dur)
	OpRef             // the value of the key Ref
	OpAdd             // Args[0] + Args[1] + ...
	OpSub             // Args[0] − Args[1] − ...
	OpDiv             // Args[0] / Value, toward zero as Go divides integers
	OpMin             // min(Args...)
	OpMax             // max(Args...)
	OpTrunc           // Args[0] in whole units of the duration Value, toward zero
)

// Expr is a node of a formula (see Formulas). It holds only what Go's
// constant expressions of integers compute the same way at run time, so
// the generated constants and Eval agree to the nanosecond.
type Expr struct {
	Op    Op
	Args  []*Expr
	Ref   Ref
	Value int64
	Dur   bool
}

// Ref is a key a formula reads: "timeouts.stop", or a bare key ("warm")
// for the key of the resource whose default the formula is.
type Ref string

func num(n int) *Expr            { return &Expr{Op: OpConst, Value: int64(n)} }
func dur(d time.Duration) *Expr  { return &Expr{Op: OpConst, Value: int64(d), Dur: true} }
func ref(key Ref) *Expr          { return &Expr{Op: OpRef, Ref: key} }
func sub(args ...*Expr) *Expr    { return &Expr{Op: OpSub, Args: args} }
func div(x *Expr, n int64) *Expr { return &Expr{Op: OpDiv, Args: []*Expr{x}, Value: n} }
func minOf(args ...*Expr) *Expr  { return &Expr{Op: OpMin, Args: args} }
func maxOf(args ...*Expr) *Expr  { return &Expr{Op: OpMax, Args: args} }
func trunc(x *Expr, unit time.Duration) *Expr {
	return &Expr{Op: OpTrunc, Args: []*Expr{x}, Value: int64(unit)}
}

// Eval computes e with value giving the value of each key it reads.
func (e *Expr) Eval(value func(Ref) int64) int64 {
	switch e.Op {
	case OpConst:
		return e.Value
	case OpRef:
		return value(e.Ref)
	case OpDiv:
		return e.Args[0].Eval(value) / e.Value
	case OpTrunc:
		return e.Args[0].Eval(value) / e.Value * e.Value
	}
	v := e.Args[0].Eval(value)
	for _, a := range e.Args[1:] {
		w := a.Eval(value)
		switch e.Op {
		case OpAdd:
			v += w
		case OpSub:
			v -= w
		case OpMin:
			v = min(v, w)
		case OpMax:
			v = max(v, w)
		}
	}
	return v
}

// Refs are the keys e reads, each once, in the order it reads them.
func (e *Expr) Refs() []Ref {
	var out []Ref
	var walk func(*Expr)
	walk = func(e *Expr) {
		if e.Op == OpRef && !slices.Contains(out, e.Ref) {
			out = append(out, e.Ref)
		}
		for _, a := range e.Args {
			walk(a)
		}
	}
	walk(e)
	return out
}

// Precedence is how strongly e binds when written in Go: 4 for + and −,
// 5 for / (a truncation is written x/unit*unit, a duration constant
// 5*time.Second), 6 for a key, a number or a call.
func (e *Expr) Precedence() int {
	switch {
	case e.Op == OpAdd || e.Op == OpSub:
		return 4
	case e.Op == OpDiv || e.Op == OpTrunc || e.Op == OpConst && e.Dur:
		return 5
	}
	return 6
}

// Parens reports whether operand i of e needs parentheses when e is
// written in Go: an operand of an operator binding less strongly than
// it, or as strongly on the right (a − (b − c)). Arguments of min and
// max never do.
func (e *Expr) Parens(i int) bool { return e.needParens(i, (*Expr).Precedence) }

func (e *Expr) needParens(i int, prec func(*Expr) int) bool {
	if e.Op == OpMin || e.Op == OpMax {
		return false
	}
	outer, inner := prec(e), prec(e.Args[i])
	return inner < outer || inner == outer && i > 0
}

// String is e as REFERENCE.md writes it: keys by name, durations as a
// spec writes them, − for minus. A truncation is not shown here; Doc
// names it after the formula.
func (e *Expr) String() string { return e.text("") }

// text writes e with the keys of table written bare (stop, not
// timeouts.stop, in the [timeouts] table).
func (e *Expr) text(table string) string {
	operand := func(i int) string {
		s := e.Args[i].text(table)
		if e.needParens(i, (*Expr).docPrecedence) {
			return "(" + s + ")"
		}
		return s
	}
	switch e.Op {
	case OpConst:
		if e.Dur {
			return fmtDur(time.Duration(e.Value))
		}
		return strconv.FormatInt(e.Value, 10)
	case OpRef:
		if table != "" {
			if k, ok := strings.CutPrefix(string(e.Ref), table+"."); ok {
				return k
			}
		}
		return string(e.Ref)
	case OpDiv:
		return operand(0) + " / " + strconv.FormatInt(e.Value, 10)
	case OpTrunc:
		return e.Args[0].text(table)
	}
	parts := make([]string, len(e.Args))
	for i := range e.Args {
		parts[i] = operand(i)
	}
	switch e.Op {
	case OpAdd:
		return strings.Join(parts, " + ")
	case OpSub:
		return strings.Join(parts, " − ")
	case OpMin:
		return "min(" + strings.Join(parts, ", ") + ")"
	}
	return "max(" + strings.Join(parts, ", ") + ")"
}

// docPrecedence is Precedence as String writes e: a truncation is left
// out, so it binds as its operand does, and a duration is one word.
func (e *Expr) docPrecedence() int {
	switch {
	case e.Op == OpTrunc:
		return e.Args[0].docPrecedence()
	case e.Op == OpConst:
		return 6
	}
	return e.Precedence()
}

// truncations are the units e truncates to, outermost first.
func (e *Expr) truncations() []time.Duration {
	var out []time.Duration
	if e.Op == OpTrunc {
		out = append(out, time.Duration(e.Value))
	}
	for _, a := range e.Args {
		out = append(out, a.truncations()...)
	}
	return out
}
