package generator

import (
	"time"

	"github.com/dave/jennifer/jen"
)

// durationCode renders d as Go source in the largest unit that divides it
// ("30 * time.Second", "250 * time.Millisecond"), so svcgen_config.go reads
// like the spec. jen.Lit cannot render a time.Duration.
func durationCode(d time.Duration) jen.Code {
	if d == 0 {
		return jen.Lit(0)
	}
	units := []struct {
		name string
		d    time.Duration
	}{
		{"Hour", time.Hour}, {"Minute", time.Minute}, {"Second", time.Second},
		{"Millisecond", time.Millisecond}, {"Microsecond", time.Microsecond},
	}
	for _, u := range units {
		if d%u.d == 0 {
			n := int64(d / u.d)
			if n == 1 {
				return jen.Qual("time", u.name)
			}
			return jen.Lit(int(n)).Op("*").Qual("time", u.name)
		}
	}
	return jen.Qual("time", "Duration").Call(jen.Lit(int64(d)))
}

// Short forms of the types and expressions the emitters use most.
func ctxType() *jen.Statement  { return jen.Qual("context", "Context") }
func ctxParam() *jen.Statement { return jen.Id("ctx").Qual("context", "Context") }

// comments renders each line as its own // comment, for multi-line doc
// comments written in emitter source.
func comments(lines ...string) *jen.Statement {
	s := jen.Null()
	for i, l := range lines {
		if i > 0 {
			s.Line()
		}
		s.Comment(l)
	}
	return s
}
