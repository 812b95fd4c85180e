package spec

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// positions records where each key path of a spec file is written.
// BurntSushi/toml keeps no positions of valid keys, so a small scanner
// walks the source once more after the parser accepted it.
//
// A path is the list of keys from the document root; array elements are
// numbered ("windows", "recovery", "0", "action"), whether the array is
// written inline or as [[windows.recovery]] tables.
type positions struct {
	keys   map[string]Pos // where the key is written
	values map[string]Pos // where its value starts; a table's header
	// overLimit is set when the scan stopped at a key path deeper than
	// MaxNesting or at the key past MaxKeys.
	overLimit *Error
}

func pathKey(path []string) string { return strings.Join(path, "\x00") }

// lookup finds the position of path in m, falling back to the closest
// recorded ancestor and finally to the start of the file.
func (p *positions) lookup(m map[string]Pos, file string, path []string) Pos {
	for n := len(path); n > 0; n-- {
		if pos, ok := m[pathKey(path[:n])]; ok {
			return pos
		}
		if pos, ok := p.values[pathKey(path[:n])]; ok {
			return pos
		}
	}
	return Pos{File: file, Line: 1, Col: 1}
}

type scanner struct {
	src       string
	file      string
	i         int // byte offset
	line      int // 1-based line of src[i]
	lineStart int // offset of the current line's first byte
	pos       *positions
	// arrays maps the path of an array of tables ([[a.b]]) to the index
	// of its current element.
	arrays map[string]int
}

// scanPositions records the position of every key and value in src. It
// runs before the parser, whose cost grows with the square of the nesting
// depth, so it also stops at the first key path deeper than MaxNesting
// (recording where, in positions.overLimit): every path it builds is then
// short, and the scan is linear in the size of src. It stops as well
// past MaxKeys keys, which bounds the work of every later stage. It never panics on
// invalid TOML: it gives up on what it does not understand and leaves the
// error to the parser.
func scanPositions(file, src string) *positions {
	s := &scanner{
		src:    src,
		file:   file,
		line:   1,
		pos:    &positions{keys: map[string]Pos{}, values: map[string]Pos{}},
		arrays: map[string]int{},
	}
	s.document()
	return s.pos
}

// eof reports the end of the source, or of the scan once a path was too
// deep.
func (s *scanner) eof() bool { return s.i >= len(s.src) || s.pos.overLimit != nil }

// deep checks the length of a key path about to be recorded; past
// MaxNesting it records where and ends the scan.
func (s *scanner) deep(path []string, at Pos) bool {
	if len(path) <= MaxNesting {
		return false
	}
	s.stopDeep(at)
	return true
}

// stopDeep ends the scan at a path deeper than MaxNesting.
func (s *scanner) stopDeep(at Pos) {
	s.stop(at, fmt.Sprintf("keys nest more than %d levels deep here (the limit; each table header key, dotted key part, inline table and array adds a level)", MaxNesting))
}

// stop ends the scan at the first limit a spec exceeds.
func (s *scanner) stop(at Pos, msg string) {
	if s.pos.overLimit == nil {
		s.pos.overLimit = &Error{Pos: at, Msg: msg}
	}
}

func (s *scanner) peek(k int) byte {
	if s.i+k < len(s.src) {
		return s.src[s.i+k]
	}
	return 0
}

func (s *scanner) here() Pos {
	return Pos{File: s.file, Line: s.line, Col: s.i - s.lineStart + 1}
}

func (s *scanner) advance() {
	if s.eof() {
		return
	}
	if s.src[s.i] == '\n' {
		s.line++
		s.lineStart = s.i + 1
	}
	s.i++
}

func (s *scanner) skipSpace() {
	for !s.eof() && (s.src[s.i] == ' ' || s.src[s.i] == '\t') {
		s.i++
	}
}

// skipBlank skips spaces, newlines and comments.
func (s *scanner) skipBlank() {
	for !s.eof() {
		switch s.src[s.i] {
		case ' ', '\t', '\r', '\n':
			s.advance()
		case '#':
			s.skipLine()
		default:
			return
		}
	}
}

func (s *scanner) skipLine() {
	for !s.eof() && s.src[s.i] != '\n' {
		s.i++
	}
}

func (s *scanner) setKey(path []string, p Pos) {
	k := pathKey(path)
	if _, ok := s.pos.keys[k]; !ok {
		if len(s.pos.keys) == MaxKeys {
			s.stop(p, fmt.Sprintf("the spec holds more than %d keys and array elements; this one is past the limit", MaxKeys))
			return
		}
		s.pos.keys[k] = p
	}
}

func (s *scanner) setValue(path []string, p Pos, override bool) {
	k := pathKey(path)
	if _, ok := s.pos.values[k]; !ok || override {
		s.pos.values[k] = p
	}
}

func (s *scanner) document() {
	var table []string
	for {
		s.skipBlank()
		if s.eof() {
			return
		}
		start := s.i
		if s.peek(0) == '[' {
			table = s.header()
		} else {
			s.keyval(table)
		}
		if s.i == start { // not understood: skip the line
			s.skipLine()
		}
	}
}

type keySeg struct {
	name string
	pos  Pos
}

// header reads [a.b] or [[a.b]] and returns the table's path.
func (s *scanner) header() []string {
	at := s.here()
	s.advance()
	array := s.peek(0) == '['
	if array {
		s.advance()
	}
	s.skipSpace()
	segs := s.key()
	if s.eof() {
		return nil
	}
	s.skipSpace()
	for !s.eof() && s.peek(0) == ']' {
		s.advance()
	}
	var path []string
	for j, seg := range segs {
		last := j == len(segs)-1
		path = append(path, seg.name)
		if s.deep(path, seg.pos) {
			return nil
		}
		s.setKey(path, seg.pos)
		if last && array {
			k := pathKey(path)
			idx := 0
			if cur, ok := s.arrays[k]; ok {
				idx = cur + 1
			}
			s.arrays[k] = idx
			s.setValue(path, seg.pos, false)
			path = append(path, strconv.Itoa(idx))
			if s.deep(path, at) {
				return nil
			}
			s.setKey(path, at)
			s.setValue(path, at, true)
			break
		}
		if last {
			s.setValue(path, at, true)
			break
		}
		s.setValue(path, seg.pos, false)
		if cur, ok := s.arrays[pathKey(path)]; ok {
			path = append(path, strconv.Itoa(cur))
			if s.deep(path, seg.pos) {
				return nil
			}
		}
	}
	return path
}

// keyval reads key = value inside the table at prefix.
func (s *scanner) keyval(prefix []string) {
	segs := s.key()
	if len(segs) == 0 {
		return
	}
	path := append([]string(nil), prefix...)
	for j, seg := range segs {
		path = append(path, seg.name)
		if s.deep(path, seg.pos) {
			return
		}
		s.setKey(path, seg.pos)
		if j < len(segs)-1 {
			s.setValue(path, seg.pos, false)
		}
	}
	s.skipSpace()
	if s.peek(0) != '=' {
		return
	}
	s.advance()
	s.skipSpace()
	s.value(path)
}

// key reads a dotted key: bare, "basic" or 'literal' parts. It reads no
// more than MaxNesting+1 parts: one more is already too deep.
func (s *scanner) key() []keySeg {
	var segs []keySeg
	for {
		s.skipSpace()
		p := s.here()
		var name string
		switch c := s.peek(0); {
		case c == '"':
			name = s.basicString()
		case c == '\'':
			name = s.literalString()
		default:
			start := s.i
			for !s.eof() && !strings.ContainsRune(" \t\r\n=.[]{},#\"'", rune(s.src[s.i])) {
				s.i++
			}
			if s.i == start {
				return segs
			}
			name = s.src[start:s.i]
		}
		segs = append(segs, keySeg{name, p})
		if len(segs) > MaxNesting {
			s.stopDeep(p)
			return segs
		}
		s.skipSpace()
		if s.peek(0) != '.' {
			return segs
		}
		s.advance()
	}
}

// basicString reads "..." and returns its decoded content.
func (s *scanner) basicString() string {
	s.advance() // opening quote
	var b strings.Builder
	for !s.eof() {
		c := s.src[s.i]
		switch c {
		case '"':
			s.advance()
			return b.String()
		case '\n':
			return b.String()
		case '\\':
			s.advance()
			b.WriteString(s.escape())
			continue
		}
		b.WriteByte(c)
		s.advance()
	}
	return b.String()
}

var simpleEscapes = map[byte]string{'b': "\b", 't': "\t", 'n': "\n", 'f': "\f", 'r': "\r", 'e': "\x1b", '"': "\"", '\\': "\\"}

// escape decodes the escape sequence after a backslash.
func (s *scanner) escape() string {
	c := s.peek(0)
	s.advance()
	if r, ok := simpleEscapes[c]; ok {
		return r
	}
	n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
	if n == 0 {
		return ""
	}
	end := min(s.i+n, len(s.src))
	v, err := strconv.ParseUint(s.src[s.i:end], 16, 32)
	for s.i < end {
		s.advance()
	}
	if err != nil || !utf8.ValidRune(rune(v)) {
		return ""
	}
	return string(rune(v))
}

// literalString reads '...' and returns it.
func (s *scanner) literalString() string {
	s.advance()
	start := s.i
	for !s.eof() && s.src[s.i] != '\'' && s.src[s.i] != '\n' {
		s.i++
	}
	name := s.src[start:s.i]
	if s.peek(0) == '\'' {
		s.advance()
	}
	return name
}

// multiline skips a multi-line string; its opening delimiter (three q's) is at s.i.
func (s *scanner) multiline(q byte) {
	s.advance()
	s.advance()
	s.advance()
	for !s.eof() {
		c := s.src[s.i]
		if c == '\\' && q == '"' {
			s.advance()
			s.advance()
			continue
		}
		if c == q && s.peek(1) == q && s.peek(2) == q {
			s.advance()
			s.advance()
			s.advance()
			// Up to two more quotes belong to the string's content.
			for k := 0; k < 2 && s.peek(0) == q; k++ {
				s.advance()
			}
			return
		}
		s.advance()
	}
}

// value reads any value and records where it and its children start.
func (s *scanner) value(path []string) {
	if s.deep(path, s.here()) {
		return
	}
	s.setValue(path, s.here(), false)
	switch c := s.peek(0); c {
	case '"', '\'':
		if s.peek(1) == c && s.peek(2) == c {
			s.multiline(c)
		} else if c == '"' {
			s.basicString()
		} else {
			s.literalString()
		}
	case '{':
		s.advance()
		for {
			s.skipBlank()
			if s.eof() {
				return
			}
			if s.peek(0) == '}' {
				s.advance()
				return
			}
			if s.peek(0) == ',' {
				s.advance()
				continue
			}
			start := s.i
			s.keyval(path)
			if s.i == start {
				s.advance()
			}
		}
	case '[':
		s.advance()
		for idx := 0; ; {
			s.skipBlank()
			if s.eof() {
				return
			}
			switch s.peek(0) {
			case ']':
				s.advance()
				return
			case ',':
				s.advance()
				continue
			}
			elem := append(append([]string(nil), path...), strconv.Itoa(idx))
			s.setKey(elem, s.here())
			start := s.i
			s.value(elem)
			if s.i == start {
				s.advance()
			}
			idx++
		}
	default:
		// Number, boolean or datetime (which may contain one space).
		for !s.eof() && !strings.ContainsRune(",]}#\r\n", rune(s.src[s.i])) {
			s.i++
		}
	}
}
