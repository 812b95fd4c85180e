package svcrt

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// liveness is the watchdog's record of one node's check.
type liveness struct {
	node     *Node
	failures int       // consecutive
	since    time.Time // first failure of the current run
	err      error
}

// watch starts the liveness checks; they run until the stop begins. Only
// dependencies are checked (a database, a cache, a user check): /healthz stays
// 200, because restarting this process does not bring a database back, but a
// dependency that stays down long enough (exit_after) ends the process so that
// recovery (SCM actions, systemd Restart=) starts it again from scratch.
func (a *App) watch() {
	if a.cfg.Watchdog.Interval <= 0 {
		return // no [watchdog]
	}
	var checks []*liveness
	for _, n := range a.nodes {
		if n.Check != nil {
			checks = append(checks, &liveness{node: n})
		}
	}
	if len(checks) == 0 {
		return
	}
	go func() {
		t := time.NewTicker(a.cfg.Watchdog.Interval)
		defer t.Stop()
		for {
			select {
			case <-a.stopCh:
				return
			case <-t.C:
			}
			if !a.checkRound(checks) {
				return
			}
		}
	}()
}

// checkRound runs every check once, concurrently, each within the interval,
// and updates readiness. It reports false when it stopped the service.
func (a *App) checkRound(checks []*liveness) bool {
	var wg sync.WaitGroup
	for _, c := range checks {
		wg.Go(func() {
			ctx, cancel := context.WithTimeoutCause(context.Background(), a.cfg.Watchdog.Interval, &timeoutError{step: "check", budget: a.cfg.Watchdog.Interval})
			defer cancel()
			c.err = a.call(ctx, c.node.Check)
		})
	}
	wg.Wait()
	failing := false
	for _, c := range checks {
		if c.err == nil {
			if c.failures > 0 {
				a.log.Info("check passed", "resource", c.node.Name, "after", c.failures)
			}
			c.failures = 0
			continue
		}
		if c.failures == 0 {
			c.since = time.Now()
		}
		c.failures++
		a.log.Warn("check failed", "resource", c.node.Name, "failures", c.failures, "err", c.err)
		if faultCode(c.err, ExitOK) == ExitPanic {
			a.logFailure("panic", c.node.Name, c.err)
			a.fault(ExitPanic, "panic in the check of "+c.node.Name)
			return false
		}
		if c.failures >= a.cfg.Watchdog.Failures {
			failing = true
		}
		if a.cfg.Watchdog.ExitAfter > 0 && time.Since(c.since) >= a.cfg.Watchdog.ExitAfter {
			a.log.Error("liveness failed", "resource", c.node.Name, "for", time.Since(c.since).Round(time.Millisecond), "err", c.err)
			a.fault(ExitLiveness, fmt.Sprintf("liveness: %s failing for %s", c.node.Name, a.cfg.Watchdog.ExitAfter))
			return false
		}
	}
	if a.failing.Swap(failing) != failing {
		if failing {
			a.log.Warn("not live", "failures", a.cfg.Watchdog.Failures)
		} else {
			a.log.Info("live again")
		}
	}
	return true
}
