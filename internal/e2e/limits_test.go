package e2e

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestLargestValuesStart builds testdata/limits, whose every number and
// duration is the largest spec accepts, for Linux and Windows, runs it,
// and checks that it starts, serves, applies its GOMAXPROCS and stops:
// the limits of spec are what the generated code and its runtime hold.
func TestLargestValuesStart(t *testing.T) {
	dir := t.TempDir()
	project, err := GenerateDir(dir, "testdata/limits")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bin := filepath.Join(dir, "limits")
	if err := project.Build(ctx, "", bin, false); err != nil {
		t.Fatal(err)
	}
	if err := project.Build(ctx, "windows", filepath.Join(dir, "limits.exe"), false); err != nil {
		t.Fatal(err)
	}
	p, err := Start(bin, t.TempDir(), []string{"LIMITS_UPSTREAM_URL=http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	api, err := p.ListenAddr("api", wait)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := p.ListenAddr("admin", wait)
	if err != nil {
		t.Fatal(err)
	}
	waitLine(t, p, `msg="service ready"`)
	resp, err := http.Get("http://" + api + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok\n" {
		t.Errorf("the API answered %q", body)
	}
	if v := MustValue(t, Scrape(t, "http://"+admin), "go_sched_gomaxprocs_threads"); v != 8192 {
		t.Errorf("GOMAXPROCS = %v, want 8192", v)
	}
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitExit(t, p, 0)
}
