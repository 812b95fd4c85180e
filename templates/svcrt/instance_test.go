package svcrt

import "testing"

func TestInstanceDisplayName(t *testing.T) {
	for _, c := range []struct{ display, spec, instance, want string }{
		{"Orders API", "orders", "orders", "Orders API"},
		{"Orders API", "orders", "orders-eu", "Orders API (orders-eu)"},
		{"", "orders", "orders", "orders"},
		{"", "orders", "orders-eu", "orders-eu"},
	} {
		if got := instanceDisplayName(c.display, c.spec, c.instance); got != c.want {
			t.Errorf("instanceDisplayName(%q, %q, %q) = %q, want %q", c.display, c.spec, c.instance, got, c.want)
		}
	}
}
