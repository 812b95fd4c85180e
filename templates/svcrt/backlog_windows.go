package svcrt

import (
	"context"
	"errors"
	"net"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// backlogGap ends the taking of the accept queue: nothing accepted for this
// long, and nothing queued, means the queue is empty. The clients whose
// connections were taken wait for their answers and do not reconnect, so the
// loop ends after at most one connection per client; clients answered with
// Connection: close meanwhile reconnect within it (20 ms lost requests under
// Wine in 2 of 5 stops, 50 ms none in 6). An idle service pays it once.
const backlogGap = 50 * time.Millisecond

// acceptBacklog accepts every connection waiting in the accept queue of ln,
// until the drain's deadline at the latest; the caller serves them and closes
// ln. The deadline also ends the server's own Accept, which then waits for
// these connections (listener.Accept).
func acceptBacklog(ctx context.Context, ln net.Listener) []net.Conn {
	tl, ok := ln.(*net.TCPListener)
	if !ok {
		return nil
	}
	var conns []net.Conn
	for ctx.Err() == nil {
		until := time.Now().Add(backlogGap)
		if d, ok := ctx.Deadline(); ok && d.Before(until) {
			until = d
		}
		if err := tl.SetDeadline(until); err != nil {
			return conns
		}
		c, err := tl.Accept()
		if err == nil {
			conns = append(conns, c)
			continue
		}
		// An AcceptEx can stay pending past its deadline while connections are
		// queued (under load, Wine's Winsock did so in one stop in three, and
		// the close then reset every queued connection): ask Winsock.
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() || !queued(tl) {
			return conns
		}
	}
	return conns
}

// wsaPoll is ws2_32's WSAPoll, which x/sys/windows does not wrap.
var wsaPoll = windows.NewLazySystemDLL("ws2_32.dll").NewProc("WSAPoll")

// pollFD is a WSAPOLLFD; pollRdNorm (POLLRDNORM) on a listening socket
// means a connection waits to be accepted.
type pollFD struct {
	fd      windows.Handle
	events  int16
	revents int16
}

const pollRdNorm = 256

// queued reports whether a connection waits in the accept queue of tl, as
// Winsock sees it at this instant (a zero timeout: it does not block).
func queued(tl *net.TCPListener) bool {
	raw, err := tl.SyscallConn()
	if err != nil {
		return false
	}
	queued := false
	raw.Control(func(fd uintptr) {
		p := pollFD{
			events: pollRdNorm,
			fd:     windows.Handle(fd),
		}
		n, _, _ := wsaPoll.Call(uintptr(unsafe.Pointer(&p)), 1, 0)
		queued = int32(n) > 0 && p.revents&pollRdNorm != 0
	})
	return queued
}
