package svcrt

import (
	"context"
	"net"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// acceptBacklog takes the accept queue of l before the caller closes the
// socket, which on Windows resets every connection still queued (see
// takeQueue), and returns the connections kept for later.
func acceptBacklog(ctx context.Context, l *listener) []net.Conn {
	switch ln := l.Listener.(type) {
	case *net.TCPListener:
		raw, err := borrowSocket(ln.Addr().String(), ln)
		if err != nil {
			// Go's accept still takes the queue, as well as it can.
			if l.s != nil {
				l.s.log.Warn("accept queue taken through Go's accept", "resource", l.s.name, "err", err)
			}
			return takeQueue(ctx, l, ln, func() bool { return queued(ln) })
		}
		defer raw.Close()
		return takeQueue(ctx, l, &goThenSocket{tcp: ln, raw: raw}, raw.queued)
	case *socketListener:
		// A socket handed over by another process: see socketlistener_windows.go.
		return takeQueue(ctx, l, ln, ln.queued)
	}
	return nil
}

// goThenSocket is how the drain takes a Go listener's queue: the first
// Accept is Go's, and returns once the server's pending one has given the
// socket up (takeQueue set a past deadline); from then on nothing in Go
// accepts, and the socket's queue is read with WSAPoll and accept
// (borrowSocket), which neither AcceptEx cancellations nor a pending
// AcceptEx that hides the queue from WSAPoll (both seen under Wine) get in
// the way of.
type goThenSocket struct {
	tcp   *net.TCPListener
	raw   *socketListener
	ended bool // Go's accept has returned
}

func (q *goThenSocket) SetDeadline(t time.Time) error {
	if !q.ended {
		return q.tcp.SetDeadline(t)
	}
	return q.raw.SetDeadline(t)
}

func (q *goThenSocket) Accept() (net.Conn, error) {
	if !q.ended {
		q.ended = true
		return q.tcp.Accept()
	}
	return q.raw.Accept()
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

// pollNVal (POLLNVAL) in revents: the handle is not an open socket.
const pollNVal = 4

// queued reports whether a connection waits in the accept queue of tl, as
// Winsock sees it at this instant (a zero timeout: it does not block).
func queued(tl *net.TCPListener) bool {
	raw, err := tl.SyscallConn()
	if err != nil {
		return false
	}
	queued := false
	raw.Control(func(fd uintptr) {
		ready, err := pollReadable(windows.Handle(fd), 0)
		queued = err == nil && ready
	})
	return queued
}

// pollReadable waits up to wait (whole milliseconds, rounded up) for sock
// to report POLLRDNORM: on a listening socket, a connection to accept.
func pollReadable(sock windows.Handle, wait time.Duration) (bool, error) {
	p := pollFD{fd: sock, events: pollRdNorm}
	ms := (wait + time.Millisecond - 1) / time.Millisecond
	n, _, errno := wsaPoll.Call(uintptr(unsafe.Pointer(&p)), 1, uintptr(ms))
	if int32(n) < 0 { // SOCKET_ERROR
		return false, errno
	}
	if p.revents&pollNVal != 0 {
		return false, windows.WSAENOTSOCK
	}
	return n > 0 && p.revents&pollRdNorm != 0, nil
}
