package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// LoggedProcess is a service whose log (stderr) goes to a file: the
// processes an upgrade starts inherit the file and write to it too, and the
// process's exit is seen when it exits (a pipe would stay open as long as
// its children run).
type LoggedProcess struct {
	Cmd     *exec.Cmd
	LogPath string
	done    chan struct{}
	err     error
}

// StartLogged runs cmd with its stderr appended to logPath.
func StartLogged(cmd *exec.Cmd, logPath string) (*LoggedProcess, error) {
	f, err := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cmd.Stderr = f
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &LoggedProcess{Cmd: cmd, LogPath: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Exited is closed when the process has exited.
func (p *LoggedProcess) Exited() <-chan struct{} { return p.done }

// Wait waits for the exit and returns the exit code (-1 when killed by a
// signal).
func (p *LoggedProcess) Wait(timeout time.Duration) (int, error) {
	select {
	case <-p.done:
	case <-time.After(timeout):
		return 0, fmt.Errorf("pid %d still running after %s", p.Cmd.Process.Pid, timeout)
	}
	if p.err == nil {
		return 0, nil
	}
	if ee, ok := p.err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return -1, nil
		}
		return ee.ExitCode(), nil
	}
	return 0, p.err
}

// Kill ends the process if it still runs.
func (p *LoggedProcess) Kill() {
	select {
	case <-p.done:
	default:
		p.Cmd.Process.Kill()
		<-p.done
	}
}

// LogLines is the log file's lines so far.
func LogLines(path string) []string {
	b, _ := os.ReadFile(path)
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

// WaitLog waits until the log file holds n lines matching re and returns
// the n-th.
func WaitLog(path string, re *regexp.Regexp, n int, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for {
		seen := 0
		for _, l := range LogLines(path) {
			if re.MatchString(l) {
				if seen++; seen == n {
					return l, nil
				}
			}
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(path)
			return "", fmt.Errorf("no %d lines matched %s within %s; log:\n%s", n, re, timeout, b)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// SocketActivated is a command that runs bin as systemd runs a socket-
// activated service: the listening sockets as descriptors 3, 4, ...,
// LISTEN_FDS and LISTEN_FDNAMES naming them, and LISTEN_PID the PID of the
// service itself, which only exists after the fork (systemd sets it there;
// here a shell sets it to its own PID and execs the service in its place).
func SocketActivated(bin string, files []*os.File, names []string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command("/bin/sh", append([]string{"-c", `LISTEN_PID=$$ exec "$0" "$@"`, bin}, args...)...)
	cmd.ExtraFiles = files
	cmd.Env = append(append(os.Environ(), env...),
		fmt.Sprintf("LISTEN_FDS=%d", len(files)),
		"LISTEN_FDNAMES="+strings.Join(names, ":"))
	return cmd
}

// Alive reports whether pid is still a process.
func Alive(pid int) bool { return syscall.Kill(pid, 0) == nil }
