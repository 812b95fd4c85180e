package svcrt

import "testing"

func TestAccountKinds(t *testing.T) {
	for _, c := range []struct {
		account    string
		logonRight bool
		null       bool
	}{
		{"LocalSystem", false, false},
		{`NT AUTHORITY\LocalService`, false, false},
		{`NT AUTHORITY\NetworkService`, false, false},
		{`NT SERVICE\orders`, false, true},
		{`CORP\svc-orders$`, true, true},
		{`CORP\svc-orders`, true, false},
		{`.\orders`, true, false},
	} {
		if got := needsLogonRight(c.account); got != c.logonRight {
			t.Errorf("needsLogonRight(%q) = %v", c.account, got)
		}
		if got := nullPassword(c.account); got != c.null {
			t.Errorf("nullPassword(%q) = %v", c.account, got)
		}
	}
}
