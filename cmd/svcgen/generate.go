package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/internal/outlock"
	"github.com/svcgen/svcgen/internal/pkgmode"
	"github.com/svcgen/svcgen/spec"
)

// target is what a command works on: the spec and the output directory.
type target struct {
	specPath string
	outDir   string
	// pkg selects package mode: write into the existing Go package in
	// outDir (see packagemode.go).
	pkg bool
	// verbose (-v) reports how package mode loaded the package, on log.
	verbose bool
	log     io.Writer
	// outGiven: -out was on the command line (else outDir is the spec's
	// directory).
	outGiven bool
	// manifestErr is why the output directory's manifest could not be
	// read (it is damaged); the commands that use it stop there.
	manifestErr error
}

// parseTarget reads -spec and -out. The output defaults to the spec's
// directory, so `svcgen generate` next to a service.toml works there.
// extra, when given, adds the command's own flags.
func parseTarget(name string, args []string, stderr io.Writer, extra ...func(*flag.FlagSet)) (target, bool) {
	fs := flag.NewFlagSet("svcgen "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, add := range extra {
		add(fs)
	}
	var t target
	fs.StringVar(&t.specPath, "spec", "service.toml", "the service spec")
	fs.StringVar(&t.outDir, "out", "", "output directory (default: the spec's directory)")
	switch name {
	case "generate", "check", "diff":
		fs.BoolVar(&t.verbose, "v", false, "package mode: say where the package's dependencies were read from (go list or svcgen's dependency cache)")
	}
	fs.BoolVar(&t.pkg, "package", underGoGenerate(), "write into the existing Go package in the output directory (default: what the directory's svcgen.sum records, else true when run by go generate)")
	if err := fs.Parse(args); err != nil {
		return t, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "svcgen %s: unexpected argument %q\n", name, fs.Arg(0))
		return t, false
	}
	t.log = stderr
	t.outGiven = t.outDir != ""
	if t.outDir == "" {
		t.outDir = filepath.Dir(t.specPath)
	}
	explicit := false
	fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "package" })
	if !explicit {
		// A directory svcgen wrote before says which mode it is in, so
		// `svcgen check` in CI and `go generate` in a project need no flag.
		project, known, err := recordedMode(t.outDir)
		if known {
			t.pkg = !project
		}
		t.manifestErr = err
	}
	return t, true
}

// recordedMode reads the mode the output directory was generated in from
// its manifest: a project's lists README.md, which package mode never
// writes. known is false without one; a damaged one is an error, not a
// guess (a manifest cut short before README.md would read as package
// mode).
func recordedMode(outDir string) (project, known bool, err error) {
	listed, err := generator.ReadManifest(outDir)
	if err != nil || listed == nil {
		return false, false, err
	}
	_, project = listed["README.md"]
	return project, true, nil
}

// plan loads the spec, generates every file in memory and compares them
// with the output directory. Nothing is written.
func (t target) plan() ([]generator.Change, error) {
	files, err := t.generate()
	if err != nil {
		return nil, err
	}
	return generator.Plan(t.outDir, files)
}

// generate loads the spec and generates every file in memory, checking
// what it needs of the output directory (the package, go.mod). Nothing is
// written.
func (t target) generate() ([]generator.File, error) {
	s, err := spec.Load(t.specPath)
	if err != nil {
		return nil, err
	}
	if t.pkg {
		return t.generatePackage(s)
	}
	// What the user's files declare is not scaffolded again (see
	// userDeclarations).
	declaredIn, err := userDeclarations(t.outDir)
	if err != nil {
		return nil, err
	}
	declared := map[string]bool{}
	for name := range declaredIn {
		declared[name] = true
	}
	files, err := generator.Generate(s, generator.Options{Mode: generator.ProjectMode, Declared: declared, DeclaredIn: declaredIn})
	if err != nil {
		return nil, err
	}
	// go.mod is the user's after the first run: check it still requires
	// what the generated code imports (a spec that gained a sql resource
	// needs its driver), and name the go get commands if not.
	if gomod := filepath.Join(t.outDir, "go.mod"); fileExists(gomod) {
		if err := sameModule(gomod, s); err != nil {
			return nil, err
		}
		need, err := generator.RequiredModules(files)
		if err != nil {
			return nil, err
		}
		missing, err := pkgmode.CheckGoMod(gomod, need)
		if err != nil {
			return nil, err
		}
		if len(missing) > 0 {
			return nil, missing
		}
	}
	return files, nil
}

// sameModule reports a go.mod whose module path is not the spec's
// [service] module: svcgen wrote the spec's path once, and the two must
// agree for the README's commands and the user's imports.
func sameModule(gomod string, s *spec.Spec) error {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return err
	}
	if have := modfile.ModulePath(data); have != s.Service.Module {
		return spec.ErrorList{{Pos: s.Pos("service", "module"), Msg: fmt.Sprintf(
			"[service] module is %q but %s says module %q: change one to match (svcgen writes go.mod only once)",
			s.Service.Module, gomod, have)}}
	}
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// checkMode refuses an explicit -package in a directory that svcgen
// generated as a project (its manifest lists README.md): the two modes write
// different files, and switching would turn the project's generated files
// into orphans.
func (t target) checkMode() error {
	if t.manifestErr != nil {
		return t.manifestErr
	}
	if !t.pkg {
		return nil
	}
	project, _, err := recordedMode(t.outDir)
	if err != nil {
		return err
	}
	if project {
		return &generator.ConflictError{Problems: []string{fmt.Sprintf(
			"%s: svcgen generated this directory as a project (%s lists its README.md); regenerate it with -package=false (add it to the //go:generate line)",
			t.outDir, generator.ManifestName)}}
	}
	return nil
}

func runValidate(args []string, stdout, stderr io.Writer) int {
	t, ok := parseTarget("validate", args, stderr)
	if !ok {
		return exitError
	}
	if _, err := spec.Load(t.specPath); err != nil {
		return report(stderr, err)
	}
	fmt.Fprintf(stdout, "%s: ok\n", t.specPath)
	return exitOK
}

func runGenerate(args []string, stdout, stderr io.Writer) int {
	var force bool
	t, ok := parseTarget("generate", args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&force, "force", false, "overwrite or remove generated files even when they were edited by hand")
	})
	if !ok {
		return exitError
	}
	if err := t.checkMode(); err != nil {
		return report(stderr, err)
	}
	files, err := t.generate()
	if err != nil {
		return report(stderr, err)
	}
	// From the plan to the last rename the output directory is this run's:
	// a second generate there would plan against a half-written tree and
	// remove this run's temporary files.
	release, err := lockOutput(t.outDir)
	if err != nil {
		return report(stderr, err)
	}
	defer release()
	changes, err := generator.Plan(t.outDir, files)
	if err != nil {
		return report(stderr, err)
	}
	// A generated file edited by hand holds work that regenerating would
	// lose: refuse, name each file, and say how to keep the change.
	if edited := generator.Edited(changes); len(edited) > 0 && !force {
		for _, c := range edited {
			fix := "move the change into a user file or the spec"
			verb := "overwrite"
			if c.Action == generator.Remove {
				verb = "remove"
			}
			fmt.Fprintf(stderr, "%s: edited by hand since svcgen generated it; %s, then rerun with -force to %s it\n", filepath.Join(t.outDir, filepath.FromSlash(c.File.Path)), fix, verb)
		}
		return exitFix
	}
	if err := generator.Write(t.outDir, changes); err != nil {
		return report(stderr, err)
	}
	var created, updated, removed, unchanged, kept int
	for _, c := range changes {
		switch c.Action {
		case generator.Create:
			created++
		case generator.Update:
			updated++
		case generator.Remove:
			removed++
			fmt.Fprintf(stdout, "removed %s: svcgen no longer generates it\n", filepath.Join(t.outDir, filepath.FromSlash(c.File.Path)))
		case generator.Unchanged:
			unchanged++
		case generator.Keep:
			kept++
		}
	}
	fmt.Fprintf(stdout, "%s: %d created, %d updated, %d removed, %d unchanged, %d user files kept\n", t.outDir, created, updated, removed, unchanged, kept)
	return exitOK
}

// hasManifest says where to look when the output directory has no
// manifest: svcgen has not generated there.
func (t target) hasManifest() error {
	if _, err := os.Lstat(filepath.Join(t.outDir, generator.ManifestName)); err == nil {
		return nil
	}
	msg := fmt.Sprintf("no %s in %s: svcgen has not generated there", generator.ManifestName, t.outDir)
	if !t.outGiven {
		msg += " (the output defaults to the spec's directory); did you mean -out?"
		if wd, err := os.Getwd(); err == nil && filepath.Clean(t.outDir) != "." && fileExists(filepath.Join(wd, generator.ManifestName)) {
			msg += " The current directory has one: add -out ."
		}
	} else {
		msg += "; run svcgen generate -out " + t.outDir + " first, or name the directory that has one with -out"
	}
	return errors.New(msg)
}

// lockOutput takes the output directory's lock (see internal/outlock),
// creating the directory if it does not exist yet. release unlocks, and
// removes the directory again if this run created it and left it empty.
func lockOutput(outDir string) (release func(), err error) {
	created := false
	if _, err := os.Stat(outDir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(outDir, 0o755); err != nil {
			return nil, err
		}
		created = true
	}
	unlock, err := outlock.Lock(outDir)
	if err != nil {
		if created {
			os.Remove(outDir)
		}
		return nil, err
	}
	return func() {
		unlock()
		if created {
			os.Remove(outDir) // fails, as it should, unless nothing was written
		}
	}, nil
}

// problem names what check found wrong with one file.
func problem(c generator.Change) string {
	switch {
	case c.Edited:
		return "edited by hand (its content differs from " + generator.ManifestName + ")"
	case c.Action == generator.Create:
		return "missing"
	case c.Action == generator.Remove:
		return "orphaned (svcgen no longer generates it)"
	default:
		return "stale"
	}
}

// remedy is what to run for one file check found wrong. A hand edit is
// lost by regenerating, so plain generate refuses it: the remedy keeps the
// edit first (svcgen diff shows it, reversed), then forces.
func remedy(t target, c generator.Change) string {
	if !c.Edited {
		return "run svcgen generate"
	}
	flags := ""
	if t.specPath != "service.toml" {
		flags += " -spec " + t.specPath
	}
	if t.outGiven {
		flags += " -out " + t.outDir
	}
	verb := "overwrites"
	if c.Action == generator.Remove {
		verb = "removes"
	}
	return fmt.Sprintf("svcgen diff%s shows the edit (as what generate would undo); move it into a user file or the spec, then run svcgen generate%s -force, which %s the file",
		flags, flags, verb)
}

// planCommand is the start of check and diff: parse the flags, refuse a
// mode switch, plan. code is the exit code to return when ok is false.
func planCommand(name string, args []string, stderr io.Writer) (t target, changes []generator.Change, code int, ok bool) {
	t, ok = parseTarget(name, args, stderr)
	if !ok {
		return t, nil, exitError, false
	}
	if err := t.checkMode(); err != nil {
		return t, nil, report(stderr, err), false
	}
	// check compares with what generate wrote before; diff previews a
	// first generate only into a directory named with -out. Without a
	// manifest there, the directory is most likely not the output (check
	// run in the output directory with the spec elsewhere), and comparing
	// would print every file as missing.
	if name == "check" || !t.outGiven {
		if err := t.hasManifest(); err != nil {
			fmt.Fprintf(stderr, "svcgen %s: %v\n", name, err)
			return t, nil, exitError, false
		}
	}
	changes, err := t.plan()
	if err != nil {
		return t, nil, report(stderr, err), false
	}
	return t, changes, exitOK, true
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	t, changes, code, ok := planCommand("check", args, stderr)
	if !ok {
		return code
	}
	stale := generator.Stale(changes)
	if len(stale) == 0 {
		fmt.Fprintf(stdout, "%s: up to date\n", t.outDir)
		return exitOK
	}
	for _, c := range stale {
		fmt.Fprintf(stderr, "%s: %s: %s\n", filepath.Join(t.outDir, filepath.FromSlash(c.File.Path)), problem(c), remedy(t, c))
	}
	fmt.Fprint(stdout, generator.Diff(changes))
	return exitFix
}

func runDiff(args []string, stdout, stderr io.Writer) int {
	_, changes, code, ok := planCommand("diff", args, stderr)
	if !ok {
		return code
	}
	d := generator.Diff(changes)
	fmt.Fprint(stdout, d)
	if d != "" {
		return exitFix
	}
	return exitOK
}

func runInit(args []string, stdout, stderr io.Writer) int {
	t, ok := parseTarget("init", args, stderr)
	if !ok {
		return exitError
	}
	if _, err := os.Stat(t.specPath); err == nil {
		fmt.Fprintf(stderr, "svcgen init: %s exists; not overwriting it\n", t.specPath)
		return exitFix
	}
	data, err := generator.StarterSpec()
	if err != nil {
		return report(stderr, err)
	}
	if err := os.WriteFile(t.specPath, data, 0o644); err != nil {
		return report(stderr, err)
	}
	fmt.Fprintf(stdout, "wrote %s: edit it, then run svcgen generate -spec %s -out <dir>\n", t.specPath, t.specPath)
	return exitOK
}

func runGraph(args []string, stdout, stderr io.Writer) int {
	format := "text"
	t, ok := parseTarget("graph", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&format, "format", "text", "output format: "+strings.Join(generator.GraphFormats, ", "))
	})
	if !ok {
		return exitError
	}
	s, err := spec.Load(t.specPath)
	if err != nil {
		return report(stderr, err)
	}
	out, known := generator.Graph(s, format)
	if !known {
		fmt.Fprintf(stderr, "svcgen graph: unknown format %q (want %s)\n", format, strings.Join(generator.GraphFormats, ", "))
		return exitError
	}
	fmt.Fprint(stdout, out)
	return exitOK
}
