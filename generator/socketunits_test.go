package generator

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/spec"
)

// TestSocketActivationUnits: [systemd] socket_activation writes one
// .socket unit per listener, named as the runtime looks the socket up
// (svc-admin, the resource's name), at the listener's address in
// ListenStream='s syntax, and the service unit lists them in Sockets=;
// systemd-analyze verify (when installed) accepts them together. The unit
// the binary carries for install has no Sockets=.
func TestSocketActivationUnits(t *testing.T) {
	s, err := spec.Parse("service.toml", []byte(`
[service]
name = "orders"
module = "example.com/orders"

[admin]
addr = "localhost:9090"

[systemd]
socket_activation = true

[resource.api]
kind = "http"
addr = ":8080"
handler = "NewAPI"

[resource.v6]
kind = "http"
addr = "[::1]:8081"
handler = "NewV6"
`))
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(s, Options{Mode: ProjectMode})
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]string{}
	for _, f := range files {
		byPath[f.Path] = string(f.Content)
	}
	want := map[string][2]string{
		"orders-svc-admin.socket": {"127.0.0.1:9090", "svc-admin"},
		"orders-api.socket":       {"8080", "api"},
		"orders-v6.socket":        {"[::1]:8081", "v6"},
	}
	dir := t.TempDir()
	verify := []string{filepath.Join(dir, "orders.service")}
	for name, w := range want {
		unit, ok := byPath["deploy/"+name]
		if !ok {
			t.Fatalf("no deploy/%s", name)
		}
		for _, line := range []string{"ListenStream=" + w[0], "FileDescriptorName=" + w[1], "Service=orders.service", "WantedBy=sockets.target"} {
			if !strings.Contains(unit, "\n"+line+"\n") {
				t.Errorf("%s lacks %q:\n%s", name, line, unit)
			}
		}
		os.WriteFile(filepath.Join(dir, name), []byte(unit), 0o644)
		verify = append(verify, filepath.Join(dir, name))
	}
	service := byPath["deploy/orders.service"]
	for _, line := range []string{"Sockets=orders-svc-admin.socket orders-api.socket orders-v6.socket", "NotifyAccess=all", "RuntimeDirectory=orders"} {
		if !strings.Contains(service, "\n"+line+"\n") {
			t.Errorf("orders.service lacks %q:\n%s", line, service)
		}
	}
	if carried := byPath["svcgen_systemd.go"]; strings.Contains(carried, "Sockets=") || !strings.Contains(carried, "NotifyAccess=all") {
		t.Errorf("the unit install writes:\n%s", carried)
	}
	if !strings.Contains(byPath["README.md"], "`deploy/orders-*.socket` hold the listening") {
		t.Error("the README does not say what the socket units are for")
	}
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("no systemd-analyze")
	}
	// The binary is not installed here: verify runs the units with one that is.
	exe := regexp.MustCompile(`(?m)^ExecStart=.*$`)
	os.WriteFile(verify[0], []byte(exe.ReplaceAllString(service, "ExecStart=/bin/true run")), 0o644)
	out, err := exec.Command(sa, append([]string{"verify"}, verify...)...).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
