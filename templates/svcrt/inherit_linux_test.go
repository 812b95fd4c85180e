package svcrt

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestReadInheritance: descriptors are taken only when meant for this
// process — LISTEN_PID its own PID (socket activation), or its parent's
// PID together with the upgrade pipe (an upgrade) — and are named in order.
func TestReadInheritance(t *testing.T) {
	const pid, ppid = 100, 99
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, c := range []struct {
		name      string
		getenv    func(string) string
		from      string
		activated bool
	}{
		{"nothing", env(), "", false},
		{"another process's", env("LISTEN_PID", "7", "LISTEN_FDS", "0"), "", false},
		{"socket activation", env("LISTEN_PID", "100", "LISTEN_FDS", "0"), "socket activation", true},
		{"parent's without the pipe", env("LISTEN_PID", "99", "LISTEN_FDS", "0"), "", false},
		{"own with a pipe", env("LISTEN_PID", "100", "LISTEN_FDS", "0", upgradeFDEnv, "3"), "", false},
		{"upgrade", env("LISTEN_PID", "99", "LISTEN_FDS", "0", upgradeFDEnv, "1000"), "upgrade", false},
		{"upgrade of an activated process", env("LISTEN_PID", "99", "LISTEN_FDS", "0", upgradeFDEnv, "1000", activatedEnv, "1"), "upgrade", true},
		{"pipe below 3", env("LISTEN_PID", "99", "LISTEN_FDS", "0", upgradeFDEnv, "2"), "", false},
		{"malformed count", env("LISTEN_PID", "100", "LISTEN_FDS", "x"), "socket activation", true},
	} {
		in := readInheritance(c.getenv, pid, ppid)
		if in.from != c.from || in.activated != c.activated || len(in.files) != 0 {
			t.Errorf("%s: from %q activated %v files %d, want %q %v 0", c.name, in.from, in.activated, len(in.files), c.from, c.activated)
		}
		if in.ready != nil {
			in.ready.Close()
		}
	}
}

// TestListenTCPTakesInheritedByName: a listener inherited under a name is
// taken by that name (the same socket, not a new bind), one not inherited
// is bound, and one nobody takes is closed by releaseInherited.
func TestListenTCPTakesInheritedByName(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	unused, _ := os.Open(os.DevNull)
	saved := inherited
	defer func() { inherited = saved }()
	inheritOnce.Do(func() {}) // the test sets what was inherited
	inherited = &inheritance{files: map[string]*os.File{"api": f, "gone": unused}, from: "socket activation"}

	got, from, err := listenTCP("api", "127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	if from != "socket activation" || got.Addr().String() != ln.Addr().String() {
		t.Errorf("api: %s from %q, want the inherited %s", got.Addr(), from, ln.Addr())
	}
	other, from, err := listenTCP("admin", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if from != "" || other.Addr().String() == ln.Addr().String() {
		t.Errorf("admin: %s from %q, want a new bind", other.Addr(), from)
	}
	releaseInherited(newTestLogger())
	if len(inherited.files) != 0 {
		t.Errorf("left: %v", inherited.files)
	}
	if _, err := unused.Stat(); err == nil {
		t.Error("the unused inherited descriptor is still open")
	}
}

// TestUpgradeEnv: the child's environment names the listeners, points
// LISTEN_PID at the parent and drops the parent's own socket-activation
// and watchdog variables.
func TestUpgradeEnv(t *testing.T) {
	env := upgradeEnv([]string{"PATH=/bin", "LISTEN_FDS=9", "LISTEN_PID=1", "WATCHDOG_PID=1", "WATCHDOG_USEC=5", upgradeFDEnv + "=8"}, []string{adminFDName, "api"}, 5, true)
	want := []string{"PATH=/bin", "WATCHDOG_USEC=5", "LISTEN_PID=" + strconv.Itoa(os.Getpid()), "LISTEN_FDS=2", "LISTEN_FDNAMES=svc-admin:api", upgradeFDEnv + "=5", activatedEnv + "=1"}
	if !slices.Equal(env, want) {
		t.Errorf("env\n%s\nwant\n%s", strings.Join(env, "\n"), strings.Join(want, "\n"))
	}
}

// TestUpgradeStartsAsThisProcessDid: the new process gets the arguments
// and the environment this one started with, not the variables the run
// verb read from its env file since: it reads the file as it is at the
// upgrade, so a changed configuration takes effect.
func TestUpgradeStartsAsThisProcessDid(t *testing.T) {
	if !slices.Equal(startArgs, os.Args[1:]) {
		t.Errorf("startArgs %q, want the process's %q", startArgs, os.Args[1:])
	}
	const name = "SVCRT_TEST_UPGRADE_FROM_FILE"
	file := filepath.Join(t.TempDir(), "deploy.env")
	if err := os.WriteFile(file, []byte(name+"=from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Unsetenv(name) })
	if _, err := LoadEnvFile(file); err != nil {
		t.Fatal(err)
	}
	if os.Getenv(name) != "from-file" {
		t.Fatalf("LoadEnvFile did not set %s", name)
	}
	for _, kv := range upgradeEnv(startEnviron, nil, 3, false) {
		if strings.HasPrefix(kv, name+"=") {
			t.Errorf("the new process would inherit %s from the old one's env file", kv)
		}
	}
}
