package svcrt

import (
	"fmt"
	"io"
	"os"
)

// Main runs the verb in args (os.Args[1:]) and returns the process's exit
// code. wire adds the spec's resources and hooks to an engine; it is called
// once by the verbs that run the service (run, service).
func Main(cfg *Config, wire func(*App), args []string) int {
	return int(run(cfg, wire, args))
}

// run is Main with the exit code typed.
func run(cfg *Config, wire func(*App), args []string) ExitCode {
	// [runtime] settings first, before anything allocates or starts (runtime.go).
	applyRuntime(cfg.Runtime)
	verb := ""
	if len(args) > 0 {
		verb, args = args[0], args[1:]
	}
	// Platform verbs first: the Windows front door also claims the empty verb
	// when the Service Control Manager started the process.
	if code, handled := systemdVerb(cfg, verb, args); handled {
		return code // install, uninstall on Linux (systemd_linux.go)
	}
	if code, handled := platformVerb(cfg, wire, verb, args); handled {
		return code
	}
	switch verb {
	case "", "run":
		if len(args) > 0 {
			fmt.Fprintf(os.Stderr, "%s: run takes no arguments, got %q\n", cfg.Name, args)
			return ExitUsage
		}
		return runConsole(cfg, wire)
	case "version":
		fmt.Println(cfg.Name, cfg.Version)
		return ExitOK
	case "help", "-h", "-help", "--help":
		usage(cfg, os.Stdout)
		return ExitOK
	}
	fmt.Fprintf(os.Stderr, "%s: unknown verb %q\n\n", cfg.Name, verb)
	usage(cfg, os.Stderr)
	return ExitUsage
}

func usage(cfg *Config, w io.Writer) {
	fmt.Fprintf(w, "usage: %s [verb]\n\nverbs:\n", cfg.Name)
	fmt.Fprint(w, "  run      run in the foreground until SIGINT or SIGTERM (the default)\n")
	fmt.Fprint(w, systemdUsage())
	fmt.Fprint(w, platformUsage())
	fmt.Fprint(w, "  version  print the version\n  help     print this help\n")
}
