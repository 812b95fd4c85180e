package svcrt

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
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

// TestWatchdogOnFailure: a check failing [watchdog] failures times in a row
// does what its node's OnFailure says, and only that: readiness turns
// /readyz 503 and leaves the service live, liveness turns it not ready and
// not live, metrics leaves /readyz 200. Every choice shows the failing
// check on /readyz and /metrics and in the log; a passing check undoes it.
func TestWatchdogOnFailure(t *testing.T) {
	for _, tc := range []struct {
		effect      FailureEffect
		code        int
		ready, live string // svc_ready, svc_live while failing
		log         string // the service-level line, "" for none
	}{
		{"", http.StatusServiceUnavailable, "0", "1", "not ready"}, // the zero value is readiness
		{OnFailureReadiness, http.StatusServiceUnavailable, "0", "1", "not ready"},
		{OnFailureLiveness, http.StatusServiceUnavailable, "0", "0", "not live"},
		{OnFailureMetrics, http.StatusOK, "1", "1", ""},
	} {
		name := string(tc.effect)
		if name == "" {
			name = "zero"
		}
		t.Run(name, func(t *testing.T) {
			cfg := watchdogConfig(2, 0)
			cfg.Metrics = ServeMetrics
			h := newHarness(t, cfg)
			c := newChecker()
			db := node("db")
			db.Check, db.OnFailure = c.check, tc.effect
			h.app.Add(db, node("api"))
			h.run()
			h.waitReady()
			effect := string(db.effect())

			c.waitCalls(t, 3) // rounds 1 and 2 failed
			code, body := readyz(t, h.app)
			if code != tc.code || body.Ready != (tc.code == http.StatusOK) || body.Live != (tc.live == "1") || body.Phase != "ready" {
				t.Errorf("/readyz after 2 failed checks: %d %+v", code, body)
			}
			if d := body.Resources["db"]; d["check"] != "failing" || d["check_failures"].(float64) < 2 || d["on_failure"] != effect || d["state"] != "ready" {
				t.Errorf("/readyz shows db as %v", d)
			}
			if d := body.Resources["api"]; d["check"] != nil {
				t.Errorf("/readyz shows a check of api, which has none: %v", d)
			}
			metrics := get(newClient(t), "http://"+adminAddr(t, h)+"/metrics").body
			for _, want := range []string{
				"svc_ready " + tc.ready,
				"svc_live " + tc.live,
				`svc_resource_check_failing{on_failure="` + effect + `",resource="db"} 1`,
			} {
				if !strings.Contains(metrics, want) {
					t.Errorf("/metrics lacks %q", want)
				}
			}
			if !regexp.MustCompile(`svc_resource_check_failures\{resource="db"\} [2-9]`).MatchString(metrics) {
				t.Error("svc_resource_check_failures of db is not 2 or more")
			}
			if _, ok := h.logs.find("check failing", "resource", "db", "on_failure", effect); !ok {
				t.Errorf("no check failing line for db in the log:\n%s", h.logs)
			}
			for _, line := range []string{"not ready", "not live"} {
				if _, ok := h.logs.find(line); ok != (line == tc.log) {
					t.Errorf("%q in the log: %v, want %v", line, ok, line == tc.log)
				}
			}

			c.healthy.Store(true)
			c.waitCalls(t, c.calls.Load()+2) // a whole round passed
			if code, body := readyz(t, h.app); code != http.StatusOK || !body.Live || body.Resources["db"]["check"] != "passing" {
				t.Errorf("/readyz after a passing check: %d %+v", code, body)
			}
			if metrics := get(newClient(t), "http://"+adminAddr(t, h)+"/metrics").body; !strings.Contains(metrics, `svc_resource_check_failing{on_failure="`+effect+`",resource="db"} 0`) {
				t.Error("svc_resource_check_failing is not 0 after a passing check")
			}
			expectCode(t, h.stop(StopRequested), ExitOK)
		})
	}
}

// TestWatchdogStops: a check failing for exit_after ends the process with
// ExitLiveness when its node's OnFailure is liveness, and only then; a check
// that panics ends it with ExitPanic whatever its OnFailure.
func TestWatchdogStops(t *testing.T) {
	for _, tc := range []struct {
		name   string
		effect FailureEffect
		panics bool
		want   ExitCode
	}{
		{"exit_after", OnFailureLiveness, false, ExitLiveness},
		{"panic", OnFailureLiveness, true, ExitPanic},
		{"panic readiness", OnFailureReadiness, true, ExitPanic},
		{"panic metrics", OnFailureMetrics, true, ExitPanic},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, watchdogConfig(1, 20*time.Millisecond))
			c := newChecker()
			c.panics = tc.panics
			db := node("db")
			db.Check, db.OnFailure = c.check, tc.effect
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

// TestWatchdogKeepsRunning: a readiness or metrics resource whose check
// fails for longer than exit_after does not stop the service: restarting it
// does not bring the dependency back.
func TestWatchdogKeepsRunning(t *testing.T) {
	for _, effect := range []FailureEffect{OnFailureReadiness, OnFailureMetrics} {
		t.Run(string(effect), func(t *testing.T) {
			exitAfter := 20 * time.Millisecond
			h := newHarness(t, watchdogConfig(1, exitAfter))
			c := newChecker()
			db := node("db")
			db.Check, db.OnFailure = c.check, effect
			h.app.Add(db)
			h.run()
			h.waitReady()
			c.waitCalls(t, 2) // round 1 failed: its failure run began before now
			began := time.Now()
			for time.Since(began) <= exitAfter {
				c.waitCalls(t, c.calls.Load()+1)
			}
			// The round that saw the failure run longer than exit_after is
			// over when the next one begins.
			c.waitCalls(t, c.calls.Load()+1)
			if phase := h.app.phase.Load(); phase != PhaseReady {
				t.Fatalf("a %s check failing for longer than exit_after left the phase %s", effect, phase)
			}
			if _, ok := h.logs.find("liveness failed"); ok {
				t.Error(`"liveness failed" in the log`)
			}
			expectCode(t, h.stop(StopRequested), ExitOK)
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
