package spec

// Pos returns where the value of a key path starts in the spec file, e.g.
// s.Pos("resource", "api", "handler") is the position of "NewAPI" in
// handler = "NewAPI". For a table it is the table's header; array
// elements are numbered: s.Pos("windows", "recovery", "1"). A path the
// spec does not write falls back to its closest written ancestor, then to
// line 1 column 1.
func (s *Spec) Pos(path ...string) Pos {
	if s.positions == nil {
		return Pos{File: s.Path, Line: 1, Col: 1}
	}
	return s.positions.lookup(s.positions.values, s.Path, path)
}

// KeyPos returns where the key of a path is written (the "handler" of
// handler = "NewAPI"; the "db" of [resource.db]).
func (s *Spec) KeyPos(path ...string) Pos {
	if s.positions == nil {
		return Pos{File: s.Path, Line: 1, Col: 1}
	}
	return s.positions.lookup(s.positions.keys, s.Path, path)
}
