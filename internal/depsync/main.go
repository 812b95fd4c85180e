// Command depsync records the module requirements of generated projects.
//
// Generated projects must build right after generation, with no `go mod
// tidy` and no network beyond the module cache, so their go.mod and go.sum
// are written from pinned data: for each feature (a library a spec can ask
// for) the require lines and go.sum lines that `go mod tidy` produces for a
// module importing just that feature. depsync computes them with the real
// go command and writes templates/deps/<feature>.mod and .sum; it then
// checks that for every combination of features the union of their
// require lines equals what tidy produces, and the union of their go.sum
// lines holds every line tidy keeps, so the generator can merge them.
//
//	go run ./internal/depsync            # rewrite templates/deps
//	go run ./internal/depsync -check     # fail if templates/deps is stale
package main

import (
	"bytes"
	"flag"
	"fmt"
	"math/bits"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// goVersion is the go directive of generated go.mod files.
const goVersion = "1.26.0"

// feature is a library generated code may import, with the packages that
// import it and the pinned root modules.
type feature struct {
	name     string
	imports  []string // packages a generated file imports
	requires []string // module@version pins of the roots
}

// features is the whole pinned set. To upgrade a library, change its
// version here and run depsync.
var features = []feature{
	{"base", []string{"golang.org/x/sys/windows/svc", "golang.org/x/sys/windows/svc/mgr", "golang.org/x/sys/windows/svc/eventlog"}, []string{"golang.org/x/sys@v0.49.0"}},
	{"pgx", []string{"github.com/jackc/pgx/v5/stdlib"}, []string{"github.com/jackc/pgx/v5@v5.12.0"}},
	{"mysql", []string{"github.com/go-sql-driver/mysql"}, []string{"github.com/go-sql-driver/mysql@v1.10.1"}},
	{"sqlserver", []string{"github.com/microsoft/go-mssqldb"}, []string{"github.com/microsoft/go-mssqldb@v1.11.2"}},
	{"redis", []string{"github.com/redis/go-redis/v9"}, []string{"github.com/redis/go-redis/v9@v9.23.0"}},
	{"prometheus", []string{"github.com/prometheus/client_golang/prometheus", "github.com/prometheus/client_golang/prometheus/promhttp"}, []string{"github.com/prometheus/client_golang@v1.25.0"}},
	{"lumberjack", []string{"gopkg.in/natefinch/lumberjack.v2"}, []string{"gopkg.in/natefinch/lumberjack.v2@v2.2.1"}},
	{"grpc", []string{"google.golang.org/grpc", "google.golang.org/grpc/codes", "google.golang.org/grpc/credentials", "google.golang.org/grpc/health",
		"google.golang.org/grpc/health/grpc_health_v1", "google.golang.org/grpc/keepalive", "google.golang.org/grpc/reflection", "google.golang.org/grpc/status"},
		[]string{"google.golang.org/grpc@v1.85.0", "google.golang.org/protobuf@v1.36.12"}},
}

func main() {
	check := flag.Bool("check", false, "report stale files instead of writing them")
	dir := flag.String("dir", "templates/deps", "output directory")
	flag.Parse()
	// The universe (every feature at once) fixes one version per module;
	// each feature is then pinned to those versions so features merge.
	universe, _, err := tidy(features, "")
	if err != nil {
		fail("all features: %v", err)
	}
	results := map[string][2]string{}
	var order []string
	for i, f := range features {
		set := []feature{f}
		if i > 0 {
			set = []feature{features[0], f} // base is in every project
		}
		mod, sum, err := tidy(set, universe)
		if err != nil {
			fail("%s: %v", f.name, err)
		}
		results[f.name] = [2]string{mod, sum}
		order = append(order, f.name)
	}
	// Every combination's merged go.mod must already be tidy, and its
	// merged go.sum must hold every line tidy keeps (tidy may drop a go.mod
	// hash that another feature needed; an extra line is harmless to a
	// build, a missing one is not).
	// Combinations go smallest first, so a larger one sees the extra lines
	// of the smaller ones it contains.
	n := len(features) - 1
	masks := make([]int, 0, 1<<n)
	for mask := 1; mask < 1<<n; mask++ {
		masks = append(masks, mask)
	}
	sort.SliceStable(masks, func(i, j int) bool { return bits.OnesCount(uint(masks[i])) < bits.OnesCount(uint(masks[j])) })
	for _, mask := range masks {
		set := []feature{features[0]}
		for i := 0; i < n; i++ {
			if mask&(1<<i) != 0 {
				set = append(set, features[i+1])
			}
		}
		var mods, sums []string
		for _, f := range set {
			mods = append(mods, results[f.name][0])
			sums = append(sums, results[f.name][1])
		}
		merged := mergeLines(mods...)
		mod, sum, err := tidy(set, merged)
		if err != nil {
			fail("combination %v: %v", names(set), err)
		}
		if merged != mod {
			fail("combination %v: merged requirements are not tidy:\n%s\nvs\n%s", names(set), merged, mod)
		}
		// Lines this combination needs beyond its features' own (a module
		// that only two libraries together pull in) are kept in a file
		// named by the combination, which the generator adds when all of
		// its features are present.
		have := map[string]bool{}
		for _, l := range strings.Split(mergeLines(sums...), "\n") {
			have[l] = true
		}
		for key, lines := range results {
			if strings.Contains(key, "+") && subset(strings.Split(key, "+"), names(set)) {
				for _, l := range strings.Split(lines[1], "\n") {
					have[l] = true
				}
			}
		}
		var extra []string
		for _, l := range strings.Split(strings.TrimSpace(sum), "\n") {
			if !have[l] {
				extra = append(extra, l)
			}
		}
		if len(extra) > 0 {
			key := strings.Join(names(set)[1:], "+")
			order = append(order, key)
			results[key] = [2]string{"", mergeLines(extra...)}
		}
	}
	stale := false
	want := map[string][]byte{}
	for _, key := range order {
		if !strings.Contains(key, "+") {
			want[key+".mod"] = []byte(results[key][0])
		}
		want[key+".sum"] = []byte(results[key][1])
	}
	old, _ := filepath.Glob(filepath.Join(*dir, "*.*"))
	for _, p := range old {
		if _, ok := want[filepath.Base(p)]; !ok {
			if *check {
				fmt.Fprintf(os.Stderr, "%s is no longer needed: run go run ./internal/depsync\n", p)
				stale = true
			} else if err := os.Remove(p); err != nil {
				fail("%v", err)
			}
		}
	}
	for _, name := range sortedNames(want) {
		p := filepath.Join(*dir, name)
		have, _ := os.ReadFile(p)
		if bytes.Equal(have, want[name]) {
			continue
		}
		if *check {
			fmt.Fprintf(os.Stderr, "%s is stale: run go run ./internal/depsync\n", p)
			stale = true
			continue
		}
		if err := os.WriteFile(p, want[name], 0o644); err != nil {
			fail("%v", err)
		}
	}
	if stale {
		os.Exit(1)
	}
}

// tidy makes a scratch module importing the features and returns its
// require lines ("path version" or "path version // indirect", sorted) and
// its go.sum, as go mod tidy leaves them.
// pins, when given, are require lines ("path version ...") applied to the
// modules tidy selects, so shared dependencies get the universe's version.
func tidy(set []feature, pins string) (string, string, error) {
	dir, err := os.MkdirTemp("", "depsync")
	if err != nil {
		return "", "", err
	}
	defer os.RemoveAll(dir)
	var src strings.Builder
	src.WriteString("//go:build tools\n\npackage deps\n\nimport (\n")
	for _, f := range set {
		for _, imp := range f.imports {
			fmt.Fprintf(&src, "\t_ %q\n", imp)
		}
	}
	src.WriteString(")\n")
	if err := os.WriteFile(filepath.Join(dir, "deps.go"), []byte(src.String()), 0o644); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module deps\n\ngo "+goVersion+"\n"), 0o644); err != nil {
		return "", "", err
	}
	for _, f := range set {
		for _, r := range f.requires {
			if err := run(dir, "go", "mod", "edit", "-require="+r); err != nil {
				return "", "", err
			}
		}
	}
	if err := run(dir, "go", "mod", "tidy"); err != nil {
		return "", "", err
	}
	if pins != "" {
		if err := pin(dir, pins); err != nil {
			return "", "", err
		}
	}
	out, err := exec.Command("go", "list", "-C", dir, "-m", "-f", "{{if not .Main}}{{.Path}} {{.Version}}{{if .Indirect}} // indirect{{end}}{{end}}", "all").Output()
	if err != nil {
		return "", "", fmt.Errorf("go list -m: %w", err)
	}
	// go list -m all includes modules only in the graph; keep the ones
	// go.mod requires, which is what tidy wrote.
	modData, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "", "", err
	}
	required := map[string]bool{}
	for _, l := range strings.Split(string(modData), "\n") {
		fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(l), "require "))
		if len(fields) >= 2 && strings.HasPrefix(fields[1], "v") {
			required[fields[0]+" "+fields[1]] = true
		}
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(l)
		if len(fields) >= 2 && required[fields[0]+" "+fields[1]] {
			lines = append(lines, l)
		}
	}
	sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	if err != nil && !os.IsNotExist(err) {
		return "", "", err
	}
	return mergeLines(strings.Join(lines, "\n")), mergeLines(string(sum)), nil
}

// pin raises every module the scratch module requires to the version pins
// names for it, then tidies again.
func pin(dir, pins string) error {
	want := map[string]string{}
	for _, l := range strings.Split(pins, "\n") {
		if f := strings.Fields(l); len(f) >= 2 {
			want[f[0]] = f[1]
		}
	}
	out, err := exec.Command("go", "list", "-C", dir, "-m", "-f", "{{if not .Main}}{{.Path}}{{end}}", "all").Output()
	if err != nil {
		return fmt.Errorf("go list -m: %w", err)
	}
	args := []string{"mod", "edit"}
	for _, p := range strings.Fields(string(out)) {
		if v, ok := want[p]; ok {
			args = append(args, "-require="+p+"@"+v)
		}
	}
	if err := run(dir, "go", args...); err != nil {
		return err
	}
	return run(dir, "go", "mod", "tidy")
}

// mergeLines is the sorted union of the non-empty lines of the inputs.
func mergeLines(texts ...string) string {
	seen := map[string]bool{}
	var all []string
	for _, t := range texts {
		for _, l := range strings.Split(t, "\n") {
			if l = strings.TrimSpace(l); l != "" && !seen[l] {
				seen[l] = true
				all = append(all, l)
			}
		}
	}
	sort.Strings(all)
	if len(all) == 0 {
		return ""
	}
	return strings.Join(all, "\n") + "\n"
}

func run(dir string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

func sortedNames(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func names(set []feature) []string {
	var out []string
	for _, f := range set {
		out = append(out, f.name)
	}
	return out
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "depsync: "+format+"\n", args...)
	os.Exit(1)
}
