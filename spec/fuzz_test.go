package spec

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error it returns
// is a sorted, positioned ErrorList inside the file, and that an accepted
// spec has a complete graph.
func FuzzParse(f *testing.F) {
	var seeds []string
	for _, pattern := range []string{"../golden/*/service.toml", "../golden/bad/*.toml", "../templates/*.toml"} {
		files, _ := filepath.Glob(pattern)
		seeds = append(seeds, files...)
	}
	for _, file := range seeds {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	if ref, err := os.ReadFile("REFERENCE.md"); err == nil {
		for _, b := range regexp.MustCompile("(?s)```toml\n(.*?)```").FindAllSubmatch(ref, -1) {
			f.Add(b[1])
		}
	}
	f.Add([]byte(minimal))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("f.toml", data)
		if err == nil {
			if s.Graph == nil || len(s.Graph.Order) != len(s.Resources) {
				t.Fatalf("accepted spec without a complete graph")
			}
			n := 0
			for _, l := range s.Graph.Levels {
				n += len(l)
			}
			if n != len(s.Resources) {
				t.Fatalf("levels hold %d of %d resources", n, len(s.Resources))
			}
			checkPositions(t, s)
			return
		}
		var list ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error %T %v is not a non-empty ErrorList", err, err)
		}
		lines := strings.Count(string(data), "\n") + 2
		for i, e := range list {
			if e.Pos.File != "f.toml" || e.Pos.Line > lines || e.Msg == "" || strings.ContainsAny(e.Msg, "\n\r") {
				t.Fatalf("bad error %q at %+v", e.Msg, e.Pos)
			}
			if i > 0 && before(e.Pos, list[i-1].Pos) {
				t.Fatalf("errors not sorted:\n%v", list)
			}
		}
	})
}

// checkPositions fails when the scanner missed a key the parser saw: every
// key path the spec wrote must have its own key and value position.
func checkPositions(t *testing.T, s *Spec) {
	t.Helper()
	for k := range s.given {
		if _, ok := s.positions.values[k]; !ok {
			t.Errorf("no value position for %q", strings.ReplaceAll(k, "\x00", "."))
		}
		if _, ok := s.positions.keys[k]; !ok {
			t.Errorf("no key position for %q", strings.ReplaceAll(k, "\x00", "."))
		}
	}
}
