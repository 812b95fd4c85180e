package svcrt

import (
	"bufio"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
)

// The upgrade on Windows. The Service Control Manager knows one process,
// the one it started: when it exits, the service has stopped. So that
// process stays the service for its whole life, and an upgrade runs the
// binary now at its path as a worker process serving the same listening
// sockets, which Winsock can give to another process (WSADuplicateSocketW):
//
//  1. On the first upgrade this process keeps a handle of its own on every
//     listening socket (held), so that the sockets outlive the engine that
//     serves them.
//  2. It starts `<exe> worker` and hands it each socket (workerproto.go);
//     the worker binds nothing, warms up exactly as a start does and says
//     ready.
//  3. The engine that served until then stops as after a Linux upgrade
//     (StopUpgraded): it stops accepting without touching the queues, which
//     the worker accepts from, drains what it accepted and closes its
//     resources. This process's own engine does so in this process, which
//     then only supervises; an earlier worker does so and exits 0.
//
// The SCM sees RUNNING throughout. Its controls go to the engine that
// serves: a stop closes the held handles first, so that the serving
// engine's handles are the last ones and its stop takes the accept queue as
// any stop does (takeQueue), and the worker's steps and exit code become the
// service's. A worker that fails to start or to turn ready within the start
// budget (plus the stop budget of its rollback) is stopped, and the engine
// that served goes on as if nothing happened; the reason is logged and
// recorded for the upgrade verb. While one upgrade runs another is refused,
// not queued.
type supervisor struct {
	name string // the service's name in the SCM
	cfg  *Config
	app  *App // this process's own engine
	log  *slog.Logger
	// exe is the path this process was started as (the SCM's command
	// line): a deployment renames the running binary aside and puts the new
	// one there (Windows lets a running executable be renamed, not
	// replaced).
	exe  string
	args []string // the worker's verb and arguments
	dir  string   // where the outcomes are recorded (the data folder)

	// steps and exits come from the worker that serves, to Execute's loop.
	steps chan workerMsg
	exits chan ExitCode

	busy  atomic.Bool
	rings atomic.Int64 // names the requests of a control sent by hand

	mu sync.Mutex
	// held are this process's own handles on the listening sockets, by
	// name, kept from the first upgrade on.
	held []heldSocket
	// serving is the worker that serves; nil while the own engine does.
	serving *worker
	// handedOver: the own engine handed its sockets to a worker.
	handedOver bool
	stopping   bool
	stopCh     chan struct{} // closed when the service begins to stop
}

// upgradeControl is the service control that asks for an upgrade: a
// user-defined control (128 to 255), which the SCM passes to the service
// whatever controls it accepts. `<exe> upgrade` sends it.
const upgradeControl = svc.Cmd(128)

type heldSocket struct {
	name string
	s    windows.Handle
}

func newSupervisor(cfg *Config, name string, app *App, log *slog.Logger) *supervisor {
	s := &supervisor{
		name:   name,
		cfg:    cfg,
		app:    app,
		log:    log,
		exe:    startPath(),
		args:   workerArgs(name, startArgs),
		steps:  make(chan workerMsg, 16),
		exits:  make(chan ExitCode, 1),
		stopCh: make(chan struct{}),
	}
	// The upgrade requests and their outcomes live in the data folder, made
	// here when [log] file put the log elsewhere.
	if dir, err := serviceDataDir(name); err != nil {
		log.Warn("upgrades cannot be asked for: no data folder", "err", err)
	} else {
		s.dir = dir
	}
	return s
}

// startPath is the executable this process runs, resolved at its start.
func startPath() string {
	exe, err := os.Executable()
	if err != nil {
		return os.Args[0]
	}
	return exe
}

// startArgs are this process's arguments as it started (`service
// -env-file <file>`): the worker reads the same configuration, as it is at
// the upgrade (a changed configuration is what an upgrade is often for).
var startArgs = os.Args[1:]

// workerArgs is the worker's command line for a service started with args:
// the worker verb, the service's name (its log, event source and data
// folder are the instance's), and the service verb's flags.
func workerArgs(name string, args []string) []string {
	out := []string{"worker", "-name", name}
	if len(args) > 0 && args[0] == "service" {
		out = append(out, args[1:]...)
	}
	return out
}

// ownHandedOver reports whether this process's engine handed over: its
// stop is then not the service's.
func (s *supervisor) ownHandedOver() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handedOver
}

// servingWorker is the worker that serves, nil while the own engine does.
func (s *supervisor) servingWorker() *worker {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.serving
}

// beginStop marks the service stopping and lets the held handles go, so
// that the serving engine's own handles are the last ones and its drain
// takes the queues; it returns the worker that serves (nil: the own engine
// does).
func (s *supervisor) beginStop() *worker {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.stopping {
		s.stopping = true
		close(s.stopCh)
		for _, h := range s.held {
			windows.Closesocket(h.s)
		}
		s.held = nil
	}
	return s.serving
}

// ring answers upgradeControl, on its own goroutine: every upgrade request
// waiting (upgraderequest.go) runs, each on its own goroutine; while one
// upgrades, the others are refused.
func (s *supervisor) ring() {
	for _, id := range takeUpgradeRequests(s.dir, s.name, &s.rings) {
		go s.request(id)
	}
}

// request runs the upgrade request id.
func (s *supervisor) request(id string) {
	if why := s.refusal(); why != "" {
		s.log.Warn("upgrade refused", "reason", why)
		s.record(id, "refused", why)
		return
	}
	if !s.busy.CompareAndSwap(false, true) {
		s.log.Warn("upgrade refused", "reason", "an upgrade is under way")
		s.record(id, "refused", "an upgrade is under way")
		return
	}
	defer s.busy.Store(false)
	begin := time.Now()
	s.log.Info("upgrade started", "exe", s.exe)
	w, err := s.upgrade()
	if err != nil {
		s.log.Error("upgrade failed: still serving", "exe", s.exe, "err", err)
		s.record(id, "failed", err.Error())
		return
	}
	s.log.Info("upgrade handed over", "service_pid", os.Getpid(), "new_pid", w.pid, "took", time.Since(begin).Round(time.Millisecond))
	s.record(id, "ok", strconv.Itoa(w.pid))
}

// refusal is why an upgrade cannot begin now; empty when it can.
func (s *supervisor) refusal() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.stopping:
		return "the service is stopping"
	case s.serving == nil && s.app.phase.Load() != PhaseReady:
		return "the service is not ready (starting or stopping)"
	}
	return ""
}

// upgrade starts a worker, waits until it is ready and hands the service
// over to it; on an error the engine that served still does.
func (s *supervisor) upgrade() (*worker, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	w, err := s.startWorker()
	if err != nil {
		return nil, err
	}
	s.log.Info("upgrade: new process warming up", "new_pid", w.pid)
	budget := s.cfg.Timeouts.Start + s.cfg.Timeouts.Stop
	timer := time.NewTimer(budget)
	defer timer.Stop()
	select {
	case <-w.ready:
	case <-w.exited:
		return nil, exitError(w.pid, w.code)
	case <-timer.C:
		return nil, w.abandon(s.cfg.Timeouts.Stop, fmt.Errorf("new process %d was not ready within %s: stopped", w.pid, budget))
	case <-s.stopCh:
		return nil, w.abandon(s.cfg.Timeouts.Stop, fmt.Errorf("the service is stopping: new process %d stopped", w.pid))
	}

	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		return nil, w.abandon(s.cfg.Timeouts.Stop, fmt.Errorf("the service began to stop as new process %d was ready: it was stopped too", w.pid))
	}
	old := s.serving
	s.serving = w
	own := !s.handedOver
	s.handedOver = true
	s.mu.Unlock()
	reason := fmt.Sprintf("upgraded: pid %d took over", w.pid)
	switch {
	case own:
		if !s.app.handOver(reason, nil) {
			// The own engine began to stop by itself (a server failed): the
			// service ends with it, the worker does not take over.
			s.mu.Lock()
			s.serving, s.handedOver = nil, false
			s.mu.Unlock()
			return nil, w.abandon(s.cfg.Timeouts.Stop, fmt.Errorf("the service began to stop as new process %d was ready: it was stopped too", w.pid))
		}
	default:
		if err := old.send(workerMsg{verb: msgHandover}); err != nil {
			s.log.Warn("upgrade: the old worker did not take the hand-over; stopping it", "old_pid", old.pid, "err", err)
			old.cmd.Process.Kill()
		}
		go func() {
			<-old.exited
			s.log.Info("upgrade: old worker exited", "old_pid", old.pid, "code", int(old.code))
		}()
	}
	return w, nil
}

// hold takes this process's own handles on the own engine's listening
// sockets, once: the sockets then outlive the engines that serve them.
func (s *supervisor) hold() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.handedOver || s.held != nil {
		return nil
	}
	var held []heldSocket
	for _, ns := range s.app.sockets() {
		h, err := duplicateOwnSocket(ns)
		if err != nil {
			for _, k := range held {
				windows.Closesocket(k.s)
			}
			return fmt.Errorf("listener %q: %w", ns.name, err)
		}
		held = append(held, heldSocket{ns.name, h})
	}
	s.held = held
	return nil
}

// duplicateOwnSocket is a second handle, of this process's, on the socket
// of ns.
func duplicateOwnSocket(ns namedSocket) (windows.Handle, error) {
	sc, ok := ns.ln.(syscall.Conn)
	if !ok {
		return 0, fmt.Errorf("a %T has no socket handle", ns.ln)
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return 0, err
	}
	var info windows.WSAProtocolInfo
	var dupErr error
	if err := raw.Control(func(fd uintptr) {
		dupErr = windows.WSADuplicateSocket(windows.Handle(fd), uint32(os.Getpid()), &info)
	}); err != nil {
		return 0, err
	}
	if dupErr != nil {
		return 0, fmt.Errorf("WSADuplicateSocketW: %w", dupErr)
	}
	h, err := windows.WSASocket(fromProtocolInfo, fromProtocolInfo, fromProtocolInfo, &info, 0, windows.WSA_FLAG_OVERLAPPED|windows.WSA_FLAG_NO_HANDLE_INHERIT)
	if err != nil {
		return 0, fmt.Errorf("WSASocketW: %w", err)
	}
	return h, nil
}

// worker is a worker process as the service process sees it.
type worker struct {
	cmd *exec.Cmd
	pid int
	mu  sync.Mutex // one message at a time
	in  *os.File   // the worker's commands
	// ready is closed when it says ready; exited when it has exited, with
	// code.
	ready  chan struct{}
	exited chan struct{}
	code   ExitCode
}

// workerPipesEnv names the handles of the worker's two pipes: commands in,
// reports out (see worker_windows.go).
const workerPipesEnv = "SVCRT_WORKER_PIPES"

// startWorker starts a worker with the held sockets and reads what it says:
// steps and its stop go to Execute's loop once it serves.
func (s *supervisor) startWorker() (*worker, error) {
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	repR, repW, err := os.Pipe()
	if err != nil {
		cmdR.Close()
		cmdW.Close()
		return nil, err
	}
	// The worker's ends are inherited, and only by it: os/exec passes the
	// handles it lists, and nothing else, to the process it starts.
	childEnds := []*os.File{cmdR, repW}
	var handles []syscall.Handle
	for _, f := range childEnds {
		h := windows.Handle(f.Fd())
		windows.SetHandleInformation(h, windows.HANDLE_FLAG_INHERIT, windows.HANDLE_FLAG_INHERIT)
		handles = append(handles, syscall.Handle(h))
	}
	cmd := exec.Command(s.exe, s.args...)
	cmd.Env = append(withoutVar(startEnviron, workerPipesEnv), fmt.Sprintf("%s=%d,%d", workerPipesEnv, handles[0], handles[1]))
	cmd.SysProcAttr = &syscall.SysProcAttr{AdditionalInheritedHandles: handles, CreationFlags: windows.CREATE_NO_WINDOW}
	err = cmd.Start()
	for _, f := range childEnds {
		f.Close()
	}
	if err != nil {
		cmdW.Close()
		repR.Close()
		return nil, fmt.Errorf("start %s: %w", s.exe, err)
	}
	w := &worker{cmd: cmd, pid: cmd.Process.Pid, in: cmdW, ready: make(chan struct{}), exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		w.code = ExitWorker // it could not be waited for
		if cmd.ProcessState != nil {
			w.code = ExitCode(cmd.ProcessState.ExitCode())
		}
		cmdW.Close()
		close(w.exited)
		if s.servingWorker() == w {
			s.exits <- w.code
		}
	}()
	go s.listen(w, repR)
	s.mu.Lock()
	held := s.held
	s.mu.Unlock()
	for _, h := range held {
		var info windows.WSAProtocolInfo
		if err := windows.WSADuplicateSocket(h.s, uint32(w.pid), &info); err != nil {
			return nil, w.abandon(time.Second, fmt.Errorf("listener %q: WSADuplicateSocketW for pid %d: %w", h.name, w.pid, err))
		}
		data := unsafe.Slice((*byte)(unsafe.Pointer(&info)), unsafe.Sizeof(info))
		if err := w.send(workerMsg{verb: msgListener, name: h.name, data: data}); err != nil {
			return nil, w.abandon(time.Second, fmt.Errorf("new process %d: %w", w.pid, err))
		}
	}
	if err := w.send(workerMsg{verb: msgStart}); err != nil {
		return nil, w.abandon(time.Second, fmt.Errorf("new process %d: %w", w.pid, err))
	}
	return w, nil
}

// listen reads w's reports until it closes its end.
func (s *supervisor) listen(w *worker, r *os.File) {
	defer r.Close()
	sc := bufio.NewScanner(r)
	said := false
	for sc.Scan() {
		m, err := parseWorkerMsg(sc.Text())
		if err != nil {
			s.log.Warn("worker", "pid", w.pid, "err", err)
			continue
		}
		switch m.verb {
		case msgReady:
			if !said {
				said = true
				close(w.ready)
			}
		case msgStep, msgStopping:
			if s.servingWorker() == w {
				s.steps <- m
			}
		}
	}
}

// send writes one message to w.
func (w *worker) send(m workerMsg) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, err := w.in.WriteString(m.line())
	return err
}

// abandon stops a worker that is not taking over: it has served nothing,
// so it stops in order, within budget, or is killed; cause is returned.
func (w *worker) abandon(budget time.Duration, cause error) error {
	w.send(workerMsg{verb: msgStop, kind: StopRequested, budget: budget, text: "upgrade abandoned"})
	select {
	case <-w.exited:
	case <-time.After(budget + time.Second):
		w.cmd.Process.Kill()
		<-w.exited
	}
	return cause
}

// exitError says how a worker ended before it was ready.
func exitError(pid int, code ExitCode) error {
	if code >= ExitStartFailed && code <= ExitLiveness {
		// The engine's own codes: it said why in the log.
		return fmt.Errorf("new process %d exited with code %d (%s) before it was ready", pid, int(code), code)
	}
	return fmt.Errorf("new process %d exited with code %d before it was ready", pid, int(code))
}

// record appends the outcome of one request for the upgrade verb.
func (s *supervisor) record(id, result, detail string) {
	if s.dir == "" {
		return
	}
	if err := recordOutcome(s.dir, s.name, id, result, detail); err != nil {
		s.log.Warn("upgrade outcome not recorded", "err", err)
	}
}

// stop relays a stop to the worker that serves: its stop is the
// service's.
func (w *worker) stop(kind StopKind, budget time.Duration, reason string) {
	if err := w.send(workerMsg{verb: msgStop, kind: kind, budget: budget, text: reason}); err != nil {
		// Its end of the pipe is gone: it is exiting, or hung; the SCM
		// is told its exit either way.
		if !errors.Is(err, os.ErrClosed) {
			w.cmd.Process.Kill()
		}
	}
}

// withoutVar is env without the variable key.
func withoutVar(env []string, key string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); !strings.EqualFold(k, key) {
			out = append(out, kv)
		}
	}
	return out
}

// startEnviron is this process's environment as it started, before an env
// file was read into it: what the worker starts with, to read the file as
// it is at the upgrade.
var startEnviron = os.Environ()
