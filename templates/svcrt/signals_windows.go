package svcrt

import (
	"os"
	"syscall"
)

// stopSignals stop the service in a console: Go delivers Ctrl-C and
// Ctrl-Break as os.Interrupt, and a closed console window, logoff or shutdown
// as syscall.SIGTERM.
func stopSignals() []os.Signal {
	return []os.Signal{os.Interrupt, syscall.SIGTERM}
}

// stopKindOf: after a console close, logoff or shutdown Windows kills the
// process within seconds (CTRL_CLOSE_EVENT allows 5 s), so SIGTERM is an
// OS shutdown: no drain_delay and the shutdown budget.
func stopKindOf(sig os.Signal) StopKind {
	if sig == syscall.SIGTERM {
		return StopShutdown
	}
	return StopRequested
}

// reloadSignals: a Windows console has no reload signal; the service
// front door maps the SCM's ParamChange control instead.
func reloadSignals() []os.Signal {
	return nil
}
