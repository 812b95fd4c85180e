package svcrt

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
)

// serviceVerb is `<exe> service [-env-file PATH]`, the command line install
// registers: the env file is where install stored the service's
// configuration, since a service's environment is the one services.exe
// captured at boot. A wrong override still goes through svc.Run, so the SCM
// sees the start fail with exit code 3 (recovery actions fire) rather than a
// process that never connected (1053).
func serviceVerb(name string, setup Setup, args []string) ExitCode {
	fs := flag.NewFlagSet(name+" service", flag.ContinueOnError)
	envFile := fs.String("env-file", "", "read variables from this file (install writes it)")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "%s: service takes no arguments, got %q\n", name, fs.Args())
		return ExitUsage
	}
	cfg, wire, err := setupUnattended(name, setup, *envFile)
	if err == nil {
		applyRuntime(cfg.Runtime)
	}
	return cfg.runService(wire, err)
}

// setupUnattended runs setup with the overrides of the environment and
// envFile for a process with no console (the service, a worker): a wrong
// configuration is returned as err along with the spec's own, so that the
// process can report it where an operator looks (its log, the SCM's exit
// code) rather than on a stderr nobody reads.
func setupUnattended(name string, setup Setup, envFile string) (*Config, func(*App), error) {
	o, err := overridesFrom(name, envFile)
	if err != nil {
		o = NewOverrides(name, nil)
	}
	cfg, wire := setup(o)
	if err == nil {
		err = o.Err()
	}
	return cfg, wire, err
}

// runService is the SCM front door. svc.Run comes first: the SCM waits only
// ServicesPipeTimeout (30 s by default) for the process to connect, so even
// the logger and the node table are built inside Execute, after it connected.
// startErr (a wrong configuration) fails the start inside Execute.
func (cfg *Config) runService(wire func(*App), startErr error) ExitCode {
	h := &handler{cfg: cfg, wire: wire, startErr: startErr}
	// The name is ignored for a service in its own process; Execute learns the
	// name the SCM started it under from its first argument.
	if err := svc.Run(cfg.Name, h); err != nil {
		fmt.Fprintf(os.Stderr, "%s: service: %v (the Service Control Manager starts this verb; in a console use run)\n", cfg.Name, err)
		return ExitStartFailed
	}
	// The SCM already has the exit code (STOPPED was reported when Execute
	// returned); the process's own code only matters to a debugger.
	return h.code
}

// handler is the svc.Handler: Execute runs the engine on its own goroutine
// and keeps serving the control channel, because the SCM's dispatcher blocks
// while Execute does not read it (and a control handler must answer in 30 s).
type handler struct {
	cfg  *Config
	wire func(*App)
	// startErr is a configuration the start cannot use: Execute reports it
	// and stops with ExitStartFailed.
	startErr error
	code     ExitCode // the engine's exit code, for runService
}

// Execute runs the whole life of the service under the SCM. It returns the
// exit code and x/sys reports STOPPED with it; nothing runs after that (the
// SCM may end the process once it is STOPPED), so the log flush and the event
// log close happen here, before returning, and there is no os.Exit here.
func (h *handler) Execute(args []string, requests <-chan svc.ChangeRequest, changes chan<- svc.Status) (bool, uint32) {
	cfg := h.cfg
	name := cfg.Name
	if len(args) > 0 && args[0] != "" {
		name = args[0] // the name the SCM knows (install -name)
	}
	st := newSCMStatus(cfg.Timeouts.Start)
	// First report at once: START_PENDING with a hint as long as the start budget.
	changes <- st.current()

	// Its file is released once a worker serves and logs to it too.
	logging := cfg.openServiceLogging(name)
	log, flush, events := logging.log, logging.flush, logging.events
	defer events.close()
	if h.startErr != nil {
		h.code = ExitStartFailed
		logging.configurationFailed(h.startErr)
		events.stopped(ExitStartFailed, "configuration: "+h.startErr.Error())
		return true, uint32(ExitStartFailed)
	}
	app := New(cfg, log, flush)
	h.wire(app)
	st.acceptReload(app.OnReload != nil)
	// The engine calls these on its goroutine; they only record the state and
	// wake the loop below, the one goroutine that talks to the SCM.
	app.progress = func(string) {
		st.step()
	}
	app.ready = func() {
		st.enter(svc.Running, 0)
		events.info(eventReady, name+" is ready")
	}
	sup := newSupervisor(cfg, name, app, log)
	app.stopping = func(budget time.Duration) {
		if sup.ownHandedOver() {
			// This engine stops because a worker took over: the service
			// goes on (upgrade_windows.go).
			return
		}
		st.enter(svc.StopPending, budget)
		events.info(eventStopping, name+" is stopping: "+app.stopReason())
	}
	budgets := cfg.osStopBudgets(name)
	events.info(eventStarting, name+" is starting, version "+cfg.Version)
	done := make(chan ExitCode, 1)
	go func() {
		done <- app.Run()
	}()

	// relayed is the stop sent to the worker that serves, once sent, and
	// overdue fires when the worker has had its budget for it.
	relayed := ""
	var overdue <-chan time.Time
	stopped := func(code ExitCode, reason string) (bool, uint32) {
		h.code = code
		events.stopped(code, reason)
		if code == ExitOK {
			return false, 0
		}
		// ERROR_SERVICE_SPECIFIC_ERROR with the exit code: `sc query` shows it
		// and recovery actions fire (with recovery_on_non_crash).
		return true, uint32(code)
	}
	for {
		select {
		case code := <-done:
			if sup.ownHandedOver() {
				// A worker serves: this process supervises it from here on.
				log.Info("the service is served by its worker; this process supervises it", "code", int(code))
				logging.file.release()
				done = nil
				continue
			}
			return stopped(code, app.stopReason())
		case m := <-sup.steps:
			if m.verb == msgStopping {
				if overdue != nil {
					// The worker's own budget, which its configuration may set
					// otherwise than this process's.
					overdue = time.After(m.budget + relayMargin)
				}
				st.enter(svc.StopPending, m.budget)
				events.info(eventStopping, name+" is stopping: "+relayed)
			} else {
				st.step()
			}
		case <-overdue:
			w := sup.servingWorker()
			w.cmd.Process.Kill()
			log.Error("the worker did not stop within its budget: killed", "pid", w.pid)
			flush()
			return stopped(ExitStopTimeout, relayed+": the worker did not stop within its budget")
		case code := <-sup.exits:
			reason := relayed
			if reason == "" {
				reason = "its worker exited by itself"
				log.Error("the worker that served exited", "code", int(code))
			}
			return stopped(code, reason)
		case <-st.changed:
			changes <- st.current()
		case c := <-requests:
			switch c.Cmd {
			case svc.Interrogate:
				// Answered with the last status sent, twice, as the x/sys example does
				// (a regression test for a deadlock in the dispatcher).
				changes <- c.CurrentStatus
				changes <- c.CurrentStatus
			case svc.Stop, svc.Shutdown, svc.PreShutdown:
				kind, budget, reason := cfg.stopOf(c.Cmd, budgets)
				if w := sup.beginStop(); w != nil {
					if relayed != "" {
						// A second stop request: as below, exit now; the worker too.
						w.cmd.Process.Kill()
						log.Error("stopped", "code", int(ExitForced), "reason", "second stop request: "+reason)
						flush()
						return stopped(ExitForced, "second stop request: "+reason)
					}
					relayed = reason
					st.enter(svc.StopPending, budget)
					w.stop(kind, budget, reason)
					// The worker ends its stop within budget; one that does
					// not (hung) is ended here, so the SCM is told.
					overdue = time.After(budget + relayMargin)
					continue
				}
				if kind == StopShutdown {
					// PreShutdown and Shutdown are both an OS shutdown, with different budgets.
					app.mu.Lock()
					app.shutdownBudget = budget
					app.mu.Unlock()
				}
				if app.Stop(kind, reason) {
					// A second stop request while the first one runs (the SCM only sends
					// one while the service accepts it): exit now, as a second Ctrl-C does.
					// The engine's goroutine dies with the process right after.
					log.Error("stopped", "code", int(ExitForced), "reason", "second stop request: "+reason)
					flush()
					return stopped(ExitForced, "second stop request: "+reason)
				}
			case svc.ParamChange:
				if w := sup.servingWorker(); w != nil {
					w.send(workerMsg{verb: msgReload})
					continue
				}
				// The reload hook runs on its own goroutine: the channel stays served.
				go app.Reload()
			case upgradeControl:
				go sup.ring()
			default:
				log.Warn("unexpected service control", "control", c.Cmd)
			}
		}
	}
}

// relayMargin is what a worker gets past its stop budget before the
// service process ends it: the time to report its exit.
const relayMargin = 2 * time.Second

// stopOf maps an SCM control to a stop: Stop is a full stop with
// drain_delay; PreShutdown and Shutdown get what Windows allows them, minus
// a margin (osStopBudgets). Both skip drain_delay: nobody routes traffic to
// a machine that is going down.
func (cfg *Config) stopOf(cmd svc.Cmd, b stopBudgets) (StopKind, time.Duration, string) {
	switch cmd {
	case svc.PreShutdown:
		return StopShutdown, b.preshutdown, "SCM preshutdown"
	case svc.Shutdown:
		return StopShutdown, b.shutdown, "SCM shutdown"
	}
	return StopRequested, cfg.Timeouts.Stop, "SCM stop"
}

// accepts are the controls the service takes. PreShutdown comes before
// Shutdown and waits up to windows.preshutdown, where Shutdown allows seconds.
// ParamChange runs the reload hook, when there is one.
func accepts(reload bool) svc.Accepted {
	a := svc.AcceptStop | svc.AcceptShutdown | svc.AcceptPreShutdown
	if reload {
		a |= svc.AcceptParamChange
	}
	return a
}

// scmStatus is the state the SCM is told. The engine's callbacks change it
// and wake the Execute loop through changed; several changes in a row are
// reported as one, never out of order, and the engine never waits on the SCM.
type scmStatus struct {
	mu    sync.Mutex
	state svc.State
	// checkPoint rises with every real step of the start or the stop (an
	// opened resource, a drained server, a closed resource): the SCM treats a
	// pending service whose CheckPoint stands still past WaitHint as hung.
	checkPoint uint32
	deadline   time.Time // end of the budget of the current pending state
	changed    chan struct{}
	accepts    svc.Accepted
}

func newSCMStatus(startBudget time.Duration) *scmStatus {
	return &scmStatus{
		state:      svc.StartPending,
		checkPoint: 1,
		deadline:   time.Now().Add(startBudget),
		changed:    make(chan struct{}, 1),
		accepts:    accepts(false),
	}
}

// acceptReload adds ParamChange to the controls once the engine is wired and
// it is known whether there is a reload hook.
func (s *scmStatus) acceptReload(reload bool) {
	s.mu.Lock()
	s.accepts = accepts(reload)
	s.mu.Unlock()
}

// enter moves to a new state; a pending one ends within budget.
func (s *scmStatus) enter(state svc.State, budget time.Duration) {
	s.mu.Lock()
	s.state, s.checkPoint, s.deadline = state, 1, time.Now().Add(budget)
	if state == svc.Running {
		s.checkPoint = 0 // CheckPoint is 0 outside pending states
	}
	s.mu.Unlock()
	s.wake()
}

// step records one step of progress in a pending state.
func (s *scmStatus) step() {
	s.mu.Lock()
	if s.state != svc.Running {
		s.checkPoint++
	}
	s.mu.Unlock()
	s.wake()
}

func (s *scmStatus) wake() {
	select {
	case s.changed <- struct{}{}:
	default:
		// a wake-up is pending: it reports the latest state
	}
}

// current is the status to report. Stop, Shutdown and PreShutdown are accepted
// while starting (a stop aborts the warmup) and once running, not while
// stopping. WaitHint is what is left of the budget of the pending state: the
// engine ends every step by that deadline, so the next report never comes
// later than the hint; one more second covers the report itself.
func (s *scmStatus) current() svc.Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := svc.Status{State: s.state, CheckPoint: s.checkPoint}
	switch s.state {
	case svc.StartPending, svc.Running:
		st.Accepts = s.accepts
	}
	if s.state != svc.Running {
		hint := time.Until(s.deadline) + time.Second
		st.WaitHint = uint32(max(hint, time.Second) / time.Millisecond)
	}
	return st
}

// events writes to the Application event log under the service's name (the
// source install registers), through an eventQueue: never on the caller's
// path, error records rate-limited. A nil *events writes nothing: event_log
// is off or the log could not be opened, which must not stop the service.
type events struct {
	log   *eventlog.Log
	queue *eventQueue
}

func (cfg *Config) openEvents(name string) *events {
	if !cfg.Windows.EventLog {
		return nil
	}
	l, err := eventlog.Open(name)
	if err != nil {
		return nil
	}
	e := &events{log: l}
	e.queue = newEventQueue(e.write, time.Now)
	return e
}

// write is the queue's writer: one ReportEvent per record.
func (e *events) write(r eventRecord) {
	switch r.kind {
	case eventInfo:
		e.log.Info(r.id, r.text)
	case eventWarning:
		e.log.Warning(r.id, r.text)
	default:
		e.log.Error(r.id, r.text)
	}
}

// close writes what is queued, then closes the log: the last thing Execute
// does before it returns.
func (e *events) close() {
	if e != nil {
		e.queue.close()
		e.log.Close()
	}
}

func (e *events) info(id uint32, msg string) {
	if e != nil {
		e.queue.post(eventInfo, id, msg)
	}
}

// stopped reports the end: Info for a clean stop, Error with the exit code
// and the reason otherwise.
func (e *events) stopped(code ExitCode, reason string) {
	if e == nil {
		return
	}
	if code == ExitOK {
		e.queue.post(eventInfo, eventStopped, "stopped: "+reason)
		return
	}
	e.queue.post(eventErr, eventFailed+uint32(code), fmt.Sprintf("failed with exit code %d: %s", code, reason))
}

// tee sends the log's error records to the event log too: they carry the
// reason of a failure (which resource, which error) where an operator looks.
func (e *events) tee(log *slog.Logger) *slog.Logger {
	if e == nil {
		return log
	}
	return slog.New(&eventHandler{Handler: log.Handler(), events: e, text: newRecordText()})
}

// eventHandler is a slog.Handler that copies error records to the event log,
// in the text log's syntax (recordText).
type eventHandler struct {
	slog.Handler
	events *events
	text   recordText
}

func (h *eventHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		h.events.queue.post(eventErr, eventError, h.text.format(r))
	}
	return h.Handler.Handle(ctx, r)
}

func (h *eventHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &eventHandler{Handler: h.Handler.WithAttrs(attrs), events: h.events, text: h.text.withAttrs(attrs)}
}

func (h *eventHandler) WithGroup(name string) slog.Handler {
	return &eventHandler{Handler: h.Handler.WithGroup(name), events: h.events, text: h.text.withGroup(name)}
}
