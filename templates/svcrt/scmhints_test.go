package svcrt

import (
	"strings"
	"testing"
)

// The four errors an operator meets most get a remedy that names what to do.
func TestSCMHint(t *testing.T) {
	for code, want := range map[uint32]string{
		5:    "Run as administrator",
		1061: "wait until status shows RUNNING or STOPPED",
		1069: "SeServiceLogonRight",
		1072: "close services.msc",
	} {
		if got := scmHint(code); !strings.Contains(got, want) {
			t.Errorf("hint for %d = %q, want it to say %q", code, got, want)
		}
	}
	if got := scmHint(2); got != "" {
		t.Errorf("hint for an unrelated error: %q", got)
	}
}
