//go:build !windows

package svcrt

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDocumentedVerbsExist: every command of a generated binary that
// svcgen's README and spec reference show (`orders version`,
// `<binary> install`) is a verb the binary has, listed in its help or
// answered as a platform verb, not a flag or verb it does not know.
func TestDocumentedVerbsExist(t *testing.T) {
	cfg := &Config{Name: "orders"}
	var help bytes.Buffer
	usage(cfg, &help)
	listed := map[string]bool{}
	for _, line := range strings.Split(help.String(), "\n") {
		if f := strings.Fields(line); len(f) > 1 && strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") {
			listed[f[0]] = true
		}
	}
	known := func(verb string) bool {
		if listed[verb] {
			return true
		}
		stderr := os.Stderr
		os.Stderr, _ = os.Open(os.DevNull)
		defer func() { os.Stderr.Close(); os.Stderr = stderr }()
		_, handled := platformVerb(cfg, "orders", nil, verb, nil)
		return handled
	}
	command := regexp.MustCompile("`(?:\\./)?(?:orders|<binary>)(?:\\.exe)? ([^` ]+)")
	found := 0
	for _, doc := range []string{"../../README.md", "../../spec/REFERENCE.md"} {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range command.FindAllStringSubmatch(string(data), -1) {
			found++
			if !known(m[1]) {
				t.Errorf("%s shows %q, but the binary has no verb %q (its verbs: %s)", doc, m[0][1:], m[1], strings.TrimSpace(help.String()))
			}
		}
	}
	if found == 0 {
		t.Fatal("no command of a generated binary found in the docs: the test checks nothing")
	}
}
