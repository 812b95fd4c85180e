//go:build !windows

package svcrt

import (
	"os"
	"syscall"
)

// stopSignals stop the service: SIGTERM from a service manager or container
// runtime, SIGINT from a terminal.
func stopSignals() []os.Signal {
	return []os.Signal{os.Interrupt, syscall.SIGTERM}
}

// stopKindOf: systemd and container runtimes send the same SIGTERM for a
// stop and for a machine going down, so every signal is a full stop.
func stopKindOf(os.Signal) StopKind {
	return StopRequested
}

// reloadSignals run the reload hook: SIGHUP, the daemon convention.
func reloadSignals() []os.Signal {
	return []os.Signal{syscall.SIGHUP}
}
