// Command svcgen compiles a service spec (TOML) into a Go service with
// lifecycle, drain, pool warmup and Windows Service Control Manager code,
// emitted as plain Go source.
//
//	svcgen init      [-spec service.toml]             write a commented starter spec
//	svcgen validate  [-spec service.toml]             check the spec, print every error
//	svcgen generate  [-spec service.toml] [-out dir]  write the service
//	svcgen check     [-spec service.toml] [-out dir]  exit 1 with a diff if the output is stale
//	svcgen diff      [-spec service.toml] [-out dir]  print what generate would change
//	svcgen graph     [-spec service.toml] [-format text|mermaid|dot]
//	                                                  print the graph, the start and stop order
//	svcgen schema                                     print the JSON Schema of the spec
//	svcgen version
//
// Exit codes: 0 success; 1 the spec or the files need a fix (invalid spec,
// stale output); 2 svcgen could not do its job (usage, I/O).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/internal/specschema"
	"github.com/svcgen/svcgen/spec"
)

// Exit codes of svcgen itself.
const (
	exitOK    = 0
	exitFix   = 1 // the user's spec or files need a fix
	exitError = 2 // usage, I/O: svcgen could not do its job
)

// version is the tool's version when set at link time (-ldflags "-X
// main.version=v1.2.3"); otherwise the build says it (version.go). It
// never reaches generated output.
var version = ""

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one verb of the CLI.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"init", "write a commented starter spec", runInit},
		{"validate", "check the spec and print every error", runValidate},
		{"generate", "write the service (all files or none)", runGenerate},
		{"check", "exit 1 with a diff if the generated files are stale", runCheck},
		{"diff", "print what generate would change", runDiff},
		{"graph", "print the resource graph: start and stop order (-format text|mermaid|dot)", runGraph},
		{"schema", "print the JSON Schema of the spec, for TOML editors", runSchema},
		{"version", "print svcgen's module version, or the commit it was built from", runVersion},
	}
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitError
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		usage(stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "svcgen: unknown command %q\n", args[0])
	usage(stderr)
	return exitError
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: svcgen <command> [-spec service.toml] [-out dir]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "exit codes: 0 ok, 1 the spec or files need a fix, 2 usage or I/O error")
}

// runSchema prints the JSON Schema of the spec. Editors that speak TOML
// (Taplo, Even Better TOML) use it for completion, hover docs and
// validation: save it beside the spec and start the spec with
// `#:schema ./svcgen.schema.json`.
func runSchema(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "svcgen schema: unexpected argument %q\n", args[0])
		return exitError
	}
	stdout.Write(specschema.JSON())
	return exitOK
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "svcgen version: unexpected argument %q\n", args[0])
		return exitError
	}
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintln(stdout, "svcgen", describeBuild(version, info))
	return exitOK
}

// report prints an error and returns its exit code: spec errors (every one
// of them, positioned and sorted) are the user's to fix; anything else is
// svcgen failing to do its job.
func report(stderr io.Writer, err error) int {
	var list spec.ErrorList
	if errors.As(err, &list) {
		fmt.Fprintln(stderr, list.Error())
		return exitFix
	}
	var damaged *generator.ManifestError
	if errors.As(err, &damaged) {
		fmt.Fprintln(stderr, damaged.Error())
		return exitFix
	}
	var conflict *generator.ConflictError
	if errors.As(err, &conflict) {
		fmt.Fprintln(stderr, conflict.Error())
		return exitFix
	}
	fmt.Fprintln(stderr, "svcgen:", err)
	return exitError
}
