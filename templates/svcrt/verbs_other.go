//go:build !windows

package svcrt

import (
	"fmt"
	"os"
)

// platformVerb answers the Windows Service Control Manager's verbs: they do
// nothing here, and say so instead of pretending. A service manager (systemd,
// a container runtime) runs `<exe> run` and stops it with SIGTERM; on Linux
// install and uninstall write the systemd unit (systemd_linux.go).
func platformVerb(cfg *Config, _ string, _ Setup, verb string, args []string) (code ExitCode, handled bool) {
	var msg string
	switch verb {
	case "service":
		msg = "service runs under the Windows Service Control Manager; here a service manager runs `%[1]s run` and stops it with SIGTERM"
	case "install", "uninstall":
		// On Linux systemdVerb (systemd_linux.go) takes these first.
		msg = "%[2]s registers the service with Windows' Service Control Manager or with systemd on Linux; on this OS start `%[1]s run` from your service manager (SIGTERM stops it in order)"
	case "start", "stop", "status":
		msg = "%[2]s talks to Windows' Service Control Manager; here ask the service manager that runs `%[1]s run` (e.g. systemctl %[2]s %[1]s)"
	default:
		return 0, false
	}
	fmt.Fprintf(os.Stderr, cfg.Name+": "+msg+"\n", cfg.Name, verb)
	return ExitUsage, true
}

// platformUsage lists the platform verbs for help: none here.
func platformUsage() string {
	return ""
}

// scmStarted is false: only Windows has a Service Control Manager.
func scmStarted() bool { return false }

// serviceVerb is the Windows SCM's front door: not here.
func serviceVerb(name string, _ Setup, _ []string) ExitCode {
	fmt.Fprintf(os.Stderr, "%s: service runs under the Windows Service Control Manager\n", name)
	return ExitUsage
}
