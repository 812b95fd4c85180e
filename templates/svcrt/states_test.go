package svcrt

import (
	"fmt"
	"testing"
)

// TestExitCodes: the codes are the contract with service managers and
// monitoring; their values must never move.
func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		code  ExitCode
		value int
		text  string
	}{
		{ExitOK, 0, "clean stop"},
		{ExitVerbFailed, 1, "verb failed"},
		{ExitUsage, 2, "usage"},
		{ExitStartFailed, 3, "start failed"},
		{ExitStopTimeout, 4, "a stop step missed its budget"},
		{ExitForced, 5, "forced stop"},
		{ExitPanic, 6, "panic"},
		{ExitWorker, 7, "a worker or server failed"},
		{ExitLiveness, 8, "liveness failed"},
		{ExitCode(9), 9, "unknown"},
		{ExitCode(-1), -1, "unknown"},
	} {
		if int(tc.code) != tc.value {
			t.Errorf("%s is %d, want %d", tc.text, int(tc.code), tc.value)
		}
		if got := tc.code.String(); got != tc.text {
			t.Errorf("ExitCode(%d).String() = %q, want %q", tc.value, got, tc.text)
		}
	}
}

func TestEnumStrings(t *testing.T) {
	for _, tc := range []struct {
		v    fmt.Stringer
		want string
	}{
		{PhaseStarting, "starting"},
		{PhaseReady, "ready"},
		{PhaseStopping, "stopping"},
		{Phase(42), "starting"},

		{StatePending, "pending"},
		{StateOpening, "opening"},
		{StateReady, "ready"},
		{StateFailed, "failed"},
		{StateClosing, "closing"},
		{StateClosed, "closed"},
		{State(42), "pending"},

		{StopRequested, "stop"},
		{StopShutdown, "shutdown"},
	} {
		if got := tc.v.String(); got != tc.want {
			t.Errorf("%T(%d).String() = %q, want %q", tc.v, tc.v, got, tc.want)
		}
	}
	// The zero values are what a new engine and a new node start in.
	if PhaseStarting != 0 || StatePending != 0 || StopRequested != 0 {
		t.Error("the zero Phase, State or StopKind is not starting, pending, stop")
	}
	var p atomicPhase
	var s atomicState
	if p.Load() != PhaseStarting || s.Load() != StatePending {
		t.Error("zero atomics are not starting, pending")
	}
	p.Store(PhaseStopping)
	s.Store(StateClosing)
	if p.Load() != PhaseStopping || s.Load() != StateClosing {
		t.Error("atomics do not keep what was stored")
	}
}
