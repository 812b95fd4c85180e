//go:build linux

package winetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseQuery(t *testing.T) {
	// Verbatim from Wine 8's sc.exe (CRLF already turned into LF by Run).
	out := "SERVICE_NAME: mini1\n" +
		"        TYPE               : 10  WIN32_OWN_PROCESS\n" +
		"        STATE              : 2  START_PENDING\n" +
		"        WIN32_EXIT_CODE    : 1066  (0x42a)\n" +
		"        SERVICE_EXIT_CODE  : 7  (0x7)\n" +
		"        CHECKPOINT         : 0x1a\n" +
		"        WAIT_HINT          : 0x7d0\n"
	got, err := ParseQuery(out)
	if err != nil {
		t.Fatal(err)
	}
	want := Status{State: StateStartPending, CheckPoint: 26, WaitHint: 2000, Win32ExitCode: 1066, ServiceSpecificExitCode: 7}
	if got != want {
		t.Fatalf("ParseQuery = %+v, want %+v", got, want)
	}
	// Windows' layout: STATE continues on an indented line of controls.
	win := strings.Replace(out, "START_PENDING\n", "RUNNING\n                                (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)\n", 1)
	if got, err := ParseQuery(win); err != nil || got.State != StateRunning {
		t.Fatalf("ParseQuery(windows layout) = %+v, %v", got, err)
	}
	if _, err := ParseQuery("SERVICE_NAME: x\n        STATE              : 4  RUNNING\n"); err == nil {
		t.Fatal("ParseQuery accepted output without CHECKPOINT")
	}
}

func TestBinPath(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, `"Z:\a b\x.exe"`},
		{[]string{"service", "-dir", `Z:\tmp\d`}, `"Z:\a b\x.exe" service -dir Z:\tmp\d`},
		{[]string{`Z:\with space\`}, `"Z:\a b\x.exe" "Z:\with space\\"`},
		{[]string{`say "hi"`, ""}, `"Z:\a b\x.exe" "say \"hi\"" ""`},
	} {
		if got := BinPath(`Z:\a b\x.exe`, c.args...); got != c.want {
			t.Errorf("BinPath(%q) = %s, want %s", c.args, got, c.want)
		}
	}
}

func TestWinPath(t *testing.T) {
	got, err := WinPath("/tmp/a b/svc.exe")
	if err != nil || got != `Z:\tmp\a b\svc.exe` {
		t.Fatalf("WinPath = %q, %v", got, err)
	}
}

func TestUniqueName(t *testing.T) {
	a, b := UniqueName("Test/x y"), UniqueName("Test/x y")
	if a == b || !strings.HasPrefix(a, TestServicePrefix+"Test-x-y-") {
		t.Fatalf("UniqueName = %q, %q", a, b)
	}
}

func TestStaleKey(t *testing.T) {
	reg := "[System\\\\CurrentControlSet\\\\Services\\\\svcgen-test-a-1-2] 1795311902\n" +
		"[System\\\\CurrentControlSet\\\\Services\\\\svcgen-test-a-1-2\\\\Security] 1795311902\n" +
		"[System\\\\CurrentControlSet\\\\Services\\\\Other] 1795311902\n"
	m := staleKey.FindAllStringSubmatch(reg, -1)
	if len(m) != 2 || m[0][1] != "svcgen-test-a-1-2" || m[1][1] != "svcgen-test-a-1-2" {
		t.Fatalf("staleKey matches %q", m)
	}
}

func TestUnexplained(t *testing.T) {
	silent := &RunError{Args: []string{"sc.exe", "query", "x"}, ExitCode: 1, Err: errors.New("exit status 1")}
	for _, c := range []struct {
		err  error
		want bool
	}{
		{silent, true},
		{fmt.Errorf("wrapped: %w", silent), true},
		// sc's own failures carry the Win32 code on an err line.
		{&RunError{ExitCode: 1060, Code: 1060, Stderr: "err:sc:query_service failed to open service 1060"}, false},
		{&RunError{ExitCode: 1, Stderr: "wine: could not load kernel32.dll"}, false},
		{&RunError{ExitCode: 1, Stdout: "SERVICE_NAME: x"}, false},
		// Killed or never started: no exit status to explain.
		{&RunError{ExitCode: -1, Err: errors.New("context deadline exceeded")}, false},
		{errors.New("exec: not found"), false},
	} {
		if got := unexplained(c.err); got != c.want {
			t.Errorf("unexplained(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// standIn is a Prefix whose wine loader is a script: its first failures
// calls print failure (nothing when empty) and exit 1, the later ones print
// answer. calls counts the runs; logged collects what the Prefix logged.
func standIn(t *testing.T, failures int, failure, answer string) (p *Prefix, calls func() int, logged *[]string) {
	t.Helper()
	dir := t.TempDir()
	count, fail, out := filepath.Join(dir, "count"), filepath.Join(dir, "fail"), filepath.Join(dir, "out")
	script := filepath.Join(dir, "wine")
	body := fmt.Sprintf("#!/bin/sh\necho >> '%s'\nif [ $(wc -l < '%s') -le %d ]; then cat '%s'; exit 1; fi\ncat '%s'\n",
		count, count, failures, fail, out)
	for path, content := range map[string]string{out: answer, fail: failure} {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	logged = new([]string)
	p = &Prefix{Dir: dir, tools: tools{wine: script}, logf: func(f string, a ...any) { *logged = append(*logged, fmt.Sprintf(f, a...)) }}
	calls = func() int {
		data, _ := os.ReadFile(count)
		return strings.Count(string(data), "\n")
	}
	return p, calls, logged
}

// TestQueryAsksAgain runs Query against a stand-in for the wine loader
// that fails silently a given number of times before it answers.
func TestQueryAsksAgain(t *testing.T) {
	answer := "SERVICE_NAME: x\n        TYPE               : 10  WIN32_OWN_PROCESS\n" +
		"        STATE              : 3  STOP_PENDING\n        WIN32_EXIT_CODE    : 0  (0x0)\n" +
		"        SERVICE_EXIT_CODE  : 0  (0x0)\n        CHECKPOINT         : 0x2\n        WAIT_HINT          : 0x7d0\n"
	for _, c := range []struct {
		silent  int // failures before the answer
		wantErr bool
	}{{0, false}, {1, false}, {queryAttempts - 1, false}, {queryAttempts, true}} {
		p, calls, logged := standIn(t, c.silent, "", answer)
		st, err := p.Query(context.Background(), "x")
		switch {
		case c.wantErr && !unexplained(err):
			t.Errorf("%d silent failures: err = %v, want the last silent failure", c.silent, err)
		case !c.wantErr && (err != nil || st.State != StateStopPending || st.CheckPoint != 2):
			t.Errorf("%d silent failures: %v, %v", c.silent, st, err)
		}
		if want := min(c.silent+1, queryAttempts); calls() != want {
			t.Errorf("%d silent failures: sc.exe ran %d times, want %d", c.silent, calls(), want)
		}
		if want := min(c.silent, queryAttempts-1); len(*logged) != want {
			t.Errorf("%d silent failures: logged %q, want %d lines", c.silent, *logged, want)
		}
	}
}

// TestRunStartsAgain: a program Wine's start.exe failed to start is started
// again, whatever the command (it never ran); a program that ran and failed
// is not.
func TestRunStartsAgain(t *testing.T) {
	notStarted := "Application could not be started, or no application associated with the specified file.\nShellExecuteEx failed: Internal error.\n"
	for _, c := range []struct {
		failures int
		failure  string
		wantRuns int
		wantErr  bool
	}{
		{1, notStarted, 2, false},
		{launchAttempts - 1, notStarted, launchAttempts, false},
		{launchAttempts, notStarted, launchAttempts, true},
		// sc's own failure: the stop was asked for once, and is not again.
		{1, "err:sc:control_service failed to control service 1062\n", 1, true},
	} {
		p, calls, logged := standIn(t, c.failures, c.failure, "")
		_, err := p.SC(context.Background(), "stop", "x")
		if (err != nil) != c.wantErr {
			t.Errorf("%d failures %q: err = %v, want error %v", c.failures, c.failure, err, c.wantErr)
		}
		if calls() != c.wantRuns {
			t.Errorf("%d failures %q: sc.exe ran %d times, want %d", c.failures, c.failure, calls(), c.wantRuns)
		}
		if want := c.wantRuns - 1; len(*logged) != want {
			t.Errorf("%d failures %q: logged %q, want %d lines", c.failures, c.failure, *logged, want)
		}
	}
}
