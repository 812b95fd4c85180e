package alternatives

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func skipUnlessBench(t *testing.T) {
	if os.Getenv("SVCGEN_BENCH") == "" {
		t.Skip("benchmark: set SVCGEN_BENCH=1")
	}
}

// root is the svcgen repository, two levels up.
func root(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// run runs a command in dir and fails the test on error.
func run(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

// timed runs a command and returns its wall time and the CPU time (user +
// system) of it and its children: on a shared machine the CPU time is the
// steadier figure.
func timed(t *testing.T, dir string, args ...string) (wall, cpu float64) {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	t0 := time.Now()
	out, err := cmd.CombinedOutput()
	wall = float64(time.Since(t0))
	if err != nil {
		t.Fatalf("%s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return wall, float64(cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime())
}

// buildSvcgen builds cmd/svcgen of the repository into dir.
func buildSvcgen(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "svcgen")
	run(t, root(t), nil, "go", "build", "-o", bin, "./cmd/svcgen")
	return bin
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// benchLine prints the machine-readable line bench/cmd/report reads.
func benchLine(name string, kv ...any) {
	var b strings.Builder
	b.WriteString("BENCH " + name)
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, " %v=%v", kv[i], kv[i+1])
	}
	fmt.Println(b.String())
}

func ms(ns float64) string { return fmt.Sprintf("%.1f ms", ns/1e6) }

// TestFxStartStop: eight independent resources that take 100 ms each to
// open and to close (bench/testdata/startstop), started and stopped by the
// generated engine, by uber-go/fx (one OnStart/OnStop hook per resource;
// fx runs hooks one after another) and by hand-written sequential code, in
// one process, alternating, 7 rounds.
func TestFxStartStop(t *testing.T) {
	skipUnlessBench(t)
	tmp := t.TempDir()
	svcgen := buildSvcgen(t, tmp)
	proj := filepath.Join(tmp, "startstop")
	copyTree(t, filepath.Join(root(t), "bench", "testdata", "startstop"), proj)
	run(t, proj, nil, svcgen, "generate")
	data, err := os.ReadFile(filepath.Join("testdata", "startstop", "fx_bench_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proj, "fx_bench_test.go"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	// The same fx this module pins, from the module cache or the proxy.
	version := strings.TrimSpace(run(t, ".", nil, "go", "list", "-m", "-f", "{{.Version}}", "go.uber.org/fx"))
	run(t, proj, nil, "go", "get", "go.uber.org/fx@"+version)
	out := run(t, proj, nil, "go", "test", "-run", "TestBenchStartStopFx", "-count=1", "-v", ".")
	cols := map[string][]float64{}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "RESULT startstopfx ") {
			continue
		}
		for _, f := range strings.Fields(line)[2:] {
			k, v, _ := strings.Cut(f, "=")
			n, _ := strconv.ParseFloat(v, 64)
			cols[k] = append(cols[k], n)
		}
	}
	n := len(cols["genstart"])
	if n < 5 {
		t.Fatalf("want at least 5 rounds:\n%s", out)
	}
	m := func(k string) float64 { return median(cols[k]) }
	t.Logf("8 independent resources, 100 ms each to open and to close, fx %s, medians of %d rounds", version, n)
	for _, w := range []string{"start", "stop"} {
		g, f, s := m("gen"+w), m("fx"+w), m("seq"+w)
		t.Logf("  %-5s generated %s  fx %s (%.1fx)  sequential %s (%.1fx)", w, ms(g), ms(f), f/g, ms(s), s/g)
	}
	benchLine("startstop_fx", "n", n, "fx_version", version,
		"genstart", m("genstart"), "genstop", m("genstop"),
		"fxstart", m("fxstart"), "fxstop", m("fxstop"),
		"seqstart", m("seqstart"), "seqstop", m("seqstop"))
}

// TestWireGenerate: wall time of one `svcgen generate` of golden/large into
// an empty directory (and of `svcgen check`, the same rendering without the
// writes), against `gofmt -l` on the files it wrote (a process
// that only parses and formats them: the floor of go/format alone) and
// against `wire gen` on testdata/wire50, a 50-provider graph in levels like
// golden/large. Warm build cache, alternating, 7 rounds.
func TestWireGenerate(t *testing.T) {
	skipUnlessBench(t)
	tmp := t.TempDir()
	svcgen := buildSvcgen(t, tmp)
	wire := filepath.Join(tmp, "wire")
	run(t, ".", nil, "go", "build", "-o", wire, "github.com/google/wire/cmd/wire")
	spec := filepath.Join(tmp, "service.toml")
	copyTree(t, filepath.Join(root(t), "golden", "large", "service.toml"), spec)
	wproj := filepath.Join(tmp, "wire50")
	copyTree(t, filepath.Join("testdata", "wire50"), wproj)
	wireVersion := strings.TrimSpace(run(t, ".", nil, "go", "list", "-m", "-f", "{{.Version}}", "github.com/google/wire"))

	// One untimed round of each: the build cache then holds what wire's
	// package load needs.
	run(t, tmp, nil, svcgen, "generate", "-spec", spec, "-out", filepath.Join(tmp, "warm"))
	run(t, wproj, nil, wire, "gen", ".")

	const rounds = 7
	var gen, fmtOnly, wgen, genCPU, fmtCPU, wireCPU, chk, chkCPU []float64
	var goFiles, goBytes int
	for i := range rounds {
		out := filepath.Join(tmp, fmt.Sprintf("out%d", i))
		w, c := timed(t, tmp, svcgen, "generate", "-spec", spec, "-out", out)
		gen, genCPU = append(gen, w), append(genCPU, c)
		// check renders everything and compares it with the disk: the same
		// work without writing (generate fsyncs and renames each file).
		w, c = timed(t, tmp, svcgen, "check", "-spec", spec, "-out", out)
		chk, chkCPU = append(chk, w), append(chkCPU, c)
		goFiles, goBytes = 0, 0
		filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") {
				goFiles++
				if info, err := d.Info(); err == nil {
					goBytes += int(info.Size())
				}
			}
			return nil
		})
		w, c = timed(t, tmp, "gofmt", "-l", out)
		fmtOnly, fmtCPU = append(fmtOnly, w), append(fmtCPU, c)
		os.Remove(filepath.Join(wproj, "wire_gen.go"))
		w, c = timed(t, wproj, wire, "gen", ".")
		wgen, wireCPU = append(wgen, w), append(wireCPU, c)
	}
	wireOut, err := os.Stat(filepath.Join(wproj, "wire_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	g, f, w, k := median(gen), median(fmtOnly), median(wgen), median(chk)
	gc, fc, wc, kc := median(genCPU), median(fmtCPU), median(wireCPU), median(chkCPU)
	t.Logf("generation, one process each, medians of %d rounds: wall time (CPU time)", rounds)
	t.Logf("  svcgen generate golden/large (%d .go files, %d bytes)  %s (%s)", goFiles, goBytes, ms(g), ms(gc))
	t.Logf("  svcgen check (the same, without writing)              %s (%s)", ms(k), ms(kc))
	t.Logf("  gofmt -l on the same files (the go/format floor)      %s (%s)  svcgen/floor %.2fx (%.2fx)", ms(f), ms(fc), g/f, gc/fc)
	t.Logf("  wire %s gen, 50 providers (%d bytes out)          %s (%s)  wire/svcgen %.2fx (%.2fx)", wireVersion, wireOut.Size(), ms(w), ms(wc), w/g, wc/gc)
	benchLine("generate_wire", "n", rounds, "wire_version", wireVersion,
		"svcgen", g, "check", k, "gofmt", f, "wire", w, "svcgen_cpu", gc, "check_cpu", kc, "gofmt_cpu", fc, "wire_cpu", wc,
		"go_files", goFiles, "go_bytes", goBytes, "wire_bytes", wireOut.Size())
}
