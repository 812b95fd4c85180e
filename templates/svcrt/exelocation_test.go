package svcrt

import (
	"strings"
	"testing"
)

func TestExeLocationWarnings(t *testing.T) {
	const profiles = `C:\Users`
	const account = `NT SERVICE\orders`
	for _, c := range []struct {
		exe    string
		remote bool
		want   string // "" for no warning
	}{
		{`C:\Program Files\orders\orders.exe`, false, ""},
		{`D:\svc\orders.exe`, false, ""},
		{`C:\Users\ann\Downloads\orders.exe`, false, "under a user profile"},
		{`c:\users\ann\orders.exe`, false, "under a user profile"},
		{`C:\UsersData\orders.exe`, false, ""},
		{`Z:\builds\orders.exe`, true, "mapped network drive"},
		{`\\files\builds\orders.exe`, false, "network share"},
		{`orders.exe`, false, "not an absolute path"},
		{`\\?\C:\svc\orders.exe`, false, ""},
	} {
		got := strings.Join(exeLocationWarnings(c.exe, c.remote, profiles, account), "; ")
		switch {
		case c.want == "" && got != "":
			t.Errorf("%s: warned %q", c.exe, got)
		case c.want != "" && !strings.Contains(got, c.want):
			t.Errorf("%s: warnings %q, want one saying %q", c.exe, got, c.want)
		}
	}
	// LocalSystem reads every profile: no warning for that.
	if w := exeLocationWarnings(`C:\Users\ann\orders.exe`, false, profiles, "LocalSystem"); len(w) != 0 {
		t.Errorf("LocalSystem warned %q", w)
	}
}
