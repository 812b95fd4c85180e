// Package generator turns a validated spec into the files of a Go service.
//
// The pipeline is one-way: Generate builds every file in memory from the
// spec (one emitter per generated artifact, each in its own file of this
// package), and the writer (writer.go) compares that set with the disk and
// writes all of it or nothing. No emitter reads the disk or prints.
package generator

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/svcgen/svcgen/spec"
)

// Mode says what the output is: a whole new module, or lifecycle files
// dropped into a package of an existing module.
type Mode int

const (
	// ProjectMode writes a complete module: go.mod, go.sum, main.go, README.
	ProjectMode Mode = iota
	// PackageMode writes only the lifecycle files into an existing package.
	PackageMode
)

// Options are the facts about the target that the spec does not hold.
type Options struct {
	Mode Mode
	// PackageName is the Go package name the files are written into
	// ("main" in project mode).
	PackageName string
	// HasMain reports that the target package already declares func main;
	// the generator then emits svcMain for the user's main to call.
	HasMain bool
	// Declared lists the top-level names the target package already
	// declares in user files; a user function named by the spec that is
	// already declared is not scaffolded again.
	Declared map[string]bool
	// DeclaredIn names, for a name of Declared, the file that declares it
	// (base name), when known. A custom resource whose functions another
	// file declares but whose type nothing declares is a resource that was
	// renamed: its scaffold would pair them with a new type, and the error
	// names the file that holds them instead.
	DeclaredIn map[string]string
	// ImportPath is the import path of the package the files are written
	// into; the runtime package is ImportPath + "/" + RuntimeDir. Project
	// mode defaults it to the spec's module.
	ImportPath string
}

// RuntimeDir is where the runtime package goes, relative to the output
// directory: internal/, so that only the generated package imports it.
const RuntimeDir = "internal/svcrt"

// Owner says who owns a file after it is written.
type Owner int

const (
	// Generated files carry the generated header and are rewritten on
	// every run.
	Generated Owner = iota
	// User files are scaffolded once, when missing, and never overwritten.
	User
)

// File is one output file, relative to the output directory, with
// slash-separated path.
type File struct {
	Path    string
	Content []byte
	Owner   Owner
}

// Generate renders every file the spec calls for. It returns the files
// sorted by path, or an error if any emitter failed; nothing is written.
func Generate(s *spec.Spec, opt Options) ([]File, error) {
	if opt.PackageName == "" {
		opt.PackageName = "main"
	}
	if opt.ImportPath == "" {
		opt.ImportPath = s.Service.Module
	}
	g := newContext(s, opt)
	for _, a := range artifacts {
		if a.mode != nil && *a.mode != opt.Mode {
			continue
		}
		if err := a.emit(g); err != nil {
			var list spec.ErrorList
			if errors.As(err, &list) {
				return nil, list // the spec needs a fix: positioned already
			}
			return nil, fmt.Errorf("generate %s: %w", a.name, err)
		}
	}
	files, err := g.render()
	if err != nil {
		return nil, err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	for i := 1; i < len(files); i++ {
		if files[i].Path == files[i-1].Path {
			return nil, fmt.Errorf("generate: two emitters wrote %s", files[i].Path)
		}
	}
	for _, f := range files {
		if !filepath.IsLocal(filepath.FromSlash(f.Path)) {
			return nil, fmt.Errorf("generate: output path %q escapes the output directory", f.Path)
		}
		if f.Path == ManifestName {
			return nil, fmt.Errorf("generate: an emitter wrote %s, which the writer owns", f.Path)
		}
	}
	return withManifest(g, files), nil
}

// artifact is one emitter in the order it runs. The order only matters for
// reading this list: emitters are independent of each other.
type artifact struct {
	name string
	mode *Mode // nil: every mode
	emit func(*Context) error
}

var projectOnly = ProjectMode

// artifacts is the list of everything svcgen can emit; each emitter decides
// from the spec whether its artifact is needed.
var artifacts = []artifact{
	{name: "constants", emit: declareConstants}, // every spec value, first: the other emitters name them
	{name: "svcgen_wire.go", emit: emitWire},    // svcConfig, svcWire: what the spec decides at run time
	{name: "ops modules", emit: requireOps},     // before go.mod: prometheus, lumberjack
	{name: "internal/svcrt", emit: emitRuntimePackage},
	{name: "go.mod", mode: &projectOnly, emit: emitGoMod},
	{name: "README.md", mode: &projectOnly, emit: emitReadme},
	{name: "main.go", emit: emitMain},
	{name: "svcgen_systemd.go", emit: emitSystemd},
	{name: "deploy/kubernetes.yaml", emit: emitKubernetes},
	{name: "svcgen_guards.go", emit: emitGuards},
	{name: "user files", emit: emitScaffold},
}
