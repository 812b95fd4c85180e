package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckFindsTheOutput: check (and diff without -out) in a directory
// svcgen never generated, most often the spec's directory when the output
// is elsewhere, says there is no svcgen.sum there and asks for -out (exit
// 2) instead of printing every file as missing. diff with -out still
// previews a first generate.
func TestCheckFindsTheOutput(t *testing.T) {
	dir := t.TempDir()
	specDir := filepath.Join(dir, "spec")
	os.Mkdir(specDir, 0o755)
	specPath := filepath.Join(specDir, "service.toml")
	copyFile(t, "../../golden/minimal/service.toml", specPath)
	out := filepath.Join(dir, "hello")
	if code, _, stderr := svcgen(t, "generate", "-spec", specPath, "-out", out); code != exitOK {
		t.Fatalf("generate: exit %d: %s", code, stderr)
	}

	cases := []struct {
		name string
		cwd  string
		args []string
		want []string // in stderr
	}{
		{"check in the output directory, spec elsewhere", out, []string{"check", "-spec", specPath},
			[]string{"no svcgen.sum in " + specDir, "did you mean -out?", "The current directory has one: add -out ."}},
		{"diff in the output directory, spec elsewhere", out, []string{"diff", "-spec", specPath},
			[]string{"no svcgen.sum in " + specDir, "did you mean -out?", "add -out ."}},
		{"check in the spec's directory", specDir, []string{"check"},
			[]string{"no svcgen.sum in .", "did you mean -out?"}},
		{"check with -out never generated", dir, []string{"check", "-spec", specPath, "-out", filepath.Join(dir, "nowhere")},
			[]string{"no svcgen.sum in " + filepath.Join(dir, "nowhere"), "run svcgen generate -out"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Chdir(c.cwd)
			code, stdout, stderr := svcgen(t, c.args...)
			if code != exitError || stdout != "" {
				t.Errorf("exit %d, want %d and no diff\n%s", code, exitError, stdout)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
			if strings.Contains(stderr, "missing") {
				t.Errorf("stderr lists missing files:\n%s", stderr)
			}
			if c.cwd != out && strings.Contains(stderr, "The current directory has one") {
				t.Errorf("stderr points at a current directory without svcgen.sum:\n%s", stderr)
			}
		})
	}
	// With -out, from anywhere: up to date.
	t.Chdir(out)
	if code, stdout, stderr := svcgen(t, "check", "-spec", specPath, "-out", "."); code != exitOK {
		t.Errorf("check -out .: exit %d\n%s%s", code, stdout, stderr)
	}
	// diff -out previews a first generate.
	code, stdout, _ := svcgen(t, "diff", "-spec", specPath, "-out", filepath.Join(dir, "fresh"))
	if code != exitFix || !strings.Contains(stdout, "+++ b/svcgen_config.go") {
		t.Errorf("diff -out into a fresh directory: exit %d\n%.300s", code, stdout)
	}
}

// TestCheckRemedyForHandEdits: check names a remedy that works for a hand
// edit: plain generate refuses it, so check says to see it with svcgen
// diff, move it, and force; following that regenerates. Other problems
// keep "run svcgen generate", which fixes them.
func TestCheckRemedyForHandEdits(t *testing.T) {
	specPath, out := generatedMinimal(t)
	config := filepath.Join(out, "svcgen_config.go")
	data, _ := os.ReadFile(config)
	os.WriteFile(config, append(data, []byte("\n// a hand edit\n")...), 0o644)
	wire := filepath.Join(out, "svcgen_wire.go")
	os.Remove(wire)

	code, _, stderr := svcgen(t, "check", "-spec", specPath, "-out", out)
	if code != exitFix {
		t.Fatalf("check: exit %d\n%s", code, stderr)
	}
	var editLine, missingLine string
	for _, l := range strings.Split(stderr, "\n") {
		switch {
		case strings.HasPrefix(l, config+":"):
			editLine = l
		case strings.HasPrefix(l, wire+":"):
			missingLine = l
		}
	}
	for _, w := range []string{"edited by hand", "svcgen diff -spec " + specPath + " -out " + out, "move it into a user file or the spec",
		"svcgen generate -spec " + specPath + " -out " + out + " -force"} {
		if !strings.Contains(editLine, w) {
			t.Errorf("check's line for the edit lacks %q:\n%s", w, editLine)
		}
	}
	if !strings.HasSuffix(missingLine, ": missing: run svcgen generate") {
		t.Errorf("check's line for a missing file: %q", missingLine)
	}
	// The remedy, step by step: diff shows the edit, plain generate
	// refuses, -force regenerates.
	if code, stdout, _ := svcgen(t, "diff", "-spec", specPath, "-out", out); code != exitFix || !strings.Contains(stdout, "-// a hand edit") {
		t.Errorf("diff does not show the edit: exit %d\n%s", code, stdout)
	}
	if code, _, _ := svcgen(t, "generate", "-spec", specPath, "-out", out); code != exitFix {
		t.Errorf("generate over a hand edit: exit %d, want %d", code, exitFix)
	}
	if code, _, stderr := svcgen(t, "generate", "-spec", specPath, "-out", out, "-force"); code != exitOK {
		t.Errorf("generate -force: exit %d: %s", code, stderr)
	}
	if code, stdout, stderr := svcgen(t, "check", "-spec", specPath, "-out", out); code != exitOK {
		t.Errorf("check after the remedy: exit %d\n%s%s", code, stdout, stderr)
	}
}
