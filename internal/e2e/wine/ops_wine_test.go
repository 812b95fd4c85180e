package wine

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/e2e"
	"github.com/svcgen/svcgen/internal/winetest"
)

// Under Wine's Service Control Manager: the log file lands next to the
// executable (a Windows service's working directory is System32) and gets
// the records although the service has no stderr; /metrics answers; a
// liveness check failing past exit_after stops the service with the
// service-specific exit code 8, which the SCM's recovery acts on, and the
// final log line is flushed.
func TestWindowsOps(t *testing.T) {
	p := winetest.New(t)
	ctx := context.Background()
	admin := e2e.FreePort(t)
	text, err := os.ReadFile("testdata/winops/service.toml")
	if err != nil {
		t.Fatal(err)
	}
	probe, err := os.ReadFile("testdata/winops/probe.go")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	proj, err := e2e.Generate(filepath.Join(dir, "src"), strings.Replace(string(text), "127.0.0.1:19191", admin, 1), map[string]string{"probe.go": string(probe)})
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "bin", "winops.exe")
	if err := os.MkdirAll(filepath.Dir(exe), 0o755); err != nil {
		t.Fatal(err)
	}
	bctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := winetest.BuildWindows(bctx, proj.Dir, exe); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(filepath.Dir(exe), "logs", "winops.log")
	readLog := func() string {
		b, _ := os.ReadFile(logFile)
		return string(b)
	}

	name := winetest.UniqueName("ops")
	p.CreateService(t, name, exe, "service")
	if _, err := p.SC(ctx, "start", name); err != nil {
		t.Fatalf("sc start: %v\n%s", err, readLog())
	}
	if _, err := p.WaitState(ctx, name, winetest.StateRunning, time.Minute, nil); err != nil {
		t.Fatalf("%v\n%s", err, readLog())
	}
	fams := e2e.Scrape(t, "http://"+admin)
	if v := e2e.MustValue(t, fams, "svc_ready"); v != 1 {
		t.Errorf("svc_ready = %v under the SCM", v)
	}
	// Records reach the file within a second of being logged.
	deadline := time.Now().Add(wait)
	for !strings.Contains(readLog(), `msg="service ready"`) {
		if time.Now().After(deadline) {
			t.Fatalf("no \"service ready\" in %s:\n%s", logFile, readLog())
		}
		time.Sleep(50 * time.Millisecond) // polling the file: no event to wait on
	}

	if err := os.WriteFile(filepath.Join(filepath.Dir(exe), "down"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, err := get("http://" + admin + "/readyz"); err != nil || (code != http.StatusOK && code != http.StatusServiceUnavailable) {
		t.Fatalf("/readyz: %d %v", code, err)
	}
	st, err := p.WaitState(ctx, name, winetest.StateStopped, time.Minute, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, readLog())
	}
	if st.Win32ExitCode != 1066 || st.ServiceSpecificExitCode != 8 {
		t.Errorf("status = %v, want ERROR_SERVICE_SPECIFIC_ERROR (1066) with exit code 8\n%s", st, readLog())
	}
	log := readLog()
	t.Logf("stopped: %v; log file %s, %d lines", st, logFile, strings.Count(log, "\n"))
	for _, want := range []string{`msg="not live"`, `msg="liveness failed" resource=probe`, `msg=stopped code=8`} {
		if !strings.Contains(log, want) {
			t.Errorf("the log file lacks %s:\n%s", want, log)
		}
	}
}
