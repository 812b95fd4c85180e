package bench

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
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
// Runs alternate so that both see the same machine; medians of 9, and the
// minimum of 9 (less disturbed by other load on the machine):
//
//	SVCGEN_BENCH=1 go test ./bench/ -run TestGoGenerate -v -count=1
//
// Three packages of internal/pkgmode/testdata/shop: cmd/mailer has no
// OS-specific file and is loaded once; cmd/orders has a Windows-only file
// that imports nothing new, type-checked in process after the one load;
// cmd/agent has a Windows-only file importing golang.org/x/sys/windows, so
// it is loaded twice (this OS and GOOS=windows, concurrently).
func TestGoGenerate(t *testing.T) {
	skipUnlessBench(t)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "svcgen"), "github.com/svcgen/svcgen/cmd/svcgen").CombinedOutput(); err != nil {
		t.Fatalf("build svcgen: %v\n%s", err, out)
	}
	mod := filepath.Join(tmp, "shop")
	if err := copyTreeGen(filepath.Join("..", "internal", "pkgmode", "testdata", "shop"), mod); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "GOPROXY=off")
	run := func(dir string, args ...string) time.Duration {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		cmd.Env = env
		start := time.Now()
		out, err := cmd.CombinedOutput()
		d := time.Since(start)
		if err != nil {
			t.Fatalf("%s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
		}
		return d
	}
	const n = 9
	fmt.Printf("\n%-12s %-28s %10s %10s %7s %10s %7s\n", "package", "command", "median", "go list", "ratio", "min", "ratio")
	for _, pkg := range []string{"cmd/orders", "cmd/mailer", "cmd/agent"} {
		dir := filepath.Join(mod, filepath.FromSlash(pkg))
		// Generate, then build once: the build cache then holds the
		// export data of every dependency for this OS and Windows.
		run(dir, "go", "generate")
		run(dir, "go", "build", "-o", os.DevNull, ".")
		run(dir, "env", "GOOS=windows", "go", "build", "-o", os.DevNull, ".")
		var gen, direct, list, pkgsList []time.Duration
		for range n {
			gen = append(gen, run(dir, "go", "generate"))
			direct = append(direct, run(dir, filepath.Join(bin, "svcgen"), "generate", "-package"))
			list = append(list, run(dir, "go", "list", "-e", "-json", "."))
			pkgsList = append(pkgsList, run(dir, "go", "list", "-e", "-json", "-compiled=true", "-export=true", "-deps=true", "-pgo=off", "."))
		}
		ml, minl := medianDur(list), slices.Min(list)
		for _, row := range []struct {
			name string
			ds   []time.Duration
		}{
			{"go generate", gen},
			{"svcgen generate -package", direct},
			{"go list -e -json .", list},
			// The go list that go/packages runs for NeedTypes without
			// NeedDeps: export data of every dependency.
			{"go list -export -deps", pkgsList},
		} {
			d, m := medianDur(row.ds), slices.Min(row.ds)
			fmt.Printf("%-12s %-28s %10s %10s %6.2fx %10s %6.2fx\n", pkg, row.name,
				d.Round(time.Millisecond), ml.Round(time.Millisecond), float64(d)/float64(ml),
				m.Round(time.Millisecond), float64(m)/float64(minl))
		}
	}
}

func medianDur(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func copyTreeGen(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
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
}
