package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDamagedManifest: a svcgen.sum damaged in any way (cut short,
// emptied, a bad line, a bad hash, a path listed twice or leaving the
// directory, another format version, a wrong count) is an error of check,
// diff and generate that names the manifest and the remedy, exit 1, and
// nothing changes on disk. It is never read as listing fewer files: a
// project's manifest cut before README.md read as package mode, and check
// said "up to date".
func TestDamagedManifest(t *testing.T) {
	_, out := generatedMinimal(t)
	good, err := os.ReadFile(filepath.Join(out, "svcgen.sum"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(good)
	lines := strings.SplitAfter(text, "\n")
	lines = lines[:len(lines)-1] // the empty string after the last newline
	last := len(lines) - 1
	hash := strings.Repeat("ab", 32)
	firstEntry := 6 // after the header's six comment lines
	entry := func(p string) string { return hash + "  " + p + "\n" }
	// withEntry adds one line before the last, raising the count.
	withEntry := func(line string) string {
		trailer := fmt.Sprintf("# end of svcgen.sum: format 1, %d files\n", last-firstEntry+1)
		return strings.Join(lines[:last], "") + line + trailer
	}
	if !strings.HasSuffix(lines[firstEntry], "  README.md\n") {
		t.Fatalf("the minimal manifest's first entry is not README.md:\n%s", text)
	}
	cases := map[string]string{
		"cut in a line":                   text[:len(text)/2],
		"cut before README.md":            strings.Join(lines[:firstEntry], ""),
		"cut after README.md":             strings.Join(lines[:firstEntry+1], ""),
		"cut before the last line":        strings.Join(lines[:last], ""),
		"cut in the last line":            strings.TrimSuffix(text, "\n"),
		"only the header":                 lines[0],
		"empty":                           "",
		"no header":                       strings.Join(lines[1:], ""),
		"a line deleted":                  strings.Join(lines[:firstEntry], "") + strings.Join(lines[firstEntry+1:], ""),
		"a line after the last":           text + entry("extra.go"),
		"another format":                  strings.Join(lines[:last], "") + strings.Replace(lines[last], "format 1", "format 2", 1),
		"a hash too short":                withEntry(hash[:60] + "  extra.go\n"),
		"a hash not hex":                  withEntry(strings.Replace(hash, "a", "g", 1) + "  extra.go\n"),
		"a hash in upper case":            withEntry(strings.ToUpper(hash) + "  extra.go\n"),
		"one space":                       withEntry(hash + " extra.go\n"),
		"no path":                         withEntry(hash + "  \n"),
		"a path listed twice":             withEntry(lines[firstEntry]),
		"a path leaving the directory":    withEntry(entry("../outside.go")),
		"a path leaving through a subdir": withEntry(entry("internal/../../outside.go")),
		"an absolute path":                withEntry(entry("/etc/passwd")),
		"a path not clean":                withEntry(entry("internal//svcrt/doc.go")),
		"a path with a dot":               withEntry(entry("./main.go")),
		"a backslash path":                withEntry(entry(`internal\svcrt\doc.go`)),
		"a text line":                     withEntry("README.md\n"),
		// Written before the format, so no last line: read only if it lists
		// a file.
		"an old header alone": strings.Join(lines[:firstEntry-1], ""),
	}
	for name, damaged := range cases {
		t.Run(name, func(t *testing.T) {
			specPath, out := generatedMinimal(t)
			sum := filepath.Join(out, "svcgen.sum")
			mustWrite(t, sum, damaged)
			// A file outside -out that a manifest read leniently would
			// lead generate to remove: it carries the header.
			mustWrite(t, filepath.Join(filepath.Dir(out), "outside.go"), header+"package main\n")
			os.Remove(filepath.Join(out, "svcgen_guards.go")) // generate has work to do
			before := snapshotTree(t, filepath.Dir(out))
			for _, cmd := range []string{"check", "diff", "generate"} {
				code, stdout, stderr := svcgen(t, cmd, "-spec", specPath, "-out", out)
				if code != exitFix || !strings.Contains(stderr, sum) || !strings.Contains(stderr, "restore it from version control") {
					t.Errorf("%s: exit %d, want %d naming %s and the remedy\n%s%s", cmd, code, exitFix, sum, stdout, stderr)
				}
			}
			if after := snapshotTree(t, filepath.Dir(out)); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("files changed: %v -> %v", keys(before), keys(after))
			}
		})
	}

	// The remedy works: without the manifest, generate writes the
	// project again and check is clean.
	specPath, out := generatedMinimal(t)
	os.Remove(filepath.Join(out, "svcgen.sum"))
	if code, stdout, stderr := svcgen(t, "generate", "-spec", specPath, "-out", out); code != exitOK {
		t.Fatalf("generate after deleting the manifest: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := svcgen(t, "check", "-spec", specPath, "-out", out); code != exitOK {
		t.Errorf("check: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestManifestBeforeTheFormat: a manifest written by a svcgen older than
// the format (no format line, no last line) is read as it was written, so
// a project generated before stays usable, and the next generate rewrites
// it in the format.
func TestManifestBeforeTheFormat(t *testing.T) {
	specPath, out := generatedMinimal(t)
	sum := filepath.Join(out, "svcgen.sum")
	data, _ := os.ReadFile(sum)
	text := string(data)
	lines := strings.SplitAfter(text, "\n")
	var old strings.Builder
	for _, l := range lines {
		if !strings.HasPrefix(l, "# Format ") && !strings.HasPrefix(l, "# end of svcgen.sum") {
			old.WriteString(l)
		}
	}
	mustWrite(t, sum, old.String())
	// check reads it: only the manifest itself is stale, not damaged.
	code, stdout, stderr := svcgen(t, "check", "-spec", specPath, "-out", out)
	if code != exitFix || !strings.Contains(stdout+stderr, "svcgen.sum: stale") || strings.Contains(stdout+stderr, "damaged") {
		t.Fatalf("check with an older manifest: exit %d\n%s%s", code, stdout, stderr)
	}
	os.Remove(filepath.Join(out, "svcgen_guards.go"))
	if code, stdout, stderr := svcgen(t, "generate", "-spec", specPath, "-out", out); code != exitOK {
		t.Fatalf("generate with an older manifest: exit %d\n%s%s", code, stdout, stderr)
	}
	if got, _ := os.ReadFile(sum); string(got) != text {
		t.Errorf("the older manifest was not rewritten in the format:\n%s", got)
	}
}

// TestMergedManifest: a manifest holding a merge's conflict markers is
// read (both sides' hashes), not refused as damaged: regenerating is how
// the merge resolves, even when the two sides' last lines differ.
func TestMergedManifest(t *testing.T) {
	specPath, out := generatedMinimal(t)
	sum := filepath.Join(out, "svcgen.sum")
	data, _ := os.ReadFile(sum)
	text := string(data)
	i := strings.LastIndex(strings.TrimSuffix(text, "\n"), "\n") + 1
	merged := text[:i] + "<<<<<<< HEAD\n" + text[i:] + "=======\n" +
		strings.Repeat("ab", 32) + "  svcgen_extra.go\n# end of svcgen.sum: format 1, 99 files\n>>>>>>> other\n"
	mustWrite(t, sum, merged)
	if code, stdout, stderr := svcgen(t, "generate", "-spec", specPath, "-out", out); code != exitOK {
		t.Fatalf("generate during a merge: exit %d\n%s%s", code, stdout, stderr)
	}
	if got, _ := os.ReadFile(sum); string(got) != text {
		t.Errorf("the merged manifest was not rewritten:\n%s", got)
	}
}
