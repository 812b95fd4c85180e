package golden

import (
	"go/scanner"
	"go/token"
	"path"
	"strings"
	"testing"
)

// hostileMarker is in every free-text value of golden/hostile/service.toml.
const hostileMarker = "PWNED"

// TestHostileValuesStayInLiterals generates the hostile example, whose
// free-text values try to break out of the string or comment they land in
// (quotes, backticks, */, //go: lines, U+2028, newlines), and checks that
// in every Go file the marker occurs only inside a string literal or a
// line comment, and that no line of any other file starts with it (a
// newline in a value must not start a new directive of a unit file or
// manifest). Building the example (TestGoldenBuilds) proves it compiles.
func TestHostileValuesStayInLiterals(t *testing.T) {
	files := generate(t, "hostile")
	seen := false
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".go") {
			for i, line := range strings.Split(string(f.Content), "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), hostileMarker) && path.Ext(f.Path) != ".md" {
					t.Errorf("%s:%d: a spec value starts a line: %q", f.Path, i+1, line)
				}
			}
			continue
		}
		fset := token.NewFileSet()
		file := fset.AddFile(f.Path, -1, len(f.Content))
		var s scanner.Scanner
		s.Init(file, f.Content, func(pos token.Position, msg string) {
			t.Errorf("%s: %s", pos, msg)
		}, scanner.ScanComments)
		for {
			pos, tok, lit := s.Scan()
			if tok == token.EOF {
				break
			}
			if !strings.Contains(lit, hostileMarker) {
				continue
			}
			seen = true
			switch {
			case tok == token.STRING:
			case tok == token.COMMENT && strings.HasPrefix(lit, "//") && !strings.HasPrefix(lit, "//go:"):
			default:
				t.Errorf("%s: spec text escaped into Go source as %s %q", fset.Position(pos), tok, lit)
			}
		}
	}
	if !seen {
		t.Fatal("the hostile values reached no Go file: the test checks nothing")
	}
}
