package spec

import (
	"net"
	"slices"
	"strconv"
	"strings"
)

// FirewallPorts are the TCP ports windows.firewall opens: those of the
// http resources, sorted, each once, leaving out a listener on a loopback
// address (no other machine reaches it) and port 0 (chosen at start).
func (s *Spec) FirewallPorts() []int {
	var ports []int
	for _, r := range s.Resources {
		if r.Kind != KindHTTP {
			continue
		}
		host, p, err := net.SplitHostPort(r.Addr)
		port, perr := strconv.Atoi(p)
		if err != nil || perr != nil || port == 0 || isLoopbackHost(host) {
			continue
		}
		if !slices.Contains(ports, port) {
			ports = append(ports, port)
		}
	}
	slices.Sort(ports)
	return ports
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
