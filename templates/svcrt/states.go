package svcrt

import "sync/atomic"

// ExitCode is the process's exit code, the same on every OS. On Windows it is
// the service-specific exit code reported to the SCM, so recovery actions and
// monitoring can tell a failed start from a timed-out or forced stop.
type ExitCode int

const (
	ExitOK          ExitCode = 0 // clean stop
	ExitVerbFailed  ExitCode = 1 // a management verb (install, start, ...) could not do its job
	ExitUsage       ExitCode = 2 // unknown verb or argument
	ExitStartFailed ExitCode = 3 // a resource did not bind, open or warm; an after_ready hook failed
	ExitStopTimeout ExitCode = 4 // a stop step missed its budget (critical closes still ran)
	ExitForced      ExitCode = 5 // a second stop request
	ExitPanic       ExitCode = 6 // panic in a hook, worker or resource function
	ExitWorker      ExitCode = 7 // a worker or server returned an error
	ExitLiveness    ExitCode = 8 // liveness failed (watchdog)
)

// String says what the code means, as `status` and the logs print it.
func (c ExitCode) String() string {
	switch c {
	case ExitOK:
		return "clean stop"
	case ExitVerbFailed:
		return "verb failed"
	case ExitUsage:
		return "usage"
	case ExitStartFailed:
		return "start failed"
	case ExitStopTimeout:
		return "a stop step missed its budget"
	case ExitForced:
		return "forced stop"
	case ExitPanic:
		return "panic"
	case ExitWorker:
		return "a worker or server failed"
	case ExitLiveness:
		return "liveness failed"
	}
	return "unknown"
}

// StopKind says what asked for the stop; it picks the budget.
type StopKind int

const (
	// StopRequested: SIGINT, SIGTERM, an SCM Stop. The full stop, drain_delay included.
	StopRequested StopKind = iota
	// StopShutdown: the OS is going down (SCM Shutdown or PreShutdown, a
	// closed console on Windows). Nobody routes new traffic to a machine that is
	// shutting down and the OS will not wait long: no drain_delay, and the
	// shutdown budget instead of the stop budget.
	StopShutdown
	// StopUpgraded: a new process took over the listening sockets and is
	// ready (upgrade_linux.go). No drain_delay: the sockets stay served, so
	// nothing needs to deregister; this process drains what it accepted.
	StopUpgraded
)

func (k StopKind) String() string {
	switch k {
	case StopShutdown:
		return "shutdown"
	case StopUpgraded:
		return "upgrade"
	}
	return "stop"
}

// Phase is the phase of the service, as /readyz and /metrics report it.
type Phase int32

const (
	PhaseStarting Phase = iota
	PhaseReady
	PhaseStopping
)

func (p Phase) String() string {
	switch p {
	case PhaseReady:
		return "ready"
	case PhaseStopping:
		return "stopping"
	}
	return "starting"
}

// State is the state of a node, as /readyz reports it.
type State int32

const (
	StatePending State = iota // waiting for its dependencies
	StateOpening
	StateReady
	StateFailed
	StateClosing
	StateClosed
)

func (s State) String() string {
	switch s {
	case StateOpening:
		return "opening"
	case StateReady:
		return "ready"
	case StateFailed:
		return "failed"
	case StateClosing:
		return "closing"
	case StateClosed:
		return "closed"
	}
	return "pending"
}

// atomicPhase and atomicState keep the types of Phase and State across
// goroutines.
type atomicPhase struct{ v atomic.Int32 }

func (a *atomicPhase) Load() Phase   { return Phase(a.v.Load()) }
func (a *atomicPhase) Store(p Phase) { a.v.Store(int32(p)) }

type atomicState struct{ v atomic.Int32 }

func (a *atomicState) Load() State   { return State(a.v.Load()) }
func (a *atomicState) Store(s State) { a.v.Store(int32(s)) }
