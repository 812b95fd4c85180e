package svcrt

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// checker is a liveness check that counts its calls and fails until told
// otherwise.
type checker struct {
	calls   atomic.Int32
	healthy atomic.Bool
	panics  bool
	notify  chan struct{} // a call happened (coalesced)
}

func newChecker() *checker { return &checker{notify: make(chan struct{}, 1)} }

func (c *checker) check(context.Context) error {
	c.calls.Add(1)
	select {
	case c.notify <- struct{}{}:
	default:
	}
	if c.panics {
		panic("check panicked")
	}
	if c.healthy.Load() {
		return nil
	}
	return errors.New("down")
}

// waitCalls waits until the check has been called n times. The watchdog runs
// one round at a time: when call n begins, round n-1 is over, readiness
// updated.
func (c *checker) waitCalls(t *testing.T, n int32) {
	t.Helper()
	for c.calls.Load() < n {
		recv(t, c.notify, "liveness check")
	}
}

func watchdogConfig(failures int, exitAfter time.Duration) *Config {
	cfg := testConfig()
	cfg.Watchdog = WatchdogConfig{Interval: 10 * time.Millisecond, Failures: failures, ExitAfter: exitAfter}
	return cfg
}

// TestWatchdogReadiness: failures in a row make the service unready but
// leave it running; a passing check makes it ready again.
func TestWatchdogReadiness(t *testing.T) {
	h := newHarness(t, watchdogConfig(2, 0))
	c := newChecker()
	db := node("db")
	db.Check = c.check
	h.app.Add(db)
	h.run()
	h.waitReady()

	c.waitCalls(t, 3) // rounds 1 and 2 failed
	if code, body := readyz(t, h.app); code != http.StatusServiceUnavailable || body.Ready || body.Live || body.Phase != "ready" {
		t.Errorf("/readyz after 2 failed checks: %d %+v", code, body)
	}
	if _, ok := h.logs.find("not live"); !ok {
		t.Error(`no "not live" in the log`)
	}

	c.healthy.Store(true)
	c.waitCalls(t, c.calls.Load()+2) // a whole round passed
	if code, body := readyz(t, h.app); code != http.StatusOK || !body.Live {
		t.Errorf("/readyz after a passing check: %d %+v", code, body)
	}
	if _, ok := h.logs.find("live again"); !ok {
		t.Error(`no "live again" in the log`)
	}
	expectCode(t, h.stop(StopRequested), ExitOK)
}

// TestWatchdogStops: a check failing for exit_after ends the process with
// ExitLiveness; a check that panics, with ExitPanic.
func TestWatchdogStops(t *testing.T) {
	for _, tc := range []struct {
		name   string
		panics bool
		want   ExitCode
	}{
		{"exit_after", false, ExitLiveness},
		{"panic", true, ExitPanic},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, watchdogConfig(1, 20*time.Millisecond))
			c := newChecker()
			c.panics = tc.panics
			db := node("db")
			db.Check = c.check
			recordClose(h.ev, db)
			h.app.Add(db)
			h.run()
			expectCode(t, h.wait(), tc.want)
			if !h.ev.has("close db") {
				t.Error("db was not closed")
			}
		})
	}
}

// TestWatchdogOff: without [watchdog] no check runs.
func TestWatchdogOff(t *testing.T) {
	h := newHarness(t, testConfig())
	c := newChecker()
	db := node("db")
	db.Check = c.check
	h.app.Add(db)
	h.run()
	h.waitReady()
	expectCode(t, h.stop(StopRequested), ExitOK)
	if n := c.calls.Load(); n != 0 {
		t.Errorf("check called %d times without [watchdog]", n)
	}
}
