//go:build linux

package winetest

import (
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
