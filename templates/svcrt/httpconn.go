package svcrt

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// wireConn is an accepted connection as the drain needs to see it: net/http
// reports a connection idle (or new) until it has read a request's whole
// header, and keeps what it read ahead in its own buffer, so from its
// reports alone the drain cannot tell an idle connection from one whose
// request is half read or already waiting behind the one answered.
// wireConn counts what the client sent as it is read: on a plain
// connection the requests begun (requestFraming), on a TLS one the bytes,
// whose framing it cannot see.
type wireConn struct {
	net.Conn
	tls bool

	mu      sync.Mutex // serialises the framing; Read alone takes it
	framing requestFraming
	// hijacked: the handler owns the connection; its bytes are no longer
	// HTTP requests.
	hijacked atomic.Bool

	// started mirrors framing.started for the drain's goroutine; served
	// counts the requests net/http handed to the server's handler.
	started, served atomic.Int64
	// read counts the bytes of a TLS connection; atRest is read when
	// net/http last reported it new or idle.
	read, atRest atomic.Int64

	// expiring: the drain ended the wait of the connection's reader (see
	// expire); dmu orders it with the read deadline net/http asks for.
	expiring atomic.Bool
	dmu      sync.Mutex
	deadline time.Time
}

func newWireConn(c net.Conn, tls bool) *wireConn {
	return &wireConn{Conn: c, tls: tls}
}

func (c *wireConn) Read(p []byte) (int, error) {
	for {
		n, err := c.Conn.Read(p)
		if n > 0 && !c.hijacked.Load() {
			if c.tls {
				c.read.Add(int64(n))
			} else {
				c.mu.Lock()
				c.framing.feed(p[:n])
				c.started.Store(c.framing.started)
				c.mu.Unlock()
			}
		}
		if !c.expiring.Load() {
			return n, err
		}
		if n > 0 {
			c.keep() // a request arrived as the drain ended the wait
			return n, err
		}
		if errors.Is(err, os.ErrDeadlineExceeded) && socketHasData(c.Conn) {
			c.keep() // the deadline fired before the read looked
			continue
		}
		return n, err // nothing came: net/http closes the connection
	}
}

// expire ends the connection unless a request arrives: the drain does not
// close an idle connection under net/http's reader, which may have just
// read a request the drain did not see yet. It ends the reader's wait
// instead (a read deadline in the past, which net/http cannot move while
// it holds); the reader then either has bytes, and the request is served,
// or a timeout on an empty socket, and net/http closes the connection.
func (c *wireConn) expire() {
	c.dmu.Lock()
	defer c.dmu.Unlock()
	c.expiring.Store(true)
	c.Conn.SetReadDeadline(time.Unix(1, 0))
}

// keep undoes expire: the reader waits again until net/http's deadline.
func (c *wireConn) keep() {
	c.dmu.Lock()
	defer c.dmu.Unlock()
	if c.expiring.Swap(false) {
		c.Conn.SetReadDeadline(c.deadline)
	}
}

func (c *wireConn) SetReadDeadline(t time.Time) error {
	c.dmu.Lock()
	defer c.dmu.Unlock()
	c.deadline = t
	if c.expiring.Load() {
		return nil
	}
	return c.Conn.SetReadDeadline(t)
}

func (c *wireConn) SetDeadline(t time.Time) error {
	c.dmu.Lock()
	defer c.dmu.Unlock()
	c.deadline = t
	if c.expiring.Load() {
		return c.Conn.SetWriteDeadline(t)
	}
	return c.Conn.SetDeadline(t)
}

// requestBegun reports whether the client sent bytes of a request that no
// handler has seen yet: a header still arriving, a pipelined request read
// ahead, or on TLS anything since net/http last reported the connection at
// rest (a handshake in progress too).
func (c *wireConn) requestBegun() bool {
	if c.tls {
		return c.read.Load() > c.atRest.Load()
	}
	return c.started.Load() > c.served.Load()
}

// nextRequestBegun reports, while a handler answers, whether the client has
// already sent bytes of the request after it: its answer then must not end
// the connection. On TLS the bytes read ahead cannot be told from the
// current request's, so only the socket tells (see pending).
func (c *wireConn) nextRequestBegun() bool {
	if c.tls {
		return false
	}
	return c.requestBegun()
}

// pending reports whether bytes wait in the socket's receive queue that
// nothing has read yet: a request sent just as the drain looks.
func (c *wireConn) pending() bool {
	return socketHasData(c.Conn)
}

// atRestNow notes that net/http reported the connection new or idle.
func (c *wireConn) atRestNow() {
	c.atRest.Store(c.read.Load())
}

// ReadFrom keeps sendfile and splice of the TCP connection for responses
// written with io.Copy.
func (c *wireConn) ReadFrom(r io.Reader) (int64, error) {
	return io.Copy(c.Conn, r)
}

// CloseWrite keeps net/http's lingering close (a half close before closing,
// so the client reads the last response before a reset).
func (c *wireConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// NetConn returns the connection accepted from the listener, as
// tls.Conn.NetConn does: a handler that hijacked it can reach the TCP
// connection's own methods.
func (c *wireConn) NetConn() net.Conn {
	return c.Conn
}
