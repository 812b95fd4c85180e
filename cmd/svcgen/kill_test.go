package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestKilledBetweenRenames kills a real `svcgen generate` at each of its
// renames in turn (strace's fault injection delivers SIGKILL when the k-th
// rename is called, so no hook in svcgen is needed) and checks the
// promise the writer makes: whatever the kill leaves, `svcgen check` says
// the output is not up to date, and the next `svcgen generate` finishes
// the job, leaving exactly what an uninterrupted run leaves (no temporary
// file, no half-applied tree).
func TestKilledBetweenRenames(t *testing.T) {
	strace := needStrace(t)
	bin := buildSvcgen(t)
	tmp := t.TempDir()

	// v1 is the typical example; v2 renames the service and moves the
	// admin listener, which updates several files and the manifest.
	v1, err := os.ReadFile(filepath.Join("..", "..", "golden", "typical", "service.toml"))
	if err != nil {
		t.Fatal(err)
	}
	v2 := bytes.Replace(v1, []byte(`name = "orders"`), []byte(`name = "billing"`), 1)
	v2 = bytes.Replace(v2, []byte(`addr = "127.0.0.1:9090"`), []byte(`addr = "127.0.0.1:9191"`), 1)
	if bytes.Count(v2, []byte("billing")) != 1 || !bytes.Contains(v2, []byte("9191")) {
		t.Fatal("the typical spec no longer names its service orders with admin on 127.0.0.1:9090")
	}
	writeSpec := func(dir string, spec []byte) string {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "service.toml")
		if err := os.WriteFile(p, spec, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	svcgenRun := func(args ...string) (int, string) {
		t.Helper()
		out, err := exec.Command(bin, args...).CombinedOutput()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			return ee.ExitCode(), string(out)
		case err != nil:
			t.Fatal(err)
		}
		return 0, string(out)
	}
	// fresh is a v1 output with the v2 spec beside it: the state a run
	// that is about to be killed starts from.
	fresh := func(name string) (spec, out string) {
		t.Helper()
		out = filepath.Join(tmp, name)
		spec = writeSpec(filepath.Join(tmp, name+"-spec"), v1)
		if code, o := svcgenRun("generate", "-spec", spec, "-out", out); code != 0 {
			t.Fatalf("generate v1: exit %d\n%s", code, o)
		}
		writeSpec(filepath.Dir(spec), v2)
		return spec, out
	}

	// The uninterrupted run, with every rename it makes traced.
	spec, want := fresh("want")
	trace := filepath.Join(tmp, "trace")
	if out, err := exec.Command(strace, "-f", "-qq", "-e", "signal=none", "-e", "trace=rename,renameat,renameat2", "-o", trace,
		bin, "generate", "-spec", spec, "-out", want).CombinedOutput(); err != nil {
		t.Fatalf("generate v2: %v\n%s", err, out)
	}
	traced, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	renames := strings.Count(string(traced), "rename")
	t.Logf("an uninterrupted run renames %d files into place", renames)
	if renames < 4 {
		t.Fatalf("the v2 run made %d renames; the test would prove little:\n%s", renames, traced)
	}
	wantFiles := snapshotTree(t, want)

	for k := 1; k <= renames; k++ {
		spec, out := fresh("killed-" + strconv.Itoa(k))
		inject := "inject=rename,renameat,renameat2:signal=SIGKILL:when=" + strconv.Itoa(k)
		o, err := exec.Command(strace, "-f", "-qq", "-o", os.DevNull, "-e", "trace=rename,renameat,renameat2", "-e", inject,
			bin, "generate", "-spec", spec, "-out", out).CombinedOutput()
		if err == nil || strings.Contains(string(o), " created, ") {
			t.Fatalf("kill at rename %d: the run finished (%v)\n%s", k, err, o)
		}
		if code, o := svcgenRun("check", "-spec", spec, "-out", out); code != 1 {
			t.Errorf("kill at rename %d: check exit %d, want 1 (not up to date)\n%s", k, code, o)
		}
		if code, o := svcgenRun("generate", "-spec", spec, "-out", out); code != 0 {
			t.Fatalf("kill at rename %d: the next generate: exit %d\n%s", k, code, o)
		}
		if code, o := svcgenRun("check", "-spec", spec, "-out", out); code != 0 {
			t.Errorf("kill at rename %d: check after the next generate: exit %d\n%s", k, code, o)
		}
		got := snapshotTree(t, out)
		for name, content := range wantFiles {
			if got[name] != content {
				t.Errorf("kill at rename %d: %s differs from an uninterrupted run", k, name)
			}
		}
		for name := range got {
			if _, ok := wantFiles[name]; !ok {
				t.Errorf("kill at rename %d: %s is left over", k, name)
			}
		}
	}
}

// snapshotTree reads every file below dir, by slash-separated relative path.
func snapshotTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, rel := range listDir(t, dir) {
		data, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.ToSlash(rel)] = string(data)
	}
	return out
}

// needStrace returns strace's path, or skips where it cannot trace (and
// fails on CI, which installs it).
func needStrace(t *testing.T) string {
	t.Helper()
	strace, err := exec.LookPath("strace")
	if err == nil {
		err = exec.Command(strace, "-f", "-qq", "-o", os.DevNull, "true").Run()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("strace cannot trace here (.ci/run installs it): %v", err)
		}
		t.Skipf("strace cannot trace here: %v", err)
	}
	return strace
}

// buildSvcgen builds the svcgen binary into a temporary directory.
func buildSvcgen(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "svcgen")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build svcgen: %v\n%s", err, out)
	}
	return bin
}
