// Command report runs every svcgen benchmark side by side with what it is
// compared against, in one run, and writes bench/REPORT.md: the machine, the
// medians, the ratios, and each target from the issues with whether it is
// met. From the repository root:
//
//	go run ./bench/cmd/report
//
// Flags: -out (default bench/REPORT.md), -only and -skip (comma-separated
// suite names: lifecycle, http, grpc, pools, poolconnect, gogenerate, scm, scmlost,
// winload, generator, hostile, upgrade, winupgrade, alternatives), -head (measure a clean export of the HEAD commit instead
// of the working tree, so edits in progress neither break nor colour the
// figures; the report is still written into the working tree). Each suite is a `go test` run of the benchmarks under
// bench/ (with SVCGEN_BENCH=1), of generator's Go benchmarks, or of the
// separate module bench/alternatives (uber-go/fx and google/wire); every
// benchmark alternates its sides round by round and reports medians of at
// least 5 rounds. A suite that skips (no PostgreSQL, no Wine) or fails is
// reported as such; the others still run.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// suite is one go test run and what the report takes from its output.
type suite struct {
	name   string
	title  string
	method string // how the sides are ordered and how many rounds
	run    func(root string) (string, error)
	parse  func(out string) ([]row, error)
}

// row is one line of the summary table.
type row struct {
	what   string // the comparison
	ours   string // svcgen's figure
	theirs string // the alternative's figure
	ratio  string
	target string // "" when the issue states none
	met    string // "yes", "no", or "" when there is no target
}

// result of one suite in this run.
type result struct {
	suite   *suite
	rows    []row
	status  string // "ok", "skipped: ...", "failed: ..."
	took    time.Duration
	excerpt []string // the human-readable lines the benchmark printed
}

func main() {
	out := flag.String("out", filepath.Join("bench", "REPORT.md"), "report file to write")
	only := flag.String("only", "", "comma-separated suites to run (default all)")
	skip := flag.String("skip", "", "comma-separated suites to leave out")
	head := flag.Bool("head", false, "measure a clean export of HEAD, not the working tree")
	flag.Parse()

	root, err := repoRoot()
	if err != nil {
		fatal(err)
	}
	m := describeMachine(root)
	workRoot := root
	if *head {
		dir, err := exportHead(root)
		if err != nil {
			fatal(err)
		}
		defer os.RemoveAll(dir)
		workRoot = dir
		m.source = "a clean export of commit " + m.commit + " (`-head`)"
	} else {
		m.source = "the working tree at commit " + m.commit
		if dirty(root) {
			m.source += " with uncommitted changes"
		}
	}
	want := func(name string) bool {
		if *only != "" && !slices.Contains(strings.Split(*only, ","), name) {
			return false
		}
		return !slices.Contains(strings.Split(*skip, ","), name)
	}
	start := time.Now().UTC()
	var results []*result
	for _, s := range suites() {
		if !want(s.name) {
			continue
		}
		fmt.Fprintf(os.Stderr, "== %s (%s)\n", s.name, time.Now().UTC().Format("15:04:05"))
		t0 := time.Now()
		output, runErr := s.run(workRoot)
		r := &result{suite: s, took: time.Since(t0), excerpt: excerpt(output)}
		rows, parseErr := s.parse(output)
		switch {
		case skipped(output) != "" && len(rows) == 0:
			r.status = "skipped: " + skipped(output)
		case runErr != nil:
			r.status = "failed: " + runErr.Error()
			if len(r.excerpt) == 0 {
				r.excerpt = tail(output, 30)
			}
		case parseErr != nil:
			r.status = "failed: " + parseErr.Error()
			if len(r.excerpt) == 0 {
				r.excerpt = tail(output, 30)
			}
		default:
			r.status = "ok"
		}
		r.rows = rows
		fmt.Fprintf(os.Stderr, "   %s in %s\n", r.status, r.took.Round(time.Second))
		results = append(results, r)
	}
	m.loadAfter = loadAverage()
	report := render(m, start, time.Now().UTC(), results)
	path := *out
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, path)
	}
	if err := os.WriteFile(path, []byte(report), 0o644); err != nil {
		fatal(err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s\n", *out)
	fmt.Print(summaryTable(results))
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "report:", err)
	os.Exit(2)
}

// repoRoot is the directory of the svcgen module's go.mod.
func repoRoot() (string, error) {
	b, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	mod := strings.TrimSpace(string(b))
	data, err := os.ReadFile(mod)
	if err != nil || !bytes.Contains(data, []byte("module github.com/svcgen/svcgen\n")) {
		return "", fmt.Errorf("run from the svcgen repository (go.mod: %q)", mod)
	}
	return filepath.Dir(mod), nil
}

// exportHead writes the tree of HEAD into a new temporary directory.
func exportHead(root string) (string, error) {
	dir, err := os.MkdirTemp("", "svcgen-head-")
	if err != nil {
		return "", err
	}
	archive := exec.Command("git", "archive", "--format=tar", "HEAD")
	archive.Dir = root
	untar := exec.Command("tar", "-x", "-C", dir)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		return "", err
	}
	untar.Stdin = pipe
	if err := untar.Start(); err != nil {
		return "", err
	}
	if err := archive.Run(); err != nil {
		return "", fmt.Errorf("git archive HEAD: %v", err)
	}
	if err := untar.Wait(); err != nil {
		return "", fmt.Errorf("untar HEAD: %v", err)
	}
	return dir, nil
}

// dirty reports uncommitted changes to tracked files.
func dirty(root string) bool {
	cmd := exec.Command("git", "status", "--porcelain", "--untracked-files=no")
	cmd.Dir = root
	out, err := cmd.Output()
	return err == nil && len(bytes.TrimSpace(out)) > 0
}

// goTest runs go test in dir with SVCGEN_BENCH=1 and returns its combined
// output.
func goTest(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", append([]string{"test"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SVCGEN_BENCH=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func benchTest(run string) func(string) (string, error) {
	return func(root string) (string, error) {
		return goTest(root, "./bench/", "-run", run, "-v", "-count=1", "-timeout", "60m")
	}
}

func suites() []*suite {
	return []*suite{
		{name: "lifecycle", title: "Lifecycle (bench/lifecycle_test.go)", run: benchTest("^TestLifecycle"), parse: parseLifecycle,
			method: "alternating round by round: drain 21 rounds, start/stop 7, time to ready 21, lost on stop 7 stops of each server"},
		{name: "http", title: "HTTP throughput and latency, runtime vs bare net/http, 64 clients (bench/http_test.go)", run: benchTest("^TestHTTPThroughput$"), parse: parseHTTP,
			method: "alternating round by round, the first side swapping each round: 5 rounds of 3 s per side and case after 0.5 s unrecorded; 64 closed-loop clients on 127.0.0.1, each server its own process of bench/testdata/httpserve"},
		{name: "grpc", title: "gRPC drain and calls lost on stop, runtime vs GracefulStop+timer (bench/grpc_test.go)", run: benchTest("^TestGRPCStop$"), parse: parseGRPC,
			method: "drain: alternating round by round, 21 rounds per case, in process; lost on stop: alternating stop by stop, 7 stops of each server, each its own process of bench/testdata/grpcserve"},
		{name: "pools", title: "PostgreSQL warmup (bench/pools_test.go)", run: benchTest("^TestPoolWarmup$"), parse: parsePools,
			method: "`go test -bench -count 5`, 20 fresh pools per run; the 5 runs of one side come back to back (not alternating)"},
		{name: "poolconnect", title: "PostgreSQL warmup of N vs N connects at once (bench/poolconnect_test.go)", run: benchTest("^TestPoolWarmupConnect$"), parse: parsePoolConnect,
			method: "alternating round by round, the first side swapping each round: 15 rounds for each N, in process, a fresh pool each time"},
		{name: "gogenerate", title: "go generate vs go list (bench/gogenerate_test.go)", run: benchTest("^TestGoGenerate$"), parse: parseGoGenerate,
			method: "alternating round by round, 9 rounds, warm build cache; each round: go generate with nothing changed, after a user file edit, after a go.mod and sibling package edit, as the first run in the package (an empty svcgen cache), with SVCGEN_CACHE=off, svcgen alone, and the two go list commands"},
		{name: "scm", title: "SCM start/stop under Wine (bench/scm_test.go)", run: benchTest("^TestSCMStartStop$"), parse: parseSCM,
			method: "7 rounds of one service, then 7 of the other (not alternating); timed inside Wine"},
		{name: "scmlost", title: "Requests lost on sc stop under Wine and SIGTERM on Linux, three loads (bench/winload_test.go)", run: benchTest("^TestSCMLostOnStop$"), parse: parseSCMLost,
			method: "alternating stop by stop, 5 stops of each service"},
		{name: "winload", title: "Requests lost on sc stop under Wine (internal/e2e/wine TestWindowsStartStopUnderLoad)", run: runWinLoad, parse: parseWinLoad,
			method: fmt.Sprintf("the behaviour test run %d times (-count), one stop under load each; no alternative side", winLoadRuns)},
		{name: "generator", title: "Generation vs go/format in process (generator/bench_test.go)", run: runGenerator, parse: parseGenerator,
			method: fmt.Sprintf("one test binary run %d times, each running the two benchmarks one after the other", generatorRuns)},
		{name: "hostile", title: "Hostile 1 MiB specs, parse and validate (spec/hostile_test.go)", run: runHostile, parse: parseHostile,
			method: fmt.Sprintf("`go test -bench BenchmarkParseHostile -count %d`, in process; every shape of the test TestHostileSpecsAreBounded, each filling most of the 1 MiB limit", hostileRuns)},
		{name: "upgrade", title: "Restart to a new binary under load: plain restart, svcgen upgrade, cloudflare/tableflip (bench/upgrade_linux_test.go)", run: benchTest("^TestUpgradeRestart$"), parse: parseUpgrade,
			method: "alternating restart by restart, the first side rotating each round: 5 restarts of each; 64 keep-alive POST clients and 100 new connections a second at once, 2 ms handler, on 127.0.0.1"},
		{name: "winupgrade", title: "Restart of a Windows service to a new binary under Wine's SCM: sc stop + start vs the upgrade verb; HTTP through a worker vs the own engine (bench/winupgrade_test.go, winupgradehttp_test.go)", run: benchTest("^TestWindowsUpgrade(Restart|Throughput)$"), parse: parseWinUpgrade,
			method: "restarts: alternating restart by restart, the first side swapping each round, 5 of each, one service swapping 1.0.0 and 2.0.0; 64 keep-alive POST clients and 100 new connections a second at once, 2 ms handler, on 127.0.0.1. HTTP: alternating round by round, the first side swapping each round, 5 rounds of 3 s per side after 0.5 s unrecorded, 64 keep-alive clients"},
		{name: "alternatives", title: "uber-go/fx and google/wire (bench/alternatives, its own module)", run: runAlternatives, parse: parseAlternatives,
			method: "alternating round by round, 7 rounds: engine/fx/sequential in one process; svcgen/gofmt/wire processes"},
	}
}

// --- running --------------------------------------------------------------

// winLoadRuns is how many times the Wine load test runs; each run is one
// stop under load, so the lost count is per stop.
const winLoadRuns = 5

func runWinLoad(root string) (string, error) {
	return goTest(root, "./internal/e2e/wine/", "-run", "^TestWindowsStartStopUnderLoad$", "-v",
		"-count", strconv.Itoa(winLoadRuns), "-timeout", "60m")
}

// generatorRuns is how many times the generator's test binary runs its two
// benchmarks; runs alternate between them (one -count per process).
const generatorRuns = 5

func runGenerator(root string) (string, error) {
	tmp, err := os.MkdirTemp("", "svcgen-report-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "generator.test")
	cmd := exec.Command("go", "test", "-c", "-o", bin, "./generator")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return string(out), err
	}
	var all strings.Builder
	for range generatorRuns {
		for _, bench := range []string{"^BenchmarkGenerateLarge$", "^BenchmarkFormatLargeOutput$"} {
			cmd := exec.Command(bin, "-test.run", "^$", "-test.bench", bench, "-test.benchmem", "-test.count", "1")
			cmd.Dir = filepath.Join(root, "generator")
			out, err := cmd.CombinedOutput()
			all.Write(out)
			if err != nil {
				return all.String(), err
			}
		}
	}
	return all.String(), nil
}

// hostileRuns is the -count of the hostile spec benchmarks.
const hostileRuns = 3

func runHostile(root string) (string, error) {
	return goTest(root, "./spec/", "-run", "^$", "-bench", "^BenchmarkParseHostile$", "-benchmem",
		"-count", strconv.Itoa(hostileRuns), "-timeout", "30m")
}

func runAlternatives(root string) (string, error) {
	return goTest(filepath.Join(root, "bench", "alternatives"), "-run", "^(TestFxStartStop|TestWireGenerate)$", "-v", "-count=1", "-timeout", "60m", ".")
}

// --- parsing --------------------------------------------------------------

var (
	reSkip    = regexp.MustCompile(`--- SKIP: \S+ \([^)]*\)\n\s+\S+\.go:\d+: (.*)`)
	reLogLine = regexp.MustCompile(`^\s+\w+\.go:\d+: (.*)$`)
)

func skipped(out string) string {
	if m := reSkip.FindStringSubmatch(out); m != nil {
		return m[1]
	}
	return ""
}

// excerpt keeps the lines a benchmark logged (t.Log or its own table),
// without go test's framing.
func excerpt(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if m := reLogLine.FindStringSubmatch(l); m != nil {
			lines = append(lines, m[1])
			continue
		}
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") || t == "PASS" ||
			strings.HasPrefix(t, "ok ") || strings.HasPrefix(t, "ok\t") || strings.HasPrefix(t, "goos:") ||
			strings.HasPrefix(t, "goarch:") || strings.HasPrefix(t, "pkg:") || strings.HasPrefix(t, "cpu:") ||
			strings.HasPrefix(t, "RESULT ") || strings.HasPrefix(t, "go: ") {
			continue
		}
		lines = append(lines, strings.TrimRight(l, " "))
	}
	return lines
}

func tail(out string, n int) []string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}

func num(s string) float64 {
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

func fmtMS(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	default:
		return fmt.Sprintf("%.2f ms", v)
	}
}

func find(out, expr string) []string {
	return regexp.MustCompile(expr).FindStringSubmatch(out)
}

func parseLifecycle(out string) ([]row, error) {
	var rows []row
	var missing []string
	// The generated drain can end before the client has read the last
	// response (its p50 then prints negative): drain done ≤ 0 ms after it.
	if g, s := find(out, `generated drain\s+p50 (-?[\d.]+) ms\s+p90 (-?[\d.]+) ms`), find(out, `http\.Server\.Shutdown\s+p50 (-?[\d.]+) ms\s+p90 (-?[\d.]+) ms`); g != nil && s != nil {
		gp, sp := num(g[1]), num(s[1])
		n := "21"
		if m := find(out, `(\d+) rounds of 8 requests`); m != nil {
			n = m[1]
		}
		ratio := sp / max(gp, 0.001)
		ratioText := fmt.Sprintf("%.0f× faster", ratio)
		if gp <= 0.001 {
			ratioText = "drain done before the client had read the last response"
		}
		rows = append(rows, row{
			what:   "Drain latency, last response → drain done (p50, " + n + " rounds)",
			ours:   fmtMS(gp) + " (p90 " + fmtMS(num(g[2])) + ")",
			theirs: "`http.Server.Shutdown` " + fmtMS(sp) + " (p90 " + fmtMS(num(s[2])) + ")",
			ratio:  ratioText,
			target: "p50 ≤ 2 ms and ≥ 10× better than Shutdown",
			met:    yesNo(gp <= 2 && ratio >= 10),
		})
	} else {
		missing = append(missing, "drain")
	}
	for _, what := range []string{"start", "stop"} {
		m := find(out, what+`\s+generated ([\d.]+) ms \(([\d.]+)x one resource\)\s+sequential ([\d.]+) ms \(([\d.]+)x\)\s+sequential/generated ([\d.]+)x`)
		if m == nil {
			missing = append(missing, what)
			continue
		}
		g, s := num(m[1]), num(m[3])
		rows = append(rows, row{
			what:   "8 independent 100 ms resources: " + what + " (median of 7)",
			ours:   fmt.Sprintf("%s (%.2f× one resource)", fmtMS(g), g/100),
			theirs: "sequential " + fmtMS(s),
			ratio:  fmt.Sprintf("%.1f× faster", s/g),
			target: "≤ 1.3× one resource, about 6× better than sequential",
			met:    yesNo(g <= 130 && s/g >= 6),
		})
	}
	if g, h := find(out, `minimal generated service\s+([\d.]+) ms`), find(out, `bare net/http hello\s+([\d.]+) ms`); g != nil && h != nil {
		gv, hv := num(g[1]), num(h[1])
		rows = append(rows, row{
			what:   "Time to ready, process start → first 200 (median of 21)",
			ours:   fmtMS(gv),
			theirs: "bare net/http " + fmtMS(hv),
			ratio:  fmt.Sprintf("%.2f", gv/hv),
			target: "ratio ≤ 1.2",
			met:    yesNo(gv/hv <= 1.2),
		})
	} else {
		missing = append(missing, "time to ready")
	}
	re := regexp.MustCompile(`(generated|exits on SIGTERM|http\.Server\.Shutdown)\s+lost per stop: median (\d+), max (\d+), total (\d+)\s+\(refused median (\d+)\)`)
	lost := map[string][]string{}
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		lost[m[1]] = m
	}
	if g, n, s := lost["generated"], lost["exits on SIGTERM"], lost["http.Server.Shutdown"]; g != nil && n != nil && s != nil {
		runs := "7"
		if m := find(out, `clients, (\d+) runs each`); m != nil {
			runs = m[1]
		}
		rows = append(rows, row{
			what:   "Requests lost on SIGTERM, 64 keep-alive clients (per stop, " + runs + " stops each)",
			ours:   fmt.Sprintf("median %s, max %s", g[2], g[3]),
			theirs: fmt.Sprintf("naive exit: median %s, max %s; `Shutdown`-based: median %s, max %s", n[2], n[3], s[2], s[3]),
			ratio:  fmt.Sprintf("%s vs %s vs %s lost in total", g[4], n[4], s[4]),
			target: "zero lost requests in every stop",
			met:    yesNo(g[3] == "0"),
		})
	} else {
		missing = append(missing, "lost on stop")
	}
	if len(missing) > 0 {
		return rows, fmt.Errorf("no figures for %s", strings.Join(missing, ", "))
	}
	return rows, nil
}

func parsePools(out string) ([]row, error) {
	get := func(label string) (ms, warm float64, ok bool) {
		m := find(out, regexp.QuoteMeta(label)+`\s+([\d.]+)ms\s+(\d+)`)
		if m == nil {
			return 0, 0, false
		}
		return num(m[1]), num(m[2]), true
	}
	g, gw, ok1 := get("generated warmup (warm = 10)")
	o, ow, ok2 := get("one connect (sql.Open + Ping)")
	s, sw, ok3 := get("sequential SELECT 1 x 10 (max_idle 10)")
	h, hw, ok4 := get("10 connections held one after another")
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return nil, fmt.Errorf("no pool figures")
	}
	runs := "5"
	if m := find(out, `medians of (\d+) runs`); m != nil {
		runs = m[1]
	}
	return []row{
		{
			what:   "PostgreSQL warmup of 10 connections: time (median of " + runs + " × 20 pools)",
			ours:   fmtMS(g),
			theirs: fmt.Sprintf("one connect %s; sequential `SELECT 1` ×10 %s; 10 opened one after another %s", fmtMS(o), fmtMS(s), fmtMS(h)),
			ratio:  fmt.Sprintf("%.2f× one connect for 10× the connections; %.1f× faster than one after another", g/o, h/g),
		},
		{
			what:   "PostgreSQL warmup: connections left warm",
			ours:   fmt.Sprintf("%.0f", gw),
			theirs: fmt.Sprintf("sequential `SELECT 1` ×10 loop: %.0f (one connect %.0f, one after another %.0f)", sw, ow, hw),
			ratio:  fmt.Sprintf("%.0f vs %.0f", gw, sw),
			target: "10 connections open and idle at ready",
			met:    yesNo(gw >= 10),
		},
	}, nil
}

func parseHTTP(out string) ([]row, error) {
	b := benchLines(out)
	var rows []row
	for _, c := range []struct{ name, what string }{
		{"http_keepalive", "keep-alive, 13-byte handler"},
		{"http_close", "a new connection per request, 13-byte handler"},
		{"http_keepalive_1ms", "keep-alive, 1 ms handler"},
		{"http_close_1ms", "a new connection per request, 1 ms handler"},
	} {
		l := b[c.name]
		if l == nil {
			continue
		}
		figures := func(side string) string {
			return fmt.Sprintf("%s req/s, p50 %s, p99 %s", l[side+"_rps"], fmtMS(num(l[side+"_p50"])/1e6), fmtMS(num(l[side+"_p99"])/1e6))
		}
		ratio := func(key string) float64 { return num(l["svc_"+key]) / num(l["bare_"+key]) }
		rows = append(rows, row{
			what:   fmt.Sprintf("HTTP on loopback, %s clients, %s (median of %s rounds)", l["clients"], c.what, l["n"]),
			ours:   figures("svc"),
			theirs: "bare `http.Server` " + figures("bare"),
			ratio:  fmt.Sprintf("svcgen/bare: req/s %.2f, p50 %.2f, p99 %.2f", ratio("rps"), ratio("p50"), ratio("p99")),
		})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no BENCH http_ lines")
	}
	return rows, nil
}

func parsePoolConnect(out string) ([]row, error) {
	b := benchLines(out)
	var rows []row
	for _, n := range []string{"10", "50"} {
		l := b["pool_connect_"+n]
		if l == nil {
			continue
		}
		svc, bare := num(l["svc"])/1e6, num(l["bare"])/1e6
		rows = append(rows, row{
			what:   fmt.Sprintf("PostgreSQL warmup of %s connections, `sql.Open` to %s idle (median of %s rounds)", n, n, l["n"]),
			ours:   fmt.Sprintf("`svcrt.OpenSQL` %s (%s idle)", fmtMS(svc), l["svc_warm"]),
			theirs: fmt.Sprintf("%s goroutines each `db.Conn` + ping %s (%s idle)", n, fmtMS(bare), l["bare_warm"]),
			ratio:  fmt.Sprintf("svcgen/bare %.2f", svc/bare),
		})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no BENCH pool_connect_ lines")
	}
	return rows, nil
}

func parseGoGenerate(out string) ([]row, error) {
	b := benchLines(out)
	var rows []row
	for _, pkg := range []string{"orders", "mailer", "agent"} {
		l := b["gogen_"+pkg]
		if l == nil {
			continue
		}
		num := func(k string) float64 {
			v, _ := strconv.ParseFloat(l[k], 64)
			return v
		}
		list := num("list_ms")
		if list <= 0 {
			return nil, fmt.Errorf("BENCH gogen_%s has no list_ms", pkg)
		}
		n := l["n"]
		baseline := "`go list -e -json .` " + fmtMS(list)
		for _, c := range []struct{ key, what string }{
			{"unchanged_ms", "nothing changed since the last run"},
			{"edited_ms", "a user file of the package edited before the run"},
			{"depsedit_ms", "go.mod and a sibling package edited before the run"},
			{"first_ms", "first run in the package (an empty svcgen cache)"},
		} {
			if _, ok := l[c.key]; !ok {
				continue // a run of a bench without that row
			}
			v := num(c.key)
			ours := fmtMS(v)
			if c.key == "unchanged_ms" {
				ours += fmt.Sprintf(" (svcgen alone %s)", fmtMS(num("direct_ms")))
			}
			rows = append(rows, row{
				what:   fmt.Sprintf("`go generate` in package mode, cmd/%s, %s (median of %s)", pkg, c.what, n),
				ours:   ours,
				theirs: baseline,
				ratio:  fmt.Sprintf("%.2f×", v/list),
				target: "≤ 1.5× go list",
				met:    yesNo(v/list <= 1.5),
			})
		}
		v := num("nocache_ms")
		rows = append(rows, row{
			what:   fmt.Sprintf("`go generate` in package mode, cmd/%s, with SVCGEN_CACHE=off (every run lists the package, nothing is kept) after a user file edit (median of %s)", pkg, n),
			ours:   fmtMS(v),
			theirs: fmt.Sprintf("%s; `go list -export -deps .`, what the dependencies' export data would cost: %s", baseline, fmtMS(num("exportdeps_ms"))),
			ratio:  fmt.Sprintf("%.2f×", v/list),
			target: "≤ 1.5× go list",
			met:    yesNo(v/list <= 1.5),
		})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no BENCH gogen_ lines")
	}
	return rows, nil
}

func parseSCM(out string) ([]row, error) {
	var rows []row
	rounds := "7"
	if m := find(out, `medians of (\d+) rounds under Wine`); m != nil {
		rounds = m[1]
	}
	for _, c := range []struct{ label, what string }{
		{"StartService -> RUNNING", "`sc start` → RUNNING under Wine"},
		{"Control(Stop) -> STOPPED", "`sc stop` → STOPPED under Wine"},
	} {
		m := find(out, regexp.QuoteMeta(c.label)+`\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)`)
		if m == nil {
			continue
		}
		rows = append(rows, row{
			what:   c.what + ", minimal service (median of " + rounds + ")",
			ours:   fmtMS(num(m[1])),
			theirs: "x/sys `svc/example`-style " + fmtMS(num(m[2])),
			ratio:  fmt.Sprintf("%.2f", num(m[3])),
		})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no SCM figures")
	}
	return rows, nil
}

func parseSCMLost(out string) ([]row, error) {
	var rows []row
	for _, l := range benchLinesAll(out)["scm_lost"] {
		what, ok := scmLoads[l["load"]]
		if !ok {
			return nil, fmt.Errorf("BENCH scm_lost line with unknown load %q", l["load"])
		}
		rows = append(rows, row{
			what:   "Requests lost on `sc stop` under Wine's SCM, " + what + " (per stop, " + l["n"] + " stops each)",
			ours:   fmt.Sprintf("median %s, max %s (Linux build, SIGTERM: median %s, max %s)", l["gen_median"], l["gen_max"], l["linux_median"], l["linux_max"]),
			theirs: fmt.Sprintf("x/sys `svc/example` shape with `Shutdown`: median %s, max %s", l["ex_median"], l["ex_max"]),
			ratio:  fmt.Sprintf("%s vs %s lost in total", l["gen_total"], l["ex_total"]),
			target: "zero lost requests in every stop",
			met:    yesNo(l["gen_max"] == "0" && l["linux_max"] == "0"),
		})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no BENCH scm_lost line")
	}
	return rows, nil
}

func parseGRPC(out string) ([]row, error) {
	all := benchLinesAll(out)
	var rows []row
	for _, l := range all["grpc_drain"] {
		what := "8 unary calls in flight"
		if l["case"] == "stream" {
			what += " and one server stream (svcgen tells it to end through `svcrt.Draining`; GracefulStop gives handlers no signal, so its timer, 1 s, ends it)"
		}
		svc, base := num(l["svc_p50"])/1e6, num(l["base_p50"])/1e6
		rows = append(rows, row{
			what:   fmt.Sprintf("gRPC drain, last unary call answered → drain done, %s (%s rounds)", what, l["n"]),
			ours:   fmt.Sprintf("p50 %s, p90 %s", fmtMS(svc), fmtMS(num(l["svc_p90"])/1e6)),
			theirs: fmt.Sprintf("`GracefulStop` + timer: p50 %s, p90 %s", fmtMS(base), fmtMS(num(l["base_p90"])/1e6)),
			ratio:  fmt.Sprintf("baseline/svcgen at p50 %.1f", base/max(svc, 0.001)),
		})
	}
	sides := map[string]map[string]string{}
	for _, l := range all["grpc_lost"] {
		sides[l["side"]] = l
	}
	if g := sides["svcgen"]; g != nil {
		other := func(name, label string) string {
			l := sides[name]
			if l == nil {
				return label + ": not run"
			}
			return fmt.Sprintf("%s: median %s, max %s", label, l["lost_median"], l["lost_max"])
		}
		rows = append(rows, row{
			what:   fmt.Sprintf("gRPC calls lost per SIGTERM under 64 clients (%s stops each)", g["runs"]),
			ours:   fmt.Sprintf("median %s, max %s", g["lost_median"], g["lost_max"]),
			theirs: other("naive", "exits on SIGTERM") + "; " + other("graceful", "`GracefulStop` + timer"),
			ratio:  fmt.Sprintf("%s vs %s vs %s lost in total", g["lost_total"], sides["naive"]["lost_total"], sides["graceful"]["lost_total"]),
			target: "zero lost calls in every stop",
			met:    yesNo(g["lost_max"] == "0"),
		})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no BENCH grpc_ lines")
	}
	return rows, nil
}

// scmLoads names the loads of bench/winload_test.go's stopLoads.
var scmLoads = map[string]string{
	"keepalive": "64 keep-alive clients, 2 ms requests",
	"reconnect": "64 clients reconnecting at once, 50 ms requests",
	"open":      "100 new connections a second, 50 ms requests",
}

func parseWinLoad(out string) ([]row, error) {
	re := regexp.MustCompile(`load: (\d+) ok \((\d+) with Connection: close\), (\d+) refused after the listener closed, (\d+) lost, (\d+) failed`)
	ms := re.FindAllStringSubmatch(out, -1)
	if len(ms) == 0 {
		return nil, fmt.Errorf("no load figures")
	}
	var lost, ok []float64
	for _, m := range ms {
		lost = append(lost, num(m[4])+num(m[5]))
		ok = append(ok, num(m[1]))
	}
	return []row{{
		what:   fmt.Sprintf("Requests lost on `sc stop` under Wine's SCM, 16 keep-alive clients + 4 slow requests (%d stops)", len(ms)),
		ours:   fmt.Sprintf("median %.0f, max %.0f (answered median %.0f)", median(lost), slices.Max(lost), median(ok)),
		theirs: "—",
		ratio:  "—",
		target: "zero lost requests in every stop",
		met:    yesNo(slices.Max(lost) == 0),
	}}, nil
}

var reBench = regexp.MustCompile(`(?m)^Benchmark(\w+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op`)

func parseGenerator(out string) ([]row, error) {
	ns := map[string][]float64{}
	for _, m := range reBench.FindAllStringSubmatch(out, -1) {
		ns[m[1]] = append(ns[m[1]], num(m[2]))
	}
	g, f := ns["GenerateLarge"], ns["FormatLargeOutput"]
	if len(g) == 0 || len(f) == 0 {
		return nil, fmt.Errorf("no generator benchmark figures")
	}
	files := ""
	if m := find(out, `([\d.]+) files`); m != nil {
		files = fmt.Sprintf(" over its %.0f .go files", num(m[1]))
	}
	gm, fm := median(g)/1e6, median(f)/1e6
	return []row{{
		what:   fmt.Sprintf("Project mode on golden/large in process (median of %d)", len(g)),
		ours:   fmtMS(gm),
		theirs: "go/format alone" + files + " " + fmtMS(fm),
		ratio:  fmt.Sprintf("%.2f× the floor", gm/fm),
	}}, nil
}

var reHostile = regexp.MustCompile(`(?m)^BenchmarkParseHostile/(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op.*?\s(\d+) B/op`)

// parseHostile reports the slowest and the most allocating shape, each by
// its median over the runs, against the 1 s and 100 MB the spec promises.
func parseHostile(out string) ([]row, error) {
	ns, bytes := map[string][]float64{}, map[string][]float64{}
	for _, m := range reHostile.FindAllStringSubmatch(out, -1) {
		ns[m[1]] = append(ns[m[1]], num(m[2]))
		bytes[m[1]] = append(bytes[m[1]], num(m[3]))
	}
	if len(ns) == 0 {
		return nil, fmt.Errorf("no hostile spec benchmark figures")
	}
	var slow, big string
	for shape := range ns {
		if slow == "" || median(ns[shape]) > median(ns[slow]) || median(ns[shape]) == median(ns[slow]) && shape < slow {
			slow = shape
		}
		if big == "" || median(bytes[shape]) > median(bytes[big]) || median(bytes[shape]) == median(bytes[big]) && shape < big {
			big = shape
		}
	}
	ms, mb := median(ns[slow])/1e6, median(bytes[big])/(1<<20)
	return []row{{
		what:   fmt.Sprintf("Parse and validate a 1 MiB hostile spec, worst of %d shapes (median of %d)", len(ns), len(ns[slow])),
		ours:   fmt.Sprintf("slowest %s (%s); most allocated %.1f MB (%s)", fmtMS(ms), strings.ReplaceAll(slow, "_", " "), mb, strings.ReplaceAll(big, "_", " ")),
		theirs: "—",
		ratio:  "—",
		target: "every shape under 1 s and 100 MB",
		met:    yesNo(ms < 1000 && mb < 100),
	}}, nil
}

var reBenchLine = regexp.MustCompile(`(?m)^BENCH (\w+)((?: \w+=\S+)+)\s*$`)

func benchLines(out string) map[string]map[string]string {
	all := map[string]map[string]string{}
	for name, lines := range benchLinesAll(out) {
		all[name] = lines[len(lines)-1]
	}
	return all
}

// benchLinesAll is every BENCH line of out, by name, in order.
func benchLinesAll(out string) map[string][]map[string]string {
	all := map[string][]map[string]string{}
	for _, m := range reBenchLine.FindAllStringSubmatch(out, -1) {
		kv := map[string]string{}
		for _, f := range strings.Fields(m[2]) {
			k, v, _ := strings.Cut(f, "=")
			kv[k] = v
		}
		all[m[1]] = append(all[m[1]], kv)
	}
	return all
}

func parseAlternatives(out string) ([]row, error) {
	b := benchLines(out)
	var rows []row
	if fx := b["startstop_fx"]; fx != nil {
		for _, w := range []string{"start", "stop"} {
			g, f, s := num(fx["gen"+w])/1e6, num(fx["fx"+w])/1e6, num(fx["seq"+w])/1e6
			rows = append(rows, row{
				what:   fmt.Sprintf("8 independent 100 ms resources: %s, vs uber-go/fx %s (median of %s)", w, fx["fx_version"], fx["n"]),
				ours:   fmtMS(g),
				theirs: fmt.Sprintf("fx hooks %s; sequential %s", fmtMS(f), fmtMS(s)),
				ratio:  fmt.Sprintf("%.1f× faster than fx, %.1f× than sequential", f/g, s/g),
				target: "≤ 1.3× one resource, about 6× better than sequential (fx runs hooks sequentially)",
				met:    yesNo(g <= 130 && s/g >= 6 && f/g >= 6),
			})
		}
	}
	if w := b["generate_wire"]; w != nil {
		g, k, f, wi := num(w["svcgen"])/1e6, num(w["check"])/1e6, num(w["gofmt"])/1e6, num(w["wire"])/1e6
		gc, kc, fc, wc := num(w["svcgen_cpu"])/1e6, num(w["check_cpu"])/1e6, num(w["gofmt_cpu"])/1e6, num(w["wire_cpu"])/1e6
		rows = append(rows,
			row{
				what:   fmt.Sprintf("Generation of golden/large, one process, wall (CPU) (median of %s; %s .go files)", w["n"], w["go_files"]),
				ours:   fmt.Sprintf("`svcgen generate` %s (%s); `svcgen check` %s (%s)", fmtMS(g), fmtMS(gc), fmtMS(k), fmtMS(kc)),
				theirs: fmt.Sprintf("`gofmt -l` on the output %s (%s)", fmtMS(f), fmtMS(fc)),
				ratio:  fmt.Sprintf("generate %.1f× (%.1f× CPU), check %.1f× (%.1f× CPU) the floor", g/f, gc/fc, k/f, kc/fc),
			},
			row{
				what:   fmt.Sprintf("Generation vs google/wire %s on a 50-provider graph of the same shape, wall (CPU)", w["wire_version"]),
				ours:   fmt.Sprintf("`svcgen generate` %s (%s)", fmtMS(g), fmtMS(gc)),
				theirs: fmt.Sprintf("`wire gen` %s (%s)", fmtMS(wi), fmtMS(wc)),
				ratio:  fmt.Sprintf("%.1f× faster (%.1f× less CPU)", wi/g, wc/gc),
			})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no BENCH lines")
	}
	return rows, nil
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// --- machine --------------------------------------------------------------

type machine struct {
	source                string
	cpus                  int
	model, goVersion      string
	kernel, commit        string
	loadBefore, loadAfter string
}

func describeMachine(root string) machine {
	m := machine{cpus: runtime.NumCPU(), model: "unknown", loadBefore: loadAverage()}
	if b, err := exec.Command("nproc").Output(); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			m.cpus = n
		}
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		if mm := regexp.MustCompile(`(?m)^model name\s*:\s*(.*)$`).FindSubmatch(b); mm != nil {
			m.model = strings.TrimSpace(string(mm[1]))
		}
	}
	if b, err := exec.Command("go", "version").Output(); err == nil {
		m.goVersion = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = runtime.GOOS + " " + strings.TrimSpace(string(b))
	} else {
		m.kernel = runtime.GOOS
	}
	cmd := exec.Command("git", "rev-parse", "--short", "HEAD")
	cmd.Dir = root
	if b, err := cmd.Output(); err == nil {
		m.commit = strings.TrimSpace(string(b))
	}
	return m
}

// loadAverage is the 1, 5 and 15 minute load of /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// --- rendering ------------------------------------------------------------

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func summaryTable(results []*result) string {
	var b strings.Builder
	b.WriteString("| Comparison | svcgen | Alternative | Ratio | Target | Met |\n|---|---|---|---|---|---|\n")
	for _, r := range results {
		for _, x := range r.rows {
			target, met := x.target, x.met
			if target == "" {
				target, met = "none stated (reported)", "—"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", cell(x.what), cell(x.ours), cell(x.theirs), cell(x.ratio), cell(target), met)
		}
		if r.status != "ok" && len(r.rows) == 0 {
			fmt.Fprintf(&b, "| %s | %s | | | | |\n", cell(r.suite.title), cell(r.status))
		}
	}
	return b.String()
}

func render(m machine, start, end time.Time, results []*result) string {
	var b strings.Builder
	b.WriteString("# Benchmark report\n\n")
	b.WriteString("Written by `go run ./bench/cmd/report` from the repository root; every figure below comes from that one run,\n")
	fmt.Fprintf(&b, "of %s. Medians of at least 5 rounds; how each suite orders its sides is under Suites.\n\n", m.source)
	fmt.Fprintf(&b, "- Date: %s – %s UTC\n", start.Format("2006-01-02 15:04"), end.Format("15:04"))
	fmt.Fprintf(&b, "- Machine: %d CPUs (nproc), %s, %s\n", m.cpus, m.model, m.kernel)
	fmt.Fprintf(&b, "- Go: %s\n", m.goVersion)
	if m.commit != "" {
		fmt.Fprintf(&b, "- Commit: %s\n", m.commit)
	}
	fmt.Fprintf(&b, "- Load average (1, 5, 15 min) at start: %s; at end: %s. ", m.loadBefore, m.loadAfter)
	if l, err := strconv.ParseFloat(strings.Fields(m.loadBefore + " 0")[0], 64); err == nil && l > float64(m.cpus) {
		fmt.Fprintf(&b, "The machine was shared with other test runs (load above its %d CPUs): wall times are inflated and noisier than on an idle machine; CPU times and ratios of sides measured in the same round are the steadier figures.\n\n", m.cpus)
	} else {
		b.WriteString("\n\n")
	}

	b.WriteString("## Summary\n\n")
	b.WriteString(summaryTable(results))
	b.WriteString("\n")

	met, missed, none := 0, 0, 0
	for _, r := range results {
		for _, x := range r.rows {
			switch x.met {
			case "yes":
				met++
			case "no":
				missed++
			default:
				none++
			}
		}
	}
	fmt.Fprintf(&b, "Targets met: %d; not met: %d; comparisons without a stated target: %d.\n\n", met, missed, none)

	b.WriteString("## Suites\n\n")
	b.WriteString("| Suite | Method | Status | Took |\n|---|---|---|---|\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", cell(r.suite.title), cell(r.suite.method), cell(firstLine(r.status)), r.took.Round(time.Second))
	}
	b.WriteString("\n## What each benchmark printed\n\n")
	for _, r := range results {
		fmt.Fprintf(&b, "### %s\n\n", r.suite.title)
		if r.status != "ok" {
			fmt.Fprintf(&b, "Status: %s\n\n", firstLine(r.status))
		}
		var lines []string
		for _, l := range r.excerpt {
			if len(l) > 240 {
				l = l[:240] + " …"
			}
			lines = append(lines, l)
		}
		if len(lines) > 60 {
			lines = append(lines[:60], "…")
		}
		if len(lines) > 0 {
			b.WriteString("```\n" + strings.Join(lines, "\n") + "\n```\n\n")
		}
	}
	b.WriteString("## How to run\n\n")
	b.WriteString("```\ngo run ./bench/cmd/report                      # everything, writes bench/REPORT.md\ngo run ./bench/cmd/report -only lifecycle,pools  # some suites\ngo run ./bench/cmd/report -skip scm,scmlost,winload,winupgrade  # without Wine\ngo run ./bench/cmd/report -head                   # measure HEAD, not the edits in progress\n```\n\n")
	b.WriteString("Suites: lifecycle, http, grpc, pools and poolconnect (PostgreSQL at 127.0.0.1:5432 or SVCGEN_BENCH_PG_DSN), gogenerate, scm, scmlost and winload (Wine), generator, hostile, upgrade (Linux; builds the tableflip server of module bench/alternatives), winupgrade (Wine), alternatives (module bench/alternatives, fetches uber-go/fx and google/wire through the Go module proxy on first use). ")
	b.WriteString("Each suite is also runnable alone; the command is in the comment at the top of its test file.\n")
	return b.String()
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// parseUpgrade reads TestUpgradeRestart's RESULT lines: per restart and
// side, refused, lost and the time to the new binary's first answer.
func parseUpgrade(out string) ([]row, error) {
	type side struct {
		refused, lost, took []float64
	}
	sides := map[string]*side{}
	re := regexp.MustCompile(`(?m)^RESULT upgrade side=(\w+) refused=(\d+) lost=(\d+) failed=(\d+) took_ms=([\d.]+)$`)
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		s := sides[m[1]]
		if s == nil {
			s = &side{}
			sides[m[1]] = s
		}
		s.refused = append(s.refused, num(m[2]))
		s.lost = append(s.lost, num(m[3])+num(m[4]))
		s.took = append(s.took, num(m[5]))
	}
	ours, plain, tf := sides["svcgen"], sides["plain"], sides["tableflip"]
	if ours == nil || plain == nil || tf == nil {
		return nil, fmt.Errorf("upgrade: missing RESULT lines")
	}
	total := func(v []float64) float64 {
		var t float64
		for _, x := range v {
			t += x
		}
		return t
	}
	per := func(v []float64) string {
		return fmt.Sprintf("median %.0f, max %.0f", median(v), slices.Max(v))
	}
	n := len(ours.took)
	zero := total(ours.refused) == 0 && total(ours.lost) == 0
	return []row{
		{
			what:   fmt.Sprintf("Restart to a new binary under 64 keep-alive clients + 100 new connections/s: refused / lost per restart (%d restarts each)", n),
			ours:   "upgrade (SIGUSR2): refused " + per(ours.refused) + "; lost " + per(ours.lost),
			theirs: "plain restart (SIGTERM, start): refused " + per(plain.refused) + ", lost " + per(plain.lost) + "; tableflip v1.2.3 + `Shutdown`: refused " + per(tf.refused) + ", lost " + per(tf.lost),
			ratio:  fmt.Sprintf("%.0f+%.0f vs %.0f+%.0f vs %.0f+%.0f refused+lost in total", total(ours.refused), total(ours.lost), total(plain.refused), total(plain.lost), total(tf.refused), total(tf.lost)),
			target: "0 refused, 0 lost in every restart",
			met:    yesNo(zero),
		},
		{
			what:   fmt.Sprintf("Restart request → first answer of the new binary on a new connection (median of %d)", n),
			ours:   "upgrade " + fmtMS(median(ours.took)),
			theirs: "plain restart " + fmtMS(median(plain.took)) + "; tableflip " + fmtMS(median(tf.took)),
			ratio:  fmt.Sprintf("svcgen/tableflip %.2f", median(ours.took)/median(tf.took)),
			target: "none stated (reported)",
			met:    "—",
		},
	}, nil
}

// parseWinUpgrade reads the BENCH lines of TestWindowsUpgradeRestart (per
// restart and side: refused, lost, time to the new binary's first answer;
// the SCM states seen during the upgrades) and TestWindowsUpgradeThroughput.
func parseWinUpgrade(out string) ([]row, error) {
	type side struct{ refused, lost, took []float64 }
	sides := map[string]*side{}
	for _, l := range benchLinesAll(out)["winupgrade_restart"] {
		s := sides[l["side"]]
		if s == nil {
			s = &side{}
			sides[l["side"]] = s
		}
		s.refused = append(s.refused, num(l["refused"]))
		s.lost = append(s.lost, num(l["lost"])+num(l["failed"]))
		s.took = append(s.took, num(l["took"])/1e6)
	}
	b := benchLines(out)
	var rows []row
	if ours, plain, scm := sides["upgrade"], sides["plain"], b["winupgrade_scm"]; ours != nil && plain != nil && scm != nil {
		per := func(v []float64) string { return fmt.Sprintf("median %.0f, max %.0f", median(v), slices.Max(v)) }
		running := "RUNNING throughout (" + scm["queries"] + " `sc query`)"
		if scm["not_running"] != "0" {
			running = "`sc query` showed " + scm["states"]
		}
		n := len(ours.took)
		rows = append(rows,
			row{
				what:   fmt.Sprintf("Windows service under Wine's SCM, restart to a new binary under 64 keep-alive clients + 100 new connections/s: refused / lost per restart (%d restarts each)", n),
				ours:   "upgrade verb: refused " + per(ours.refused) + "; lost " + per(ours.lost) + "; " + running,
				theirs: "`sc stop` + `sc start`: refused " + per(plain.refused) + ", lost " + per(plain.lost),
				ratio:  fmt.Sprintf("%.0f+%.0f vs %.0f+%.0f refused+lost in total", sum(ours.refused), sum(ours.lost), sum(plain.refused), sum(plain.lost)),
				target: "0 refused, 0 lost in every upgrade, RUNNING throughout",
				met:    yesNo(sum(ours.refused) == 0 && sum(ours.lost) == 0 && scm["not_running"] == "0"),
			},
			row{
				what:   fmt.Sprintf("Windows service under Wine's SCM: restart request → first answer of the new binary on a new connection (median of %d)", n),
				ours:   "upgrade verb " + fmtMS(median(ours.took)),
				theirs: "`sc stop` + `sc start` " + fmtMS(median(plain.took)),
				ratio:  fmt.Sprintf("upgrade/plain %.2f", median(ours.took)/median(plain.took)),
			})
	}
	if h := b["winupgrade_http"]; h != nil {
		rows = append(rows, row{
			what: fmt.Sprintf("HTTP to a Windows service under Wine, %s keep-alive clients on loopback, served by a worker after an upgrade vs by its own engine (median of %s rounds)", h["clients"], h["n"]),
			ours: fmt.Sprintf("worker (socketListener, `*os.File` connections) %s req/s, p50 %s, p99 %s",
				h["worker_rps"], fmtMS(num(h["worker_p50"])/1e6), fmtMS(num(h["worker_p99"])/1e6)),
			theirs: fmt.Sprintf("own engine (Go's net listener) %s req/s, p50 %s, p99 %s",
				h["own_rps"], fmtMS(num(h["own_p50"])/1e6), fmtMS(num(h["own_p99"])/1e6)),
			ratio: fmt.Sprintf("worker/own: req/s %.2f, p50 %.2f, p99 %.2f", num(h["worker_rps"])/num(h["own_rps"]),
				num(h["worker_p50"])/num(h["own_p50"]), num(h["worker_p99"])/num(h["own_p99"])),
		})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no BENCH winupgrade_ lines")
	}
	return rows, nil
}

func sum(v []float64) (s float64) {
	for _, x := range v {
		s += x
	}
	return s
}
