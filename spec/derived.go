package spec

import (
	"reflect"
	"strings"
	"time"
)

// DerivedValue is a default a spec took from one of Formulas.
type DerivedValue struct {
	Formula *Formula
	// Resource is the resource whose key it is; nil outside resources.
	Resource *Resource
	// Expr is the case of Formula that applied; Value is what it gave
	// (nanoseconds for a duration).
	Expr  *Expr
	Value int64
}

// Derived lists the defaults s took from Formulas, in the order of
// Formulas and then of the resources.
func (s *Spec) Derived() []DerivedValue { return s.derived }

// applyFormulas fills every default of Formulas the spec did not give.
// It runs after the plain defaults, which the formulas read.
func (d *decoder) applyFormulas() {
	for _, f := range Formulas {
		if f.AppliesTo(nil) {
			d.applyFormula(f, nil)
			continue
		}
		for _, r := range d.s.Resources {
			if f.AppliesTo(r) {
				d.applyFormula(f, r)
			}
		}
	}
}

func (d *decoder) applyFormula(f *Formula, r *Resource) {
	// A value of the wrong type was reported already; the default stands
	// in for it so later checks see a plausible value.
	given := func(k Ref) bool { return d.ok(keyPath(r, k)...) }
	if given(f.Ref()) {
		return
	}
	e := f.Case(given)
	v := e.Eval(func(k Ref) int64 { return d.s.Value(r, k) })
	setSlot(d.s.slot(r, f.Ref()), v)
	d.s.derived = append(d.s.derived, DerivedValue{Formula: f, Resource: r, Expr: e, Value: v})
}

// keyPath is the key path of k (see Spec.Has); a bare key is r's.
func keyPath(r *Resource, k Ref) []string {
	table, key, ok := strings.Cut(string(k), ".")
	if !ok {
		return []string{"resource", r.Name, string(k)}
	}
	return []string{table, key}
}

// slot is the field that holds k in s; a bare key is r's. Formulas name
// keys as the spec writes them, so the field is found by its toml tag
// and no second list of keys can drift from the table.
func (s *Spec) slot(r *Resource, k Ref) reflect.Value {
	table, key, ok := strings.Cut(string(k), ".")
	if !ok {
		return keyField(reflect.ValueOf(r).Elem(), string(k))
	}
	return keyField(keyField(reflect.ValueOf(s).Elem(), table), key)
}

// keyField is the field of table struct v that holds key.
func keyField(v reflect.Value, key string) reflect.Value {
	for _, f := range fieldsOf(v.Type()) {
		if f.key == key {
			return v.Field(f.index)
		}
	}
	panic("spec: " + v.Type().Name() + " has no key " + key)
}

// slotValue reads a duration (in nanoseconds) or an int.
func slotValue(v reflect.Value) int64 {
	if v.Type() == durationType {
		return int64(v.Interface().(Duration).Duration)
	}
	return v.Int()
}

// setSlot writes a default: a duration stays not Set, as the spec did not
// give it.
func setSlot(v reflect.Value, n int64) {
	if v.Type() == durationType {
		v.Set(reflect.ValueOf(Duration{Duration: time.Duration(n)}))
		return
	}
	v.SetInt(n)
}

// Value is the value of key k in s (nanoseconds for a duration); a bare
// key is r's. Formulas read their keys through it.
func (s *Spec) Value(r *Resource, k Ref) int64 { return slotValue(s.slot(r, k)) }

// IsDuration reports whether key k holds a duration; otherwise an int.
func (k Ref) IsDuration() bool {
	return (&Spec{}).slot(&Resource{}, k).Type() == durationType
}
