//go:build !linux && !windows

package svcrt

import (
	"context"
	"net"
)

// acceptBacklog takes nothing here: the accept queue cannot be read without
// blocking through the standard library, so closing the listener is a plain
// close.
func acceptBacklog(context.Context, *listener) []net.Conn {
	return nil
}
