package svcrt

import "net"

// What an upgrade on any platform needs of the engine: the listening
// sockets to hand to the new process, and the stop that follows once it is
// ready (upgrade_linux.go, upgrade_windows.go).

// listeners are the listening sockets of the http resources, bound.
func (a *App) listeners() []*listener {
	var out []*listener
	for _, n := range a.nodes {
		if n.listener != nil {
			if l := n.listener(); l != nil {
				out = append(out, l)
			}
		}
	}
	return out
}

// namedSocket is a listening socket under the name the new process takes
// it by: adminFDName for the admin listener, the resource's name for a
// server.
type namedSocket struct {
	name string
	ln   net.Listener
}

// sockets are every listening socket of this process, bound: the admin's
// and each server's.
func (a *App) sockets() []namedSocket {
	var out []namedSocket
	if a.admin.ln != nil {
		out = append(out, namedSocket{adminFDName, a.admin.ln})
	}
	for _, n := range a.nodes {
		if n.socket == nil {
			continue
		}
		if ln := n.socket(); ln != nil {
			out = append(out, namedSocket{n.Name, ln})
		}
	}
	return out
}

// handOver marks every listener shared (the child serves the sockets: this
// process's stop leaves their queues to it) and begins the stop after an
// upgrade, both under the lock a stop begins under, so no drain has begun
// before the listeners are marked; false, changing nothing, when a stop has
// begun already. first, when not nil, runs under that lock before the stop
// begins: what must be said before anything of the stop (systemd's
// MAINPID=, after which this process's own notifications are silenced). It is not a stop request: a SIGTERM during its drain is
// the first one, not a second that forces.
func (a *App) handOver(reason string, first func()) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	select {
	case <-a.stopCh:
		return false
	default:
	}
	for _, l := range a.listeners() {
		l.shared.Store(true)
	}
	if first != nil {
		first()
	}
	a.beginLocked(StopUpgraded, reason)
	return true
}
