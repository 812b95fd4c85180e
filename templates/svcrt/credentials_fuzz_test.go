package svcrt

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzRedactPassword: a random password written in any driver's syntax
// (see credentialSyntaxes) never survives redaction of the string.
func FuzzRedactPassword(f *testing.F) {
	for _, pw := range hostilePasswords {
		f.Add(pw)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		if pw == "" || !utf8.ValidString(pw) || strings.ContainsFunc(pw, unicode.IsControl) || strings.Contains(pw, "x") {
			t.Skip() // no password, or one the mask "xxxxx" may spell
		}
		placeholders := credentialSyntaxes("Q")
		for i, c := range credentialSyntaxes(pw) {
			if secretShows(placeholders[i].dsn, pw) {
				continue // the rest of the string spells the password, or a part of it
			}
			if c.careless && strings.Contains(pw, "=") {
				continue // a raw "=" reads as a parameter (see credCase)
			}
			s := &secretSet{}
			s.add(c.driver, c.dsn)
			if got := s.redact(c.dsn); secretShows(got, pw) {
				t.Errorf("%s: redact(%q) = %q", c.name, c.dsn, got)
			}
		}
	})
}
