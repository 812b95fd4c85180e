package udiff

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"one line changed", "a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nE\nf\ng\nh\n",
			"--- old\n+++ new\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"},
		{"added to empty", "", "x\n", "--- old\n+++ new\n@@ -0,0 +1 @@\n+x\n"},
		{"removed all", "x\n", "", "--- old\n+++ new\n@@ -1 +0,0 @@\n-x\n"},
		{"no final newline", "a\n", "a", "--- old\n+++ new\n@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Diff("old", "new", []byte(tt.old), []byte(tt.new)); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestDiffAppliesWithPatch checks the output against patch(1): applying the
// diff to the old text must give the new text.
func TestDiffAppliesWithPatch(t *testing.T) {
	if _, err := exec.LookPath("patch"); err != nil {
		t.Skip("patch(1) not installed")
	}
	var old, new strings.Builder
	for i := 0; i < 200; i++ {
		line := strings.Repeat("x", i%7) + "\n"
		old.WriteString(line)
		switch {
		case i%37 == 0:
			new.WriteString("inserted\n" + line)
		case i%53 == 0:
		case i%41 == 0:
			new.WriteString("changed\n")
		default:
			new.WriteString(line)
		}
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	if err := os.WriteFile(f, []byte(old.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	d := Diff("f", "f", []byte(old.String()), []byte(new.String()))
	cmd := exec.Command("patch", "-s", f)
	cmd.Stdin = strings.NewReader(d)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch: %v\n%s\n%s", err, out, d)
	}
	got, _ := os.ReadFile(f)
	if string(got) != new.String() {
		t.Fatal("patched text differs from the new text")
	}
}
