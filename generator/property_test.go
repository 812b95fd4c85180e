package generator

import (
	"errors"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/artifactcheck"
	"github.com/svcgen/svcgen/internal/gocheck"
	"github.com/svcgen/svcgen/internal/specgen"
	"github.com/svcgen/svcgen/spec"
	"github.com/svcgen/svcgen/templates"
)

// The property: every spec that spec accepts generates, the project
// type-checks and vets for linux and windows, and its unit file, manifest
// and README keep their grammar (artifactcheck). internal/specgen writes the
// random specs; internal/gocheck checks each project in memory. The
// default run checks a few hundred specs; the long run, by hand:
//
//	go test ./generator -run TestEveryValidSpecBuilds -args -specs=10000
//	SVCGEN_PROPERTY_SPECS=10000 go test ./generator -run TestEveryValidSpecBuilds
//
// -seed=N starts at another seed; a failure prints its seed, so
// -seed=N -specs=1 checks that spec alone.
var (
	propertySpecs = flag.Int("specs", 0, "random specs TestEveryValidSpecBuilds checks (default 300, or $SVCGEN_PROPERTY_SPECS)")
	propertySeed  = flag.Uint64("seed", 0, "the first seed TestEveryValidSpecBuilds checks")
)

// defaultPropertySpecs keeps go test ./generator well under a minute on
// two cores.
const defaultPropertySpecs = 300

// propertyGOOS are the systems every project is checked for.
var propertyGOOS = []string{"linux", "windows"}

// maxReported bounds the failing specs printed in full; the rest count.
const maxReported = 5

func propertyCount(t *testing.T) int {
	if *propertySpecs > 0 {
		return *propertySpecs
	}
	if v := os.Getenv("SVCGEN_PROPERTY_SPECS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("SVCGEN_PROPERTY_SPECS=%q: want a count", v)
		}
		return n
	}
	return defaultPropertySpecs
}

// outcome is what checking one spec found.
type outcome struct {
	seed uint64
	src  []byte
	// rejected is spec's error for a spec specgen wrote: specgen no
	// longer follows spec's rules.
	rejected error
	// problems are what is wrong with the generated project, by GOOS
	// ("" for a failure of generate itself, "imports" for the imports of
	// the user's package).
	problems map[string][]gocheck.Problem
	files    map[string][]byte
}

// checkSpec generates and checks the spec of one seed.
func checkSpec(seed uint64, checkers []*gocheck.Checker) outcome {
	o := outcome{seed: seed, src: specgen.Spec(seed), problems: map[string][]gocheck.Problem{}}
	s, err := spec.Parse("service.toml", o.src)
	if err != nil {
		o.rejected = err
		return o
	}
	files, err := Generate(s, Options{Mode: ProjectMode})
	if err != nil {
		o.problems[""] = []gocheck.Problem{generateProblem(err)}
	} else {
		o.files = map[string][]byte{}
		for _, f := range files {
			o.files[f.Path] = f.Content
		}
		if p := unreservedImports(o.files); len(p) > 0 {
			o.problems["imports"] = p
		}
		for _, err := range artifactcheck.Check(s, o.files, "") {
			o.problems["artifacts"] = append(o.problems["artifacts"], gocheck.Problem{Msg: err.Error(), Check: "artifactcheck"})
		}
		for _, c := range checkers {
			problems, err := c.Check(o.files)
			if err != nil {
				problems = []gocheck.Problem{{Pos: token.Position{Filename: "go.mod"}, Msg: err.Error(), Check: "gocheck"}}
			}
			if len(problems) > 0 {
				o.problems[c.GOOS()] = problems
			}
		}
	}
	if len(o.problems) == 0 {
		o.files = nil // only a failure's report quotes the generated lines
	}
	return o
}

// generateProblem turns an error of Generate into a problem at the spec
// position it names, if any.
func generateProblem(err error) gocheck.Problem {
	var list spec.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		e := list[0]
		return gocheck.Problem{Pos: token.Position{Filename: e.Pos.File, Line: e.Pos.Line, Column: e.Pos.Col}, Msg: e.Msg, Check: "generate"}
	}
	return gocheck.Problem{Msg: err.Error(), Check: "generate"}
}

// universe writes a module that requires every module a generated
// project can import, at the versions generated projects pin
// (templates/deps): gocheck lists export data there.
func universe(t *testing.T) string {
	t.Helper()
	mods, err := fs.Glob(templates.FS, "deps/*.mod")
	if err != nil {
		t.Fatal(err)
	}
	var features []string
	for _, m := range mods {
		features = append(features, strings.TrimSuffix(path.Base(m), ".mod"))
	}
	mod, sum, err := pinnedRequirements(features)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module svcgen.test/universe\n\ngo " + goDirective + "\n\nrequire (\n\t" + strings.Join(mod, "\n\t") + "\n)\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), []byte(strings.Join(sum, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// propertyExports returns the export data finder of each GOOS, with the
// packages generated code imports listed up front: the user's package's
// imports and the sql drivers. Anything else (the runtime package's
// imports) is listed when first met.
func propertyExports(t *testing.T, dir string) []*gocheck.Exports {
	var paths []string
	for _, p := range spec.ImportedNames {
		if !strings.HasPrefix(p, "internal/") {
			paths = append(paths, p)
		}
	}
	for _, d := range sqlDrivers {
		paths = append(paths, d.pkg)
	}
	var exports []*gocheck.Exports
	for _, goos := range propertyGOOS {
		e := gocheck.NewExports(dir, goos, offline...)
		if err := e.Preload(paths...); err != nil {
			t.Fatal(err)
		}
		exports = append(exports, e)
	}
	return exports
}

// offline keeps the go command to the module cache.
var offline = []string{"GOFLAGS=-mod=mod", "GOPROXY=off"}

// TestEveryValidSpecBuilds checks the property for many random specs, in
// parallel. Any problem, or a spec that spec rejects, fails the test with
// the spec and what is wrong.
func TestEveryValidSpecBuilds(t *testing.T) {
	n := propertyCount(t)
	if testing.Short() && n > 50 {
		n = 50
	}
	dir := universe(t)
	begin := time.Now()
	exports := propertyExports(t, dir)
	seeds := make(chan uint64)
	outcomes := make(chan outcome)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var checkers []*gocheck.Checker
			for _, e := range exports {
				checkers = append(checkers, gocheck.NewChecker(e))
			}
			for seed := range seeds {
				outcomes <- checkSpec(seed, checkers)
			}
		})
	}
	go func() {
		for i := range n {
			seeds <- *propertySeed + uint64(i)
		}
		close(seeds)
		wg.Wait()
		close(outcomes)
	}()
	var all []outcome
	for o := range outcomes {
		all = append(all, o)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].seed < all[j].seed })

	failed, reported := 0, 0
	for _, o := range all {
		if o.rejected == nil && len(o.problems) == 0 {
			continue
		}
		failed++
		if reported < maxReported {
			reported++
			t.Error(report(o))
		}
	}
	if failed > reported {
		t.Errorf("%d more failing specs (run with -seed and -specs=1 to see one)", failed-reported)
	}
	lists := 0
	for _, e := range exports {
		lists += e.Lists()
	}
	t.Logf("%d specs from seed %d checked for %s in %v (export data from %d go list runs); %d fail",
		n, *propertySeed, strings.Join(propertyGOOS, " and "), time.Since(begin).Round(time.Millisecond), lists, failed)
}

// report renders a failing spec: its seed and text, then every problem,
// with the generated line it points at.
func report(o outcome) string {
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d (rerun: go test ./generator -run TestEveryValidSpecBuilds -args -seed=%d -specs=1)\n", o.seed, o.seed)
	if o.rejected != nil {
		fmt.Fprintf(&b, "spec rejects what internal/specgen wrote; fix specgen:\n%v\n", o.rejected)
	}
	var gooses []string
	for goos := range o.problems {
		gooses = append(gooses, goos)
	}
	sort.Strings(gooses)
	for _, goos := range gooses {
		list := o.problems[goos]
		switch goos {
		case "":
			b.WriteString("generate fails on a spec validate accepts:\n")
		case "imports":
			b.WriteString("the user's package imports a name spec.ImportedNames does not reserve:\n")
		default:
			fmt.Fprintf(&b, "GOOS=%s:\n", goos)
		}
		for i, p := range list {
			if i == 20 {
				fmt.Fprintf(&b, "\t... and %d more\n", len(list)-i)
				break
			}
			fmt.Fprintf(&b, "\t%s\n", p)
			if line := sourceLine(o.files, p.Pos); line != "" {
				fmt.Fprintf(&b, "\t\t%s\n", line)
			}
		}
	}
	fmt.Fprintf(&b, "--- service.toml\n%s", o.src)
	return b.String()
}

// sourceLine is the generated line a problem points at.
func sourceLine(files map[string][]byte, pos token.Position) string {
	data, ok := files[pos.Filename]
	if !ok || pos.Line < 1 {
		return ""
	}
	lines := strings.Split(string(data), "\n")
	if pos.Line > len(lines) {
		return ""
	}
	return strings.TrimSpace(lines[pos.Line-1])
}

// samples are the projects TestSampleSpecsBuildWithGo builds: for each,
// the first seed from -seed on whose spec has the shape and checks clean
// in memory.
var samples = []struct {
	name  string
	shape func(s *spec.Spec) bool
}{
	{"every optional table", func(s *spec.Spec) bool { return tablesGiven(s) == len(specgen.CombinedTables) }},
	{"no optional table", func(s *spec.Spec) bool { return tablesGiven(s) == 0 && len(s.Resources) > 0 }},
	{"every resource kind", func(s *spec.Spec) bool {
		kinds := map[string]bool{}
		for _, r := range s.Resources {
			kinds[r.Kind] = true
		}
		return len(kinds) == len(spec.Kinds)
	}},
}

func tablesGiven(s *spec.Spec) int {
	n := 0
	for _, table := range specgen.CombinedTables {
		if s.Has(table) {
			n++
		}
	}
	return n
}

// TestSampleSpecsBuildWithGo writes a few random projects with the
// writer svcgen generate uses, and builds and vets them with the real go
// command for linux and windows, offline: the in-memory check of
// TestEveryValidSpecBuilds stands in for the go command on every other
// spec, and these keep it honest.
func TestSampleSpecsBuildWithGo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command: skipped with -short")
	}
	var checkers []*gocheck.Checker
	for _, e := range propertyExports(t, universe(t)) {
		checkers = append(checkers, gocheck.NewChecker(e))
	}
	for _, sample := range samples {
		seed, files := sampleSpec(t, sample.shape, checkers)
		t.Run(sample.name, func(t *testing.T) {
			t.Parallel()
			t.Logf("seed %d", seed)
			out := t.TempDir()
			changes, err := Plan(out, files)
			if err != nil {
				t.Fatal(err)
			}
			if err := Write(out, changes); err != nil {
				t.Fatal(err)
			}
			for _, goos := range propertyGOOS {
				if err := gocheck.GoBuild(out, goos, offline...); err != nil {
					t.Errorf("seed %d checks clean in memory, but the go command fails:\n%v\n--- service.toml\n%s", seed, err, specgen.Spec(seed))
				}
			}
		})
	}
}

// sampleSpec finds the first seed from -seed on whose spec has shape and
// whose project checks clean in memory.
func sampleSpec(t *testing.T, shape func(*spec.Spec) bool, checkers []*gocheck.Checker) (uint64, []File) {
	t.Helper()
	for seed := *propertySeed; seed < *propertySeed+5000; seed++ {
		s, err := spec.Parse("service.toml", specgen.Spec(seed))
		if err != nil || !shape(s) {
			continue
		}
		if o := checkSpec(seed, checkers); len(o.problems) > 0 {
			continue
		}
		files, err := Generate(s, Options{Mode: ProjectMode})
		if err != nil {
			t.Fatal(err)
		}
		return seed, files
	}
	t.Fatal("no seed of 5000 gives a spec of the shape that checks clean")
	return 0, nil
}

// unreservedImports reports every import of the user's package (the
// project's root directory: generated and scaffolded files) whose name
// spec.ImportedNames does not reserve. spec rejects a user function or type
// with a reserved name; with any other, the package would not compile.
func unreservedImports(files map[string][]byte) []gocheck.Problem {
	var problems []gocheck.Problem
	fset := token.NewFileSet()
	for name, content := range files {
		if path.Dir(name) != "." || !strings.HasSuffix(name, ".go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, content, parser.ImportsOnly)
		if err != nil {
			continue // the type check reports it
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			as := assumedName(p)
			if imp.Name != nil {
				as = imp.Name.Name
			}
			if as == "_" || as == "." {
				continue
			}
			reserved := spec.ImportedNames[as]
			if reserved == p || (reserved == "internal/svcrt" && strings.HasSuffix(p, "/"+reserved)) {
				continue
			}
			problems = append(problems, gocheck.Problem{Pos: fset.Position(imp.Pos()), Check: "imports",
				Msg: fmt.Sprintf("imports %s as %s, a name spec.ImportedNames does not reserve: a user function named %s would not compile", p, as, as)})
		}
	}
	return problems
}
