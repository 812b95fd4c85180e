package svcrt

import (
	"fmt"
	"log/slog"
	"net"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Listening sockets a worker process is given instead of binding them
// (worker_windows.go): the service process duplicated each for this
// process with WSADuplicateSocketW and sent its WSAPROTOCOL_INFOW under
// the listener's name (adminFDName for the admin's, the resource's name for
// a server's), as an upgrade on Linux passes descriptors under
// LISTEN_FDNAMES.

// adminFDName names the admin listener among the listeners handed over; a
// resource's name cannot start with "svc", so it never collides.
const adminFDName = "svc-admin"

// handedSockets are the sockets given to this process, by name, not yet
// taken by a listener.
var handedSockets struct {
	mu    sync.Mutex
	infos map[string]*windows.WSAProtocolInfo
}

// handSocket records a socket given under name; the first of a name counts.
func handSocket(name string, data []byte) error {
	var info windows.WSAProtocolInfo
	if len(data) != int(unsafe.Sizeof(info)) {
		return fmt.Errorf("listener %q: %d bytes, not a WSAPROTOCOL_INFOW (%d)", name, len(data), unsafe.Sizeof(info))
	}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&info)), len(data)), data)
	handedSockets.mu.Lock()
	defer handedSockets.mu.Unlock()
	if handedSockets.infos == nil {
		handedSockets.infos = map[string]*windows.WSAProtocolInfo{}
	}
	if _, dup := handedSockets.infos[name]; !dup {
		handedSockets.infos[name] = &info
	}
	return nil
}

// takeHanded removes and returns the socket given under name, if any.
func takeHanded(name string) *windows.WSAProtocolInfo {
	handedSockets.mu.Lock()
	defer handedSockets.mu.Unlock()
	info := handedSockets.infos[name]
	delete(handedSockets.infos, name)
	return info
}

// listenTCP is the listening socket named name: the one the service
// process handed to this worker, else one bound to addr.
func listenTCP(name, addr string) (net.Listener, string, error) {
	if info := takeHanded(name); info != nil {
		ln, err := newSocketListener(name, info)
		if err != nil {
			return nil, "", fmt.Errorf("handed listener %q: %w", name, err)
		}
		return ln, "upgrade", nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("listen %s: %w", addr, err)
	}
	return ln, "", nil
}

// releaseInherited closes the sockets handed over that no listener took (a
// resource renamed or removed by the new version): the handle exists in
// this process from the duplication on, taken or not.
func releaseInherited(log *slog.Logger) {
	handedSockets.mu.Lock()
	defer handedSockets.mu.Unlock()
	for name, info := range handedSockets.infos {
		if s, err := windows.WSASocket(fromProtocolInfo, fromProtocolInfo, fromProtocolInfo, info, 0, windows.WSA_FLAG_OVERLAPPED|windows.WSA_FLAG_NO_HANDLE_INHERIT); err == nil {
			windows.Closesocket(s)
		}
		log.Warn("inherited listener not used: closed", "name", name, "from", "upgrade")
		delete(handedSockets.infos, name)
	}
}
