package svcrt

import (
	"flag"
	"fmt"
	"os"
)

// configVerb prints the effective configuration: every value the process
// would use, where it came from (the spec, its default, the environment or
// the env file's line) and the variable that overrides it, secrets
// redacted. With -check it prints nothing but the problems: wrong
// overrides and required secrets that are not set. Either way a problem
// exits 3, as the start would.
func configVerb(name string, setup Setup, args []string) ExitCode {
	fs := flag.NewFlagSet(name+" config", flag.ContinueOnError)
	envFile := fs.String("env-file", "", "read variables from this file (dotenv syntax); the environment wins over it")
	check := fs.Bool("check", false, "only validate: print the problems and exit 3 when there is one")
	instance := fs.String("name", "", "read the env file of this installed instance (Linux: /etc/NAME/INSTANCE.env; Windows: what install stored)")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if fs.NArg() > 0 || *instance != "" && *envFile != "" {
		fmt.Fprintf(os.Stderr, "usage: %s config [-check] [-env-file PATH | -name INSTANCE]\n", name)
		return ExitUsage
	}
	if *instance != "" {
		*envFile = instanceEnvFile(name, *instance)
	}
	o, err := overridesFrom(name, *envFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		return ExitStartFailed
	}
	setup(o)
	if !*check {
		writeSettings(os.Stdout, o.Settings())
	}
	if err := o.CheckErr(); err != nil {
		reportOverrides(os.Stderr, name, err)
		return ExitStartFailed
	}
	if *check {
		fmt.Printf("%s: configuration ok\n", name)
	}
	return ExitOK
}
