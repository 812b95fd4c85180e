package spec

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var (
	tableHeading = regexp.MustCompile("^## \\[([a-z_]+)(\\.NAME)?\\]")
	kindHeading  = regexp.MustCompile("^### kind = \"([a-z_]+)\"")
	keyRow       = regexp.MustCompile("^(\\| `([a-z_]+)` \\| [^|]+ \\| )(.*?)( \\| .* \\|)$")
)

// TestReferenceShowsFormulas: the default column of REFERENCE.md is
// Formula.Doc for every computed default, so the docs cannot drift from
// what decoding and the generated code compute. -update rewrites those
// cells (then run go test ./internal/specschema -update, which copies
// REFERENCE.md for `svcgen schema`).
func TestReferenceShowsFormulas(t *testing.T) {
	data, err := os.ReadFile("REFERENCE.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	found := map[*Formula]bool{}
	table, kind := "", ""
	for i, line := range lines {
		if m := tableHeading.FindStringSubmatch(line); m != nil {
			table, kind = m[1], ""
			continue
		}
		if strings.HasPrefix(line, "## ") {
			table, kind = "", ""
		}
		if m := kindHeading.FindStringSubmatch(line); m != nil && table == "resource" {
			kind = m[1]
		}
		m := keyRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		for _, f := range Formulas {
			if f.Table != table || f.Kind != kind || f.Key != m[2] {
				continue
			}
			found[f] = true
			if m[3] == f.Doc() {
				continue
			}
			if *update {
				lines[i] = m[1] + f.Doc() + m[4]
				continue
			}
			t.Errorf("REFERENCE.md:%d: the default of %s is\n\t%s\nbut the formula is\n\t%s\n(run go test ./spec -run TestReferenceShowsFormulas -update)", i+1, m[2], m[3], f.Doc())
		}
	}
	for _, f := range Formulas {
		if !found[f] {
			t.Errorf("REFERENCE.md has no row for %s %s %s", f.Table, f.Kind, f.Key)
		}
	}
	if *update {
		if err := os.WriteFile("REFERENCE.md", []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

var defaultsExample = regexp.MustCompile("^With the defaults \\(`stop = \"([^\"]+)\"`\\): critical (\\S+), drain (\\S+), closing (\\S+)\\.$")

// TestReferenceExampleSplit: the worked example under [timeouts] is what
// decoding computes for the stop it names.
func TestReferenceExampleSplit(t *testing.T) {
	data, err := os.ReadFile("REFERENCE.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		m := defaultsExample.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		tm := mustParse(t, minimal+"[timeouts]\nstop = \""+m[1]+"\"\n").Timeouts
		if got := []string{fmtDur(tm.Critical.Duration), fmtDur(tm.Drain.Duration), fmtDur(tm.ClosePhase())}; !slices.Equal(got, m[2:]) {
			t.Errorf("REFERENCE.md says critical, drain, closing = %v; decoding gives %v", m[2:], got)
		}
		return
	}
	t.Error("REFERENCE.md has no line \"With the defaults (`stop = ...`): critical ..., drain ..., closing ....\"")
}
