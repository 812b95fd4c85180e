package spec

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// listener is one address the service binds: the admin listener, an http
// or a grpc resource.
type listener struct {
	what string // "[admin]", "[resource.api]"
	addr string
	host string
	port int
	pos  Pos
	set  bool // written in the spec (the admin address has a default)
}

// validateListeners checks every listen address and that no two
// listeners want the same port.
func (d *decoder) validateListeners() {
	var ls []listener
	admin := d.s.Admin.Addr
	if d.ok("admin", "addr") || !d.has("admin", "addr") {
		l := listener{what: "the admin listener", addr: admin, pos: d.valPos("admin", "addr"), set: d.has("admin", "addr")}
		if d.parseListener(&l, []string{"admin", "addr"}) {
			ls = append(ls, l)
		}
	}
	for _, r := range d.s.Resources {
		if (r.Kind != KindHTTP && r.Kind != KindGRPC) || !d.ok(rp(r, "addr")...) || r.Addr == "" {
			continue
		}
		l := listener{what: "[resource." + r.Name + "]", addr: r.Addr, pos: d.valPos(rp(r, "addr")...), set: true}
		if d.parseListener(&l, rp(r, "addr")) {
			ls = append(ls, l)
		}
	}
	if d.s.Systemd.SocketActivation {
		for _, l := range ls {
			if l.port == 0 {
				// The default admin address is on port 0 too: name the key
				// that turned socket activation on when it is not written.
				at := l.pos
				if !l.set {
					at = d.valPos("systemd", "socket_activation")
				}
				d.errorf(at, "%s %q has port 0, but [systemd] socket_activation needs a fixed port for its ListenStream=", l.what, l.addr)
			}
		}
	}
	for j := range ls {
		for i := range j {
			a, b := ls[i], ls[j]
			if a.port == 0 || a.port != b.port || !hostsOverlap(a.host, b.host) {
				continue
			}
			// Report at the one written later; a default is never the
			// one to blame.
			if !b.set || (a.set && before(b.pos, a.pos)) {
				a, b = b, a
			}
			where := fmt.Sprintf("%s at line %d", a.what, a.pos.Line)
			if !a.set {
				where = fmt.Sprintf("%s (default %s; set [admin] addr to move it)", a.what, a.addr)
			}
			d.errorf(b.pos, "port %d of %s is already used by %s", b.port, strconv.Quote(b.addr), where)
		}
	}
}

func before(a, b Pos) bool {
	return a.Line < b.Line || (a.Line == b.Line && a.Col < b.Col)
}

func (d *decoder) parseListener(l *listener, path []string) bool {
	host, port, why := splitHostPort(l.addr)
	if why == "" && host != "" && !isLocalhost(host) {
		if _, err := netip.ParseAddr(host); err != nil {
			why = fmt.Sprintf(`has host %q: a listener's host must be an IP address, "localhost" or empty (Go listens on only one address of a name, looked up at start)`, host)
		}
	}
	if why != "" {
		d.errorf(l.pos, "%s %q %s", dotted(path), l.addr, why)
		return false
	}
	l.host, l.port = host, port
	return true
}

func isLocalhost(h string) bool { return strings.EqualFold(h, "localhost") }

// splitHostPort parses a listen or dial address: host:port with a numeric
// port, the host empty, an IP or a DNS name.
func splitHostPort(addr string) (host string, port int, problem string) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, `is not host:port (like ":8080" or "127.0.0.1:8080")`
	}
	if p == "" || strings.Trim(p, "0123456789") != "" || len(p) > 5 {
		return "", 0, fmt.Sprintf("has port %q: want a number from 0 to 65535", p)
	}
	n, _ := strconv.Atoi(p)
	if n > 65535 {
		return "", 0, fmt.Sprintf("has port %d: want a number from 0 to 65535", n)
	}
	if host != "" && !validHost(host) {
		return "", 0, fmt.Sprintf("has host %q: want an IP address or a DNS name", host)
	}
	if host != "" && numericName(host) {
		return "", 0, fmt.Sprintf("has host %q, which is neither a DNS name nor an IP address Go reads: write an IPv4 address as four decimal parts without leading zeros, like \"127.0.0.1\"", host)
	}
	return host, n, ""
}

// numericName reports a host that is not an IP address but whose last
// label is a number ("127.1", "0177.0.0.1", "0x7f.1"): C's inet_aton reads
// such a host as an address, Go looks it up as a name and fails. No DNS
// name ends in a numeric label (a top-level domain is never numeric).
func numericName(h string) bool {
	if _, err := netip.ParseAddr(h); err == nil {
		return false
	}
	last := h[strings.LastIndexByte(h, '.')+1:]
	if strings.HasPrefix(last, "0x") || strings.HasPrefix(last, "0X") {
		last = last[2:]
		return last == "" || strings.Trim(strings.ToLower(last), "0123456789abcdef") == ""
	}
	return last != "" && strings.Trim(last, "0123456789") == ""
}

func validHost(h string) bool {
	ipPart, _, _ := strings.Cut(h, "%") // IPv6 zone
	if net.ParseIP(ipPart) != nil {
		return true
	}
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// hostsOverlap reports whether two listeners on one port would fight
// for it: a wildcard host takes the port on every address.
func hostsOverlap(a, b string) bool {
	if isWildcard(a) || isWildcard(b) {
		return true
	}
	for _, x := range boundAddrs(a) {
		for _, y := range boundAddrs(b) {
			if x == y {
				return true
			}
		}
	}
	return false
}

// isWildcard reports a listen host that takes the port on every address:
// empty, or an unspecified address in any spelling (0.0.0.0, ::,
// [0:0:0:0:0:0:0:0], [::ffff:0.0.0.0]). Go listens on [::] for each, a
// dual-stack socket that holds the port for IPv4 and IPv6 alike.
func isWildcard(h string) bool {
	if h == "" {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && ip.Unmap().IsUnspecified()
}

// boundAddrs are the addresses a listen host binds, as the OS compares
// them: an IPv4-mapped IPv6 address is its IPv4 address (Go binds it as
// one), the zone is dropped (two zones of one address are reported as a
// collision, which errs on the safe side), and localhost is either
// loopback address (Go picks one when it resolves the name).
func boundAddrs(h string) []netip.Addr {
	if isLocalhost(h) {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.IPv6Loopback()}
	}
	ip, err := netip.ParseAddr(h)
	if err != nil {
		return nil // not a listen host: parseListener rejected it
	}
	return []netip.Addr{ip.Unmap().WithZone("")}
}
