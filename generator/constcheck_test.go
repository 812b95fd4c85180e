package generator

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

var formulaSeed = flag.Uint64("formula.seed", 0, "seed of the formula property tests (0: a new one each run)")

// newRand gives each property test its own generator, seeded from
// -formula.seed or the clock; a failure names the seed to replay.
func newRand(t *testing.T) *rand.Rand {
	seed := *formulaSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("replay with -formula.seed=%d", seed)
		}
	})
	return rand.New(rand.NewPCG(seed, 0x5eed))
}

// constChecker type-checks generated constant declarations in process and
// reads their values: what the compiler computes, without a build per case.
// It keeps one importer, so the standard library is loaded once.
type constChecker struct{ imp types.Importer }

func newConstChecker() *constChecker { return &constChecker{imp: importer.Default()} }

// values renders defs as the constants of a file (through jennifer and
// gofmt, as svcgen_config.go is) and returns the value of every constant
// it declares, by name.
func (c *constChecker) values(defs []jen.Code) (map[string]int64, error) {
	f := jen.NewFile("p")
	f.Const().Defs(defs...)
	var src bytes.Buffer
	if err := f.Render(&src); err != nil {
		return nil, fmt.Errorf("render the constants: %w", err)
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "p.go", src.Bytes(), 0)
	if err != nil {
		return nil, fmt.Errorf("parse the constants: %w", err)
	}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: c.imp}
	if _, err := conf.Check("p", fset, []*ast.File{file}, info); err != nil {
		return nil, fmt.Errorf("the constants do not type-check: %w\n%s", err, errorLine(src.String(), err))
	}
	out := map[string]int64{}
	for _, spec := range file.Decls[len(file.Decls)-1].(*ast.GenDecl).Specs {
		name := spec.(*ast.ValueSpec).Names[0]
		val := info.Defs[name].(*types.Const).Val()
		v, exact := constant.Int64Val(constant.ToInt(val))
		if !exact {
			return nil, fmt.Errorf("%s = %v is not an int64", name.Name, val)
		}
		out[name.Name] = v
	}
	return out, nil
}

// errorLine is the line of src an error of the type checker points at.
func errorLine(src string, err error) string {
	var te types.Error
	if errors.As(err, &te) {
		lines := strings.Split(src, "\n")
		if l := te.Fset.Position(te.Pos).Line; l >= 1 && l <= len(lines) {
			return lines[l-1]
		}
	}
	return ""
}

// isDuration caches Ref.IsDuration, which looks the key up by reflection.
var isDuration = map[spec.Ref]bool{}

func durationKey(k spec.Ref) bool {
	d, ok := isDuration[k]
	if !ok {
		d = k.IsDuration()
		isDuration[k] = d
	}
	return d
}

// valueCode is a given value as the emitters write it.
func valueCode(k spec.Ref, v int64) jen.Code {
	if durationKey(k) {
		return durationCode(time.Duration(v))
	}
	return jen.Lit(int(v))
}

// specialDurations are where arithmetic on durations goes wrong first:
// around each unit, odd milliseconds, and the longest duration.
var specialDurations = []time.Duration{
	0, 1, 2, 3, 999, time.Microsecond, time.Millisecond - 1, time.Millisecond, time.Millisecond + 1,
	time.Second - 1, time.Second, time.Second + 1, 2 * time.Second, 5*time.Second - 1, 5 * time.Second,
	5*time.Second + 1, 10001 * time.Millisecond, 4500450 * time.Microsecond, 20 * time.Second,
	time.Hour, math.MaxInt64, math.MaxInt64 - 1, math.MaxInt64 / 2, math.MaxInt64 / 10,
}

// randomDuration draws a spec duration (never negative) down to the
// nanosecond, at every scale up to the longest.
func randomDuration(rng *rand.Rand) time.Duration {
	switch rng.IntN(6) {
	case 0:
		return specialDurations[rng.IntN(len(specialDurations))]
	case 1:
		return time.Duration(rng.Int64N(1000))
	case 2:
		return time.Duration(rng.Int64N(int64(time.Minute)))
	case 3:
		// Whole milliseconds plus a few nanoseconds, like 10001ms.
		return time.Duration(rng.Int64N(int64(time.Hour/time.Millisecond)))*time.Millisecond + time.Duration(rng.IntN(3))
	case 4:
		return time.Duration(rng.Int64N(int64(24 * time.Hour)))
	}
	return time.Duration(rng.Int64())
}

// randomCount draws a count: the validator wants them non-negative, but a
// formula must agree with its constant on any int.
func randomCount(rng *rand.Rand) int64 {
	special := []int64{-1, 0, 1, 2, 3, 9, 10, 11, 15, 16, 17, math.MaxInt32, math.MaxInt64}
	switch rng.IntN(3) {
	case 0:
		return special[rng.IntN(len(special))]
	case 1:
		return rng.Int64N(100)
	}
	return rng.Int64N(1 << 40)
}
