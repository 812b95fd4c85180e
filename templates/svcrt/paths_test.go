package svcrt

import (
	"os"
	"path/filepath"
	"testing"
)

// A relative path of the spec is found next to the executable whatever the
// working directory is (System32 for a Windows service, / for a unit).
func TestExeRelative(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	t.Chdir(t.TempDir())
	for _, c := range []struct{ in, want string }{
		{"my.dsn", filepath.Join(filepath.Dir(exe), "my.dsn")},
		{"tls/cert.pem", filepath.Join(filepath.Dir(exe), "tls", "cert.pem")},
		{"../secrets/key.pem", filepath.Join(filepath.Dir(filepath.Dir(exe)), "secrets", "key.pem")},
		{"/run/secrets/dsn", "/run/secrets/dsn"},
		{"", ""},
	} {
		if got := exeRelative(c.in); got != c.want {
			t.Errorf("exeRelative(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// [log] file: a bare name goes to the log directory, a path with a
	// directory next to the executable.
	if got, want := logPath("orders", "logs/orders.log"), filepath.Join(filepath.Dir(exe), "logs", "orders.log"); got != want {
		t.Errorf("logPath of a relative path = %q, want %q", got, want)
	}
	if got, want := logPath("orders", "orders.log"), filepath.Join(logDir("orders"), "orders.log"); got != want {
		t.Errorf("logPath of a bare name = %q, want %q", got, want)
	}
}
