//go:build linux

package pkgmode_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/winetest"
)

// TestShopOrdersWindowsSCM runs the Windows build of the generated shop
// app as a service under Wine's Service Control Manager: it reaches
// RUNNING, its Windows-only hook (announce_windows.go) runs, and a stop
// ends it with exit code 0. Skips without Wine (fails when CI=true).
func TestShopOrdersWindowsSCM(t *testing.T) {
	p := winetest.New(t)
	ctx := context.Background()
	mod := copyModule(t, "shop")
	dir := filepath.Join(mod, "cmd", "orders")
	if out, code := goGenerate(t, dir); code != 0 {
		t.Fatalf("go generate: exit %d\n%s", code, out)
	}
	exe := filepath.Join(t.TempDir(), "orders.exe")
	if err := winetest.BuildWindows(ctx, dir, exe); err != nil {
		t.Fatal(err)
	}
	name := winetest.UniqueName(t.Name())
	p.CreateService(t, name, exe, "service")
	if _, err := p.SC(ctx, "start", name); err != nil {
		t.Fatalf("sc start: %v", err)
	}
	if _, err := p.WaitState(ctx, name, winetest.StateRunning, time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	mark := exe + ".announced"
	deadline := time.Now().Add(30 * time.Second)
	for {
		if data, err := os.ReadFile(mark); err == nil && string(data) == "windows\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the Windows after_ready hook left no mark at %s", mark)
		}
		time.Sleep(50 * time.Millisecond) // polling interval, not synchronisation
	}
	if _, err := p.SC(ctx, "stop", name); err != nil {
		t.Fatal(err)
	}
	st, err := p.WaitState(ctx, name, winetest.StateStopped, time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Win32ExitCode != 0 || st.ServiceSpecificExitCode != 0 {
		t.Errorf("stopped with %v, want exit codes 0", st)
	}
}
