package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/spec"
)

// TestPoolWarmup compares the generated warmup of 10 PostgreSQL connections
// with one connect and with the sequential loop of `SELECT 1` that the
// usual advice gives, on the same server, side by side:
//
//	SVCGEN_BENCH=1 go test ./bench/ -run TestPoolWarmup -v -count=1
//
// A fourth row holds the same 10 connections opened one after another, to
// show what opening them at once saves.
//
// It generates a service with one sql resource (warm = 10), drops a
// benchmark file next to the generated code, runs it 5 times (-count 5,
// each 20 operations on a fresh pool) and prints the medians: time per
// operation and connections left open and idle afterwards. PostgreSQL is
// taken from SVCGEN_BENCH_PG_DSN (default: the local server, user postgres,
// database test).
func TestPoolWarmup(t *testing.T) {
	skipUnlessBench(t)
	dsn := pgDSN("application_name=svcgen-bench")
	dir := t.TempDir()
	src := `[service]
name = "poolbench"
module = "example.com/poolbench"

[resource.db]
kind = "sql"
driver = "pgx"
dsn_env = "POOLBENCH_DSN"
max_idle = 10
warm = 10
`
	s, err := spec.Parse("poolbench.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	files, err := generator.Generate(s, generator.Options{Mode: generator.ProjectMode})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "poolwarm_bench_test.go"), []byte(poolBenchFile), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", ".", "-benchtime", "20x", "-count", "5")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "POOLBENCH_DSN="+dsn)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test -bench in the generated project: %v\n%s", err, out)
	}
	rows := parseBench(string(out))
	gen, one, seq, serial := rows["GeneratedWarm10"], rows["OneConnect"], rows["SequentialSelect1x10"], rows["SerialConnx10"]
	if gen.runs < 5 || one.runs < 5 || seq.runs < 5 || serial.runs < 5 {
		t.Fatalf("expected 5 runs of each benchmark:\n%s", out)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "PostgreSQL warmup of 10 connections, medians of %d runs x 20 fresh pools\n", gen.runs)
	fmt.Fprintf(&b, "  %-44s %10s %18s\n", "", "time/op", "connections warm")
	for _, r := range []struct {
		name string
		row  benchRow
	}{
		{"generated warmup (warm = 10)", gen},
		{"one connect (sql.Open + Ping)", one},
		{"sequential SELECT 1 x 10 (max_idle 10)", seq},
		{"10 connections held one after another", serial},
	} {
		fmt.Fprintf(&b, "  %-44s %8.2fms %18.0f\n", r.name, r.row.ns/1e6, r.row.warm)
	}
	fmt.Fprintf(&b, "  generated warmup / one connect: %.2fx for 10x the connections\n", gen.ns/one.ns)
	fmt.Fprintf(&b, "  generated warmup / the same 10 connections opened one after another: %.2fx\n", gen.ns/serial.ns)
	fmt.Fprintf(&b, "  connections left warm: generated %.0f vs sequential loop %.0f\n", gen.warm, seq.warm)
	t.Log("\n" + b.String())
}

// pgDSN is the PostgreSQL of the pool benchmarks: SVCGEN_BENCH_PG_DSN, or
// the local server (trust auth, user postgres, database test) with query.
func pgDSN(query string) string {
	if dsn := os.Getenv("SVCGEN_BENCH_PG_DSN"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/test?" + query
}

// benchRow holds the medians of one benchmark over its runs.
type benchRow struct {
	runs     int
	ns, warm float64
}

var benchLine = regexp.MustCompile(`^Benchmark(\w+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(?:\s+([\d.]+) warm_conns)?`)

func parseBench(out string) map[string]benchRow {
	ns, warm := map[string][]float64{}, map[string][]float64{}
	for _, l := range strings.Split(out, "\n") {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		v, _ := strconv.ParseFloat(m[2], 64)
		ns[m[1]] = append(ns[m[1]], v)
		w, _ := strconv.ParseFloat(m[3], 64)
		warm[m[1]] = append(warm[m[1]], w)
	}
	rows := map[string]benchRow{}
	for name := range ns {
		rows[name] = benchRow{runs: len(ns[name]), ns: median(ns[name]), warm: median(warm[name])}
	}
	return rows
}

// poolBenchFile is the benchmark dropped into the generated project: it
// calls the runtime's OpenSQL with the generated constants and compares it
// with the plain ways.
const poolBenchFile = `package main

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
	"testing"

	"example.com/poolbench/internal/svcrt"
)

func BenchmarkGeneratedWarm10(b *testing.B) {
	log := slog.New(slog.DiscardHandler)
	var warm int
	for range b.N {
		db, err := svcrt.OpenSQL(context.Background(), log, svcrt.SQLPool{
			Name: "db", Driver: svcDBDriver, DSNEnv: svcDBDsnEnv, MaxOpen: svcDBMaxOpen, MaxIdle: svcDBMaxIdle,
			ConnMaxLifetime: svcDBConnMaxLifetime, PingTimeout: svcDBPingTimeout, Warm: svcDBWarm,
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		warm = db.Stats().Idle
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(warm), "warm_conns")
}

func BenchmarkOneConnect(b *testing.B) {
	var warm int
	for range b.N {
		db, err := sql.Open("pgx", os.Getenv("POOLBENCH_DSN"))
		if err != nil {
			b.Fatal(err)
		}
		if err := db.PingContext(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		warm = db.Stats().Idle
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(warm), "warm_conns")
}

func BenchmarkSerialConnx10(b *testing.B) {
	var warm int
	for range b.N {
		db, err := sql.Open("pgx", os.Getenv("POOLBENCH_DSN"))
		if err != nil {
			b.Fatal(err)
		}
		db.SetMaxIdleConns(10)
		var conns []*sql.Conn
		for range 10 {
			c, err := db.Conn(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			if err := c.PingContext(context.Background()); err != nil {
				b.Fatal(err)
			}
			conns = append(conns, c)
		}
		for _, c := range conns {
			c.Close()
		}
		b.StopTimer()
		warm = db.Stats().Idle
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(warm), "warm_conns")
}

func BenchmarkSequentialSelect1x10(b *testing.B) {
	var warm int
	for range b.N {
		db, err := sql.Open("pgx", os.Getenv("POOLBENCH_DSN"))
		if err != nil {
			b.Fatal(err)
		}
		db.SetMaxIdleConns(10)
		for range 10 {
			if _, err := db.ExecContext(context.Background(), "SELECT 1"); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		warm = db.Stats().Idle
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(warm), "warm_conns")
}
`
