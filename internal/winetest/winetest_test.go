//go:build linux

package winetest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/winetest"
)

// minisvc is built once per test binary.
var minisvc struct {
	once sync.Once
	exe  string
	err  error
}

func buildMinisvc(t *testing.T) string {
	t.Helper()
	minisvc.once.Do(func() {
		dir, err := os.MkdirTemp("", "winetest-minisvc")
		if err != nil {
			minisvc.err = err
			return
		}
		// A space in the path checks the binPath quoting.
		dir = filepath.Join(dir, "with space")
		if err := os.Mkdir(dir, 0o755); err != nil {
			minisvc.err = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		minisvc.exe = filepath.Join(dir, "minisvc.exe")
		minisvc.err = winetest.BuildWindows(ctx, filepath.Join("testdata", "minisvc"), minisvc.exe)
	})
	if minisvc.err != nil {
		t.Fatal(minisvc.err)
	}
	return minisvc.exe
}

func TestMain(m *testing.M) {
	code := m.Run()
	if minisvc.exe != "" {
		os.RemoveAll(filepath.Dir(filepath.Dir(minisvc.exe)))
	}
	os.Exit(code)
}

// startService creates and starts minisvc with a fresh work dir; it returns
// the service name and the work dir (Linux path).
func startService(t *testing.T, p *winetest.Prefix, args ...string) (string, string) {
	t.Helper()
	exe := buildMinisvc(t)
	dir := t.TempDir()
	wdir, err := winetest.WinPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	name := winetest.UniqueName(t.Name())
	p.CreateService(t, name, exe, append([]string{"service", "-dir", wdir, "-name", name}, args...)...)
	if _, err := p.SC(context.Background(), "start", name); err != nil {
		t.Fatalf("sc start %s: %v\nservice log:\n%s", name, err, serviceLog(dir))
	}
	return name, dir
}

func serviceLog(dir string) string {
	b, _ := os.ReadFile(filepath.Join(dir, "log.txt"))
	return string(b)
}

func TestServiceLifecycle(t *testing.T) {
	p := winetest.New(t)
	ctx := context.Background()
	buildMinisvc(t) // keep the build out of the measured start

	began := time.Now()
	name, dir := startService(t, p, "-hold", "go")

	// The service stays START_PENDING, raising CheckPoint, until the hold
	// file exists; release it once the SCM has shown the CheckPoint move.
	var pending []int
	released := false
	observe := func(st winetest.Status) {
		if st.State != winetest.StateStartPending {
			return
		}
		if n := len(pending); n > 0 && st.CheckPoint < pending[n-1] {
			t.Errorf("CheckPoint went back: %d after %v", st.CheckPoint, pending)
		}
		pending = append(pending, st.CheckPoint)
		if !released && pending[len(pending)-1] > pending[0] {
			released = true
			if err := os.WriteFile(filepath.Join(dir, "go"), nil, 0o644); err != nil {
				t.Error(err)
			}
		}
	}
	st, err := p.WaitState(ctx, name, winetest.StateRunning, time.Minute, observe)
	if err != nil {
		t.Fatalf("%v\nservice log:\n%s", err, serviceLog(dir))
	}
	t.Logf("sc start -> RUNNING: %v (held START_PENDING until CheckPoint rose: %v)",
		time.Since(began).Round(time.Millisecond), pending)
	if !released {
		t.Fatalf("RUNNING without a rising CheckPoint seen in START_PENDING: %v", pending)
	}
	if st.CheckPoint != 0 || st.Win32ExitCode != 0 {
		t.Errorf("running status = %v", st)
	}

	addr, err := os.ReadFile(filepath.Join(dir, "addr"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + string(addr) + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != "minisvc ok" {
		t.Fatalf("GET = %d %q", resp.StatusCode, body)
	}

	began = time.Now()
	if _, err := p.SC(ctx, "stop", name); err != nil {
		t.Fatal(err)
	}
	st, err = p.WaitState(ctx, name, winetest.StateStopped, time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sc stop -> STOPPED: %v", time.Since(began).Round(time.Millisecond))
	if st.Win32ExitCode != 0 || st.ServiceSpecificExitCode != 0 {
		t.Errorf("stopped status = %v, want exit codes 0", st)
	}
	if _, err := http.Get("http://" + string(addr) + "/"); err == nil {
		t.Errorf("service still answers after STOPPED")
	}

	if _, err := p.SC(ctx, "delete", name); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Query(ctx, name); winetest.ErrorCode(err) != winetest.ErrServiceDoesNotExist {
		t.Fatalf("query after delete: err = %v, want win32 error %d", err, winetest.ErrServiceDoesNotExist)
	}
}

func TestServiceSpecificExitCode(t *testing.T) {
	p := winetest.New(t)
	ctx := context.Background()
	name, _ := startService(t, p, "-exitcode", "7")
	if _, err := p.WaitState(ctx, name, winetest.StateRunning, time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.SC(ctx, "stop", name); err != nil {
		t.Fatal(err)
	}
	st, err := p.WaitState(ctx, name, winetest.StateStopped, time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Win32ExitCode != 1066 || st.ServiceSpecificExitCode != 7 {
		t.Errorf("stopped status = %v, want ERROR_SERVICE_SPECIFIC_ERROR (1066) with 7", st)
	}
}

// TestRemoveWhileStarting: the cleanup path must remove a service that is
// still START_PENDING, which refuses Stop until it runs.
func TestRemoveWhileStarting(t *testing.T) {
	p := winetest.New(t)
	ctx := context.Background()
	name, _ := startService(t, p)
	st, err := p.Query(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != winetest.StateStartPending {
		t.Logf("service already %s; the pending path is not exercised this run", st.State)
	}
	if err := p.RemoveService(ctx, name); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Query(ctx, name); winetest.ErrorCode(err) != winetest.ErrServiceDoesNotExist {
		t.Fatalf("query after RemoveService: err = %v", err)
	}
}

func TestSCErrorCode(t *testing.T) {
	p := winetest.New(t)
	_, err := p.Query(context.Background(), winetest.UniqueName("absent"))
	var re *winetest.RunError
	if !errors.As(err, &re) || re.Code != winetest.ErrServiceDoesNotExist {
		t.Fatalf("query of an absent service: %v, want win32 error %d", err, winetest.ErrServiceDoesNotExist)
	}
}
