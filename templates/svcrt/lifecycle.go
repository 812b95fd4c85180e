package svcrt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// Node is one resource of the spec. The generated svcgen_wire.go builds
// the table; the engine calls the step functions, each optional.
type Node struct {
	Name string
	Kind string
	// Deps are the nodes named in depends_on.
	Deps []*Node
	// Critical: the close runs from the reserved share of the stop budget
	// even when the steps before it overran.
	Critical     bool
	OpenTimeout  time.Duration
	CloseTimeout time.Duration

	// Bind runs at process start, before any open: listeners are bound early
	// so clients connecting during warmup wait in the backlog, not refused.
	Bind func() error
	// Open opens and warms the resource; its context carries the open timeout.
	Open func(context.Context) error
	// Serve runs from ready until stop (an HTTP accept loop, a worker); its
	// context is cancelled at stop step 4 (a server's, at its drain).
	Serve func(context.Context) error
	// Drain is stop step 3 for servers; its context carries the drain deadline.
	Drain func(context.Context) error
	// Close runs once every dependent has closed, within the close timeout.
	Close func(context.Context) error
	// Status is the detail /readyz shows under the resource.
	Status func() map[string]any
	// Check is the liveness check of [watchdog] (watchdog.go); Stats, the
	// numbers /metrics exports (metrics.go). Nil when the spec has none.
	Check func(context.Context) error
	Stats func() map[string]float64
	// OnFailure is what a Check that keeps failing does while the service
	// runs ([resource] on_failure; watchdog.go). The zero value is
	// OnFailureReadiness.
	OnFailure FailureEffect

	dependents []*Node // the reverse edges of Deps
	// refuse answers what queued on a bound listener when the start is
	// given up (HTTPResource sets it).
	refuse func(context.Context)
	// stopping runs at stop step 1, as the service turns not ready
	// (GRPCResource: health NOT_SERVING).
	stopping func()
	// readiness runs when a [watchdog] check turns the running service
	// not ready, or ready again (GRPCResource: health follows /readyz).
	readiness func(ready bool)
	// listener is the node's listening socket once bound (HTTPResource
	// sets it), handed to a new process by an upgrade.
	listener func() *listener
	// socket is the node's listening socket once bound (HTTPResource,
	// GRPCResource): an upgrade hands it to the new process.
	socket    func() net.Listener
	state     atomicState
	opened    chan struct{} // closed when open succeeded: dependents may open
	closed    chan struct{} // closed when the stop step of the node ended: dependencies may close
	stopServe context.CancelFunc
	served    chan struct{} // closed when serve returned
	check     checkState    // the watchdog's view of Check, for /readyz and /metrics
}

// App is the engine. The generated wiring adds the nodes and hooks (Add,
// AfterReady, BeforeDrain, OnReload); the front doors (console.go,
// service_windows.go, systemd_linux.go) set the callbacks, call run once and
// call Stop from wherever their stop requests arrive.
type App struct {
	// AfterReady hooks run in order once the service is ready; BeforeDrain
	// hooks, when the stop begins. OnReload runs on SIGHUP or the SCM's
	// ParamChange while ready; nil: no reload.
	AfterReady  []Hook
	BeforeDrain []Hook
	OnReload    func(context.Context) error

	cfg     *Config
	log     *slog.Logger
	flush   func() error
	nodes   []*Node // topological order
	admin   *admin
	phase   atomicPhase
	failing atomic.Bool // the check of an on_failure = liveness node keeps failing (watchdog.go): not live, not ready
	unready atomic.Bool // the check of an on_failure = readiness node keeps failing: not ready

	// Callbacks of the front door. progress follows every real step (from
	// several goroutines at once while nodes open or close concurrently), so the
	// SCM's CheckPoint and systemd's EXTEND_TIMEOUT_USEC move only when the
	// service moves; ready, once it serves; stopping, when the stop begins,
	// with the stop budget.
	progress func(step string)
	ready    func()
	stopping func(budget time.Duration)
	// observe records how long a step took, for /metrics: start, open, drain,
	// close, stop.
	observe func(step, resource string, took time.Duration)
	// requestMetrics, set by [metrics] (metrics.go), gives each http resource
	// the function that counts its answered requests; nil: none are counted.
	requestMetrics func(resource string) func(code int, took time.Duration)
	// rpcMetrics, set by [metrics], gives each grpc resource the function
	// that counts its finished calls by method and status code (its name:
	// "OK", "Unavailable").
	rpcMetrics func(resource string) func(method, code string, took time.Duration)

	// abort cancels the start (opens and after_ready hooks) when a stop begins.
	abort    context.CancelCauseFunc
	mu       sync.Mutex
	requests int // stop requests from the front door
	stopKind StopKind
	// shutdownBudget is the budget of an OS shutdown: timeouts.shutdown, or the
	// SCM's preshutdown time when the Windows front door sets it before Stop.
	shutdownBudget time.Duration
	reason         string
	stopCh         chan struct{} // closed when the stop begins
	readyCh        chan struct{} // closed when the service is ready
	code           ExitCode      // exit code of the first fault
	overran        atomic.Bool   // a step missed its budget
}

// New returns an engine with no nodes and no-op callbacks. flush is the last
// thing the engine runs (the log's buffered records).
func New(cfg *Config, log *slog.Logger, flush func() error) *App {
	a := &App{
		cfg:            cfg,
		log:            log,
		flush:          flush,
		progress:       func(string) {},
		ready:          func() {},
		stopping:       func(time.Duration) {},
		observe:        func(string, string, time.Duration) {},
		stopCh:         make(chan struct{}),
		readyCh:        make(chan struct{}),
		shutdownBudget: cfg.Timeouts.Shutdown,
	}
	a.admin = &admin{app: a}
	return a
}

// Add appends nodes to the table; each node's Deps must have been added
// before it (topological order), and Add must be called before the engine runs.
func (a *App) Add(nodes ...*Node) {
	a.nodes = append(a.nodes, nodes...)
	for _, n := range nodes {
		n.opened = make(chan struct{})
		n.closed = make(chan struct{})
		for _, d := range n.Deps {
			d.dependents = append(d.dependents, n)
		}
	}
}

// Ready is closed once the service is ready: every node open and warm,
// the servers serving. It is never closed when the start fails.
func (a *App) Ready() <-chan struct{} { return a.readyCh }

// Stop asks the service to stop; any goroutine may call it. It reports
// forced when a stop was already requested: the front door then exits at
// once with ExitForced (a console returns from main, the SCM front door
// returns the code from Execute) without waiting for the engine.
func (a *App) Stop(kind StopKind, reason string) (forced bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.requests++
	if a.requests > 1 {
		return true
	}
	a.beginLocked(kind, reason)
	return false
}

// fault stops the service because something failed while it ran (a worker
// error or panic, a failed after_ready hook). The first fault sets the exit
// code, also during a stop already under way.
func (a *App) fault(code ExitCode, reason string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.code == 0 {
		a.code = code
	}
	a.beginLocked(StopRequested, reason)
}

func (a *App) beginLocked(kind StopKind, reason string) {
	select {
	case <-a.stopCh:
		return // already stopping
	default:
	}
	a.stopKind, a.reason = kind, reason
	close(a.stopCh)
	if a.abort != nil {
		a.abort(errors.New("stop requested: " + reason))
	}
}

// exitCode is the code of a stop that ran to its end.
func (a *App) exitCode() ExitCode {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.code != 0 {
		return a.code
	}
	if a.overran.Load() {
		return ExitStopTimeout
	}
	return ExitOK
}

// Run is the whole life of the service: bind, start, serve until a stop
// begins (Stop), stop. It returns the exit code. Main's front doors call it;
// a test or a program that hosts the engine itself may too, once.
func (a *App) Run() ExitCode {
	begin := time.Now()
	a.log.Info("starting", "service", a.cfg.Name, "version", a.cfg.Version)
	// The admin listener comes first and goes last, so probes see 503
	// (not a refused connection) during the start and the whole stop.
	if err := a.admin.listen(); err != nil {
		a.logFailure("start failed", "admin", err)
		return a.exit(faultCode(err, ExitStartFailed), begin)
	}
	for _, n := range a.nodes {
		if n.Bind == nil {
			continue
		}
		if err := n.Bind(); err != nil {
			a.log.Error("start failed", "resource", n.Name, "err", err)
			a.refuseQueued()
			return a.exit(ExitStartFailed, begin)
		}
	}
	releaseInherited(a.log)

	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	a.mu.Lock()
	a.abort = cancel
	a.mu.Unlock()
	select {
	case <-a.stopCh:
		cancel(errors.New("stop requested"))
	default:
	}
	startCtx, cancelStart := context.WithDeadlineCause(ctx, begin.Add(a.cfg.Timeouts.Start), fmt.Errorf("start budget of %s spent", a.cfg.Timeouts.Start))
	defer cancelStart()
	if err := a.start(startCtx); err != nil {
		return a.rollback(begin, err)
	}

	// Everything is warm: serve, then report ready. Listeners were bound at
	// the start, so the connections that waited in the backlog are served now.
	a.serveAll()
	// The start duration is recorded before anything says ready, so a
	// scrape that sees ready also sees how long the start took.
	took := time.Since(begin)
	a.observe("start", "", took)
	a.phase.Store(PhaseReady)
	a.log.Info("service ready", "took", took.Round(time.Millisecond))
	close(a.readyCh)
	a.ready()
	a.watch() // liveness checks while ready (watchdog.go)
	if err := a.runHooks(startCtx, "after_ready", a.AfterReady); err != nil {
		// Unless a stop cut the hook short, a failed after_ready hook is a
		// failed start.
		select {
		case <-a.stopCh:
		default:
			a.fault(faultCode(err, ExitStartFailed), err.Error())
		}
	}
	cancelStart()
	<-a.stopCh
	return a.stop()
}

// exit ends the process's life in the engine: the admin listener closes last,
// then the final log line and the flush.
func (a *App) exit(code ExitCode, since time.Time) ExitCode {
	a.admin.close()
	a.log.Info("stopped", "code", int(code), "took", time.Since(since).Round(time.Millisecond))
	if err := a.flush(); err != nil {
		fmt.Fprintln(os.Stderr, "flush log:", err)
	}
	return code
}

// start opens every node. Each node opens as soon as all its dependencies
// are ready, so independent nodes open concurrently and the start takes the
// longest path of the DAG, not the sum. The first failure cancels the rest.
func (a *App) start(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	results := make(chan error, len(a.nodes))
	for _, n := range a.nodes {
		go func() {
			results <- a.openNode(ctx, n)
		}()
	}
	// The first failure of an open names its resource. The opens under way
	// get startFailureGrace to end on their own before the rest is cancelled:
	// two databases misconfigured at once are two fixes, named in one failed
	// start rather than one start after the other. What the cancel cut short
	// only repeats the cause. A node still waiting for its dependencies when
	// the start ends repeats it too, so it is the answer only when no open
	// failed (a stop before any open).
	var first, waiting error
	var others []error
	var grace <-chan time.Time
	for remaining := len(a.nodes); remaining > 0; {
		var err error
		select {
		case err = <-results:
			remaining--
		case <-grace:
			grace = nil
			cancel(first)
			continue
		}
		var w *waitError
		switch {
		case err == nil:
		case errors.As(err, &w):
			if waiting == nil {
				waiting = w.cause
			}
		case first == nil:
			first = err
			t := time.NewTimer(startFailureGrace)
			defer t.Stop()
			grace = t.C
		case !errors.Is(err, first) && !errors.Is(err, context.Canceled):
			others = append(others, err)
		}
	}
	if first == nil {
		return waiting
	}
	return errors.Join(append([]error{first}, others...)...)
}

// startFailureGrace is how long the opens under way may go on after the
// first failed, to fail on their own (and be named) before they are
// cancelled.
const startFailureGrace = 100 * time.Millisecond

// waitError is the end of a node that never opened because the start ended
// while it waited for its dependencies.
type waitError struct{ cause error }

func (e *waitError) Error() string { return e.cause.Error() }
func (e *waitError) Unwrap() error { return e.cause }

// openNode waits for the node's dependencies, then opens it with its own
// timeout. A node whose dependency failed never opens and reports why.
func (a *App) openNode(ctx context.Context, n *Node) error {
	for _, d := range n.Deps {
		select {
		case <-d.opened:
		case <-ctx.Done():
			return &waitError{cause: context.Cause(ctx)}
		}
	}
	n.state.Store(StateOpening)
	a.log.Info("opening", "resource", n.Name, "kind", n.Kind)
	t := time.Now()
	if n.Open != nil {
		octx, cancel := context.WithTimeoutCause(ctx, n.OpenTimeout, &timeoutError{step: "open", budget: n.OpenTimeout})
		err := a.call(octx, n.Open)
		cancel()
		if err != nil {
			n.state.Store(StateFailed)
			return fmt.Errorf("open resource %q: %w", n.Name, err)
		}
	}
	n.state.Store(StateReady)
	close(n.opened)
	a.log.Info("ready", "resource", n.Name, "took", time.Since(t).Round(time.Millisecond))
	a.observe("open", n.Name, time.Since(t))
	a.progress("opened " + n.Name)
	return nil
}

// rollback ends a start that failed or was stopped: what opened closes in
// reverse order, as in a stop. A stop requested during the start is a clean
// exit; anything else is a failed start.
func (a *App) rollback(begin time.Time, cause error) ExitCode {
	code := ExitOK
	select {
	case <-a.stopCh:
		a.log.Info("start aborted", "reason", a.stopReason())
	default:
		code = faultCode(cause, ExitStartFailed)
		a.logFailure("start failed", "", cause)
	}
	a.phase.Store(PhaseStopping)
	budget := a.cfg.Timeouts.Stop
	a.stopping(budget)
	final := time.Now().Add(budget)
	ctx, cancel := context.WithDeadlineCause(context.Background(), final.Add(-a.cfg.Timeouts.Critical), &timeoutError{step: "stop", budget: budget - a.cfg.Timeouts.Critical})
	defer cancel()
	a.refuseQueued()
	a.closeAll(ctx, final)
	if code == ExitOK {
		code = a.exitCode()
	}
	return a.exit(code, begin)
}

// refuseQueued answers, on every bound listener at once, the clients that
// queued during a start that is given up (none of them was served), within
// the drain budget.
func (a *App) refuseQueued() {
	ctx, cancel := context.WithTimeoutCause(context.Background(), a.cfg.Timeouts.Drain, &timeoutError{step: "drain", budget: a.cfg.Timeouts.Drain})
	defer cancel()
	var wg sync.WaitGroup
	for _, n := range a.nodes {
		if n.refuse != nil {
			wg.Go(func() { n.refuse(ctx) })
		}
	}
	wg.Wait()
}

func (a *App) stopReason() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.reason
}

// serveAll starts the serve step of every node that has one (HTTP servers,
// workers). A serve that ends on its own while the service runs stops it:
// with an error, exit code 7; with a panic, 6. A worker that returns nil
// early has just finished its work.
func (a *App) serveAll() {
	for _, n := range a.nodes {
		if n.Serve == nil {
			continue
		}
		ctx, cancel := context.WithCancel(context.Background())
		n.stopServe, n.served = cancel, make(chan struct{})
		go func() {
			defer close(n.served)
			err := guard(func() error {
				return n.Serve(ctx)
			})
			var p *panicError
			switch {
			case errors.As(err, &p):
				a.logFailure("panic", n.Name, err)
				a.fault(ExitPanic, fmt.Sprintf("panic in %s %q", n.Kind, n.Name))
			case ctx.Err() != nil:
				// Cancelled by the stop: whatever it returns now is its goodbye.
				if err != nil && !errors.Is(err, context.Canceled) {
					a.log.Warn("returned an error after cancel", "resource", n.Name, "err", err)
				}
			case err != nil:
				a.log.Error("failed", "resource", n.Name, "err", err)
				a.fault(ExitWorker, fmt.Sprintf("%s %q failed: %v", n.Kind, n.Name, err))
			default:
				a.log.Info("finished", "resource", n.Name)
			}
		}()
	}
}

// stop runs the five steps of a stop. The budget runs from the stop request;
// its last a.cfg.Timeouts.Critical is reserved for critical closes and the log
// flush, so they run even when the steps before them overran.
func (a *App) stop() ExitCode {
	begin := time.Now()
	a.mu.Lock()
	kind, reason, shutdownBudget := a.stopKind, a.reason, a.shutdownBudget
	a.mu.Unlock()
	budget := a.cfg.Timeouts.Stop
	if kind == StopShutdown {
		budget = shutdownBudget
	}
	final := begin.Add(budget)
	ctx, cancel := context.WithDeadlineCause(context.Background(), final.Add(-a.cfg.Timeouts.Critical), &timeoutError{step: "stop", budget: budget - a.cfg.Timeouts.Critical})
	defer cancel()

	// 1. Not ready: /readyz answers 503 from here on, and the front door tells
	// the service manager (SCM StopPending, systemd STOPPING=1).
	a.phase.Store(PhaseStopping)
	a.stopping(budget)
	for _, n := range a.nodes {
		if n.stopping != nil {
			n.stopping()
		}
	}
	a.log.Info("stopping", "reason", reason, "budget", budget)
	if err := a.runHooks(ctx, "before_drain", a.BeforeDrain); err != nil {
		a.stepFailed(err, ExitOK)
	}

	// 2. Keep serving for drain_delay: balancers poll /readyz and need that long
	// to stop routing here; closing listeners earlier refuses their traffic.
	// Only on a stop request: not on an OS shutdown, nor after an upgrade,
	// where the new process serves the same sockets (nothing for a balancer
	// to deregister) and answers the probes (this one's admin server stops
	// accepting).
	if kind == StopUpgraded {
		a.admin.handOver()
	}
	if kind == StopRequested && a.cfg.Timeouts.DrainDelay > 0 {
		a.log.Info("drain delay", "delay", a.cfg.Timeouts.DrainDelay)
		t := time.NewTimer(a.cfg.Timeouts.DrainDelay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
		a.progress("drain delay")
	}

	// 3. Servers stop accepting and finish what is in flight, concurrently.
	a.drainAll(ctx)

	// 4. Workers are cancelled and awaited, resources close in reverse DAG
	// order; 5. critical closes get the reserve (see closeNode).
	a.closeAll(ctx, final)
	a.observe("stop", "", time.Since(begin))
	return a.exit(a.exitCode(), begin)
}

// drainAll is stop step 3: every server drains at once, within a.cfg.Timeouts.Drain
// and the stop deadline. A server's drain closes what is left at its deadline.
func (a *App) drainAll(ctx context.Context) {
	ctx, cancel := context.WithTimeoutCause(ctx, a.cfg.Timeouts.Drain, &timeoutError{step: "drain", budget: a.cfg.Timeouts.Drain})
	defer cancel()
	var wg sync.WaitGroup
	for _, n := range a.nodes {
		if n.Drain == nil || n.state.Load() != StateReady {
			continue
		}
		wg.Go(func() {
			t := time.Now()
			a.log.Info("draining", "resource", n.Name)
			// Its serve is about to return because the drain closes the listener:
			// cancelled first, that return is part of the stop, not a failure.
			if n.stopServe != nil {
				n.stopServe()
			}
			// Not through call: a drain is generated code that returns at its
			// deadline by itself, after closing the connections left over.
			if err := n.Drain(ctx); err != nil {
				a.logFailure("drain", n.Name, err)
				a.overran.Store(true)
			} else {
				a.log.Info("drained", "resource", n.Name, "took", time.Since(t))
				a.observe("drain", n.Name, time.Since(t))
			}
			a.progress("drained " + n.Name)
		})
	}
	wg.Wait()
}

// closeAll is stop step 4: a node closes once every node that depends on it
// has closed, so a resource outlives its users and independent nodes close
// concurrently. Workers have no dependents: they are cancelled first.
func (a *App) closeAll(ctx context.Context, final time.Time) {
	var wg sync.WaitGroup
	for _, n := range a.nodes {
		wg.Go(func() {
			defer close(n.closed)
			for _, d := range n.dependents {
				<-d.closed
			}
			a.closeNode(ctx, n, final)
		})
	}
	wg.Wait()
}

// closeNode cancels and awaits the node's serve step, then runs its close, both
// within the close timeout. A non-critical node must end by the stop deadline
// (ctx); a critical one may use the reserve up to final.
func (a *App) closeNode(ctx context.Context, n *Node, final time.Time) {
	if n.state.Load() != StateReady {
		return // never opened: nothing to close
	}
	parent := ctx
	if n.Critical {
		// The reserve: a critical close may run to the very end of the budget.
		var cancel context.CancelFunc
		parent, cancel = context.WithDeadlineCause(context.Background(), final, &timeoutError{step: "stop"})
		defer cancel()
	}
	if deadline, _ := parent.Deadline(); time.Until(deadline) <= 0 {
		n.state.Store(StateClosed)
		a.log.Error("close skipped", "resource", n.Name, "reason", "stop budget spent")
		a.overran.Store(true)
		return
	}
	cctx, cancel := context.WithTimeoutCause(parent, n.CloseTimeout, &timeoutError{step: "close", budget: n.CloseTimeout})
	defer cancel()
	n.state.Store(StateClosing)
	a.log.Info("closing", "resource", n.Name)
	t := time.Now()
	var err error
	if n.stopServe != nil {
		// A worker's context is cancelled now and it has the close timeout to
		// return; a server's serve has returned with its drain already.
		n.stopServe()
		select {
		case <-n.served:
		case <-cctx.Done():
			err = fmt.Errorf("still running: %w", context.Cause(cctx))
		}
	}
	if err == nil && n.Close != nil {
		err = a.call(cctx, n.Close)
	}
	n.state.Store(StateClosed)
	if err != nil {
		a.logFailure("close", n.Name, err)
		a.stepFailed(err, ExitOK)
	} else {
		a.log.Info("closed", "resource", n.Name, "took", time.Since(t).Round(time.Millisecond))
		a.observe("close", n.Name, time.Since(t))
	}
	a.progress("closed " + n.Name)
}

// call runs one step on its own goroutine, so that a step ignoring its context
// still ends at its deadline (the goroutine is abandoned; the process exits
// soon after), and turns a panic into a *panicError error with the stack.
func (a *App) call(ctx context.Context, step func(context.Context) error) error {
	done := make(chan error, 1)
	go func() {
		done <- guard(func() error {
			return step(ctx)
		})
	}()
	result := func(err error) error {
		if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			// The step gave up because of its deadline: say which budget.
			return context.Cause(ctx)
		}
		return err
	}
	select {
	case err := <-done:
		return result(err)
	case <-ctx.Done():
		// A step that ended as its context did reports its own result: its
		// own failure says more than the cause that cut the others short.
		select {
		case err := <-done:
			return result(err)
		default:
			return context.Cause(ctx)
		}
	}
}

// guard runs fn and turns a panic into a *panicError error.
func guard(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &panicError{value: p, stack: debug.Stack()}
		}
	}()
	return fn()
}

// panicError is a panic recovered from user or resource code.
type panicError struct {
	value any
	stack []byte
}

func (p *panicError) Error() string {
	return fmt.Sprintf("panic: %v", p.value)
}

// timeoutError is the cause of a context whose budget ran out: which step,
// which budget (0: the whole stop budget, reserve included).
type timeoutError struct {
	step   string
	budget time.Duration
}

func (t *timeoutError) Error() string {
	if t.budget == 0 {
		return t.step + " budget spent"
	}
	return fmt.Sprintf("%s timed out after %s", t.step, t.budget)
}

// faultCode is the exit code for a failure: a panic is always 6, a
// timeout or error the code given.
func faultCode(err error, code ExitCode) ExitCode {
	var p *panicError
	if errors.As(err, &p) {
		return ExitPanic
	}
	return code
}

// stepFailed records a failed stop step: a missed budget makes the exit code
// 4, a panic 6; an error alone is in the log and leaves the code as it is.
func (a *App) stepFailed(err error, code ExitCode) {
	var t *timeoutError
	var p *panicError
	switch {
	case errors.As(err, &p):
		a.fault(ExitPanic, err.Error())
	case errors.As(err, &t):
		a.overran.Store(true)
	case code != 0:
		a.fault(code, err.Error())
	}
}

// logFailure logs a failed step; a panic with its stack.
func (a *App) logFailure(msg, resource string, err error) {
	attrs := []any{"err", err}
	if resource != "" {
		attrs = append([]any{"resource", resource}, attrs...)
	}
	var p *panicError
	if errors.As(err, &p) {
		attrs = append(attrs, "stack", string(p.stack))
	}
	a.log.Error(msg, attrs...)
}

// Hook is a user function run at a lifecycle point ([hooks] of the spec).
type Hook struct {
	Name string
	Fn   func(context.Context) error
}

// Reload runs the reload hook while the service is ready, within the start
// budget. A failure is logged and the service keeps running as it was; a
// panic stops it (exit 6).
func (a *App) Reload() {
	if a.OnReload == nil {
		// SIGHUP's default action would kill the process: it is caught and
		// ignored, and said so.
		a.log.Warn("reload requested, but the spec has no [hooks] reload: ignored")
		return
	}
	if a.phase.Load() != PhaseReady {
		return
	}
	a.log.Info("reloading")
	ctx, cancel := context.WithTimeoutCause(context.Background(), a.cfg.Timeouts.Start, &timeoutError{step: "reload", budget: a.cfg.Timeouts.Start})
	defer cancel()
	if err := a.call(ctx, a.OnReload); err != nil {
		a.logFailure("reload failed", "", err)
		if faultCode(err, ExitOK) == ExitPanic {
			a.fault(ExitPanic, "panic in the reload hook")
		}
		return
	}
	a.log.Info("reloaded")
}

// runHooks runs hooks in spec order and stops at the first failure.
func (a *App) runHooks(ctx context.Context, point string, hooks []Hook) error {
	for _, h := range hooks {
		a.log.Info("hook", "point", point, "hook", h.Name)
		if err := a.call(ctx, h.Fn); err != nil {
			err = fmt.Errorf("%s hook %s: %w", point, h.Name, err)
			a.logFailure("hook failed", "", err)
			return err
		}
		a.progress(point + " hook " + h.Name)
	}
	return nil
}
