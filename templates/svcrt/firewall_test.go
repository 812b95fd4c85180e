package svcrt

import "testing"

// The rule install adds: inbound TCP on the listen ports, for this program
// run as this service only; and the command line netsh gets for it.
func TestFirewallCommandLines(t *testing.T) {
	const netsh = `C:\Windows\system32\netsh.exe`
	add, err := netshCommandLine(netsh, firewallAddArgs("orders-eu", `C:\Program Files\orders\orders.exe`, "8080,8443"))
	if err != nil {
		t.Fatal(err)
	}
	want := `"C:\Windows\system32\netsh.exe" advfirewall firewall add rule name="orders-eu (inbound)" dir=in action=allow protocol=TCP localport=8080,8443 program="C:\Program Files\orders\orders.exe" service=orders-eu profile=any enable=yes`
	if add != want {
		t.Errorf("add:\n got %s\nwant %s", add, want)
	}
	del, err := netshCommandLine(netsh, firewallDeleteArgs("orders-eu"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `"C:\Windows\system32\netsh.exe" advfirewall firewall delete rule name="orders-eu (inbound)" dir=in`; del != want {
		t.Errorf("delete:\n got %s\nwant %s", del, want)
	}
	if _, err := netshCommandLine(netsh, firewallAddArgs(`x" dir=out`, `C:\x.exe`, "80")); err == nil {
		t.Error("a name with a double quote reached netsh's command line")
	}
}
