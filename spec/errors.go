package spec

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Error is one problem in a spec file, at the position of the key or value
// that causes it.
type Error struct {
	Pos Pos
	Msg string
}

// Errorf returns an Error at pos, for later stages that report a problem
// at a spec position (a handler that does not exist, at its name).
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: oneLine(fmt.Sprintf(format, args...))}
}

func (e *Error) Error() string {
	return e.Pos.String() + ": " + e.Msg
}

// ErrorList is every problem found in a spec, sorted by position. Load and
// Parse return it as their error when the spec is invalid; any other error
// from Load is an I/O failure.
type ErrorList []*Error

// Error renders one "file:line:col: message" line per problem.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Sort orders the list by file, line, column and message, and drops exact
// duplicates.
func (l *ErrorList) Sort() {
	s := *l
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		return a.Msg < b.Msg
	})
	out := s[:0]
	for i, e := range s {
		if i > 0 && e.Pos == s[i-1].Pos && e.Msg == s[i-1].Msg {
			continue
		}
		out = append(out, e)
	}
	*l = out
}

// err returns the list as an error, or nil when it is empty.
func (l ErrorList) err() error {
	if len(l) == 0 {
		return nil
	}
	l.Sort()
	return l
}

// String renders "file:line:col" (or just the file when the line is
// unknown), the form editors and terminals turn into a link.
// A file name holding a control character, a line break or invalid UTF-8 is quoted, so one
// problem stays one line.
func (p Pos) String() string {
	file := p.File
	if !utf8.ValidString(file) || strings.IndexFunc(file, isControl) >= 0 {
		file = strconv.Quote(file)
	}
	if p.Line <= 0 {
		return file
	}
	return fmt.Sprintf("%s:%d:%d", file, p.Line, p.Col)
}
