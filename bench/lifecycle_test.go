package bench

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/e2e"
)

// The lifecycle benchmarks compare generated services with what Go services
// usually do, side by side in one run, and print medians and ratios:
//
//	SVCGEN_BENCH=1 go test ./bench/ -run TestLifecycle -v -count=1
//
//   - Drain: from the last in-flight response received to drain done, the
//     generated server against http.Server.Shutdown on the same handler.
//   - StartStop: eight independent resources that each take 100 ms to open
//     and to close, the generated engine against the same functions called
//     one after another.
//   - TimeToReady: process start to the first 200, the minimal golden
//     service against a bare net/http hello server.
//   - LostOnStop: requests lost when SIGTERM arrives under load of 64
//     keep-alive clients, the generated service against a server that just
//     exits and one that calls http.Server.Shutdown.

// runGoTest generates the project of testdata/<name> and runs `go test -run
// <run>` in it: the project's own test file measures the generated code in
// process. It returns the RESULT lines' key=value fields, one map per line.
func runGoTest(t *testing.T, name, run string) []map[string]float64 {
	t.Helper()
	p, err := e2e.GenerateDir(t.TempDir(), filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "test", "-run", run, "-count=1", "-v", ".")
	cmd.Dir = p.Dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test in %s: %v\n%s", name, err, out)
	}
	var rows []map[string]float64
	for _, line := range strings.Split(string(out), "\n") {
		if !strings.HasPrefix(line, "RESULT ") {
			continue
		}
		row := map[string]float64{}
		for _, f := range strings.Fields(line)[2:] {
			k, v, _ := strings.Cut(f, "=")
			n, _ := strconv.ParseFloat(v, 64)
			row[k] = n
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		t.Fatalf("no RESULT lines:\n%s", out)
	}
	return rows
}

func column(rows []map[string]float64, key string) []float64 {
	var out []float64
	for _, r := range rows {
		out = append(out, r[key])
	}
	return out
}

// quantile of the values (nearest rank).
func quantile(v []float64, q float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1)+0.5)]
}

func ms(ns float64) string { return fmt.Sprintf("%.3f ms", ns/1e6) }

func TestLifecycleDrain(t *testing.T) {
	skipUnlessBench(t)
	rows := runGoTest(t, "drain", "TestBenchDrain")
	gen, std := column(rows, "generated"), column(rows, "shutdown")
	t.Logf("drain: last response received -> drain done, %d rounds of 8 requests in flight", len(rows))
	t.Logf("  generated drain        p50 %s  p90 %s", ms(quantile(gen, .5)), ms(quantile(gen, .9)))
	t.Logf("  http.Server.Shutdown   p50 %s  p90 %s", ms(quantile(std, .5)), ms(quantile(std, .9)))
	t.Logf("  Shutdown / generated at p50: %.0fx", quantile(std, .5)/max(quantile(gen, .5), 1000))
}

func TestLifecycleStartStop(t *testing.T) {
	skipUnlessBench(t)
	rows := runGoTest(t, "startstop", "TestBenchStartStop")
	const one = 100e6 // one resource's open or close
	t.Logf("8 independent resources, 100 ms each to open and to close, %d rounds (medians)", len(rows))
	for _, c := range []struct{ what, gen, seq string }{{"start", "genstart", "seqstart"}, {"stop", "genstop", "seqstop"}} {
		g, s := quantile(column(rows, c.gen), .5), quantile(column(rows, c.seq), .5)
		t.Logf("  %-5s generated %s (%.2fx one resource)  sequential %s (%.2fx)  sequential/generated %.1fx",
			c.what, ms(g), g/one, ms(s), s/one, s/g)
	}
}

// builds holds the binaries the process-level benchmarks compare.
type builds struct {
	generated, generatedAddr string
	hello, graceful          string
}

func buildAll(t *testing.T) builds {
	t.Helper()
	dir := t.TempDir()
	src, err := os.ReadFile("../golden/minimal/service.toml")
	if err != nil {
		t.Fatal(err)
	}
	var b builds
	b.generatedAddr = e2e.FreePort(t)
	spec := strings.Replace(string(src), `addr = ":8080"`, `addr = "`+b.generatedAddr+`"`, 1)
	spec = strings.Replace(spec, `addr = "127.0.0.1:9090"`, `addr = "127.0.0.1:0"`, 1)
	// The handler honours ?sleep= like the baselines.
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
	p, err := e2e.Generate(filepath.Join(dir, "generated"), spec, user)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	b.generated = filepath.Join(dir, "hello-generated")
	if err := p.Build(ctx, "", b.generated, false); err != nil {
		t.Fatal(err)
	}
	b.hello = buildTestdata(t, dir, "hello")
	b.graceful = buildTestdata(t, dir, "graceful")
	return b
}

// timeToFirst200 starts bin and polls addr until it answers 200.
func timeToFirst200(t *testing.T, bin, addr string, args ...string) time.Duration {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	t0 := time.Now()
	p, err := e2e.Start(bin, t.TempDir(), nil, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		p.Signal(syscall.SIGTERM)
		p.Wait(10 * time.Second)
		p.Kill()
	}()
	for time.Since(t0) < 10*time.Second {
		resp, err := client.Get("http://" + addr + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return time.Since(t0)
			}
		}
		time.Sleep(100 * time.Microsecond)
	}
	t.Fatalf("%s never answered 200 on %s; log:\n%s", bin, addr, p.Log())
	return 0
}

func TestLifecycleTimeToReady(t *testing.T) {
	skipUnlessBench(t)
	b := buildAll(t)
	helloAddr := e2e.FreePort(t)
	var gen, bare []float64
	for i := 0; i < 21; i++ {
		gen = append(gen, float64(timeToFirst200(t, b.generated, b.generatedAddr)))
		bare = append(bare, float64(timeToFirst200(t, b.hello, helloAddr, helloAddr)))
	}
	g, h := quantile(gen, .5), quantile(bare, .5)
	t.Logf("time to first 200 from process start, %d runs each (medians)", len(gen))
	t.Logf("  minimal generated service  %s", ms(g))
	t.Logf("  bare net/http hello        %s", ms(h))
	t.Logf("  ratio generated/bare       %.2f", g/h)
}

// lostOnStop runs bin under 64 keep-alive POST clients, sends SIGTERM after
// 1280 answers and counts what was lost.
func lostOnStop(t *testing.T, bin, addr string, args ...string) *e2e.LoadResult {
	t.Helper()
	p, err := e2e.Start(bin, t.TempDir(), nil, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Kill()
	waitOK(t, p, "http://"+addr+"/")
	res := e2e.Load(context.Background(), e2e.LoadConfig{
		URL:     "http://" + addr + "/?sleep=2ms",
		Clients: 64,
		Post:    true,
		Until: func(n int64) bool {
			if n == 64*20 {
				p.Signal(syscall.SIGTERM)
			}
			return false
		},
		Stopped: p.Exited(),
	})
	p.Wait(30 * time.Second)
	return res
}

func TestLifecycleLostOnStop(t *testing.T) {
	skipUnlessBench(t)
	b := buildAll(t)
	naiveAddr, gracefulAddr := e2e.FreePort(t), e2e.FreePort(t)
	type tally struct {
		lost, refused, ok []float64
	}
	results := map[string]*tally{"generated": {}, "exits on SIGTERM": {}, "http.Server.Shutdown": {}}
	add := func(name string, r *e2e.LoadResult) {
		tl := results[name]
		tl.lost = append(tl.lost, float64(r.Lost))
		tl.refused = append(tl.refused, float64(r.Refused))
		tl.ok = append(tl.ok, float64(r.OK))
	}
	for i := 0; i < 7; i++ {
		add("generated", lostOnStop(t, b.generated, b.generatedAddr))
		add("exits on SIGTERM", lostOnStop(t, b.hello, naiveAddr, naiveAddr))
		add("http.Server.Shutdown", lostOnStop(t, b.graceful, gracefulAddr, gracefulAddr))
	}
	t.Logf("SIGTERM under 64 keep-alive POST clients, 7 runs each: requests lost (sent, never answered)")
	for _, name := range []string{"generated", "exits on SIGTERM", "http.Server.Shutdown"} {
		tl := results[name]
		total := 0.0
		for _, v := range tl.lost {
			total += v
		}
		t.Logf("  %-22s lost per stop: median %.0f, max %.0f, total %.0f  (refused median %.0f)",
			name, quantile(tl.lost, .5), quantile(tl.lost, 1), total, quantile(tl.refused, .5))
	}
}
