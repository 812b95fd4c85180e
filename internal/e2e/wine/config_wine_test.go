//go:build linux

package wine

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/e2e"
	"github.com/svcgen/svcgen/internal/winetest"
)

// A service started by the SCM gets the environment services.exe captured,
// not its caller's: install stores the configuration in the instance's env
// file (%ProgramData%\<instance>\<instance>.env) and registers
// `<exe> service -env-file <that file>`. Two instances of one binary run
// side by side, one with the spec's ports, one with those install gave it,
// while the caller of start says otherwise; a wrong value in the file fails
// the start with exit code 3, naming it; install refuses a wrong override
// before it changes anything.
func TestWindowsInstanceConfiguration(t *testing.T) {
	p := winetest.New(t)
	exe := windowsExe(t)
	ctx := context.Background()
	setControl(t, "open=20ms", "close=20ms")
	a, b := winetest.UniqueName("cfga"), winetest.UniqueName("cfgb")
	p.Track(t, a)
	p.Track(t, b)
	apiB, adminB, decoy := e2e.FreePort(t), e2e.FreePort(t), e2e.FreePort(t)

	// run is a verb of the service's binary with extra variables in the
	// caller's environment.
	run := func(env []string, args ...string) (string, error) {
		t.Helper()
		cmd := p.Command(ctx, append([]string{exe}, args...)...)
		cmd.Env = append(cmd.Env, env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run(nil, "install", "-name", a); err != nil {
		t.Fatalf("install %s: %v\n%s", a, err, out)
	}
	envIn := filepath.Join(t.TempDir(), "b.env")
	if err := os.WriteFile(envIn, []byte("# instance b\nSVCGENWIN_ADMIN_ADDR="+adminB+"\nSVCGENWIN_API_ADDR=127.0.0.1:1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	winEnvIn, err := winetest.WinPath(envIn)
	if err != nil {
		t.Fatal(err)
	}
	// -env wins over -env-file.
	out, err := run(nil, "install", "-name", b, "-env-file", winEnvIn, "-env", "SVCGENWIN_API_ADDR="+apiB,
		"-env", "SVCGENWIN_LOG_FILE=logs/"+b+".log")
	if err != nil {
		t.Fatalf("install %s: %v\n%s", b, err, out)
	}
	if !strings.Contains(out, `service -env-file C:\ProgramData\`+b+`\`+b+`.env`) {
		t.Errorf("install %s registered another command line: %s", b, out)
	}
	t.Logf("install %s:\n%s", b, out)
	stored := filepath.Join(p.Dir, "drive_c", "ProgramData", b, b+".env")
	data, err := os.ReadFile(stored)
	if err != nil {
		t.Fatalf("the env file install stored: %v", err)
	}
	for _, want := range []string{`SVCGENWIN_API_ADDR="` + apiB + `"`, `SVCGENWIN_ADMIN_ADDR="` + adminB + `"`} {
		if !strings.Contains(string(data), want+"\n") {
			t.Errorf("%s lacks %s:\n%s", stored, want, data)
		}
	}

	// config -name shows what the instance will use, from the stored file.
	out, err = run(nil, "config", "-name", b)
	if err != nil || !strings.Contains(out, `"`+apiB+`"`) || !strings.Contains(out, `C:\ProgramData\`+b+`\`+b+`.env:`) {
		t.Errorf("config -name %s: %v\n%s", b, err, out)
	}
	// Both started by callers whose environment names a third port: each
	// instance serves where install configured it, neither on the decoy.
	callerEnv := []string{"SVCGENWIN_API_ADDR=" + decoy, "SVCGENWIN_ADMIN_ADDR=" + decoy}
	for _, name := range []string{a, b} {
		if out, err := run(callerEnv, "start", "-name", name); err != nil {
			t.Fatalf("start %s: %v\n%s\n%s", name, err, out, serviceLog())
		}
	}
	for _, addr := range []string{winSvc.api, apiB, winSvc.admin + "/readyz", adminB + "/readyz"} {
		if code, body, err := get("http://" + addr); err != nil || code != http.StatusOK {
			t.Errorf("GET %s = %d %q %v", addr, code, body, err)
		}
	}
	if c, err := net.DialTimeout("tcp", decoy, time.Second); err == nil {
		c.Close()
		t.Errorf("something listens on %s, the port only the caller's environment named", decoy)
	}
	for _, name := range []string{a, b} {
		if out, err := run(nil, "stop", "-name", name); err != nil || !strings.Contains(out, "STOPPED, exit code 0") {
			t.Fatalf("stop %s: %v\n%s", name, err, out)
		}
	}
	// Each instance logged to its own file: b to the one install gave it
	// (next to the executable), a to its default log, %ProgramData%\<a>\<a>.log
	// (the spec has no [log] file).
	logA, _ := os.ReadFile(filepath.Join(p.ProgramData(), a, a+".log"))
	logB, _ := os.ReadFile(filepath.Join(filepath.Dir(exe), "logs", b+".log"))
	if !strings.Contains(string(logB), "addr="+apiB) || strings.Contains(string(logB), "addr="+winSvc.api) {
		t.Errorf("%s.log does not hold instance %s's own records:\n%s", b, b, logB)
	}
	if !strings.Contains(string(logA), "addr="+winSvc.api) || strings.Contains(string(logA), "addr="+apiB) {
		t.Errorf("%s.log does not hold instance %s's records alone:\n%s", a, a, logA)
	}

	// A wrong value in the env file: the SCM sees the start fail with the
	// service's exit code 3, and the log names the variable.
	if err := os.WriteFile(stored, []byte("SVCGENWIN_API_ADDR=nonsense\nSVCGENWIN_TIMEOUTS_STOP=5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = run(nil, "start", "-name", b)
	if err == nil || !strings.Contains(out, "exit code 3 (start failed)") {
		t.Errorf("start with a wrong env file: %v\n%s", err, out)
	}
	log := serviceLog()
	for _, want := range []string{`SVCGENWIN_API_ADDR=\"nonsense\" (C:\\ProgramData\\` + b + `\\` + b + `.env:1): want host:port`, `SVCGENWIN_TIMEOUTS_STOP=\"5\"`} {
		if !strings.Contains(log, want) {
			t.Errorf("the service's log lacks %s:\n%s", want, log)
		}
	}

	// install checks the overrides before it stores or registers anything.
	before, _ := os.ReadFile(stored)
	out, err = run(nil, "install", "-name", b, "-env", "SVCGENWIN_API_ADDR="+winSvc.admin)
	t.Logf("install with a colliding override: %v\n%s", err, out)
	if err == nil || !strings.Contains(out, "listen on the same port") {
		t.Errorf("install with an override that collides with the admin listener: %v\n%s", err, out)
	}
	if after, _ := os.ReadFile(stored); string(after) != string(before) {
		t.Errorf("a refused install changed the env file:\n%s", after)
	}

	for _, name := range []string{a, b} {
		if out, err := run(nil, "uninstall", "-name", name); err != nil {
			t.Fatalf("uninstall %s: %v\n%s", name, err, out)
		}
	}
	if _, err := os.Stat(stored); !os.IsNotExist(err) {
		t.Errorf("uninstall left %s: %v", stored, err)
	}
}
