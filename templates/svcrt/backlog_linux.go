package svcrt

import (
	"context"
	"net"
	"os"
	"syscall"
)

// acceptBacklog accepts, without blocking, every connection waiting in the
// accept queue of l, then shuts the socket down for new connections in the
// same breath: a connection the kernel completes between the last accept and
// the close would be reset, and under load there are many (the conversion
// below takes long enough). The socket is already non-blocking (Go's poller),
// so accept4 returns EAGAIN once the queue is empty: nothing here blocks, so
// the drain's deadline is not needed.
func acceptBacklog(_ context.Context, l *listener) []net.Conn {
	sc, ok := l.Listener.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	var fds []int
	raw.Control(func(fd uintptr) {
		for {
			nfd, _, err := syscall.Accept4(int(fd), syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC)
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				break // EAGAIN: the queue is empty
			}
			fds = append(fds, nfd)
		}
		// Later connection attempts are refused: their clients know nothing
		// was sent. The caller closes the listener.
		syscall.Shutdown(int(fd), syscall.SHUT_RD)
	})
	var conns []net.Conn
	for _, fd := range fds {
		file := os.NewFile(uintptr(fd), "")
		// FileConn duplicates the descriptor; the file's copy is closed here.
		c, err := net.FileConn(file)
		file.Close()
		if err == nil {
			conns = append(conns, c)
		}
	}
	return conns
}
