package svcrt

import (
	"net"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// socketHasData reports whether bytes wait in c's receive queue, as Winsock
// sees it at this instant (WSAPoll with a zero timeout, see backlog_windows.go).
func socketHasData(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	has := false
	raw.Control(func(fd uintptr) {
		p := pollFD{fd: windows.Handle(fd), events: pollRdNorm}
		n, _, _ := wsaPoll.Call(uintptr(unsafe.Pointer(&p)), 1, 0)
		has = int32(n) > 0 && p.revents&pollRdNorm != 0
	})
	return has
}
