package spec

import (
	"errors"
	"strings"
	"testing"
)

// A description written in a CRLF-edited spec spans lines like one written
// with LF: its line breaks are "\n", which every artifact handles.
func TestDescriptionLineBreaks(t *testing.T) {
	s := mustParse(t, "[service]\r\nname = \"orders\"\r\ndescription = \"\"\"One.\r\nTwo.\"\"\"\r\n")
	if s.Service.Description != "One.\nTwo." {
		t.Errorf("description = %q, want %q", s.Service.Description, "One.\nTwo.")
	}
}

// TestSpecFileNameIsText: the spec file's name goes into the header of
// every generated file, so a name with a line break (which would start a
// line of the unit file), a control character, a byte order mark or
// invalid UTF-8 (which Go source cannot hold) is rejected, in an error
// that stays one line.
func TestSpecFileNameIsText(t *testing.T) {
	for _, name := range []string{
		"dir/a\n[Service]\nExecStartPre=+id.toml", "a\rb.toml", "a\x1b[2Jb.toml", "a\u2028b.toml",
		"a\u0085b.toml", "a\ufeffb.toml", "a\xffb.toml", "a\x00b.toml",
	} {
		_, err := Parse(name, []byte(minimal))
		var list ErrorList
		if !errors.As(err, &list) || len(list) != 1 {
			t.Errorf("%q: error %v, want one spec error", name, err)
			continue
		}
		if msg := err.Error(); strings.ContainsAny(msg, "\n\r\x00") || !strings.Contains(msg, "rename the file") {
			t.Errorf("%q: %q", name, msg)
		}
	}
	for _, name := range []string{"service.toml", "dir\\my service.toml", "--> `x`.toml", "dienst-ä.toml"} {
		if _, err := Parse(name, []byte(minimal)); err != nil {
			t.Errorf("%q: %v", name, err)
		}
	}
}
