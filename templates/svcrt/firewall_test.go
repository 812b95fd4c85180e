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

func TestFirewallPorts(t *testing.T) {
	addrs := []string{":8443", "0.0.0.0:8080", "[::]:8080", "127.0.0.1:9000", "[::1]:9001", "localhost:9002", ":0", "10.0.0.5:7000"}
	if got, want := firewallPorts(addrs), "7000,8080,8443"; got != want {
		t.Errorf("firewallPorts = %q, want %q", got, want)
	}
	if got := firewallPorts([]string{"127.0.0.1:8080"}); got != "" {
		t.Errorf("loopback only: %q, want none", got)
	}
}
