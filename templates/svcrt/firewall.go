package svcrt

import (
	"errors"
	"net"
	"slices"
	"strconv"
	"strings"
)

// windows.firewall: install adds one inbound Windows Firewall rule that
// lets the service, and only it (program= the executable, service= its
// name, so the rule matches the service's SID), accept TCP connections on
// its listen ports; uninstall deletes it. netsh advfirewall is the
// documented command-line interface of the firewall; the rule is named
// after the instance, so instances have rules of their own.

// firewallRuleName is the name of the instance's rule.
func firewallRuleName(instance string) string {
	return instance + " (inbound)"
}

// firewallAddArgs are netsh's arguments to add the rule.
func firewallAddArgs(instance, exe, ports string) []string {
	return []string{"advfirewall", "firewall", "add", "rule",
		"name=" + firewallRuleName(instance), "dir=in", "action=allow", "protocol=TCP",
		"localport=" + ports, "program=" + exe, "service=" + instance, "profile=any", "enable=yes"}
}

// firewallDeleteArgs are netsh's arguments to delete the rule.
func firewallDeleteArgs(instance string) []string {
	return []string{"advfirewall", "firewall", "delete", "rule", "name=" + firewallRuleName(instance), "dir=in"}
}

// netshCommandLine writes the command line netsh reads: key=value tokens,
// a value with a space in double quotes (key="C:\Program Files\x.exe"),
// which is how netsh takes them; Go's own quoting would quote the whole
// token. A double quote cannot be in a path or a service name and is
// refused.
func netshCommandLine(netsh string, args []string) (string, error) {
	var b strings.Builder
	b.WriteString(`"` + netsh + `"`)
	for _, a := range args {
		if strings.ContainsAny(a, "\"\r\n") {
			return "", errors.New("a netsh argument holds a double quote or a line break: " + a)
		}
		b.WriteByte(' ')
		k, v, ok := strings.Cut(a, "=")
		if ok && strings.ContainsAny(v, " \t") {
			b.WriteString(k + `="` + v + `"`)
			continue
		}
		if !ok && strings.ContainsAny(a, " \t") {
			b.WriteString(`"` + a + `"`)
			continue
		}
		b.WriteString(a)
	}
	return b.String(), nil
}

// firewallPorts are the TCP ports the rule opens, comma-separated and
// sorted, each once: those of the listen addresses, leaving out one on a
// loopback address (no other machine reaches it) and port 0 (chosen at
// start).
func firewallPorts(addrs []string) string {
	var ports []int
	for _, a := range addrs {
		host, p, err := net.SplitHostPort(a)
		port, perr := strconv.Atoi(p)
		if err != nil || perr != nil || port <= 0 || port > 65535 || isLoopback(host) {
			continue
		}
		if !slices.Contains(ports, port) {
			ports = append(ports, port)
		}
	}
	slices.Sort(ports)
	var out []string
	for _, p := range ports {
		out = append(out, strconv.Itoa(p))
	}
	return strings.Join(out, ",")
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
