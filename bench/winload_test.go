//go:build linux

package bench

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/e2e"
	"github.com/svcgen/svcgen/internal/winetest"
)

// TestSCMLostOnStop counts the requests lost when `sc stop` arrives under
// load of 64 keep-alive POST clients, for the Windows build of the minimal
// golden service and for testdata/scm/exsvc (the x/sys svc/example shape,
// stopping through http.Server.Shutdown), both run by Wine's Service
// Control Manager, alternating, 5 stops each:
//
//	SVCGEN_BENCH=1 go test ./bench/ -run TestSCMLostOnStop -v -count=1
//
// It prints one machine-readable line for bench/cmd/report:
// BENCH scm_lost n=... gen_median= gen_max= gen_total= ex_median= ...
func TestSCMLostOnStop(t *testing.T) {
	skipUnlessBench(t)
	p := winetest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	dir := t.TempDir()

	specText, err := os.ReadFile(filepath.Join("..", "golden", "minimal", "service.toml"))
	if err != nil {
		t.Fatal(err)
	}
	genAddr, exAddr := e2e.FreePort(t), e2e.FreePort(t)
	text := strings.NewReplacer(`":8080"`, strconv.Quote(genAddr), `"127.0.0.1:9090"`, strconv.Quote(e2e.FreePort(t))).Replace(string(specText))
	// The handler reads the body and honours ?sleep= like the Linux
	// benchmark's; exsvc answers at once.
	user := map[string]string{"api.go": `package main

import (
	"io"
	"net/http"
	"time"
)

func NewAPI() (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if d, err := time.ParseDuration(r.URL.Query().Get("sleep")); err == nil {
			time.Sleep(d)
		}
		io.WriteString(w, "hello\n")
	}), nil
}
`}
	gen, err := e2e.Generate(filepath.Join(dir, "minimal"), text, user)
	if err != nil {
		t.Fatal(err)
	}
	genExe, exExe := filepath.Join(dir, "bin", "hello.exe"), filepath.Join(dir, "bin", "exsvc.exe")
	if err := winetest.BuildWindows(ctx, gen.Dir, genExe); err != nil {
		t.Fatal(err)
	}
	if err := winetest.BuildWindows(ctx, filepath.Join("testdata", "scm", "exsvc"), exExe); err != nil {
		t.Fatal(err)
	}
	genName, exName := winetest.UniqueName("bench-lost-generated"), winetest.UniqueName("bench-lost-exsvc")
	p.CreateService(t, genName, genExe, "service")
	p.CreateService(t, exName, exExe, "service", exAddr)

	const rounds = 5
	var genLost, exLost, genOK, exOK []float64
	for range rounds {
		r := scmLostOnStop(ctx, t, p, genName, genAddr)
		genLost, genOK = append(genLost, float64(r.Lost+r.Failed)), append(genOK, float64(r.OK))
		r = scmLostOnStop(ctx, t, p, exName, exAddr)
		exLost, exOK = append(exLost, float64(r.Lost+r.Failed)), append(exOK, float64(r.OK))
	}
	sum := func(v []float64) (s float64) {
		for _, x := range v {
			s += x
		}
		return s
	}
	t.Logf("sc stop under 64 keep-alive POST clients, Wine's SCM, %d stops each: requests lost (sent, never answered)", rounds)
	t.Logf("  generated (Windows build)   lost per stop: median %.0f, max %.0f, total %.0f  (answered median %.0f)", median(genLost), slices.Max(genLost), sum(genLost), median(genOK))
	t.Logf("  x/sys svc/example shape     lost per stop: median %.0f, max %.0f, total %.0f  (answered median %.0f)", median(exLost), slices.Max(exLost), sum(exLost), median(exOK))
	t.Logf("  raw generated %v  exsvc %v", genLost, exLost)
	Line("scm_lost", "n", rounds,
		"gen_median", median(genLost), "gen_max", slices.Max(genLost), "gen_total", sum(genLost),
		"ex_median", median(exLost), "ex_max", slices.Max(exLost), "ex_total", sum(exLost))
}

// scmLostOnStop starts the service through the SCM, loads it with 64
// clients and, after 1280 answers, sends `sc stop`; the load ends when the
// SCM reports STOPPED.
func scmLostOnStop(ctx context.Context, t *testing.T, p *winetest.Prefix, name, addr string) *e2e.LoadResult {
	t.Helper()
	if _, err := p.SC(ctx, "start", name); err != nil {
		t.Fatalf("sc start %s: %v", name, err)
	}
	if _, err := p.WaitState(ctx, name, winetest.StateRunning, time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := client.Get("http://" + addr + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s RUNNING but not serving on %s: %v", name, addr, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	trigger, stopped, stopErr := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	var once sync.Once
	go func() {
		<-trigger
		_, err := p.SC(ctx, "stop", name)
		if err == nil {
			_, err = p.WaitState(ctx, name, winetest.StateStopped, time.Minute, nil)
		}
		close(stopped)
		stopErr <- err
	}()
	res := e2e.Load(ctx, e2e.LoadConfig{
		URL:     "http://" + addr + "/?sleep=2ms",
		Clients: 64,
		Post:    true,
		Until: func(n int64) bool {
			if n >= 64*20 {
				once.Do(func() { close(trigger) })
			}
			return false
		},
		Stopped: stopped,
	})
	once.Do(func() { close(trigger) })
	if err := <-stopErr; err != nil {
		t.Fatalf("sc stop %s: %v", name, err)
	}
	return res
}
