package svcrt

import (
	"context"
	"errors"
	"net"
	"sync"

	"google.golang.org/grpc/credentials"
)

// grpcListener is a grpc resource's listening socket as grpc-go accepts
// from it. grpc-go hands each connection it accepts to a goroutine that
// closes it unread if the server is stopping by the time that goroutine
// runs: its client, which connected while the server accepted and has
// sent its call, is reset. With the socket's queue kept for another
// process (an upgrade's, the next one systemd starts), that call would be
// lost although the other process answers the next. So the drain first
// stops accepting here (stopAccepting) and waits until grpc-go has taken
// up every connection accepted by then; only then does it stop the server,
// which drains those connections like the others.
//
// A connection is taken up when grpc-go begins its handshake, which it
// does only once it has decided to serve it: the server's transport
// credentials tell (takeUpCreds). The connections themselves are not
// wrapped: grpc-go sets TCP_USER_TIMEOUT only on a *net.TCPConn.
type grpcListener struct {
	net.Listener
	mu sync.Mutex
	// accepting is the number of Accept calls under way; pending, the
	// connections accepted whose handshake has not begun.
	accepting, pending int
	// settled is signalled whenever either falls.
	settled chan struct{}
}

func newGRPCListener(ln net.Listener) *grpcListener {
	return &grpcListener{Listener: ln, settled: make(chan struct{}, 1)}
}

func (l *grpcListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	l.accepting++
	l.mu.Unlock()
	c, err := l.Listener.Accept()
	l.mu.Lock()
	l.accepting--
	if err == nil {
		l.pending++
	}
	l.mu.Unlock()
	l.signal()
	return c, err
}

// takenUp counts a connection whose handshake begins.
func (l *grpcListener) takenUp() {
	l.mu.Lock()
	l.pending--
	l.mu.Unlock()
	l.signal()
}

func (l *grpcListener) signal() {
	select {
	case l.settled <- struct{}{}:
	default:
	}
}

// stopAccepting closes this descriptor of the socket (a queue another
// process holds too stays with it) and waits until every connection
// accepted is in grpc-go's hands, or ctx ends.
func (l *grpcListener) stopAccepting(ctx context.Context) {
	l.Listener.Close()
	for {
		l.mu.Lock()
		quiet := l.accepting == 0 && l.pending == 0
		l.mu.Unlock()
		if quiet {
			return
		}
		select {
		case <-l.settled:
		case <-ctx.Done():
			return
		}
	}
}

// takeUpCreds are the server's transport credentials (TLS, or none: tls
// nil) with each handshake's beginning counted for the listener.
type takeUpCreds struct {
	tls credentials.TransportCredentials
	l   *grpcListener
}

func (c takeUpCreds) ServerHandshake(conn net.Conn) (net.Conn, credentials.AuthInfo, error) {
	c.l.takenUp()
	if c.tls == nil {
		return conn, nil, nil // what grpc-go does without credentials
	}
	return c.tls.ServerHandshake(conn)
}

func (c takeUpCreds) ClientHandshake(context.Context, string, net.Conn) (net.Conn, credentials.AuthInfo, error) {
	return nil, nil, errors.New("grpc server credentials: no client handshake")
}

func (c takeUpCreds) Info() credentials.ProtocolInfo {
	if c.tls == nil {
		return credentials.ProtocolInfo{SecurityProtocol: "insecure"}
	}
	return c.tls.Info()
}

func (c takeUpCreds) Clone() credentials.TransportCredentials {
	if c.tls != nil {
		c.tls = c.tls.Clone()
	}
	return c
}

// OverrideServerName is unused by grpc-go (deprecated), and a server has
// no server name to override.
func (takeUpCreds) OverrideServerName(string) error { return nil }
