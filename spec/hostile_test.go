package spec

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// hostileShape is a spec built to stress the parser, the position scanner
// or the limit checks: each fills most of MaxSpecBytes with one shape.
type hostileShape struct {
	name string
	src  string
	// deep marks shapes that must be rejected for their nesting.
	deep bool
	// many marks shapes that must be rejected for their number of keys.
	many bool
	// valid marks shapes that must be accepted: as large as the limits
	// let a valid spec be (MaxResources bounds some below 1 MiB).
	valid bool
}

// repeatTo repeats unit until the text would pass n bytes.
func repeatTo(unit string, n int) string {
	return strings.Repeat(unit, n/len(unit))
}

// hostileShapes returns specs of about size bytes, one per shape.
func hostileShapes(size int) []hostileShape {
	half := size * 2 / 5
	return []hostileShape{
		{name: "deep arrays", deep: true,
			src: minimal + "x = " + repeatTo("[", half) + repeatTo("]", half) + "\n"},
		{name: "deep inline tables", deep: true,
			src: minimal + "x = " + repeatTo("{a=", size*3/4) + "1" + repeatTo("}", size/5) + "\n"},
		{name: "deep arrays of inline tables", deep: true,
			src: minimal + "x = " + repeatTo("[{a=", size*3/4) + "1" + repeatTo("}]", size/5) + "\n"},
		{name: "long dotted key", deep: true,
			src: minimal + repeatTo("a.", size-40) + "b = 1\n"},
		{name: "long dotted key of quoted parts", deep: true,
			src: minimal + repeatTo(`"a\u0062".`, size-40) + "b = 1\n"},
		{name: "long table header", deep: true,
			src: minimal + "[" + repeatTo("a.", size-40) + "b]\n"},
		{name: "long array of tables header", deep: true,
			src: minimal + "[[" + repeatTo("a.", size-40) + "b]]\n"},
		{name: "deep nesting of quoted keys", deep: true,
			src: minimal + "x = " + repeatTo(`{"k\"'[{"=`, size*3/4) + "1" + repeatTo("}", size/5) + "\n"},
		{name: "many keys", many: true,
			src: minimal + manyLines(size, func(i int) string { return fmt.Sprintf("k%d = %d\n", i, i) })},
		{name: "many keys in one inline table", many: true,
			src: minimal + "x = {" + manyLines(size, func(i int) string { return fmt.Sprintf("k%d=%d,", i, i) }) + "z=0}\n"},
		{name: "many array elements", many: true,
			src: minimal + "x = [" + repeatTo("1,", size-40) + "1]\n"},
		{name: "many tables", many: true,
			src: minimal + manyLines(size, func(i int) string { return fmt.Sprintf("[t%d]\n", i) })},
		{name: "many arrays of tables", many: true,
			src: minimal + repeatTo("[[t.u]]\nv = 1\n", size-40)},
		{name: "many resources",
			src: minimal + manyLines(size, func(i int) string { return fmt.Sprintf("[resource.r%d]\nkind = \"worker\"\n", i) })},
		{name: "most resources, each depending on many", valid: true,
			src: minimal + manyResources(MaxResources, 30, size)},
		{name: "most listeners", valid: true,
			src: minimal + manyLines(size, func(i int) string {
				if i >= MaxResources {
					return strings.Repeat(" ", size)
				}
				return fmt.Sprintf("[resource.h%d]\nkind = \"http\"\naddr = \"10.0.%d.%d:%d\"\nhandler = \"H\"\n", i, i/250, i%250, 1000+i%7)
			})},
		{name: "many short dotted keys at the limit", many: true,
			src: minimal + manyLines(size, func(i int) string {
				return fmt.Sprintf("k%d.%s = 1\n", i, strings.TrimSuffix(strings.Repeat("a.", MaxNesting-2), "."))
			})},
		{name: "long strings",
			src: minimal + manyLines(size, func(i int) string {
				return fmt.Sprintf("s%d = %q\n", i, strings.Repeat("x", MaxStringBytes+1))
			})},
		{name: "long string of escapes",
			src: minimal + "description = \"" + repeatTo(`\u00e9`, size-60) + "\"\n"},
		{name: "long multi-line string",
			src: minimal + "description = '''\n" + repeatTo("''\n", size-60) + "'''\n"},
		{name: "comments",
			src: minimal + repeatTo("# a comment line, [not] {a} \"table\"\n", size-40)},
		{name: "one comment",
			src: minimal + "#" + repeatTo("[", size-40) + "\n"},
	}
}

// manyResources declares n workers, each depending on up to deps of the
// ones declared before it, within size bytes: an accepted spec as large
// as the limits allow.
func manyResources(n, deps, size int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		var list []string
		for j := max(0, i-deps); j < i; j++ {
			list = append(list, fmt.Sprintf("%q", fmt.Sprintf("w%d", j)))
		}
		r := fmt.Sprintf("[resource.w%d]\nkind = \"worker\"\nrun = \"Run\"\ndepends_on = [%s]\n", i, strings.Join(list, ","))
		if b.Len()+len(r) > size-200 {
			break
		}
		b.WriteString(r)
	}
	return b.String()
}

// manyLines joins line(0), line(1), ... while the text stays under size.
func manyLines(size int, line func(int) string) string {
	var b strings.Builder
	for i := 0; ; i++ {
		l := line(i)
		if b.Len()+len(l) > size-200 {
			return b.String()
		}
		b.WriteString(l)
	}
}

// TestHostileSpecsAreBounded parses a spec of each hostile shape that fills
// the 1 MiB limit and checks that it is accepted or rejected with a
// positioned error within generous bounds of time and memory (the
// benchmark BenchmarkParseHostile measures the real cost, well under
// 1 s and 100 MB each). Before the nesting limit, 20 KB of nested arrays
// took 16 s and 1.8 GB, and 600 KB ran out of memory.
func TestHostileSpecsAreBounded(t *testing.T) {
	const (
		maxTime  = 10 * time.Second
		maxAlloc = 1 << 30
	)
	for _, shape := range hostileShapes(MaxSpecBytes) {
		t.Run(shape.name, func(t *testing.T) {
			if len(shape.src) > MaxSpecBytes || len(shape.src) < MaxSpecBytes/2 && !shape.valid {
				t.Fatalf("the shape is %d bytes, not most of the %d limit", len(shape.src), MaxSpecBytes)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := Parse("service.toml", []byte(shape.src))
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d bytes: %v, %d MB allocated", len(shape.src), took, alloc>>20)
			if took > maxTime || alloc > maxAlloc {
				t.Errorf("parsing took %v and allocated %d MB; the bound is %v and %d MB", took, alloc>>20, maxTime, maxAlloc>>20)
			}
			if shape.valid && err != nil {
				t.Errorf("the spec was rejected: %.300s", err)
			}
			if err == nil {
				return
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "service.toml:") || strings.HasPrefix(msg, "service.toml:0:") {
				t.Errorf("the error has no position: %.200s", msg)
			}
			if shape.deep && !strings.Contains(msg, "nest more than") {
				t.Errorf("a deep spec was not rejected for its nesting: %.200s", msg)
			}
			if shape.many && !strings.Contains(msg, "keys and array elements") {
				t.Errorf("a spec of too many keys was not rejected for them: %.200s", msg)
			}
		})
	}
}

// TestNestingLimit checks the limit itself: a spec nesting exactly
// MaxNesting levels parses (the error, if any, is not about nesting), one
// more level is rejected at the key or value that goes too deep.
// A nesting error is the only error then: the spec is not parsed.
func TestNestingLimit(t *testing.T) {
	dotted := func(n int) string { return strings.TrimSuffix(strings.Repeat("a.", n), ".") }
	cases := []struct {
		name     string
		at, over string // at the limit, one level past it
		pos      string // position of the error past it
	}{
		{"dotted key", dotted(MaxNesting) + " = 1\n", dotted(MaxNesting+1) + " = 1\n", "1:65"},
		{"header", "[" + dotted(MaxNesting) + "]\n", "[" + dotted(MaxNesting+1) + "]\n", "1:66"},
		{"array", "x = " + strings.Repeat("[", MaxNesting) + strings.Repeat("]", MaxNesting) + "\n",
			"x = " + strings.Repeat("[", MaxNesting+1) + strings.Repeat("]", MaxNesting+1) + "\n", "1:37"},
		{"inline table", "x = " + strings.Repeat("{a=", MaxNesting-1) + "1" + strings.Repeat("}", MaxNesting-1) + "\n",
			"x = " + strings.Repeat("{a=", MaxNesting) + "1" + strings.Repeat("}", MaxNesting) + "\n", "1:99"},
		{"array of tables in a table", "[" + dotted(MaxNesting-2) + "]\n[[" + dotted(MaxNesting-1) + "]]\n",
			"[" + dotted(MaxNesting-1) + "]\n[[" + dotted(MaxNesting) + "]]\n", "2:1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// At the top level, before [service]: the keys of a table
			// add its header's level.
			if _, err := Parse("service.toml", []byte(c.at+minimal)); err != nil && strings.Contains(err.Error(), "nest more than") {
				t.Errorf("%d levels rejected: %v", MaxNesting, err)
			}
			msg := parseErr(t, c.over+minimal)
			want := "service.toml:" + c.pos + ": keys nest more than"
			if !strings.HasPrefix(msg, want) {
				t.Errorf("got %q, want it to start with %q", msg, want)
			}
		})
	}
}

// BenchmarkParseHostile parses a 1 MiB spec of each hostile shape.
func BenchmarkParseHostile(b *testing.B) {
	for _, shape := range hostileShapes(MaxSpecBytes) {
		b.Run(strings.ReplaceAll(shape.name, " ", "_"), func(b *testing.B) {
			data := []byte(shape.src)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				_, _ = Parse("service.toml", data)
			}
		})
	}
}
