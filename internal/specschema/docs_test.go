package specschema

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/internal/udiff"
)

var update = flag.Bool("update", false, "rewrite docs.go from spec/REFERENCE.md")

const referencePath = "../../spec/REFERENCE.md"

var (
	tableHeading = regexp.MustCompile("^## \\[([a-z_]+)(\\.NAME)?\\]")
	kindHeading  = regexp.MustCompile("^### kind = \"([a-z_]+)\"")
	keyRow       = regexp.MustCompile("^\\| `([a-z_]+)` \\| ([^|]+) \\| (.*?) \\| (.*) \\|$")
)

// parseReference reads the key tables of spec/REFERENCE.md.
func parseReference(t *testing.T) []keyDoc {
	data, err := os.ReadFile(referencePath)
	if err != nil {
		t.Fatal(err)
	}
	var out []keyDoc
	table, kind := "", ""
	for _, line := range strings.Split(string(data), "\n") {
		if m := tableHeading.FindStringSubmatch(line); m != nil {
			table, kind = m[1], ""
			continue
		}
		if strings.HasPrefix(line, "## ") {
			table, kind = "", ""
			continue
		}
		if m := kindHeading.FindStringSubmatch(line); m != nil && table == "resource" {
			kind = m[1]
			continue
		}
		if m := keyRow.FindStringSubmatch(line); m != nil && table != "" {
			out = append(out, keyDoc{Table: table, Kind: kind, Key: m[1], Type: strings.TrimSpace(m[2]), Default: strings.TrimSpace(m[3]), Meaning: strings.TrimSpace(m[4])})
		}
	}
	if len(out) == 0 {
		t.Fatal("no key tables found in " + referencePath)
	}
	return out
}

// TestDocsInSync regenerates docs.go from spec/REFERENCE.md and compares;
// -update rewrites it.
func TestDocsInSync(t *testing.T) {
	rows := parseReference(t)
	var b bytes.Buffer
	b.WriteString("// Code generated from spec/REFERENCE.md by go test ./internal/specschema -update. DO NOT EDIT.\n\n")
	b.WriteString("package specschema\n\n")
	b.WriteString("// docs are the rows of the key tables of spec/REFERENCE.md.\n")
	b.WriteString("var docs = []keyDoc{\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "\t{Table: %q, Kind: %q, Key: %q, Type: %q, Default: %q, Meaning: %q},\n", r.Table, r.Kind, r.Key, r.Type, r.Default, r.Meaning)
	}
	b.WriteString("}\n")
	want, err := format.Source(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("docs.go", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, _ := os.ReadFile("docs.go")
	if d := udiff.Diff("docs.go", "from REFERENCE.md", have, want); d != "" {
		t.Errorf("docs.go is stale (run go test ./internal/specschema -update):\n%s", d)
	}
}
