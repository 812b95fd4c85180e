package svcrt

import (
	"flag"
	"fmt"
	"io"
	"os"
)

// Setup builds what the runtime runs from the spec's values and a
// deployment's overrides: the generated svcSetup reads every overridable key
// through o and returns the Config and the wiring of the resources, which
// use the same values.
type Setup func(o *Overrides) (*Config, func(*App))

// Main runs the verb in args (os.Args[1:]) and returns the process's exit
// code. name is the service's name (the prefix of its override variables);
// setup is called once per process, with the environment's overrides by
// the verbs that run or show the service (run, service, config) and with
// none by the others.
func Main(name string, setup Setup, args []string) int {
	return int(run(name, setup, args))
}

// run is Main with the exit code typed.
func run(name string, setup Setup, args []string) ExitCode {
	verb := ""
	if len(args) > 0 {
		verb, args = args[0], args[1:]
	}
	switch verb {
	case "", "run":
		if verb == "" && scmStarted() {
			// A binary registered by hand without the service argument.
			return serviceVerb(name, setup, nil)
		}
		cfg, wire, code := setupFromFlags(name, setup, "run", args)
		if cfg == nil {
			return code
		}
		// [runtime] settings first, before anything allocates or starts (runtime.go).
		applyRuntime(cfg.Runtime)
		return runConsole(cfg, wire)
	case "config":
		return configVerb(name, setup, args)
	}
	cfg, _ := setup(NewOverrides(name, nil))
	// Platform verbs first: the Windows front door also claims the empty verb
	// when the Service Control Manager started the process.
	if code, handled := systemdVerb(cfg, verb, args); handled {
		return code // install, uninstall on Linux (systemd_linux.go)
	}
	if code, handled := platformVerb(cfg, name, setup, verb, args); handled {
		return code
	}
	switch verb {
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

// setupFromFlags reads `-env-file PATH`, loads it and runs setup with the
// environment's overrides. A wrong override is a failed start (exit 3),
// every one of them named; cfg is nil then.
func setupFromFlags(name string, setup Setup, verb string, args []string) (*Config, func(*App), ExitCode) {
	fs := flag.NewFlagSet(name+" "+verb, flag.ContinueOnError)
	envFile := fs.String("env-file", "", "read variables from this file (dotenv syntax); the environment wins over it")
	if err := fs.Parse(args); err != nil {
		return nil, nil, ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "%s: %s takes no arguments, got %q\n", name, verb, fs.Args())
		return nil, nil, ExitUsage
	}
	o, err := overridesFrom(name, *envFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		return nil, nil, ExitStartFailed
	}
	cfg, wire := setup(o)
	if err := o.Err(); err != nil {
		reportOverrides(os.Stderr, name, err)
		return nil, nil, ExitStartFailed
	}
	return cfg, wire, ExitOK
}

// overridesFrom loads an env file (none when path is "") under the real
// environment and returns the overrides they make.
func overridesFrom(name, envFile string) (*Overrides, error) {
	env, err := LoadEnvFile(envFile)
	if err != nil {
		return nil, err
	}
	return NewOverrides(name, env), nil
}

// reportOverrides prints every wrong override, one a line.
func reportOverrides(w io.Writer, name string, err error) {
	if oe, ok := err.(*OverrideError); ok {
		for _, p := range oe.Problems {
			fmt.Fprintf(w, "%s: configuration: %s\n", name, p)
		}
		return
	}
	fmt.Fprintf(w, "%s: %v\n", name, err)
}

func usage(cfg *Config, w io.Writer) {
	fmt.Fprintf(w, "usage: %s [verb]\n\nverbs:\n", cfg.Name)
	fmt.Fprint(w, "  run      run in the foreground until SIGINT or SIGTERM (the default) [-env-file PATH]\n")
	fmt.Fprint(w, "  config   print the effective configuration, each value with its source [-env-file PATH | -name INSTANCE] [-check]\n")
	fmt.Fprint(w, systemdUsage())
	fmt.Fprint(w, platformUsage())
	fmt.Fprint(w, "  version  print the version\n  help     print this help\n")
}
