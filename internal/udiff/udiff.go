// Package udiff renders unified diffs of text files, the format `svcgen
// check` and `svcgen diff` print and review tools read.
package udiff

import (
	"fmt"
	"strings"
)

// context is the number of unchanged lines shown around each change.
const context = 3

// Diff returns a unified diff from old to new, labelled with the two names,
// or "" when the texts are equal.
func Diff(oldName, newName string, old, new []byte) string {
	if string(old) == string(new) {
		return ""
	}
	a, b := splitLines(string(old)), splitLines(string(new))
	ops := edits(a, b)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	for _, h := range hunks(ops) {
		out.WriteString(h.render(a, b))
	}
	return out.String()
}

// splitLines keeps each line's newline so a missing final newline shows.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

type opKind byte

const (
	keep opKind = ' '
	del  opKind = '-'
	ins  opKind = '+'
)

// op is one line of the edit script: a line of a (keep, del) or of b (ins).
type op struct {
	kind opKind
	ai   int // index in a (keep, del)
	bi   int // index in b (keep, ins)
}

// edits computes a shortest edit script with Myers' O(ND) algorithm.
func edits(a, b []string) []op {
	n, m := len(a), len(b)
	max := n + m
	v := make([]int, 2*max+2)
	var trace [][]int
	for d := 0; d <= max; d++ {
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[max+k-1] < v[max+k+1]) {
				x = v[max+k+1]
			} else {
				x = v[max+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[max+k] = x
			if x >= n && y >= m {
				return backtrack(trace, a, b, d, max)
			}
		}
	}
	return nil
}

func backtrack(trace [][]int, a, b []string, d, max int) []op {
	x, y := len(a), len(b)
	var rev []op
	for ; d > 0; d-- {
		v := trace[d]
		k := x - y
		var prevK int
		if k == -d || (k != d && v[max+k-1] < v[max+k+1]) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := v[max+prevK]
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, op{keep, x, y})
		}
		if x == prevX {
			y--
			rev = append(rev, op{ins, x, y})
		} else {
			x--
			rev = append(rev, op{del, x, y})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, op{keep, x, y})
	}
	ops := make([]op, len(rev))
	for i := range rev {
		ops[i] = rev[len(rev)-1-i]
	}
	return ops
}

type hunk struct{ ops []op }

// hunks groups changes with up to context unchanged lines around them,
// merging groups whose contexts touch.
func hunks(ops []op) []hunk {
	var out []hunk
	start := -1
	lastChange := -1
	for i, o := range ops {
		if o.kind == keep {
			continue
		}
		if start >= 0 && i-lastChange > 2*context {
			out = append(out, hunk{ops[start : lastChange+1+min(context, len(ops)-lastChange-1)]})
			start = -1
		}
		if start < 0 {
			start = max(0, i-context)
		}
		lastChange = i
	}
	if start >= 0 {
		out = append(out, hunk{ops[start : lastChange+1+min(context, len(ops)-lastChange-1)]})
	}
	return out
}

func (h hunk) render(a, b []string) string {
	var aStart, bStart, aLen, bLen int
	aStart, bStart = -1, -1
	for _, o := range h.ops {
		if o.kind != ins {
			if aStart < 0 {
				aStart = o.ai
			}
			aLen++
		}
		if o.kind != del {
			if bStart < 0 {
				bStart = o.bi
			}
			bLen++
		}
	}
	// An empty range is reported at the line before it, as diff(1) does.
	if aStart < 0 {
		aStart = h.ops[0].ai - 1
	}
	if bStart < 0 {
		bStart = h.ops[0].bi - 1
	}
	var out strings.Builder
	fmt.Fprintf(&out, "@@ -%s +%s @@\n", rangeOf(aStart, aLen), rangeOf(bStart, bLen))
	for _, o := range h.ops {
		var line string
		if o.kind == ins {
			line = b[o.bi]
		} else {
			line = a[o.ai]
		}
		out.WriteByte(byte(o.kind))
		out.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
	return out.String()
}

func rangeOf(start, n int) string {
	if n == 1 {
		return fmt.Sprint(start + 1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}
