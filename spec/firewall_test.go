package spec

import (
	"slices"
	"testing"
)

func TestFirewallPorts(t *testing.T) {
	s := &Spec{Resources: []*Resource{
		{Name: "api", Kind: KindHTTP, Addr: ":8443"},
		{Name: "web", Kind: KindHTTP, Addr: "0.0.0.0:8080"},
		{Name: "again", Kind: KindHTTP, Addr: "[::]:8080"},
		{Name: "local", Kind: KindHTTP, Addr: "127.0.0.1:9000"},
		{Name: "local6", Kind: KindHTTP, Addr: "[::1]:9001"},
		{Name: "localname", Kind: KindHTTP, Addr: "localhost:9002"},
		{Name: "any", Kind: KindHTTP, Addr: ":0"},
		{Name: "db", Kind: KindSQL},
	}}
	if got, want := s.FirewallPorts(), []int{8080, 8443}; !slices.Equal(got, want) {
		t.Errorf("FirewallPorts = %v, want %v", got, want)
	}
}
