//go:build !linux && !windows

package svcrt

import (
	"fmt"
	"log/slog"
	"net"
)

// adminFDName names the admin listener among the listeners a process hands
// over (inherit_linux.go); nothing is handed over here.
const adminFDName = "svc-admin"

// listenTCP binds addr: listeners are inherited only on Linux
// (inherit_linux.go).
func listenTCP(_, addr string) (net.Listener, string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("listen %s: %w", addr, err)
	}
	return ln, "", nil
}

// releaseInherited: nothing was inherited.
func releaseInherited(*slog.Logger) {}
