package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestGoGenerate measures package mode the way a repository uses it: the
// wall time of one `go generate` in the testdata app (svcgen on PATH,
// everything already generated, warm build cache) against `go list -e
// -json .` on the same package, the floor a go/packages load cannot beat.
// Runs alternate so that all sides see the same machine; medians of 9,
// and the minimum of 9 (less disturbed by other load on the machine):
//
//	SVCGEN_BENCH=1 go test ./bench/ -run TestGoGenerate -v -count=1
//
// go generate is timed five ways: nothing changed since the last run;
// a user file of the package edited just before (the package is
// type-checked afresh, its listing comes from svcgen's cache); go.mod and
// the sibling package internal/catalog edited (svcgen's cache still holds
// the package's own listing, and the dependencies are not needed: the
// functions the spec names are settled by the package's syntax); the
// first run in the package, with an empty svcgen cache of its own (the go
// command lists the package alone, and svcgen keeps that listing); and
// with SVCGEN_CACHE=off, where every run lists the package and keeps
// nothing.
//
// Three packages of internal/pkgmode/testdata/shop: cmd/mailer has no
// OS-specific file; cmd/orders has a Windows-only file that imports
// nothing new; cmd/agent has a Windows-only file importing
// golang.org/x/sys/windows (a load with the dependencies would list it
// twice, for this OS and GOOS=windows). The Windows-only files are
// type-checked in process.
func TestGoGenerate(t *testing.T) {
	skipUnlessBench(t)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "svcgen"), "github.com/svcgen/svcgen/cmd/svcgen").CombinedOutput(); err != nil {
		t.Fatalf("build svcgen: %v\n%s", err, out)
	}
	mod := filepath.Join(tmp, "shop")
	if err := os.CopyFS(mod, os.DirFS(filepath.Join("..", "internal", "pkgmode", "testdata", "shop"))); err != nil {
		t.Fatal(err)
	}
	// The module cache may be empty on a fresh machine: fill it before
	// going offline for the measured runs.
	if out, err := exec.Command("go", "-C", mod, "mod", "download").CombinedOutput(); err != nil {
		t.Fatalf("go mod download: %v\n%s", err, out)
	}
	env := append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "GOPROXY=off",
		"SVCGEN_CACHE="+filepath.Join(tmp, "cache"))
	run := func(dir string, extra []string, args ...string) time.Duration {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		cmd.Env = append(env, extra...)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		d := time.Since(start)
		if err != nil {
			t.Fatalf("%s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
		}
		return d
	}
	noCache := []string{"SVCGEN_CACHE=off"}
	const n = 9
	fmt.Printf("\n%-12s %-34s %10s %10s %7s %10s %7s\n", "package", "command", "median", "go list", "ratio", "min", "ratio")
	for _, c := range []struct{ pkg, userFile string }{
		{"cmd/orders", "api.go"}, {"cmd/mailer", "web.go"}, {"cmd/agent", "agent.go"},
	} {
		dir := filepath.Join(mod, filepath.FromSlash(c.pkg))
		// Generate, then build once: the build cache then holds the
		// export data of every dependency for this OS and Windows. The
		// second go generate and svcgen run fill svcgen's cache.
		run(dir, nil, "go", "generate")
		run(dir, nil, "go", "build", "-o", os.DevNull, ".")
		run(dir, nil, "env", "GOOS=windows", "go", "build", "-o", os.DevNull, ".")
		run(dir, nil, "go", "generate")
		run(dir, nil, filepath.Join(bin, "svcgen"), "generate", "-package")
		edit := func(file string, round int) {
			f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(f, "\n// edited in round %d\n", round)
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
		}
		var unchanged, edited, depsEdited, first, cold, direct, list, pkgsList []time.Duration
		for i := range n {
			// svcgen run by hand has its own cache entry (go generate
			// sets GOOS, GOARCH, GOROOT and PATH): bring it up to date
			// after the last round's edits, then time it unchanged.
			run(dir, nil, filepath.Join(bin, "svcgen"), "generate", "-package")
			direct = append(direct, run(dir, nil, filepath.Join(bin, "svcgen"), "generate", "-package"))
			unchanged = append(unchanged, run(dir, nil, "go", "generate"))
			edit(filepath.Join(dir, c.userFile), i)
			edited = append(edited, run(dir, nil, "go", "generate"))
			// What the dependencies' listing depends on: go.mod, and
			// the sibling package cmd/orders imports (recompiled).
			edit(filepath.Join(mod, "go.mod"), i)
			edit(filepath.Join(mod, "internal", "catalog", "catalog.go"), i)
			depsEdited = append(depsEdited, run(dir, nil, "go", "generate"))
			first = append(first, run(dir, []string{"SVCGEN_CACHE=" + filepath.Join(tmp, fmt.Sprintf("first-%s-%d", path.Base(c.pkg), i))}, "go", "generate"))
			cold = append(cold, run(dir, noCache, "go", "generate"))
			list = append(list, run(dir, nil, "go", "list", "-e", "-json", "."))
			pkgsList = append(pkgsList, run(dir, nil, "go", "list", "-e", "-json", "-compiled=true", "-export=true", "-deps=true", "-pgo=off", "."))
		}
		ml, minl := median(list), slices.Min(list)
		for _, row := range []struct {
			name string
			ds   []time.Duration
		}{
			{"go generate, unchanged", unchanged},
			{"go generate, user file edited", edited},
			{"go generate, go.mod+sibling edited", depsEdited},
			{"go generate, first run in package", first},
			{"go generate, SVCGEN_CACHE=off", cold},
			{"svcgen generate -package, unchanged", direct},
			{"go list -e -json .", list},
			// What the dependencies' export data costs when syntax
			// cannot settle a signature (the full load asks for the
			// imports' alone, which comes to about as much).
			{"go list -export -deps", pkgsList},
		} {
			d, m := median(row.ds), slices.Min(row.ds)
			fmt.Printf("%-12s %-34s %10s %10s %6.2fx %10s %6.2fx\n", c.pkg, row.name,
				d.Round(time.Millisecond), ml.Round(time.Millisecond), float64(d)/float64(ml),
				m.Round(time.Millisecond), float64(m)/float64(minl))
		}
		ms := func(ds []time.Duration) string { return fmt.Sprintf("%.1f", float64(median(ds))/1e6) }
		Line("gogen_"+path.Base(c.pkg), "n", n, "list_ms", ms(list), "unchanged_ms", ms(unchanged), "edited_ms", ms(edited), "depsedit_ms", ms(depsEdited),
			"first_ms", ms(first), "nocache_ms", ms(cold), "direct_ms", ms(direct), "exportdeps_ms", ms(pkgsList))
	}
}
