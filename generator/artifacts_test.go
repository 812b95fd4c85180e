package generator

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/svcgen/svcgen/internal/artifactcheck"
	"github.com/svcgen/svcgen/spec"
)

// artifactMarker is in every hostile text, so the README check can tell
// where a value landed.
const artifactMarker = "PWNED"

// hostileTexts are the forms a free-text value takes to change the
// structure of a unit file, a YAML manifest, a Markdown README or a log
// line instead of staying a value.
var hostileTexts = []string{
	"PWNED\n[Service]\nExecStartPre=+/bin/sh -c 'id > /tmp/PWNED'",
	"PWNED\r\n[Service]\r\nExecStartPre=+/bin/true",
	"PWNED\r[Service]\rExecStartPre=+/bin/true",
	"PWNED\x00[Service]",
	"PWNED\\\n[Service]",
	"PWNED ends in a backslash\\",
	"PWNED ends in backslashes\\\\\\",
	"PWNED\\",
	"PWNED %n %i %H %% %",
	"PWNED\u2028[Service]\u2029ExecStartPre=+/bin/true",
	"PWNED\u0085[Service]",
	"PWNED\x1b[31m red",
	"PWNED\t tab",
	"  PWNED with spaces  ",
	"PWNED\n\n# heading\n## heading",
	"PWNED\n```\nfenced\n```",
	"PWNED\n~~~\nfenced",
	"PWNED\n    indented code",
	"PWNED\n\n    indented code",
	"<script>alert('PWNED')</script>",
	"PWNED <img src=x onerror=alert(1)> <b>bold</b>",
	"PWNED\n<!-- comment -->",
	"PWNED -->",
	"PWNED [link](https://example.com) ![img](https://example.com/x.png)",
	"PWNED <https://example.com> https://example.com www.example.com a@example.com",
	"PWNED\n- list\n* list\n+ list\n1. list\n2) list",
	"PWNED\n> quote",
	"PWNED\n| a | b |\n| --- | --- |\n| c | d |",
	"PWNED\n---",
	"PWNED\n===",
	"PWNED\n***",
	"PWNED &amp; &#x50; &lt;",
	"PWNED *em* _em_ **strong** ~~strike~~ `code` ``co`de``",
	"PWNED $x^2$ [^1]\n\n[^1]: note",
	"PWNED [ref]\n\n[ref]: https://example.com",
	"PWNED\" + os.Exit(1) + \"",
	"PWNED`*/ /*",
	"PWNED: key: value\n- item",
	"PWNED\"'#:{}[]&*!|>%@`,?-",
	"*PWNED &anchor !tag {a: b} [c]",
	"PWNED time=2026-01-01T00:00:00Z level=ERROR msg=forged",
	"PWNED\ntime=2026-01-01T00:00:00Z level=ERROR msg=forged",
	"PWNED \u202e reversed",
	"PWNED \ufeff bom \u00a0 nbsp",
}

// tomlString writes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case unicode.IsControl(r):
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// artifactSpec is a spec with [systemd] and [kubernetes] on, so every
// artifact is generated, and the free-text keys given in values (by key)
// set to them.
func artifactSpec(values map[string]string) string {
	vals := map[string]string{
		"display_name": `"Artifact"`,
		"description":  `"Checks the artifacts."`,
		"image":        `"registry.example.com/artifact:1"`,
		"version":      `"1.0"`,
	}
	for k, v := range values {
		vals[k] = tomlString(v)
	}
	return `[service]
name = "artifact"
display_name = ` + vals["display_name"] + `
description = ` + vals["description"] + `
module = "example.com/artifact"
version = ` + vals["version"] + `

[admin]
addr = ":9090"

[systemd]
enabled = true

[kubernetes]
enabled = true
image = ` + vals["image"] + `

[resource.api]
kind = "http"
addr = ":8080"
handler = "NewAPI"
`
}

// checkArtifactValue parses the spec with value at key (file is the spec
// file's name) and, when it is accepted, checks every generated artifact's
// grammar; when it is rejected, the error must be one positioned line.
// It reports whether the spec was accepted.
func checkArtifactValue(t *testing.T, file, key, value string) bool {
	t.Helper()
	s, err := spec.Parse(file, []byte(artifactSpec(map[string]string{key: value})))
	if err != nil {
		var list spec.ErrorList
		if !errors.As(err, &list) || strings.ContainsAny(err.Error(), "\n\r") && len(list) == 1 {
			t.Errorf("%s %q: rejected without one positioned line: %v", key, value, err)
		}
		return false
	}
	files, err := Generate(s, Options{Mode: ProjectMode})
	if err != nil {
		t.Fatalf("%s %q: generate: %v", key, value, err)
	}
	byPath := map[string][]byte{}
	for _, f := range files {
		byPath[f.Path] = f.Content
	}
	marker := artifactMarker
	if file != "service.toml" {
		marker = "" // the README names the spec file too
	}
	for _, err := range artifactcheck.Check(s, byPath, marker) {
		t.Errorf("%s %q: %v", key, value, err)
	}
	return true
}

// TestArtifactsKeepTheirGrammar puts every hostile text into every
// free-text key that reaches a unit file, manifest or README, and into the
// spec file's name (which every header names): either validation rejects
// it with a positioned error, or each artifact parses with the structure
// the spec asks for and holds the value where it belongs.
func TestArtifactsKeepTheirGrammar(t *testing.T) {
	accepted, rejected := 0, 0
	for _, key := range []string{"display_name", "description", "image", "version"} {
		for _, v := range hostileTexts {
			if checkArtifactValue(t, "service.toml", key, v) {
				accepted++
			} else {
				rejected++
			}
		}
	}
	for _, v := range hostileTexts {
		if checkArtifactValue(t, v+".toml", "description", v) {
			accepted++
		} else {
			rejected++
		}
	}
	t.Logf("%d hostile texts: %d specs accepted and checked, %d rejected", len(hostileTexts), accepted, rejected)
	if accepted == 0 {
		t.Fatal("every hostile spec was rejected: the artifacts were never checked")
	}
}

// FuzzArtifacts generates the unit, manifest and README from fuzzed
// display name, description and image and reads each back by its grammar.
//
//	go test ./generator -run '^$' -fuzz FuzzArtifacts -fuzztime 60s
func FuzzArtifacts(f *testing.F) {
	for _, v := range hostileTexts {
		f.Add(v, v, v)
	}
	f.Fuzz(func(t *testing.T, display, desc, image string) {
		s, err := spec.Parse("service.toml", []byte(artifactSpec(map[string]string{"display_name": display, "description": desc, "image": image})))
		if err != nil {
			return
		}
		files, err := Generate(s, Options{Mode: ProjectMode})
		if err != nil {
			t.Fatalf("generate: %v", err)
		}
		byPath := map[string][]byte{}
		for _, f := range files {
			byPath[f.Path] = f.Content
		}
		for _, err := range artifactcheck.Check(s, byPath, "") {
			t.Errorf("display %q, description %q, image %q: %v", display, desc, image, err)
		}
	})
}
