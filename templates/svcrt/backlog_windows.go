package svcrt

import (
	"context"
	"net"
	"unsafe"

	"golang.org/x/sys/windows"
)

// acceptBacklog takes the accept queue of l before the caller closes the
// socket, which on Windows resets every connection still queued (see
// takeQueue), and returns the connections kept for later.
func acceptBacklog(ctx context.Context, l *listener) []net.Conn {
	tl, ok := l.Listener.(*net.TCPListener)
	if !ok {
		return nil
	}
	return takeQueue(ctx, l, tl, queued)
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
