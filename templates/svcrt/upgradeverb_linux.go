package svcrt

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The upgrade verb signals the running process and reports the outcome.
// It finds the process by its PID file, written by the process once ready
// (an upgraded one writes its own), and reads the outcome from the
// outcomes file, a line per request, which the process appends to:
//
//	<pid> <attempt> ok <new pid>
//	<pid> <attempt> failed <why>
//	<pid> <attempt> refused <why>
//
// Both live in stateDir: systemd's RuntimeDirectory= (/run/<name>, which
// the unit asks for, and which the verb finds from a shell as well), else
// $XDG_RUNTIME_DIR, else the temporary directory.

// stateDir is where the PID file and the outcomes are.
func stateDir(name string) string {
	if d := os.Getenv("RUNTIME_DIRECTORY"); d != "" {
		first, _, _ := strings.Cut(d, ":")
		return first
	}
	if fi, err := os.Stat(filepath.Join("/run", name)); err == nil && fi.IsDir() {
		return filepath.Join("/run", name)
	}
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return d
	}
	return os.TempDir()
}

func (u *upgrader) pidFile() string { return filepath.Join(u.dir, u.app.cfg.Name+".pid") }

// writePIDFile names this process in the PID file, whole or not at all.
func (u *upgrader) writePIDFile() {
	tmp := u.pidFile() + ".tmp" + strconv.Itoa(os.Getpid())
	err := os.WriteFile(tmp, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
	if err == nil {
		err = os.Rename(tmp, u.pidFile())
	}
	if err != nil {
		os.Remove(tmp)
		u.app.log.Warn("PID file not written: the upgrade verb needs -pid", "path", u.pidFile(), "err", err)
	}
}

// exit removes the PID file if it still names this process (after an
// upgrade it names the new one).
func (u *upgrader) exit() {
	if b, err := os.ReadFile(u.pidFile()); err == nil && strings.TrimSpace(string(b)) == strconv.Itoa(os.Getpid()) {
		os.Remove(u.pidFile())
	}
}

// record appends the outcome of one request for the upgrade verb.
func (u *upgrader) record(id, result, detail string) {
	if err := recordOutcome(u.dir, u.app.cfg.Name, id, result, detail); err != nil {
		u.app.log.Warn("upgrade outcome not recorded", "err", err)
	}
}

// upgradeVerb signals the running process to upgrade and waits for the
// outcome: 0 once the new process took over and the old one exited.
func upgradeVerb(cfg *Config, args []string) ExitCode {
	fs := flag.NewFlagSet(cfg.Name+" upgrade", flag.ContinueOnError)
	pidFlag := fs.Int("pid", 0, "the process to upgrade (default: the PID file's, else systemd's MainPID)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return ExitUsage
	}
	fail := func(format string, a ...any) ExitCode {
		fmt.Fprintf(os.Stderr, "%s: upgrade: "+format+"\n", append([]any{cfg.Name}, a...)...)
		return ExitVerbFailed
	}
	dir := stateDir(cfg.Name)
	pid := *pidFlag
	if pid == 0 {
		pid = runningPID(cfg.Name, dir)
	}
	if pid <= 0 {
		return fail("no running process: no PID file %s and no systemd MainPID", filepath.Join(dir, cfg.Name+".pid"))
	}
	id, err := askUpgrade(dir, cfg.Name)
	if err != nil {
		return fail("%v", err)
	}
	if err := syscall.Kill(pid, syscall.SIGUSR2); err != nil {
		withdrawUpgrade(dir, cfg.Name, id)
		return fail("signal pid %d: %v", pid, err)
	}
	fmt.Printf("%s: pid %d asked to upgrade\n", cfg.Name, pid)
	wait := cfg.Timeouts.Start + cfg.Timeouts.Stop + systemdMargin
	deadline := time.Now().Add(wait)
	var got outcome
	for {
		var ok bool
		if got, ok = outcomeOf(dir, cfg.Name, id); ok {
			break
		}
		if !alive(pid) {
			withdrawUpgrade(dir, cfg.Name, id)
			return fail("pid %d exited without recording an outcome", pid)
		}
		if time.Now().After(deadline) {
			withdrawUpgrade(dir, cfg.Name, id)
			return fail("no outcome from pid %d in %s (see its log)", pid, wait)
		}
		time.Sleep(upgradePoll)
	}
	if got.result != "ok" {
		return fail("%s: %s (pid %d still serving)", got.result, got.detail, pid)
	}
	newPID, _ := strconv.Atoi(got.detail)
	// The old process drains what it accepted and exits.
	drained := time.Now().Add(cfg.Timeouts.Stop + systemdMargin)
	for alive(pid) {
		if time.Now().After(drained) {
			return fail("pid %d handed over to pid %d but has not exited within its stop budget", pid, newPID)
		}
		time.Sleep(upgradePoll)
	}
	if !alive(newPID) {
		return fail("pid %d took over but is gone (see its log)", newPID)
	}
	fmt.Printf("%s: upgraded: pid %d serves, pid %d exited\n", cfg.Name, newPID, pid)
	return ExitOK
}

// upgradePoll is how often the verb looks at the outcomes and the old
// process.
const upgradePoll = 50 * time.Millisecond

// runningPID is the process named by the PID file, else systemd's MainPID
// of the unit; 0 if neither names a live process.
func runningPID(name, dir string) int {
	if b, err := os.ReadFile(filepath.Join(dir, name+".pid")); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && alive(pid) {
			return pid
		}
	}
	out, err := exec.Command("systemctl", "show", "--property=MainPID", "--value", name+".service").Output()
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return pid
}

// alive reports whether pid is a process (one that this user may signal,
// or that exists but belongs to another user).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
