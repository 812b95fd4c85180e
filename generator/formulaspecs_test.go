package generator

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// durationText writes d the ways a spec may: time.Duration's own
// ("4.50045s", "2562047h47m16.854775807s"), nanoseconds, or milliseconds.
func durationText(rng *rand.Rand, d time.Duration) string {
	switch {
	case rng.IntN(3) == 0:
		return fmt.Sprintf("%dns", d)
	case rng.IntN(2) == 0 && d%time.Millisecond == 0:
		return fmt.Sprintf("%dms", d/time.Millisecond)
	}
	return d.String()
}

// randomSpec writes a spec with one resource of each kind that has
// computed defaults, giving or leaving out every key a formula fills or
// reads. Most are valid; the budgets are drawn inside the validator's
// rules, often at their limit, and sometimes anywhere.
func randomSpec(rng *rand.Rand) string {
	var b strings.Builder
	table := []string{"timeouts"} // where put writes, for its key's limit
	put := func(key string, v time.Duration) {
		// Mostly within the key's limit (spec.DurationLimit), so most specs
		// are valid; sometimes anything, which the validator must reject.
		if limit, unit := spec.DurationLimit(append(table, key)...); rng.IntN(10) > 0 {
			if v > limit {
				v = time.Duration(rng.Int64N(int64(limit) + 1))
			}
			if unit > 0 {
				v -= v % unit
			}
		}
		fmt.Fprintf(&b, "%s = %q\n", key, durationText(rng, v))
	}
	maybe := func(key string, v time.Duration) {
		if rng.IntN(3) == 0 {
			put(key, v)
		}
	}
	count := func(key string, v int64) {
		if rng.IntN(2) == 0 {
			fmt.Fprintf(&b, "%s = %d\n", key, v)
		}
	}
	upTo := func(d time.Duration) time.Duration { return 1 + time.Duration(rng.Int64N(int64(max(d, 1)))) }
	critical := func(stop time.Duration) time.Duration {
		for _, f := range spec.Formulas {
			if f.Ref() == "timeouts.critical" {
				return time.Duration(f.Cases[0].Expr.Eval(func(spec.Ref) int64 { return int64(stop) }))
			}
		}
		panic("no critical formula")
	}

	b.WriteString("[service]\nname = \"orders\"\n\n[timeouts]\n")
	stop, start := spec.DefaultStop, spec.DefaultStart
	if rng.IntN(4) > 0 {
		stop = max(randomDuration(rng), 1)
		put("stop", stop)
	}
	if rng.IntN(2) == 0 {
		start = max(randomDuration(rng), 1)
		put("start", start)
	}
	crit, dd := critical(stop), time.Duration(0)
	switch {
	case rng.IntN(6) == 0:
		// Anything, up to the longest duration: the validator must reject
		// what the constants cannot compute.
		crit, dd = max(randomDuration(rng), 1), randomDuration(rng)
		put("critical", crit)
		put("drain_delay", dd)
	case rng.IntN(3) == 0 && stop > 1:
		crit = upTo(stop - 1)
		put("critical", crit)
	}
	rest := stop - crit
	if dd == 0 && rest > 0 {
		switch rng.IntN(3) {
		case 0:
			dd = max(rest-1-time.Duration(rng.IntN(3)), 0)
			put("drain_delay", dd)
		case 1:
			dd = time.Duration(rng.Int64N(int64(rest)))
			put("drain_delay", dd)
		}
	}
	if rng.IntN(4) == 0 && dd >= 0 && dd < rest {
		put("drain", time.Duration(rng.Int64N(int64(rest-dd))))
	}
	maybe("shutdown", upTo(stop))
	if rng.IntN(4) == 0 {
		b.WriteString("\n[windows]\n")
		table = []string{"windows"}
		put("preshutdown", randomDuration(rng))
	}

	open := start
	resource := func(name, kind, more string) {
		fmt.Fprintf(&b, "\n[resource.%s]\nkind = %q\n%s", name, kind, more)
		table = []string{"resource", name}
		open = start
		if rng.IntN(3) == 0 {
			open = upTo(start)
			put("open_timeout", open)
		}
		maybe("close_timeout", upTo(stop))
	}
	resource("db", "sql", "driver = \"pgx\"\ndsn_env = \"DB_DSN\"\n")
	maxOpen := 1 + rng.Int64N(60)
	maxIdle := rng.Int64N(maxOpen + 1)
	count("max_open", maxOpen)
	count("max_idle", maxIdle)
	count("warm", rng.Int64N(maxIdle+1))
	maybe("ping_timeout", upTo(open))

	resource("cache", "redis", "addr_env = \"CACHE_ADDR\"\n")
	pool := 1 + rng.Int64N(30)
	count("pool_size", pool)
	count("min_idle", rng.Int64N(pool+1))
	count("warm", rng.Int64N(pool+1))
	maybe("dial_timeout", upTo(open))

	resource("up", "http_client", "base_url_env = \"UP_URL\"\n")
	perHost := 1 + rng.Int64N(40)
	count("max_idle_per_host", perHost)
	count("warm", rng.Int64N(perHost+1))
	base := randomDuration(rng)
	maybe("retry_base", base)
	if rng.IntN(3) == 0 {
		put("retry_max", base+time.Duration(rng.Uint64N(uint64(math.MaxInt64-base)+1)))
	}

	resource("job", "worker", "run = \"RunJob\"\n")
	return b.String()
}

// TestSpecDefaultsAreTheGeneratedConstants decodes random specs and
// checks that every constant of svcgen_config.go a formula fills or reads,
// type-checked as the generator emits it, is the value the spec holds:
// what the spec, `svcgen graph` and the README say is what the binary
// runs, whichever keys a spec gives.
func TestSpecDefaultsAreTheGeneratedConstants(t *testing.T) {
	const specs = 1000
	rng := newRand(t)
	check := newConstChecker()
	accepted, compared := 0, 0
	for range specs {
		src := randomSpec(rng)
		s, err := spec.Parse("service.toml", []byte(src))
		if err != nil {
			continue
		}
		accepted++
		derived := derivedDefaults(s)
		var defs []jen.Code
		want := map[string]int64{}
		add := func(r *spec.Resource, k spec.Ref) {
			name := refConst(r, k)
			if _, ok := want[name]; ok {
				return
			}
			want[name] = s.Value(r, k)
			code := valueCode(k, want[name])
			if d, ok := derived[name]; ok {
				code = d.expr
			}
			defs = append(defs, jen.Id(name).Op("=").Add(code))
		}
		for _, f := range spec.Formulas {
			rs := []*spec.Resource{nil}
			if f.Table == "resource" {
				rs = s.Resources
			}
			for _, r := range rs {
				if !f.AppliesTo(r) {
					continue
				}
				add(r, f.Ref())
				for _, c := range f.Cases {
					for _, k := range append(c.Given, c.Expr.Refs()...) {
						add(r, k)
					}
				}
			}
		}
		got, err := check.values(defs)
		if err != nil {
			t.Fatalf("%v\nfor the spec\n%s", err, src)
		}
		for name, w := range want {
			if got[name] != w {
				t.Fatalf("%s is %d in the spec but %d as generated, for\n%s", name, w, got[name], src)
			}
			compared++
		}
	}
	if accepted < specs/2 {
		t.Fatalf("only %d of %d random specs were valid", accepted, specs)
	}
	t.Logf("%d values compared in %d valid random specs of %d", compared, accepted, specs)
}
