package svcrt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// readyz calls the /readyz handler of app directly.
func readyz(t *testing.T, app *App) (int, readiness) {
	t.Helper()
	rec := httptest.NewRecorder()
	app.admin.readyz(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	var body readiness
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("/readyz body %q: %v", rec.Body, err)
	}
	return rec.Code, body
}

// stateOf is the state /readyz shows for a resource.
func stateOf(body readiness, name string) string {
	s, _ := body.Resources[name]["state"].(string)
	return s
}

// expectStates fails the test unless every node is in the state given.
func expectStates(t *testing.T, want map[*Node]State) {
	t.Helper()
	for n, st := range want {
		if got := n.state.Load(); got != st {
			t.Errorf("%s is %s, want %s", n.Name, got, st)
		}
	}
}

// recordClose makes the close of each node record "close <name>".
func recordClose(ev *trail, nodes ...*Node) {
	for _, n := range nodes {
		n.Close = func(context.Context) error {
			ev.add("close %s", n.Name)
			return nil
		}
	}
}

// TestStartOpensAlongTheDAG: a node opens only once all its dependencies are
// ready, independent nodes open concurrently, the ready callback fires once
// after the last open, and the after_ready hooks run after it, in order.
func TestStartOpensAlongTheDAG(t *testing.T) {
	h := newHarness(t, testConfig())
	aIn, bIn := newLatch(), newLatch()
	releaseA := make(chan struct{})
	a, b := node("a"), node("b")
	c := node("c", a, b)
	d := node("d", c) // no Open: ready as soon as c is
	e := node("e", d)
	// a and b each wait for the other to be inside its open: that ends only
	// if the two open at once (else the open timeout fails the start).
	a.Open = func(ctx context.Context) error {
		h.ev.add("open a")
		aIn.fire()
		select {
		case <-bIn.ch:
		case <-ctx.Done():
			return errors.New("b did not open while a was opening")
		}
		select {
		case <-releaseA:
		case <-ctx.Done():
			return ctx.Err()
		}
		h.ev.add("opened a")
		return nil
	}
	b.Open = func(ctx context.Context) error {
		h.ev.add("open b")
		bIn.fire()
		select {
		case <-aIn.ch:
		case <-ctx.Done():
			return errors.New("a did not open while b was opening")
		}
		h.ev.add("opened b")
		return nil
	}
	// A node that opened early would see its dependency still opening:
	// a is held open until the test releases it.
	checkDeps := func(n *Node) func(context.Context) error {
		return func(context.Context) error {
			h.ev.add("open %s", n.Name)
			for _, dep := range n.Deps {
				if st := dep.state.Load(); st != StateReady {
					return fmt.Errorf("%s opened while its dependency %s was %s", n.Name, dep.Name, st)
				}
			}
			return nil
		}
	}
	c.Open, e.Open = checkDeps(c), checkDeps(e)
	h.app.Add(a, b, c, d, e)
	hook := func(name string) Hook {
		return Hook{Name: name, Fn: func(context.Context) error {
			h.ev.add("hook %s", name)
			if p := h.app.phase.Load(); p != PhaseReady {
				return fmt.Errorf("after_ready hook ran in phase %s", p)
			}
			if n := h.readyN.Load(); n != 1 {
				return fmt.Errorf("after_ready hook ran after %d ready callbacks", n)
			}
			return nil
		}}
	}
	h.app.AfterReady = []Hook{hook("first"), hook("second")}
	hooksDone := make(chan struct{})
	h.app.AfterReady = append(h.app.AfterReady, Hook{Name: "last", Fn: func(context.Context) error {
		close(hooksDone)
		return nil
	}})

	if code, body := readyz(t, h.app); code != http.StatusServiceUnavailable || body.Ready || body.Phase != "starting" {
		t.Errorf("/readyz before run: %d %+v", code, body)
	}
	h.run()
	recv(t, aIn.ch, "a opening")
	recv(t, bIn.ch, "b opening")
	// a is held: everything downstream of it waits.
	code, body := readyz(t, h.app)
	if code != http.StatusServiceUnavailable || body.Ready || body.Phase != "starting" {
		t.Errorf("/readyz while a opens: %d %+v", code, body)
	}
	for name, want := range map[string]string{"a": "opening", "c": "pending", "d": "pending", "e": "pending"} {
		if got := stateOf(body, name); got != want {
			t.Errorf("/readyz while a opens: %s is %q, want %q", name, got, want)
		}
	}
	if h.ev.has("open c") || h.readyN.Load() != 0 {
		t.Errorf("c opened or the service was ready while a was opening: %q", h.ev.all())
	}
	close(releaseA)
	h.waitReady()
	recv(t, hooksDone, "after_ready hooks")
	if code, body := readyz(t, h.app); code != http.StatusOK || !body.Ready || body.Phase != "ready" {
		t.Errorf("/readyz when ready: %d %+v", code, body)
	}
	expectCode(t, h.stop(StopRequested), ExitOK)

	if n := h.readyN.Load(); n != 1 {
		t.Errorf("ready callback fired %d times, want 1", n)
	}
	h.ev.before(t, "opened a", "open c")
	h.ev.before(t, "opened b", "open c")
	h.ev.before(t, "open c", "open e")
	h.ev.before(t, "open e", "ready")
	h.ev.before(t, "ready", "hook first")
	h.ev.before(t, "hook first", "hook second")
	h.ev.before(t, "hook second", "stopping")
	for _, n := range []*Node{a, b, c, d, e} {
		if !h.ev.has("progress opened " + n.Name) {
			t.Errorf("no progress for the open of %s: %q", n.Name, h.ev.all())
		}
	}
	expectStates(t, map[*Node]State{a: StateClosed, b: StateClosed, c: StateClosed, d: StateClosed, e: StateClosed})
}

// TestRollback: a start that fails closes what opened, in reverse order, and
// never opens what depends on the failed node.
func TestRollback(t *testing.T) {
	waitCtx := func(*testing.T) func(context.Context) error {
		return func(ctx context.Context) error {
			<-ctx.Done()
			return ctx.Err()
		}
	}
	for _, tc := range []struct {
		name        string
		start       time.Duration // the start budget; 0: testConfig's
		openTimeout time.Duration // of the failing node; 0: node's
		open        func(*testing.T) func(context.Context) error
		want        ExitCode
	}{
		{"open fails", 0, 0, func(*testing.T) func(context.Context) error {
			return func(context.Context) error { return errors.New("boom") }
		}, ExitStartFailed},
		{"open panics", 0, 0, func(*testing.T) func(context.Context) error {
			return func(context.Context) error { panic("boom") }
		}, ExitPanic},
		{"open timeout", 0, 30 * time.Millisecond, waitCtx, ExitStartFailed},
		{"open ignores its timeout", 0, 30 * time.Millisecond, func(t *testing.T) func(context.Context) error {
			block := hang(t)
			return func(context.Context) error {
				<-block
				return nil
			}
		}, ExitStartFailed},
		// a and b open in microseconds: the budget runs out in c's open.
		{"start budget spent", 100 * time.Millisecond, 0, waitCtx, ExitStartFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			if tc.start > 0 {
				cfg.Timeouts.Start = tc.start
			}
			h := newHarness(t, cfg)
			a := node("a")
			b := node("b", a)
			c := node("c", b)
			e := node("e", c)
			recordClose(h.ev, a, b, c, e)
			c.Open = tc.open(t)
			if tc.openTimeout > 0 {
				c.OpenTimeout = tc.openTimeout
			}
			e.Open = func(context.Context) error {
				h.ev.add("open e")
				return nil
			}
			h.app.Add(a, b, c, e)
			h.run()
			expectCode(t, h.wait(), tc.want)

			h.ev.before(t, "close b", "close a")
			for _, ev := range []string{"close c", "close e", "open e", "ready"} {
				if h.ev.has(ev) {
					t.Errorf("%s happened; events: %q", ev, h.ev.all())
				}
			}
			if !h.ev.has("flush") {
				t.Error("the log was not flushed")
			}
			expectStates(t, map[*Node]State{a: StateClosed, b: StateClosed, c: StateFailed, e: StatePending})
			rec, ok := h.logs.find("start failed")
			if !ok {
				t.Error(`no "start failed" in the log`)
			} else if !strings.Contains(rec.attrs["err"], `open resource "c"`) {
				t.Errorf("the start failure does not name c: %q", rec.attrs["err"])
			}
			if tc.openTimeout > 0 && !strings.Contains(rec.attrs["err"], "open timed out after 30ms") {
				t.Errorf("the start failure does not name the open timeout: %q", rec.attrs["err"])
			}
			if p := h.app.phase.Load(); p != PhaseStopping {
				t.Errorf("phase %s after a failed start", p)
			}
		})
	}
}

// TestStartFailsBeforeOpen: an address that cannot be bound fails the start
// before any open.
func TestStartFailsBeforeOpen(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, cfg *Config, n *Node)
	}{
		{"bind fails", func(_ *testing.T, _ *Config, n *Node) {
			n.Bind = func() error { return errors.New("address in use") }
		}},
		{"admin address taken", func(t *testing.T, cfg *Config, _ *Node) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ln.Close() })
			cfg.Admin.Addr = ln.Addr().String()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			a := node("a")
			tc.setup(t, cfg, a)
			h := newHarness(t, cfg)
			a.Open = func(context.Context) error {
				h.ev.add("open a")
				return nil
			}
			h.app.Add(a)
			h.run()
			expectCode(t, h.wait(), ExitStartFailed)
			if h.ev.has("open a") || h.ev.has("ready") {
				t.Errorf("opened after a failed bind: %q", h.ev.all())
			}
			if !h.ev.has("flush") {
				t.Error("the log was not flushed")
			}
		})
	}
}

// TestStopDuringWarmup: a stop requested while a node opens cancels the open,
// closes what opened and exits cleanly.
func TestStopDuringWarmup(t *testing.T) {
	h := newHarness(t, testConfig())
	bIn := newLatch()
	a := node("a")
	b := node("b", a)
	c := node("c", b)
	recordClose(h.ev, a, b, c)
	cause := make(chan error, 1)
	b.Open = func(ctx context.Context) error {
		bIn.fire()
		<-ctx.Done()
		cause <- context.Cause(ctx)
		return ctx.Err()
	}
	c.Open = func(context.Context) error {
		h.ev.add("open c")
		return nil
	}
	h.app.Add(a, b, c)
	h.run()
	recv(t, bIn.ch, "b opening")
	expectCode(t, h.stop(StopRequested), ExitOK)

	if got := h.ev.all(); !h.ev.has("close a") || h.ev.has("close b") || h.ev.has("close c") || h.ev.has("open c") || h.ev.has("ready") {
		t.Errorf("want a closed, b and c neither opened nor closed, never ready; events: %q", got)
	}
	if err := recv(t, cause, "b's cancel"); err == nil || err.Error() != "stop requested: test" {
		t.Errorf("b's open was cancelled by %v, want the stop", err)
	}
	if _, ok := h.logs.find("start aborted", "reason", "test"); !ok {
		t.Error(`no "start aborted" in the log`)
	}
	if _, ok := h.logs.find("start failed"); ok {
		t.Error(`a stop during the start logged "start failed"`)
	}
	expectStates(t, map[*Node]State{a: StateClosed, b: StateFailed, c: StatePending})
}

// TestStopOrder: dependents close before their dependencies, independent
// nodes close at once, before_drain hooks run first, then the drains.
func TestStopOrder(t *testing.T) {
	h := newHarness(t, testConfig())
	//      a
	//     / \
	//    b   c
	//     \ /
	//      d
	a := node("a")
	b := node("b", a)
	c := node("c", a)
	d := node("d", b, c)
	recordClose(h.ev, a, d)
	bIn, cIn := newLatch(), newLatch()
	// b and c each wait inside their close for the other: that ends only if
	// the two close at once (else the close timeout makes the exit code 4).
	overlap := func(self, other *latch) func(context.Context) error {
		return func(ctx context.Context) error {
			self.fire()
			select {
			case <-other.ch:
			case <-ctx.Done():
				return ctx.Err()
			}
			return nil
		}
	}
	b.Close = func(ctx context.Context) error {
		h.ev.add("close b")
		return overlap(bIn, cIn)(ctx)
	}
	c.Close = func(ctx context.Context) error {
		h.ev.add("close c")
		return overlap(cIn, bIn)(ctx)
	}
	b.CloseTimeout, c.CloseTimeout = time.Second, time.Second
	d.Drain = func(context.Context) error {
		h.ev.add("drain d")
		if p := h.app.phase.Load(); p != PhaseStopping {
			return fmt.Errorf("drain in phase %s", p)
		}
		return nil
	}
	h.app.Add(a, b, c, d)
	h.app.BeforeDrain = []Hook{{Name: "bye", Fn: func(context.Context) error {
		h.ev.add("hook bye")
		if p := h.app.phase.Load(); p != PhaseStopping {
			return fmt.Errorf("before_drain hook in phase %s", p)
		}
		return nil
	}}}
	h.run()
	h.waitReady()
	expectCode(t, h.stop(StopRequested), ExitOK)

	h.ev.before(t, "stopping", "hook bye")
	h.ev.before(t, "hook bye", "drain d")
	h.ev.before(t, "drain d", "close d")
	h.ev.before(t, "close d", "close b")
	h.ev.before(t, "close d", "close c")
	h.ev.before(t, "close b", "close a")
	h.ev.before(t, "close c", "close a")
	h.ev.before(t, "close a", "flush")
	if got := time.Duration(h.budget.Load()); got != testConfig().Timeouts.Stop {
		t.Errorf("stopping callback got the budget %s, want the stop budget", got)
	}
	if _, ok := h.logs.find("close"); ok {
		t.Error("a close failed: b and c did not close at once")
	}
	expectStates(t, map[*Node]State{a: StateClosed, b: StateClosed, c: StateClosed, d: StateClosed})
}

// TestDrainDelay: a requested stop keeps serving for drain_delay; a
// shutdown skips it and takes the shutdown budget.
func TestDrainDelay(t *testing.T) {
	for _, tc := range []struct {
		name       string
		kind       StopKind
		delay      time.Duration
		wantDelay  bool
		wantBudget func(TimeoutConfig) time.Duration
	}{
		{"stop", StopRequested, 20 * time.Millisecond, true, func(c TimeoutConfig) time.Duration { return c.Stop }},
		// An hour of drain delay in an hour of stop budget: waiting for it
		// would time the test out.
		{"shutdown", StopShutdown, time.Hour, false, func(c TimeoutConfig) time.Duration { return c.Shutdown }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Timeouts.DrainDelay = tc.delay
			cfg.Timeouts.Stop = time.Hour
			h := newHarness(t, cfg)
			a := node("a")
			a.Drain = func(context.Context) error {
				h.ev.add("drain a")
				return nil
			}
			h.app.Add(a)
			h.run()
			h.waitReady()
			expectCode(t, h.stop(tc.kind), ExitOK)
			if got := h.ev.has("progress drain delay"); got != tc.wantDelay {
				t.Errorf("drain delay ran: %v, want %v; events: %q", got, tc.wantDelay, h.ev.all())
			}
			if tc.wantDelay {
				h.ev.before(t, "progress drain delay", "drain a")
			}
			if got, want := time.Duration(h.budget.Load()), tc.wantBudget(cfg.Timeouts); got != want {
				t.Errorf("stop budget %s, want %s", got, want)
			}
		})
	}
}

// TestCloseOutcomes: what a close that fails, panics or overruns does to the
// exit code; the node's dependencies close in every case.
func TestCloseOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		close func(t *testing.T) func(context.Context) error
		want  ExitCode
	}{
		{"error is logged", func(*testing.T) func(context.Context) error {
			return func(context.Context) error { return errors.New("close failed") }
		}, ExitOK},
		{"panic", func(*testing.T) func(context.Context) error {
			return func(context.Context) error { panic("close panicked") }
		}, ExitPanic},
		{"returns at its timeout", func(*testing.T) func(context.Context) error {
			return func(ctx context.Context) error {
				<-ctx.Done()
				return ctx.Err()
			}
		}, ExitStopTimeout},
		{"hangs past its timeout", func(t *testing.T) func(context.Context) error {
			block := hang(t)
			return func(context.Context) error {
				<-block
				return nil
			}
		}, ExitStopTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			a := node("a")
			b := node("b", a)
			recordClose(h.ev, a)
			b.Close = tc.close(t)
			b.CloseTimeout = 30 * time.Millisecond
			h.app.Add(a, b)
			h.run()
			h.waitReady()
			expectCode(t, h.stop(StopRequested), tc.want)
			if !h.ev.has("close a") {
				t.Errorf("a did not close after b's close: %q", h.ev.all())
			}
			if _, ok := h.logs.find("close", "resource", "b"); !ok {
				t.Error("the failed close of b is not in the log")
			}
			expectStates(t, map[*Node]State{a: StateClosed, b: StateClosed})
		})
	}
}

// TestCriticalCloseRunsFromTheReserve: once a hung close has spent the stop
// budget of the rest, a non-critical close is skipped and a critical one
// still runs, within the reserve.
func TestCriticalCloseRunsFromTheReserve(t *testing.T) {
	cfg := testConfig()
	cfg.Timeouts.Critical = waitLimit / 2
	cfg.Timeouts.Stop = cfg.Timeouts.Critical + 50*time.Millisecond
	h := newHarness(t, cfg)
	crit := node("crit")
	crit.Critical = true
	plain := node("plain")
	hog := node("hog", crit, plain)
	hog.CloseTimeout = time.Hour // only the stop budget ends it
	block := hang(t)
	hog.Close = func(context.Context) error {
		h.ev.add("close hog")
		<-block
		return nil
	}
	recordClose(h.ev, plain)
	crit.Close = func(ctx context.Context) error {
		h.ev.add("close crit")
		if st := hog.state.Load(); st != StateClosed {
			return fmt.Errorf("critical close while its dependent hog is %s", st)
		}
		deadline, ok := ctx.Deadline()
		if !ok || ctx.Err() != nil || !deadline.After(time.Now()) {
			return fmt.Errorf("critical close without time left: deadline %v, err %v", deadline, ctx.Err())
		}
		return nil
	}
	h.app.Add(crit, plain, hog)
	h.run()
	h.waitReady()
	expectCode(t, h.stop(StopRequested), ExitStopTimeout)

	if h.ev.has("close plain") {
		t.Errorf("the non-critical close ran after the budget was spent: %q", h.ev.all())
	}
	if _, ok := h.logs.find("close skipped", "resource", "plain"); !ok {
		t.Error(`no "close skipped" for plain in the log`)
	}
	if _, ok := h.logs.find("closed", "resource", "crit"); !ok {
		t.Error("the critical close did not succeed")
	}
	if !h.ev.has("flush") {
		t.Error("the log was not flushed")
	}
}

// TestSecondStopIsForced: a second stop request reports forced while the
// first stop runs, and does not disturb it.
func TestSecondStopIsForced(t *testing.T) {
	h := newHarness(t, testConfig())
	in, release := newLatch(), make(chan struct{})
	a := node("a")
	a.Close = func(ctx context.Context) error {
		in.fire()
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	h.app.Add(a)
	h.run()
	h.waitReady()
	if h.app.Stop(StopRequested, "first") {
		t.Error("the first Stop reported forced")
	}
	recv(t, in.ch, "close of a")
	for _, kind := range []StopKind{StopRequested, StopShutdown} {
		if !h.app.Stop(kind, "again") {
			t.Errorf("a second Stop (%s) did not report forced", kind)
		}
	}
	close(release)
	expectCode(t, h.wait(), ExitOK)
	if r := h.app.stopReason(); r != "first" {
		t.Errorf("stop reason %q, want the first request's", r)
	}
}

// TestHooks: failing hooks and the exit code they leave.
func TestHooks(t *testing.T) {
	fail := func(context.Context) error { return errors.New("hook failed") }
	boom := func(context.Context) error { panic("hook panicked") }
	for _, tc := range []struct {
		name              string
		afterReady        func(context.Context) error
		beforeDrain       func(context.Context) error
		want              ExitCode
		stopsItself       bool // the engine stops without a Stop
		beforeDrainCalled bool
	}{
		{"after_ready fails", fail, nil, ExitStartFailed, true, false},
		{"after_ready panics", boom, nil, ExitPanic, true, false},
		{"before_drain fails", nil, fail, ExitOK, false, true},
		{"before_drain panics", nil, boom, ExitPanic, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			a := node("a")
			recordClose(h.ev, a)
			h.app.Add(a)
			if tc.afterReady != nil {
				h.app.AfterReady = []Hook{{Name: "ar", Fn: tc.afterReady}, {Name: "never", Fn: func(context.Context) error {
					h.ev.add("hook never")
					return nil
				}}}
			}
			if tc.beforeDrain != nil {
				h.app.BeforeDrain = []Hook{{Name: "bd", Fn: func(ctx context.Context) error {
					h.ev.add("hook bd")
					return tc.beforeDrain(ctx)
				}}}
			}
			h.run()
			var code ExitCode
			if tc.stopsItself {
				code = h.wait()
			} else {
				h.waitReady()
				code = h.stop(StopRequested)
			}
			expectCode(t, code, tc.want)
			if h.ev.has("hook never") {
				t.Error("a hook ran after a failed one")
			}
			if h.ev.has("hook bd") != tc.beforeDrainCalled {
				t.Errorf("before_drain hook ran: %v, want %v", h.ev.has("hook bd"), tc.beforeDrainCalled)
			}
			if !h.ev.has("close a") {
				t.Error("a was not closed")
			}
		})
	}
}

// TestAfterReadyHookCutByStop: a stop during an after_ready hook cancels it
// and is a clean stop, not a failed start.
func TestAfterReadyHookCutByStop(t *testing.T) {
	h := newHarness(t, testConfig())
	in := newLatch()
	h.app.Add(node("a"))
	h.app.AfterReady = []Hook{{Name: "slow", Fn: func(ctx context.Context) error {
		in.fire()
		<-ctx.Done()
		return ctx.Err()
	}}}
	h.run()
	recv(t, in.ch, "after_ready hook")
	expectCode(t, h.stop(StopRequested), ExitOK)
}

// TestWorkers: how a worker's return ends the service, or does not.
func TestWorkers(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T) func(context.Context) error
		// stop: the test asks for the stop once the worker has returned or
		// been started; otherwise the worker's end stops the service.
		stop  bool
		early bool // returns nil before the stop
		want  ExitCode
	}{
		{"error stops the service", func(*testing.T) func(context.Context) error {
			return func(context.Context) error { return errors.New("queue gone") }
		}, false, false, ExitWorker},
		{"panic stops the service", func(*testing.T) func(context.Context) error {
			return func(context.Context) error { panic("worker panicked") }
		}, false, false, ExitPanic},
		{"nil return just finishes", func(*testing.T) func(context.Context) error {
			return func(context.Context) error { return nil }
		}, true, true, ExitOK},
		{"returns when cancelled", func(*testing.T) func(context.Context) error {
			return func(ctx context.Context) error {
				<-ctx.Done()
				return ctx.Err()
			}
		}, true, false, ExitOK},
		{"error after cancel is a goodbye", func(*testing.T) func(context.Context) error {
			return func(ctx context.Context) error {
				<-ctx.Done()
				return errors.New("interrupted")
			}
		}, true, false, ExitOK},
		{"ignores cancel past its close timeout", func(t *testing.T) func(context.Context) error {
			block := hang(t)
			return func(context.Context) error {
				<-block
				return nil
			}
		}, true, false, ExitStopTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			db := node("db")
			recordClose(h.ev, db)
			h.app.Add(db)
			w := node("w", db)
			if tc.want == ExitStopTimeout {
				w.CloseTimeout = 30 * time.Millisecond
			}
			WorkerResource(h.app, w, tc.run(t))
			if w.Kind != "worker" {
				t.Errorf("kind %q", w.Kind)
			}
			h.run()
			var code ExitCode
			if tc.stop {
				h.waitReady()
				if tc.early {
					// Returned early: the engine has taken note, and runs on.
					recv(t, w.served, "the worker's end")
					select {
					case <-h.app.stopCh:
						t.Fatal("a worker that returned nil stopped the service")
					default:
					}
					if _, ok := h.logs.find("finished", "resource", "w"); !ok {
						t.Error(`no "finished" in the log`)
					}
				}
				code = h.stop(StopRequested)
			} else {
				code = h.wait()
			}
			expectCode(t, code, tc.want)
			if !h.ev.has("close db") {
				t.Error("the worker's dependency was not closed")
			}
			expectStates(t, map[*Node]State{db: StateClosed, w: StateClosed})
		})
	}
}

// TestReload: the reload hook runs only while ready; its failure leaves the
// service running, its panic stops it.
func TestReload(t *testing.T) {
	t.Run("no hook", func(t *testing.T) {
		h := newHarness(t, testConfig())
		h.app.Reload() // says so and does nothing
		if _, ok := h.logs.find("reload requested, but the spec has no [hooks] reload: ignored"); !ok {
			t.Error("a reload without a hook was not logged")
		}
	})
	t.Run("not before ready", func(t *testing.T) {
		h := newHarness(t, testConfig())
		h.app.OnReload = func(context.Context) error {
			t.Error("reload hook ran before ready")
			return nil
		}
		h.app.Reload()
	})
	for _, tc := range []struct {
		name   string
		reload func(context.Context) error
		want   ExitCode
		logged string
	}{
		{"ok", func(context.Context) error { return nil }, ExitOK, "reloaded"},
		{"fails", func(context.Context) error { return errors.New("bad config") }, ExitOK, "reload failed"},
		{"panics", func(context.Context) error { panic("reload panicked") }, ExitPanic, "reload failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			h.app.Add(node("a"))
			h.app.OnReload = tc.reload
			h.run()
			h.waitReady()
			h.app.Reload()
			if _, ok := h.logs.find(tc.logged); !ok {
				t.Errorf("no %q in the log", tc.logged)
			}
			if tc.want == ExitOK {
				select {
				case <-h.app.stopCh:
					t.Fatal("the reload stopped the service")
				default:
				}
				expectCode(t, h.stop(StopRequested), ExitOK)
				return
			}
			expectCode(t, h.wait(), tc.want)
		})
	}
}

// TestCall: a step that ignores its context ends at its deadline with the
// budget as cause; a panic becomes a *panicError with the stack.
func TestCall(t *testing.T) {
	a := New(testConfig(), newTestLogger(), func() error { return nil })
	block := hang(t)
	budget := 20 * time.Millisecond
	ctx, cancel := context.WithTimeoutCause(context.Background(), budget, &timeoutError{step: "open", budget: budget})
	defer cancel()
	err := a.call(ctx, func(context.Context) error {
		<-block
		return nil
	})
	var te *timeoutError
	if !errors.As(err, &te) || err.Error() != "open timed out after 20ms" {
		t.Errorf("hung step: %v, want the open timeout", err)
	}
	err = a.call(context.Background(), func(context.Context) error { panic("boom") })
	var p *panicError
	if !errors.As(err, &p) || p.value != "boom" || len(p.stack) == 0 || err.Error() != "panic: boom" {
		t.Errorf("panicking step: %v", err)
	}
	if faultCode(fmt.Errorf("wrapped: %w", err), ExitStartFailed) != ExitPanic {
		t.Error("faultCode of a wrapped panic is not ExitPanic")
	}
	if faultCode(errors.New("x"), ExitWorker) != ExitWorker {
		t.Error("faultCode of an error is not the code given")
	}
	if got := (&timeoutError{step: "stop"}).Error(); got != "stop budget spent" {
		t.Errorf("timeoutError without budget: %q", got)
	}
}

// TestReloadWithoutHook: a reload request (SIGHUP, the SCM's ParamChange)
// when the spec has no [hooks] reload is logged and ignored; the service
// keeps running.
func TestReloadWithoutHook(t *testing.T) {
	h := newHarness(t, testConfig())
	h.app.Add(node("a"))
	h.run()
	h.waitReady()
	h.app.Reload()
	if _, ok := h.logs.find("reload requested, but the spec has no [hooks] reload: ignored"); !ok {
		t.Error("the ignored reload is not in the log")
	}
	if p := h.app.phase.Load(); p != PhaseReady {
		t.Errorf("phase %s after an ignored reload", p)
	}
	expectCode(t, h.stop(StopRequested), ExitOK)
}

// TestStartNamesEveryFailedOpen: opens that fail on their own are all named
// in the start failure; one a cancel cut short is not.
func TestStartNamesEveryFailedOpen(t *testing.T) {
	h := newHarness(t, testConfig())
	// b fails first; a fails right after b's open returned, within the
	// grace the other opens get before the cancel.
	bDone := newLatch()
	a, b, c := node("a"), node("b"), node("c")
	b.Open = func(context.Context) error {
		defer bDone.fire()
		return errors.New("b refused")
	}
	a.Open = func(context.Context) error {
		<-bDone.ch
		return errors.New("a refused")
	}
	c.Open = func(ctx context.Context) error {
		<-ctx.Done() // cut short by the first failure
		return ctx.Err()
	}
	h.app.Add(a, b, c)
	h.run()
	expectCode(t, h.wait(), ExitStartFailed)
	rec, ok := h.logs.find("start failed")
	if !ok {
		t.Fatal(`no "start failed" in the log`)
	}
	msg := rec.attrs["err"]
	for _, want := range []string{`open resource "a": a refused`, `open resource "b": b refused`} {
		if !strings.Contains(msg, want) {
			t.Errorf("the start failure lacks %q: %q", want, msg)
		}
	}
	if strings.Contains(msg, `open resource "c"`) {
		t.Errorf("the start failure names c, which only the cancel stopped: %q", msg)
	}
}
