package svcrt

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// FailureEffect is what a resource's check that keeps failing does while the
// service runs ([resource] on_failure). Each choice also reports: the
// failures are logged, /readyz shows the resource's check, and /metrics has
// svc_resource_check_failing.
type FailureEffect string

const (
	// OnFailureReadiness: /readyz answers 503 while the check keeps failing,
	// so balancers send the traffic elsewhere; the process keeps running and
	// turns ready again with the first passing check.
	OnFailureReadiness FailureEffect = "readiness"
	// OnFailureLiveness: as readiness, and the service is not live (the
	// systemd watchdog pings stop); failing for exit_after, it stops with
	// exit code 8 so that systemd or the SCM starts it again.
	OnFailureLiveness FailureEffect = "liveness"
	// OnFailureMetrics: only reported. /readyz stays 200, for the routes
	// that never call the resource.
	OnFailureMetrics FailureEffect = "metrics"
)

// effect is what the node's failing check does: readiness unless the node
// says liveness or metrics.
func (n *Node) effect() FailureEffect {
	switch n.OnFailure {
	case OnFailureLiveness, OnFailureMetrics:
		return n.OnFailure
	}
	return OnFailureReadiness
}

// checkState is what the watchdog last saw of a node's check, read by
// /readyz and /metrics while the watchdog writes it.
type checkState struct {
	watched  atomic.Bool  // the watchdog runs this check
	failures atomic.Int32 // consecutive
	failing  atomic.Bool  // failures reached [watchdog] failures
}

// liveness is the watchdog's record of one node's check.
type liveness struct {
	node     *Node
	failures int       // consecutive
	since    time.Time // first failure of the current run
	err      error
}

// watch starts the checks; they run until the stop begins. Only
// dependencies are checked (a database, a cache, a user check): /healthz
// stays 200, because restarting this process does not bring a database
// back. What a check that keeps failing does is its node's OnFailure: the
// service not ready, not live and in the end stopped (exit_after) so that
// recovery (SCM actions, systemd Restart=) starts it from scratch, or only
// a report.
func (a *App) watch() {
	if a.cfg.Watchdog.Interval <= 0 {
		return // no [watchdog]
	}
	var checks []*liveness
	for _, n := range a.nodes {
		if n.Check != nil {
			n.check.watched.Store(true)
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
// and updates readiness and liveness. It reports false when it stopped the
// service.
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
	wasReady := a.isReady()
	unready, failing := false, false
	for _, c := range checks {
		n := c.node
		if c.err == nil {
			if c.failures > 0 {
				a.log.Info("check passed", "resource", n.Name, "after", c.failures)
			}
			c.failures = 0
			n.check.failures.Store(0)
			n.check.failing.Store(false)
			continue
		}
		if c.failures == 0 {
			c.since = time.Now()
		}
		c.failures++
		n.check.failures.Store(int32(min(c.failures, 1<<30)))
		a.log.Warn("check failed", "resource", n.Name, "failures", c.failures, "on_failure", string(n.effect()), "err", c.err)
		if faultCode(c.err, ExitOK) == ExitPanic {
			// A panic is a bug of the program, not a dependency that is down:
			// whatever the resource's on_failure, it stops the service.
			a.logFailure("panic", n.Name, c.err)
			a.fault(ExitPanic, "panic in the check of "+n.Name)
			return false
		}
		if n.effect() == OnFailureLiveness && a.cfg.Watchdog.ExitAfter > 0 && time.Since(c.since) >= a.cfg.Watchdog.ExitAfter {
			a.log.Error("liveness failed", "resource", n.Name, "for", time.Since(c.since).Round(time.Millisecond), "err", c.err)
			a.fault(ExitLiveness, fmt.Sprintf("liveness: %s failing for %s", n.Name, a.cfg.Watchdog.ExitAfter))
			return false
		}
		if c.failures < a.cfg.Watchdog.Failures {
			continue
		}
		if !n.check.failing.Swap(true) {
			a.log.Warn("check failing", "resource", n.Name, "on_failure", string(n.effect()), "failures", c.failures)
		}
		switch n.effect() {
		case OnFailureLiveness:
			failing = true
		case OnFailureReadiness:
			unready = true
		}
	}
	if a.failing.Swap(failing) != failing {
		if failing {
			a.log.Warn("not live", "failures", a.cfg.Watchdog.Failures)
		} else {
			a.log.Info("live again")
		}
	}
	if a.unready.Swap(unready) != unready {
		if unready {
			a.log.Warn("not ready", "failures", a.cfg.Watchdog.Failures)
		} else {
			a.log.Info("ready again")
		}
	}
	if ready := a.isReady(); ready != wasReady {
		for _, n := range a.nodes {
			if n.readiness != nil {
				n.readiness(ready)
			}
		}
	}
	return true
}

// isReady is what /readyz answers: ready, and no check that steers traffic
// away keeps failing.
func (a *App) isReady() bool {
	return a.phase.Load() == PhaseReady && !a.failing.Load() && !a.unready.Load()
}
