package svcrt

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// upgrader replaces the running process by the executable now at its path
// without refusing or losing a connection (SIGUSR2, or the upgrade verb):
//
//  1. a child runs that path with every listening socket of this process
//     (the http resources' and the admin's), passed as socket activation
//     passes them (inherit_linux.go), and a pipe;
//  2. the child binds nothing: it takes the sockets, warms up exactly as a
//     normal start does and, once ready, says so on the pipe;
//  3. this process then tells systemd the child is the main process
//     (MAINPID=), stops accepting without touching the sockets' queues (the
//     child accepts from them), drains what it accepted and exits 0.
//
// A child that exits, or is not ready within the start budget and the stop
// budget it needs to roll back, is stopped; this process goes on serving
// as if nothing happened and logs why. While one upgrade runs another is
// refused, not queued.
type upgrader struct {
	app *App
	// exe is the path this process was started as, resolved at the start:
	// the upgrade runs what is at that path then (/proc/self/exe would be
	// this binary, which the deployment replaced).
	exe   string
	busy  atomic.Bool
	rings atomic.Int64 // names the requests of a bare signal
	dir   string       // where the PID file and the outcomes are (stateDir)
}

// upgradeSignals start an upgrade: SIGUSR2, tableflip's and nginx's
// convention for a binary upgrade.
func upgradeSignals() []os.Signal { return []os.Signal{syscall.SIGUSR2} }

// upgradeDoor prepares the upgrades of app: the path to run, the PID file
// written once ready (the upgrade verb finds the process by it), and, in a
// process started by an upgrade, the word to the parent once ready.
func upgradeDoor(app *App) *upgrader {
	u := &upgrader{app: app, exe: startPath(), dir: stateDir(app.cfg.Name)}
	in := inheritedFiles()
	ready := app.ready
	app.ready = func() {
		ready()
		u.writePIDFile()
		if in.ready != nil {
			if !in.activated {
				// The sockets are this process's alone from here on: its own stop
				// takes their queues as any stop does.
				for _, l := range app.listeners() {
					l.shared.Store(false)
				}
			}
			fmt.Fprintf(in.ready, "ready %d\n", os.Getpid())
			in.ready.Close()
		}
	}
	return u
}

// startPath is the path this process was started as: argv[0] made
// absolute when it names a file (a symlink the deployment repoints is
// followed at the upgrade, not now), else the executable.
func startPath() string {
	if strings.Contains(os.Args[0], "/") {
		if p, err := filepath.Abs(os.Args[0]); err == nil {
			return p
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return os.Args[0]
	}
	return exe
}

// ring answers SIGUSR2: every upgrade request waiting (upgraderequest.go)
// runs, each on its own goroutine; while one upgrades, the others are
// refused.
func (u *upgrader) ring() {
	for _, id := range takeUpgradeRequests(u.dir, u.app.cfg.Name, &u.rings) {
		go u.request(id)
	}
}

// request runs the upgrade request id.
func (u *upgrader) request(id string) {
	if u.app.phase.Load() != PhaseReady {
		u.refuse(id, "the service is not ready (starting or stopping)")
		return
	}
	if !u.busy.CompareAndSwap(false, true) {
		u.refuse(id, "an upgrade is under way")
		return
	}
	begin := time.Now()
	u.app.log.Info("upgrade started", "exe", u.exe)
	pid, err := u.run()
	if err != nil {
		u.app.log.Error("upgrade failed: still serving", "exe", u.exe, "err", err)
		u.record(id, "failed", err.Error())
		u.busy.Store(false)
		return
	}
	var notifyErr error
	tell := func() { notifyErr = notifyMainPID(pid) }
	if !u.app.handOver(fmt.Sprintf("upgraded: pid %d took over", pid), tell) {
		// A stop began as the child said ready: this process's drain may
		// already be taking the queues, so the child does not take over.
		syscall.Kill(pid, syscall.SIGTERM)
		u.app.log.Warn("upgrade abandoned: the service is stopping", "new_pid", pid)
		u.record(id, "failed", fmt.Sprintf("the service began to stop as new process %d was ready: it was stopped too", pid))
		return
	}
	if notifyErr != nil {
		u.app.log.Warn("systemd was not told the new main PID", "pid", pid, "err", notifyErr)
	}
	u.app.log.Info("upgrade handed over", "old_pid", os.Getpid(), "new_pid", pid, "took", time.Since(begin).Round(time.Millisecond))
	u.record(id, "ok", strconv.Itoa(pid))
}

// refuse logs and records a request that is not run.
func (u *upgrader) refuse(id, why string) {
	u.app.log.Warn("upgrade refused", "reason", why)
	u.record(id, "refused", why)
}

// run starts the child and waits until it is ready (its PID) or failed.
func (u *upgrader) run() (int, error) {
	var files []*os.File
	var names []string
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for _, ns := range u.app.sockets() {
		tl, ok := ns.ln.(*net.TCPListener)
		if !ok {
			return 0, fmt.Errorf("listener %q is not a TCP listener", ns.name)
		}
		// A duplicate of the descriptor, for the child: the socket is one.
		f, err := tl.File()
		if err != nil {
			return 0, fmt.Errorf("listener %q: %w", ns.name, err)
		}
		files = append(files, f)
		names = append(names, ns.name)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	// The new process starts as this one did: its arguments (run's
	// -env-file) and the environment before an env file was read into it,
	// so that it reads the file as it is now: a changed configuration is
	// what an upgrade often is for.
	cmd := exec.Command(u.exe, startArgs...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.ExtraFiles = append(append([]*os.File(nil), files...), w)
	cmd.Env = upgradeEnv(startEnviron, names, len(files)+listenFDsStart, inheritedFiles().activated)
	err = cmd.Start()
	w.Close()
	if err != nil {
		return 0, fmt.Errorf("start %s: %w", u.exe, err)
	}
	pid := cmd.Process.Pid
	u.app.log.Info("upgrade: new process warming up", "new_pid", pid)

	said := make(chan error, 1)
	go func() {
		line := make([]byte, 64)
		n, err := r.Read(line)
		switch {
		case n > 0 && strings.HasPrefix(string(line[:n]), "ready "):
			said <- nil
		case err != nil:
			said <- errors.New("it closed the handoff pipe without saying ready")
		default:
			said <- fmt.Errorf("it said %q, not ready", line[:n])
		}
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	budget := u.app.cfg.Timeouts.Start + u.app.cfg.Timeouts.Stop
	timer := time.NewTimer(budget)
	defer timer.Stop()
	// stopChild ends a child that is not taking over: SIGTERM stops it in
	// order (it has served nothing), SIGKILL if it does not exit in its
	// stop budget.
	stopChild := func(cause error) error {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(u.app.cfg.Timeouts.Stop):
			cmd.Process.Kill()
			<-exited
		}
		return cause
	}
	select {
	case err := <-said:
		if err == nil {
			return pid, nil
		}
		// It closed the pipe: it is exiting; its exit says more.
		select {
		case werr := <-exited:
			return 0, exitError(pid, werr)
		case <-timer.C:
			return 0, stopChild(fmt.Errorf("new process %d: %w", pid, err))
		}
	case werr := <-exited:
		return 0, exitError(pid, werr)
	case <-timer.C:
		return 0, stopChild(fmt.Errorf("new process %d was not ready within %s: stopped", pid, budget))
	case <-u.app.stopCh:
		return 0, stopChild(fmt.Errorf("the service is stopping: new process %d stopped", pid))
	}
}

// exitError says how the child ended before it was ready.
func exitError(pid int, err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return fmt.Errorf("new process %d exited with code %d before it was ready", pid, ee.ExitCode())
	}
	if err != nil {
		return fmt.Errorf("new process %d: %w", pid, err)
	}
	return fmt.Errorf("new process %d exited with code 0 before it was ready", pid)
}

// activatedEnv tells the child that the sockets belong to systemd's socket
// units, so that its stop, like this process's, leaves their queues alone.
const activatedEnv = "SVCRT_SOCKET_ACTIVATED"

// startArgs and startEnviron are this process's arguments and environment
// as it started, before the run verb read an env file into the
// environment (LoadEnvFile): what an upgrade starts the new binary with.
var (
	startArgs    = os.Args[1:]
	startEnviron = os.Environ()
)

// upgradeEnv is env for the child: the listeners as LISTEN_FDS and
// LISTEN_FDNAMES, LISTEN_PID set to this process (see inherit_linux.go),
// the pipe's descriptor, and no WATCHDOG_PID (which names this process: the
// child pings systemd once it is the main process).
func upgradeEnv(env, names []string, pipeFD int, activated bool) []string {
	out := make([]string, 0, len(env)+5)
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "WATCHDOG_PID", upgradeFDEnv, activatedEnv:
			continue
		}
		out = append(out, kv)
	}
	out = append(out,
		"LISTEN_PID="+strconv.Itoa(os.Getpid()),
		"LISTEN_FDS="+strconv.Itoa(len(names)),
		"LISTEN_FDNAMES="+strings.Join(names, ":"),
		upgradeFDEnv+"="+strconv.Itoa(pipeFD),
	)
	if activated {
		out = append(out, activatedEnv+"=1")
	}
	return out
}
