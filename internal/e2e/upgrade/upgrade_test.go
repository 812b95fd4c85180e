//go:build linux

// Package upgrade holds the end-to-end tests of the zero-downtime upgrade
// and of socket activation on Linux: a package of its own, so that each
// end-to-end package stays well inside the test timeout alone.
package upgrade

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/svcgen/svcgen/internal/e2e"
)

// The upgrade tests share two builds of testdata/upgrade (1.0.0 and
// 2.0.0), with the race detector.
var upgradeBuilds e2e.UpgradeBuilds

// wait bounds every wait on the service; no test expects anything to take
// this long.
const wait = 60 * time.Second

// serviceAddrs are the addresses of the HTTP API and the gRPC server.
type serviceAddrs struct{ api, rpc string }

// startV1 installs version 1.0.0 at dir/upg and runs it until ready; it
// returns the process and its addresses.
func startV1(t *testing.T, dir string, env ...string) (*e2e.LoggedProcess, serviceAddrs) {
	t.Helper()
	v1, _ := upgradeBuilds.Binaries(t, "testdata/upgrade", true)
	bin := filepath.Join(dir, "upg")
	if err := e2e.Install(v1, bin); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run")
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "XDG_RUNTIME_DIR="+dir), env...)
	p, err := e2e.StartLogged(cmd, filepath.Join(dir, "log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Kill()
		if log, _ := os.ReadFile(p.LogPath); strings.Contains(string(log), "DATA RACE") {
			t.Errorf("the race detector reported a race:\n%s", log)
		}
	})
	api := mustLog(t, p.LogPath, `msg=listening resource=api `, 1)
	rpc := mustLog(t, p.LogPath, `msg=listening resource=rpc `, 1)
	mustLog(t, p.LogPath, `msg="service ready"`, 1)
	return p, serviceAddrs{api: e2e.Attr(api, "addr"), rpc: e2e.Attr(rpc, "addr")}
}

func mustLog(t *testing.T, path, pattern string, n int) string {
	t.Helper()
	line, err := e2e.WaitLog(path, regexp.MustCompile(pattern), n, wait)
	if err != nil {
		t.Fatal(err)
	}
	return line
}

// stopPID stops a process that is not the test's child (the new process
// of an upgrade) with SIGTERM and waits until it is gone.
func stopPID(t *testing.T, pid int) {
	t.Helper()
	syscall.Kill(pid, syscall.SIGTERM)
	deadline := time.Now().Add(wait)
	for e2e.Alive(pid) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("pid %d still running %s after SIGTERM", pid, wait)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// answerOf is the body of GET / at addr: "<version> <pid>".
func answerOf(t *testing.T, addr string) (version string, pid int) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return versionPID(t, string(b))
}

// rpcAnswerOf is the gRPC server's answer to Say("version") at addr, on a
// new connection: "<version> <pid>".
func rpcAnswerOf(t *testing.T, addr string) (version string, pid int) {
	t.Helper()
	conn, err := e2e.GRPCDial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var out wrapperspb.StringValue
	if err := conn.Invoke(context.Background(), e2e.EchoSay, wrapperspb.String("version"), &out); err != nil {
		t.Fatal(err)
	}
	return versionPID(t, out.Value)
}

func versionPID(t *testing.T, answer string) (version string, pid int) {
	t.Helper()
	f := strings.Fields(answer)
	if len(f) != 2 {
		t.Fatalf("answer %q", answer)
	}
	pid, _ = strconv.Atoi(f[1])
	return f[0], pid
}

// mustServe fails t unless both the HTTP API and the gRPC server answer
// from version at pid.
func mustServe(t *testing.T, addrs serviceAddrs, version string, pid int) {
	t.Helper()
	if v, p := answerOf(t, addrs.api); v != version || p != pid {
		t.Errorf("HTTP: serving %s from pid %d, want %s from pid %d", v, p, version, pid)
	}
	if v, p := rpcAnswerOf(t, addrs.rpc); v != version || p != pid {
		t.Errorf("gRPC: serving %s from pid %d, want %s from pid %d", v, p, version, pid)
	}
}

// An upgrade to a rebuilt binary, asked by SIGUSR2 or by the upgrade verb,
// under the HTTP and gRPC loads (upgradeLoads): nothing refused, nothing
// lost, no call failed, the new version serving HTTP and gRPC from a new
// PID, the old process exited 0. The new process warms up for 300 ms, and a second
// SIGUSR2 (or upgrade verb) during it is refused, not queued.
func TestUpgradeLosesNothing(t *testing.T) {
	for _, via := range []string{"signal", "verb"} {
		t.Run(via, func(t *testing.T) {
			dir := t.TempDir()
			_, v2 := upgradeBuilds.Binaries(t, "testdata/upgrade", true)
			p, addrs := startV1(t, dir, "E2E_WARM_SLEEP=300ms")
			oldPID := p.Cmd.Process.Pid
			loads := e2e.StartUpgradeLoads(addrs.api, addrs.rpc)
			loads.WaitAnswered(t, 500)
			if err := e2e.Install(v2, filepath.Join(dir, "upg")); err != nil {
				t.Fatal(err)
			}
			var verbOut []byte
			var verbErr error
			verbDone := make(chan struct{})
			switch via {
			case "signal":
				close(verbDone)
				p.Cmd.Process.Signal(syscall.SIGUSR2)
				mustLog(t, p.LogPath, `msg="upgrade: new process warming up"`, 1)
				p.Cmd.Process.Signal(syscall.SIGUSR2)
				mustLog(t, p.LogPath, `msg="upgrade refused" reason="an upgrade is under way"`, 1)
			case "verb":
				verb := exec.Command(filepath.Join(dir, "upg"), "upgrade")
				verb.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+dir)
				go func() {
					defer close(verbDone)
					verbOut, verbErr = verb.CombinedOutput()
				}()
				// A second verb during the warmup learns that its own request
				// was refused, and the first one its own outcome.
				mustLog(t, p.LogPath, `msg="upgrade: new process warming up"`, 1)
				second := exec.Command(filepath.Join(dir, "upg"), "upgrade")
				second.Env = verb.Env
				out, err := second.CombinedOutput()
				if err == nil || !strings.Contains(string(out), "refused: an upgrade is under way") {
					t.Errorf("a second upgrade verb during the first: %v: %s", err, out)
				}
			}
			code, err := p.Wait(wait)
			if err != nil {
				t.Fatal(err)
			}
			if code != 0 {
				t.Errorf("the old process exited %d, want 0", code)
			}
			line := mustLog(t, p.LogPath, `msg="upgrade handed over"`, 1)
			newPID, _ := strconv.Atoi(e2e.Attr(line, "new_pid"))
			if newPID == 0 || newPID == oldPID {
				t.Fatalf("handed over to pid %d (old %d)", newPID, oldPID)
			}
			t.Cleanup(func() { syscall.Kill(newPID, syscall.SIGKILL) })
			<-verbDone
			if via == "verb" {
				t.Logf("upgrade verb: %s", verbOut)
				if verbErr != nil || !strings.Contains(string(verbOut), fmt.Sprintf("upgraded: pid %d serves, pid %d exited", newPID, oldPID)) {
					t.Errorf("upgrade verb: %v: %s", verbErr, verbOut)
				}
			}
			// The load goes on against the new process alone.
			loads.WaitAnswered(t, 500)
			loads.End(t)
			mustServe(t, addrs, "2.0.0", newPID)
			if n := len(regexp.MustCompile(`msg="upgrade handed over"`).FindAllString(strings.Join(e2e.LogLines(p.LogPath), "\n"), -1)); n != 1 {
				t.Errorf("%d handovers, want 1", n)
			}
			stopPID(t, newPID)
			mustLog(t, p.LogPath, `msg=stopped code=0`, 2)
		})
	}
}

// A new binary that exits during its warmup (asked by the verb, which
// reports the failure and exits 1), then one whose warmup fails (its start
// rolls back), leave the old process serving HTTP and gRPC as if nothing
// happened, with nothing refused or lost and no call failed (the new
// process accepts gRPC connections only once ready); a third request, once
// the new binary warms up, upgrades.
func TestUpgradeFailingBinaryKeepsServing(t *testing.T) {
	dir := t.TempDir()
	_, v2 := upgradeBuilds.Binaries(t, "testdata/upgrade", true)
	breakFile := filepath.Join(dir, "break")
	if err := os.WriteFile(breakFile, []byte("exit"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, addrs := startV1(t, dir, "E2E_WARM_SLEEP=200ms", "E2E_BREAK_VERSION=2.0.0", "E2E_BREAK_FILE="+breakFile)
	oldPID := p.Cmd.Process.Pid
	loads := e2e.StartUpgradeLoads(addrs.api, addrs.rpc)
	loads.WaitAnswered(t, 300)
	if err := e2e.Install(v2, filepath.Join(dir, "upg")); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{
		`new process \d+ exited with code 1 before it was ready`,
		`new process \d+ exited with code 3 before it was ready`,
	} {
		if i == 0 {
			// Through the verb: it reports the failure and exits 1.
			verb := exec.Command(filepath.Join(dir, "upg"), "upgrade")
			verb.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+dir)
			out, err := verb.CombinedOutput()
			t.Logf("upgrade verb: %s", out)
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 || !regexp.MustCompile(`failed: `+want+` \(pid \d+ still serving\)`).Match(out) {
				t.Errorf("upgrade verb: %v: %s", err, out)
			}
		} else {
			p.Cmd.Process.Signal(syscall.SIGUSR2)
		}
		line := mustLog(t, p.LogPath, `msg="upgrade failed: still serving"`, i+1)
		if !regexp.MustCompile(want).MatchString(line) {
			t.Errorf("failure %d: %s, want %s", i+1, line, want)
		}
		loads.WaitAnswered(t, 300)
		mustServe(t, addrs, "1.0.0", oldPID)
		os.WriteFile(breakFile, []byte("fail"), 0o644)
	}
	os.WriteFile(breakFile, []byte("ok"), 0o644)
	p.Cmd.Process.Signal(syscall.SIGUSR2)
	if code, err := p.Wait(wait); err != nil || code != 0 {
		t.Fatalf("old process: exit %d, %v", code, err)
	}
	line := mustLog(t, p.LogPath, `msg="upgrade handed over"`, 1)
	newPID, _ := strconv.Atoi(e2e.Attr(line, "new_pid"))
	t.Cleanup(func() { syscall.Kill(newPID, syscall.SIGKILL) })
	loads.WaitAnswered(t, 300)
	loads.End(t)
	mustServe(t, addrs, "2.0.0", newPID)
	stopPID(t, newPID)
}

// Under socket activation (the listening sockets passed as systemd passes
// them, LISTEN_FDS set by the test, which holds them as the .socket unit
// does), a restart — stop, then start — refuses and loses nothing and fails
// no gRPC call: the sockets (admin, HTTP, gRPC) stay open, connections
// wait in their queues while no process accepts, and the stopped process
// leaves those queues to the next one (a gRPC server serves every
// connection it accepted before its drain).
// The same after an upgrade of the socket-activated process: the process
// it started, stopped in turn, leaves the queues to the next start too.
func TestSocketActivationRestartLosesNothing(t *testing.T) {
	dir := t.TempDir()
	v1, v2 := upgradeBuilds.Binaries(t, "testdata/upgrade", true)
	var files []*os.File
	var addrs []string
	names := []string{"svc-admin", "api", "rpc"}
	for range names {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		f, err := ln.(*net.TCPListener).File()
		if err != nil {
			t.Fatal(err)
		}
		addrs = append(addrs, ln.Addr().String())
		ln.Close() // the file holds the socket, as systemd does
		defer f.Close()
		files = append(files, f)
	}
	logPath := filepath.Join(dir, "log")
	run := func(bin string, n int) *e2e.LoggedProcess {
		p, err := e2e.StartLogged(e2e.SocketActivated(bin, files, names, []string{"E2E_WARM_SLEEP=300ms", "XDG_RUNTIME_DIR=" + dir}, "run"), logPath)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Kill)
		mustLog(t, logPath, `msg=listening resource=api .*inherited="socket activation"`, n)
		mustLog(t, logPath, `msg=listening resource=rpc .*inherited="socket activation"`, n)
		return p
	}
	p1 := run(v1, 1)
	mustLog(t, logPath, `msg="service ready"`, 1)
	served := serviceAddrs{api: addrs[1], rpc: addrs[2]}
	loads := e2e.StartUpgradeLoads(served.api, served.rpc)
	loads.WaitAnswered(t, 500)
	p1.Cmd.Process.Signal(syscall.SIGTERM)
	if code, err := p1.Wait(wait); err != nil || code != 0 {
		t.Fatalf("first process: exit %d, %v", code, err)
	}
	p2 := run(v2, 2)
	mustLog(t, logPath, `msg="service ready"`, 2)
	loads.WaitAnswered(t, 500)
	mustServe(t, served, "2.0.0", p2.Cmd.Process.Pid)
	// An upgrade of a socket-activated process: the new process is told the
	// sockets are systemd's, so its own stop leaves their queues too, and
	// the next start serves what waited.
	p2.Cmd.Process.Signal(syscall.SIGUSR2)
	if code, err := p2.Wait(wait); err != nil || code != 0 {
		t.Fatalf("second process, upgraded: exit %d, %v", code, err)
	}
	line := mustLog(t, logPath, `msg="upgrade handed over"`, 1)
	upgraded, _ := strconv.Atoi(e2e.Attr(line, "new_pid"))
	t.Cleanup(func() { syscall.Kill(upgraded, syscall.SIGKILL) })
	loads.WaitAnswered(t, 500)
	stopPID(t, upgraded)
	p3 := run(v1, 3)
	mustLog(t, logPath, `msg="service ready"`, 4)
	loads.WaitAnswered(t, 500)
	loads.End(t)
	mustServe(t, served, "1.0.0", p3.Cmd.Process.Pid)
	p3.Cmd.Process.Signal(syscall.SIGTERM)
	if code, err := p3.Wait(wait); err != nil || code != 0 {
		t.Fatalf("third process: exit %d, %v", code, err)
	}
	if log, _ := os.ReadFile(logPath); strings.Contains(string(log), "DATA RACE") {
		t.Errorf("the race detector reported a race:\n%s", log)
	}
}

// credNotify is the systemd side of sd_notify with the sender's PID of
// each message (SO_PASSCRED), as systemd reads it to decide whom to trust.
type credNotify struct {
	mu   sync.Mutex
	msgs []notifyMsg
}

type notifyMsg struct {
	pid  int
	text string
}

func listenCredNotify(t *testing.T, name string) *credNotify {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	raw, err := conn.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	raw.Control(func(fd uintptr) {
		err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_PASSCRED, 1)
	})
	if err != nil {
		t.Fatal(err)
	}
	r := &credNotify{}
	go func() {
		buf, oob := make([]byte, 4096), make([]byte, 1024)
		for {
			n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
			if err != nil {
				return
			}
			pid := 0
			if cmsgs, err := syscall.ParseSocketControlMessage(oob[:oobn]); err == nil {
				for _, m := range cmsgs {
					if cred, err := syscall.ParseUnixCredentials(&m); err == nil {
						pid = int(cred.Pid)
					}
				}
			}
			r.mu.Lock()
			r.msgs = append(r.msgs, notifyMsg{pid, string(buf[:n])})
			r.mu.Unlock()
		}
	}()
	return r
}

// first is the index of the first message from pid (0: any) containing
// want at or after from, -1 if none.
func (r *credNotify) first(from, pid int, want string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := from; i < len(r.msgs); i++ {
		if (pid == 0 || r.msgs[i].pid == pid) && strings.Contains(r.msgs[i].text, want) {
			return i
		}
	}
	return -1
}

func (r *credNotify) wait(t *testing.T, from, pid int, want string) int {
	t.Helper()
	for deadline := time.Now().Add(wait); ; time.Sleep(5 * time.Millisecond) {
		if i := r.first(from, pid, want); i >= 0 {
			return i
		}
		if time.Now().After(deadline) {
			r.mu.Lock()
			defer r.mu.Unlock()
			t.Fatalf("no message %q from pid %d after #%d; got %+v", want, pid, from, r.msgs)
		}
	}
}

// Under systemd's notification protocol (NOTIFY_SOCKET, WATCHDOG_PID and
// WATCHDOG_USEC as systemd sets them, the sender of each message read from
// its credentials): the old process announces MAINPID=<new> once the new
// one is ready, and says nothing after it (no STOPPING=1 that systemd
// would take for the service's); the new process says READY=1, pings the
// watchdog (WATCHDOG_PID named the old process, so it is not passed on),
// and on its own stop says STOPPING=1. What systemd does with them is its
// documented behaviour (sd_notify(3)), not run here.
func TestUpgradeNotifiesSystemd(t *testing.T) {
	dir := t.TempDir()
	v1, v2 := upgradeBuilds.Binaries(t, "testdata/upgrade", true)
	bin := filepath.Join(dir, "upg")
	if err := e2e.Install(v1, bin); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("@svcgen-upgrade-%d-%d", os.Getpid(), time.Now().UnixNano())
	n := listenCredNotify(t, name)
	// systemd sets WATCHDOG_PID to the PID it started; a shell execs the
	// service in its own place to know it.
	cmd := exec.Command("/bin/sh", "-c", `WATCHDOG_PID=$$ exec "$0" run`, bin)
	cmd.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+dir, "NOTIFY_SOCKET="+name, "WATCHDOG_USEC=100000")
	p, err := e2e.StartLogged(cmd, filepath.Join(dir, "log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	oldPID := p.Cmd.Process.Pid
	n.wait(t, 0, oldPID, "READY=1")
	n.wait(t, 0, oldPID, "WATCHDOG=1")
	if err := e2e.Install(v2, bin); err != nil {
		t.Fatal(err)
	}
	p.Cmd.Process.Signal(syscall.SIGUSR2)
	if code, err := p.Wait(wait); err != nil || code != 0 {
		t.Fatalf("old process: exit %d, %v", code, err)
	}
	line := mustLog(t, p.LogPath, `msg="upgrade handed over"`, 1)
	newPID, _ := strconv.Atoi(e2e.Attr(line, "new_pid"))
	t.Cleanup(func() { syscall.Kill(newPID, syscall.SIGKILL) })
	handover := n.wait(t, 0, oldPID, fmt.Sprintf("MAINPID=%d", newPID))
	if ready := n.first(0, newPID, "READY=1"); ready < 0 || ready > handover {
		t.Errorf("the new process's READY=1 is message #%d, want one before MAINPID= (#%d)", ready, handover)
	}
	if after := n.first(handover+1, oldPID, ""); after >= 0 {
		n.mu.Lock()
		t.Errorf("the old process spoke after MAINPID=: %+v", n.msgs[after])
		n.mu.Unlock()
	}
	n.wait(t, handover, newPID, "WATCHDOG=1")
	stopPID(t, newPID)
	n.wait(t, handover, newPID, "STOPPING=1")
	mustLog(t, p.LogPath, `msg=stopped code=0`, 2)
}
