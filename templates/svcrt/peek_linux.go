package svcrt

import (
	"net"
	"syscall"
)

// socketHasData reports whether bytes wait in c's receive queue, without
// reading them and without waiting (MSG_PEEK|MSG_DONTWAIT). The end of the
// stream (the client closed) is not data.
func socketHasData(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	var buf [1]byte
	has := false
	raw.Control(func(fd uintptr) {
		n, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		has = err == nil && n > 0
	})
	return has
}
