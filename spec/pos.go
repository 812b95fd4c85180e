package spec

import "strings"

// Pos returns where the value of a key path starts in the spec file, e.g.
// s.Pos("resource", "db", "handler"). For a path the file does not hold it
// falls back to the nearest enclosing table, then to line 1.
func (s *Spec) Pos(path ...string) Pos {
	for n := len(path); n > 0; n-- {
		if p, ok := s.positions[strings.Join(path[:n], ".")]; ok {
			return p
		}
	}
	return Pos{File: s.Path, Line: 1, Col: 1}
}
