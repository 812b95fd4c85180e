package svcrt

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// Listening sockets a process is given instead of binding them, in the
// protocol of systemd's socket activation (sd_listen_fds(3)): descriptors
// 3, 4, ... (LISTEN_FDS of them), named in order by LISTEN_FDNAMES
// (FileDescriptorName= of the .socket unit), meant for the process whose
// PID is LISTEN_PID. An upgrade (upgrade_linux.go) hands its listeners to
// the new process the same way, so an upgraded process and a socket-
// activated one take their listeners through the same code.
//
// The process being upgraded cannot know its child's PID before the child
// runs (os/exec sets the environment before the fork), so it sets
// LISTEN_PID to its own PID and names the descriptor of the handoff pipe in
// upgradeFDEnv: a process accepts LISTEN_PID equal to its parent's PID only
// with that pipe, which only an upgrade passes.
const (
	listenFDsStart = 3
	// adminFDName names the admin listener; resource names cannot start
	// with "svc", so it never collides with an http resource's name.
	adminFDName = "svc-admin"
	// upgradeFDEnv holds the descriptor number of the pipe on which an
	// upgraded process says it is ready (upgrade_linux.go).
	upgradeFDEnv = "SVCRT_UPGRADE_FD"
)

// inheritance is what this process was given at its start.
type inheritance struct {
	mu    sync.Mutex
	files map[string]*os.File // by name, not yet taken by a listener
	// ready is the pipe to the process being upgraded; nil when this
	// process was not started by an upgrade.
	ready *os.File
	// from says where the listeners came from, for the log.
	from string
	// activated: the sockets belong to systemd's socket units (this process
	// or the one it upgraded was socket-activated): a stop leaves their
	// queues to the next process systemd starts.
	activated bool
}

var (
	inheritOnce sync.Once
	inherited   *inheritance
)

// inheritedFiles reads the environment once, at the first listener bound
// or the first look at the handoff pipe, and removes its variables so that
// a program the service starts is not mistaken for their receiver.
func inheritedFiles() *inheritance {
	inheritOnce.Do(func() {
		inherited = readInheritance(os.Getenv, os.Getpid(), os.Getppid())
		for _, v := range []string{"LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", upgradeFDEnv, activatedEnv} {
			os.Unsetenv(v)
		}
	})
	return inherited
}

// readInheritance parses the variables with getenv for a process pid whose
// parent is ppid. Descriptors given to another process, or malformed
// variables, give nothing: the service then binds its addresses itself.
func readInheritance(getenv func(string) string, pid, ppid int) *inheritance {
	in := &inheritance{files: map[string]*os.File{}}
	target, err := strconv.Atoi(getenv("LISTEN_PID"))
	if err != nil {
		return in
	}
	upgradeFD := -1
	if v := getenv(upgradeFDEnv); v != "" {
		if upgradeFD, err = strconv.Atoi(v); err != nil || upgradeFD < listenFDsStart {
			return in
		}
	}
	switch {
	case target == pid && upgradeFD < 0:
		in.from, in.activated = "socket activation", true
	case target == ppid && upgradeFD >= 0:
		in.from, in.activated = "upgrade", getenv(activatedEnv) == "1"
	default:
		return in
	}
	n, err := strconv.Atoi(getenv("LISTEN_FDS"))
	if err != nil || n < 0 || n > 1024 {
		return in
	}
	names := strings.Split(getenv("LISTEN_FDNAMES"), ":")
	for i := 0; i < n; i++ {
		fd := listenFDsStart + i
		name := "unknown"
		if i < len(names) && names[i] != "" {
			name = names[i]
		}
		// Not for the programs this one starts.
		syscall.CloseOnExec(fd)
		f := os.NewFile(uintptr(fd), name)
		if _, dup := in.files[name]; dup {
			f.Close() // one listener per name: the first is taken
			continue
		}
		in.files[name] = f
	}
	if upgradeFD >= 0 {
		syscall.CloseOnExec(upgradeFD)
		in.ready = os.NewFile(uintptr(upgradeFD), "upgrade")
	}
	return in
}

// listenTCP is the listening socket named name: the inherited one when this
// process was given it (socket activation, upgrade), else one bound to addr.
// from says where an inherited one came from; empty when bound here.
func listenTCP(name, addr string) (ln net.Listener, from string, err error) {
	in := inheritedFiles()
	in.mu.Lock()
	f := in.files[name]
	delete(in.files, name)
	in.mu.Unlock()
	if f == nil {
		ln, err = net.Listen("tcp", addr)
		if err != nil {
			return nil, "", fmt.Errorf("listen %s: %w", addr, err)
		}
		return ln, "", nil
	}
	// FileListener duplicates the descriptor; the inherited copy is closed.
	ln, err = net.FileListener(f)
	f.Close()
	if err != nil {
		return nil, "", fmt.Errorf("inherited listener %q (%s): %w", name, in.from, err)
	}
	if _, ok := ln.(*net.TCPListener); !ok {
		ln.Close()
		return nil, "", fmt.Errorf("inherited listener %q (%s) is a %s socket, not TCP", name, in.from, ln.Addr().Network())
	}
	return ln, in.from, nil
}

// releaseInherited closes the inherited descriptors no listener took (a
// resource renamed or removed by the new version), saying so: they would
// otherwise keep a port's queue open that nobody accepts from.
func releaseInherited(log *slog.Logger) {
	in := inheritedFiles()
	in.mu.Lock()
	defer in.mu.Unlock()
	for name, f := range in.files {
		log.Warn("inherited listener not used: closed", "name", name, "from", in.from)
		f.Close()
		delete(in.files, name)
	}
}
