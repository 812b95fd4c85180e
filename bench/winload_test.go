//go:build linux

package bench

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/e2e"
	"github.com/svcgen/svcgen/internal/winetest"
)

// TestSCMLostOnStop counts the requests lost when `sc stop` arrives under
// load, for the Windows build of the minimal golden service and for
// testdata/scm/exsvc (the x/sys svc/example shape, stopping through
// http.Server.Shutdown), both run by Wine's Service Control Manager,
// alternating, 5 stops each; and for the Linux build of the same service
// stopped by SIGTERM. Three loads: 64 keep-alive POST clients with 2 ms
// requests; 64 with 50 ms requests, which reconnect at once when a drain
// answers them with Connection: close; and open-loop arrivals of 100 new
// connections a second with 50 ms requests.
//
//	SVCGEN_BENCH=1 go test ./bench/ -run TestSCMLostOnStop -v -count=1
//
// It prints one machine-readable line per load for bench/cmd/report:
// BENCH scm_lost load=... n=... gen_median= gen_max= gen_total= ex_median= ... linux_median= ...
func TestSCMLostOnStop(t *testing.T) {
	skipUnlessBench(t)
	p := winetest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	dir := t.TempDir()

	specText, err := os.ReadFile(filepath.Join("..", "golden", "minimal", "service.toml"))
	if err != nil {
		t.Fatal(err)
	}
	genAddr, exAddr := e2e.FreePort(t), e2e.FreePort(t)
	text := strings.NewReplacer(`":8080"`, strconv.Quote(genAddr), `"127.0.0.1:9090"`, strconv.Quote(e2e.FreePort(t))).Replace(string(specText))
	// The handler reads the body and honours ?sleep= like exsvc's.
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
	genExe, exExe, linBin := filepath.Join(dir, "bin", "hello.exe"), filepath.Join(dir, "bin", "exsvc.exe"), filepath.Join(dir, "bin", "hello")
	if err := winetest.BuildWindows(ctx, gen.Dir, genExe); err != nil {
		t.Fatal(err)
	}
	if err := winetest.BuildWindows(ctx, filepath.Join("testdata", "scm", "exsvc"), exExe); err != nil {
		t.Fatal(err)
	}
	if err := gen.Build(ctx, "linux", linBin, false); err != nil {
		t.Fatal(err)
	}
	genName, exName := winetest.UniqueName("bench-lost-generated"), winetest.UniqueName("bench-lost-exsvc")
	p.CreateService(t, genName, genExe, "service")
	p.CreateService(t, exName, exExe, "service", exAddr)

	for _, l := range stopLoads {
		const rounds = 5
		var genLost, exLost, linLost, genOK, exOK []float64
		for range rounds {
			r := scmLostOnStop(ctx, t, p, genName, genAddr, l)
			genLost, genOK = append(genLost, float64(r.Lost+r.Failed)), append(genOK, float64(r.OK))
			r = scmLostOnStop(ctx, t, p, exName, exAddr, l)
			exLost, exOK = append(exLost, float64(r.Lost+r.Failed)), append(exOK, float64(r.OK))
			r = linuxLostOnStop(t, linBin, genAddr, l)
			linLost = append(linLost, float64(r.Lost+r.Failed))
		}
		t.Logf("sc stop under %s, Wine's SCM, %d stops each: requests lost (sent, never answered)", l.Name, rounds)
		t.Logf("  generated (Windows build)   lost per stop: median %.0f, max %.0f, total %.0f  (answered median %.0f)", median(genLost), slices.Max(genLost), sum(genLost), median(genOK))
		t.Logf("  x/sys svc/example shape     lost per stop: median %.0f, max %.0f, total %.0f  (answered median %.0f)", median(exLost), slices.Max(exLost), sum(exLost), median(exOK))
		t.Logf("  generated (Linux, SIGTERM)  lost per stop: median %.0f, max %.0f, total %.0f", median(linLost), slices.Max(linLost), sum(linLost))
		t.Logf("  raw generated %v  exsvc %v  linux %v", genLost, exLost, linLost)
		Line("scm_lost", "load", l.key, "n", rounds,
			"gen_median", median(genLost), "gen_max", slices.Max(genLost), "gen_total", sum(genLost),
			"ex_median", median(exLost), "ex_max", slices.Max(exLost), "ex_total", sum(exLost),
			"linux_median", median(linLost), "linux_max", slices.Max(linLost), "linux_total", sum(linLost))
	}
}

// stopLoad is one load of TestSCMLostOnStop: e2e's, named for the report.
type stopLoad struct {
	key string // the report's name of the load
	e2e.StopLoad
}

var stopLoads = []stopLoad{
	{"keepalive", e2e.StopLoad{Name: "64 keep-alive POST clients, 2 ms requests", Delay: 2 * time.Millisecond, Clients: 64, Trigger: 64 * 20}},
	{"reconnect", e2e.StopLoad{Name: "64 POST clients reconnecting at once, 50 ms requests", Delay: 50 * time.Millisecond, Clients: 64, Trigger: 64 * 4}},
	{"open", e2e.StopLoad{Name: "100 new connections a second, 50 ms requests", Delay: 50 * time.Millisecond, Rate: 100, Trigger: 100}},
}

// url is the load's target on addr: the handler sleeps as ?sleep= says.
func (l stopLoad) url(addr string) string { return fmt.Sprintf("http://%s/?sleep=%s", addr, l.Delay) }

func sum(v []float64) (s float64) {
	for _, x := range v {
		s += x
	}
	return s
}

// scmLostOnStop starts the service through the SCM, loads it with l and,
// after l.Trigger answers, sends `sc stop`; the load ends when the SCM
// reports STOPPED.
func scmLostOnStop(ctx context.Context, t *testing.T, p *winetest.Prefix, name, addr string, l stopLoad) *e2e.LoadResult {
	t.Helper()
	if _, err := p.SC(ctx, "start", name); err != nil {
		t.Fatalf("sc start %s: %v", name, err)
	}
	if _, err := p.WaitState(ctx, name, winetest.StateRunning, time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	waitServing(t, name, addr)
	trigger, stopped, stopErr := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		<-trigger
		_, err := p.SC(ctx, "stop", name)
		if err == nil {
			_, err = p.WaitState(ctx, name, winetest.StateStopped, time.Minute, nil)
		}
		close(stopped)
		stopErr <- err
	}()
	res := runUntilStopped(l, addr, trigger, stopped)
	if err := <-stopErr; err != nil {
		t.Fatalf("sc stop %s: %v", name, err)
	}
	return res
}

// linuxLostOnStop runs the Linux build with l and sends SIGTERM after
// l.Trigger answers; the load ends when the process exits.
func linuxLostOnStop(t *testing.T, bin, addr string, l stopLoad) *e2e.LoadResult {
	t.Helper()
	proc, err := e2e.Start(bin, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer proc.Kill()
	waitServing(t, bin, addr)
	trigger := make(chan struct{})
	go func() {
		<-trigger
		proc.Signal(syscall.SIGTERM)
	}()
	res := runUntilStopped(l, addr, trigger, proc.Exited())
	if code, err := proc.Wait(time.Minute); err != nil || code != 0 {
		t.Fatalf("linux build exited %d, %v:\n%s", code, err, proc.Log())
	}
	return res
}

// waitServing waits until addr answers 200.
func waitServing(t *testing.T, name, addr string) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := client.Get("http://" + addr + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not serving on %s: %v", name, addr, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// runUntilStopped sends l to addr, closes trigger after l.Trigger answers
// (or when the load ends without them, so no stop waits forever), and ends
// when stopped is closed.
func runUntilStopped(l stopLoad, addr string, trigger chan struct{}, stopped <-chan struct{}) *e2e.LoadResult {
	var once sync.Once
	fire := func() { once.Do(func() { close(trigger) }) }
	res := l.Run(l.url(addr), fire, stopped)
	fire()
	return res
}
