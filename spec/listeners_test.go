package spec

import (
	"strings"
	"testing"
)

// twoListeners is a spec with two http resources at addresses a (line 6)
// and b (line 11).
func twoListeners(a, b string) string {
	return minimal + `
[resource.a]
kind = "http"
addr = "` + a + `"
handler = "NewA"

[resource.b]
kind = "http"
addr = "` + b + `"
handler = "NewB"
`
}

// TestListenerForms checks listen addresses as Go's net.Listen and the OS
// bind them: every spelling of an unspecified address takes the port on
// every address (Go binds [::], dual-stack, for each), an IPv4-mapped
// address is its IPv4 address, a zone does not change the address; and a
// host Go would look up as a name is rejected at its line.
func TestListenerForms(t *testing.T) {
	collide := [][2]string{
		{"[0:0:0:0:0:0:0:0]:8080", "127.0.0.1:8080"},
		{"127.0.0.1:8080", "[0:0:0:0:0:0:0:0]:8080"},
		{"[::ffff:0.0.0.0]:8080", "10.0.0.1:8080"},
		{"[0::0]:8080", "[::1]:8080"},
		{"[::ffff:127.0.0.1]:8080", "127.0.0.1:8080"},
		{"[::ffff:7f00:1]:8080", "localhost:8080"},
		{"[::1%lo]:8080", "[::1]:8080"},
		{"0.0.0.0:8080", "[::1]:8080"},
		{"[::]:8080", "10.0.0.1:8080"},
	}
	for _, c := range collide {
		t.Run(c[0]+" and "+c[1], func(t *testing.T) {
			msg := parseErr(t, twoListeners(c[0], c[1]))
			if !strings.HasPrefix(msg, "service.toml:11:8: port 8080 of \""+c[1]+"\" is already used by [resource.a] at line 6") || strings.Contains(msg, "\n") {
				t.Errorf("got\n%s", msg)
			}
		})
	}
	apart := [][2]string{
		{"10.0.0.1:8080", "10.0.0.2:8080"},
		{"[::ffff:10.0.0.1]:8080", "10.0.0.2:8080"},
		{"127.0.0.1:8080", "[::1]:8080"},
		{"[::ffff:0.0.0.0]:0", "127.0.0.1:0"},
	}
	for _, c := range apart {
		if _, err := Parse("service.toml", []byte(twoListeners(c[0], c[1]))); err != nil {
			t.Errorf("%s and %s rejected: %v", c[0], c[1], err)
		}
	}
	rejected := map[string]string{
		"127.1:8080":            `has host "127.1", which is neither a DNS name nor an IP address Go reads`,
		"0177.0.0.1:8080":       `has host "0177.0.0.1", which is neither`,
		"0x7f.0.0.1:8080":       `has host "0x7f.0.0.1", which is neither`,
		"10.0.0.1.5:8080":       `has host "10.0.0.1.5", which is neither`,
		"2130706433:8080":       `has host "2130706433", which is neither`,
		"api.internal:8080":     `a listener's host must be an IP address, "localhost" or empty`,
		"example.com:8080":      `a listener's host must be an IP address`,
		"localhost.:8080":       `want an IP address or a DNS name`,
		"[::ffff:127.1]:8080":   `want an IP address or a DNS name`,
		"[fe80::1%eth0]:65536":  `want a number from 0 to 65535`,
		"[0:0:0:0:0:0:0:0]:-1":  `want a number from 0 to 65535`,
		"[::ffff:0.0.0.0]:http": `want a number from 0 to 65535`,
	}
	for addr, want := range rejected {
		t.Run(addr, func(t *testing.T) {
			msg := parseErr(t, twoListeners(addr, "10.0.0.9:1"))
			if !strings.HasPrefix(msg, "service.toml:6:8: resource.a.addr \""+addr+"\" ") || !strings.Contains(msg, want) {
				t.Errorf("got\n%s\nwant it at 6:8, with %q", msg, want)
			}
		})
	}
}

// TestDialHostForms checks that a dial address (a redis addr) takes DNS
// names but not hosts Go would read differently than C (127.1).
func TestDialHostForms(t *testing.T) {
	redis := func(addr string) string {
		return minimal + "\n[resource.cache]\nkind = \"redis\"\naddr = \"" + addr + "\"\n"
	}
	for _, ok := range []string{"cache.internal:6379", "localhost:6379", "[::ffff:10.0.0.1]:6379", "10.0.0.1:6379"} {
		if _, err := Parse("service.toml", []byte(redis(ok))); err != nil {
			t.Errorf("%s rejected: %v", ok, err)
		}
	}
	for _, bad := range []string{"127.1:6379", "0x0a.1:6379", "cache.internal:0"} {
		t.Run(bad, func(t *testing.T) {
			msg := parseErr(t, redis(bad))
			if !strings.HasPrefix(msg, "service.toml:6:8: ") {
				t.Errorf("got %s", msg)
			}
		})
	}
}

// TestKubernetesAdminWildcardForms checks that every spelling of the
// unspecified address is every interface of the pod for [kubernetes].
func TestKubernetesAdminWildcardForms(t *testing.T) {
	for _, addr := range []string{":9090", "0.0.0.0:9090", "[::]:9090", "[0:0:0:0:0:0:0:0]:9090", "[::ffff:0.0.0.0]:9090"} {
		src := minimal + "\n[admin]\naddr = \"" + addr + "\"\n\n[kubernetes]\n"
		if _, err := Parse("service.toml", []byte(src)); err != nil {
			t.Errorf("%s rejected: %v", addr, err)
		}
	}
}
