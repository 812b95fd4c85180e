package svcrt

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// socketListener is a net.Listener over a listening socket another process
// duplicated for this one (WSADuplicateSocketW, then WSASocketW from the
// protocol info): the hand-over of an upgrade. net.FileListener cannot take
// such a socket: it would move the socket to this process's completion port
// (NtSetInformationFile with FileReplaceCompletionInformation, which Wine 8
// does not implement), and the shared socket object stays associated with
// the other process's port. So the listening socket is never made
// overlapped here: it is non-blocking, WSAPoll says when a connection
// waits, and accept takes it. Each connection accepted is a socket of this
// process alone and goes on Go's own completion port (socketConn).
type socketListener struct {
	name string
	sock windows.Handle
	addr *net.TCPAddr
	// borrowed: the socket is a Go listener's, which closes it (borrowSocket).
	borrowed bool

	mu sync.Mutex
	// inside counts the goroutines in WSAPoll or accept on sock: Close
	// waits for them, so that the handle is never closed, and its value
	// perhaps reused, under a call that uses it.
	inside   int
	left     *sync.Cond // signalled when inside drops to zero
	closed   bool
	deadline time.Time // of Accept; zero: none
}

// newSocketListener takes the listening socket described by info (duplicated
// for this process by another one). name is for errors.
func newSocketListener(name string, info *windows.WSAProtocolInfo) (*socketListener, error) {
	sock, err := windows.WSASocket(fromProtocolInfo, fromProtocolInfo, fromProtocolInfo, info, 0,
		windows.WSA_FLAG_OVERLAPPED|windows.WSA_FLAG_NO_HANDLE_INHERIT)
	if err != nil {
		return nil, fmt.Errorf("listener %q: make a socket from the protocol info: %w", name, err)
	}
	l, err := listenerOn(name, sock)
	if err != nil {
		windows.Closesocket(sock)
		return nil, err
	}
	return l, nil
}

// borrowSocket is a socketListener over the socket of tl, which keeps it:
// Close lets the socket be (tl closes it). The drain takes a Go listener's
// queue through it (acceptBacklog): Go's Accept under a deadline cancels
// and reissues AcceptEx, and under Wine that left connections queued but
// not taken until the close reset them (154 of 150 arrivals a second in
// one stop).
func borrowSocket(name string, tl *net.TCPListener) (*socketListener, error) {
	raw, err := tl.SyscallConn()
	if err != nil {
		return nil, err
	}
	var sock windows.Handle
	if err := raw.Control(func(fd uintptr) { sock = windows.Handle(fd) }); err != nil {
		return nil, err
	}
	l, err := listenerOn(name, sock)
	if err != nil {
		return nil, err
	}
	l.borrowed = true
	return l, nil
}

// listenerOn makes sock non-blocking and a socketListener over it.
func listenerOn(name string, sock windows.Handle) (*socketListener, error) {
	// Non-blocking: another process may accept the connection WSAPoll
	// reported (the old and the new worker share the queue for a moment),
	// and a blocking accept would then wait for the next one, deaf to Close.
	// The mode is the shared socket's; a Go listener of the other process
	// accepts with overlapped AcceptEx, which it does not concern (under
	// Wine: TestSocketListenerCloseLeavesQueue).
	if err := setNonBlocking(sock, true); err != nil {
		return nil, fmt.Errorf("listener %q: make the socket non-blocking: %w", name, err)
	}
	sa, err := windows.Getsockname(sock)
	if err != nil {
		return nil, fmt.Errorf("listener %q: getsockname: %w", name, err)
	}
	addr := tcpAddr(sa)
	if addr == nil {
		return nil, fmt.Errorf("listener %q: not a TCP socket (%T)", name, sa)
	}
	l := &socketListener{name: name, sock: sock, addr: addr}
	l.left = sync.NewCond(&l.mu)
	return l, nil
}

// fromProtocolInfo (FROM_PROTOCOL_INFO) makes WSASocketW take the address
// family, type and protocol from the protocol info.
const fromProtocolInfo = -1

// acceptPoll is how long one WSAPoll of Accept waits: Close and a deadline
// take effect within it.
const acceptPoll = 15 * time.Millisecond

// Accept waits for a connection and returns it. A connection accepted is
// returned even when Close or the deadline came meanwhile: it left the
// queue, and dropping it would reset it.
func (l *socketListener) Accept() (net.Conn, error) {
	for {
		if err := l.enter("accept"); err != nil {
			return nil, err
		}
		wait, err := l.untilDeadline()
		if err != nil {
			l.leave()
			return nil, err
		}
		c, err := l.acceptWithin(wait)
		l.leave()
		if c != nil || err != nil {
			return c, err
		}
	}
}

// enter registers a goroutine about to use sock for op (see inside); an
// error if the listener is closed.
func (l *socketListener) enter(op string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return l.opError(op, net.ErrClosed)
	}
	l.inside++
	return nil
}

// untilDeadline is how long one WSAPoll of Accept may wait: acceptPoll, or
// less before the deadline; an error once the deadline has passed.
func (l *socketListener) untilDeadline() (time.Duration, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.deadline.IsZero() {
		return acceptPoll, nil
	}
	left := time.Until(l.deadline)
	if left <= 0 {
		return 0, l.opError("accept", os.ErrDeadlineExceeded)
	}
	return min(acceptPoll, left), nil
}

func (l *socketListener) leave() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inside--; l.inside == 0 {
		l.left.Broadcast()
	}
}

// acceptWithin waits up to wait for a connection and accepts it; nil and no
// error when none came, or another process took it first.
func (l *socketListener) acceptWithin(wait time.Duration) (net.Conn, error) {
	ready, err := pollReadable(l.sock, wait)
	if err != nil {
		return nil, l.opError("accept", fmt.Errorf("WSAPoll: %w", err))
	}
	if !ready {
		return nil, nil
	}
	var peer windows.RawSockaddrAny
	peerLen := int32(unsafe.Sizeof(peer))
	r, _, errno := wsAccept.Call(uintptr(l.sock), uintptr(unsafe.Pointer(&peer)), uintptr(unsafe.Pointer(&peerLen)))
	conn := windows.Handle(r)
	if conn == windows.InvalidHandle {
		switch errno {
		case windows.WSAEWOULDBLOCK, windows.WSAECONNRESET:
			// Another process took the connection, or its client reset it
			// before it was accepted (Go's own accept also goes on then).
			return nil, nil
		}
		return nil, l.opError("accept", errno)
	}
	return l.newConn(conn, &peer), nil
}

// Close closes this process's handle on the socket only: another process
// that holds the socket keeps listening, and the connections queued stay
// its to accept. It waits for the goroutines inside WSAPoll or accept,
// which leave within acceptPoll.
func (l *socketListener) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return l.opError("close", net.ErrClosed)
	}
	l.closed = true
	for l.inside > 0 {
		l.left.Wait()
	}
	l.mu.Unlock()
	if l.borrowed {
		return nil
	}
	if err := windows.Closesocket(l.sock); err != nil {
		return l.opError("close", err)
	}
	return nil
}

// Addr is the address the socket listens on.
func (l *socketListener) Addr() net.Addr { return l.addr }

// SetDeadline sets the deadline of Accept, as net.TCPListener's does: once
// it has passed, a pending Accept, and any later one, returns an error
// whose Timeout() is true. The zero time means no deadline.
func (l *socketListener) SetDeadline(t time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return l.opError("set", net.ErrClosed)
	}
	l.deadline = t
	return nil
}

// queued reports whether a connection waits in the accept queue, as
// Winsock sees it at this instant (see queued in backlog_windows.go),
// whatever the deadline of Accept: takeQueue looks at the queue past it.
func (l *socketListener) queued() bool {
	if l.enter("poll") != nil {
		return false
	}
	defer l.leave()
	ready, err := pollReadable(l.sock, 0)
	return err == nil && ready
}

func (l *socketListener) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: "tcp", Addr: l.addr, Err: err}
}

// wsAccept is ws2_32's accept, which x/sys/windows does not wrap.
var wsAccept = windows.NewLazySystemDLL("ws2_32.dll").NewProc("accept")

// fionbio is FIONBIO, the ioctl that makes a socket non-blocking or blocking.
const fionbio = 0x8004667E

func setNonBlocking(sock windows.Handle, on bool) error {
	var arg uint32
	if on {
		arg = 1
	}
	var n uint32
	return windows.WSAIoctl(sock, fionbio, (*byte)(unsafe.Pointer(&arg)), uint32(unsafe.Sizeof(arg)), nil, 0, &n, nil, 0)
}

// socketConn is a connection a socketListener accepted: an *os.File on Go's
// completion port (os.NewFile sees the overlapped handle), so reads, writes
// and deadlines are Go's own, with the addresses and calls of a TCP
// connection that net/http uses. It is set up at its first use, on the
// goroutine that serves it, not where it was accepted: a drain taking a
// busy accept queue then only polls and accepts (under Wine each of the
// setup's calls costs about a millisecond on a loaded machine, and the
// queue grew faster than one loop could set connections up).
type socketConn struct {
	sock          windows.Handle
	name          string
	local, remote *net.TCPAddr

	once sync.Once
	file *os.File
	err  error // of the setup; the socket is closed then
}

// newConn is the connection to the socket accept returned, whose client is
// at peer.
func (l *socketListener) newConn(sock windows.Handle, peer *windows.RawSockaddrAny) *socketConn {
	// The addresses fail over to what is known rather than fail the
	// connection: a client may reset it before getsockname.
	c := &socketConn{sock: sock, name: l.name, local: l.addr, remote: &net.TCPAddr{}}
	if sa, err := peer.Sockaddr(); err == nil && tcpAddr(sa) != nil {
		c.remote = tcpAddr(sa)
	}
	return c
}

// ready sets the connection up once: blocking mode, the file, the local
// address.
func (c *socketConn) ready() error {
	c.once.Do(func() {
		// The accepted socket inherits the listening socket's non-blocking
		// mode; Go's file I/O expects a blocking overlapped handle.
		if err := setNonBlocking(c.sock, false); err != nil {
			windows.Closesocket(c.sock)
			c.err = c.opError("setup", fmt.Errorf("make the connection blocking: %w", err))
			return
		}
		c.file = os.NewFile(uintptr(c.sock), c.name)
		if c.local.IP.IsUnspecified() {
			// Listening on every address: which one the client reached.
			if sa, err := windows.Getsockname(c.sock); err == nil && tcpAddr(sa) != nil {
				c.local = tcpAddr(sa)
			}
		}
	})
	return c.err
}

func (c *socketConn) Read(b []byte) (int, error) {
	if err := c.ready(); err != nil {
		return 0, err
	}
	n, err := c.file.Read(b)
	return n, c.opError("read", err)
}

func (c *socketConn) Write(b []byte) (int, error) {
	if err := c.ready(); err != nil {
		return 0, err
	}
	n, err := c.file.Write(b)
	return n, c.opError("write", err)
}

// Close closes the socket with CloseHandle (os.File's close), not
// closesocket: Winsock allows it for a socket of the base provider, which
// every TCP socket is unless a layered provider is installed.
func (c *socketConn) Close() error {
	if err := c.ready(); err != nil {
		return nil // closed when its setup failed
	}
	return c.opError("close", c.file.Close())
}

// CloseWrite shuts down the sending side (SD_SEND): net/http's lingering
// close sends its FIN this way before it stops reading.
func (c *socketConn) CloseWrite() error {
	if err := c.ready(); err != nil {
		return err
	}
	if err := windows.Shutdown(c.sock, windows.SHUT_WR); err != nil {
		return c.opError("close", err)
	}
	return nil
}

// LocalAddr is known once the connection is set up, which it is by the
// time net/http asks (its serving goroutine reads first).
func (c *socketConn) LocalAddr() net.Addr {
	c.ready()
	return c.local
}
func (c *socketConn) RemoteAddr() net.Addr { return c.remote }

func (c *socketConn) SetDeadline(t time.Time) error {
	if err := c.ready(); err != nil {
		return err
	}
	return c.opError("set", c.file.SetDeadline(t))
}

func (c *socketConn) SetReadDeadline(t time.Time) error {
	if err := c.ready(); err != nil {
		return err
	}
	return c.opError("set", c.file.SetReadDeadline(t))
}

func (c *socketConn) SetWriteDeadline(t time.Time) error {
	if err := c.ready(); err != nil {
		return err
	}
	return c.opError("set", c.file.SetWriteDeadline(t))
}

// SyscallConn gives the socket's handle, e.g. to socketHasData.
func (c *socketConn) SyscallConn() (syscall.RawConn, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return c.file.SyscallConn()
}

// opError turns the file's error into what a net.Conn returns: a
// *net.OpError (a net.Error: net/http tells a deadline's timeout from a
// broken connection by it), net.ErrClosed for a closed connection, io.EOF
// as it is.
func (c *socketConn) opError(op string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.Is(err, os.ErrClosed) {
		err = net.ErrClosed
	}
	return &net.OpError{Op: op, Net: "tcp", Source: c.local, Addr: c.remote, Err: err}
}

// tcpAddr is the *net.TCPAddr of an IPv4 or IPv6 socket address; nil for
// another kind.
func tcpAddr(sa windows.Sockaddr) *net.TCPAddr {
	switch sa := sa.(type) {
	case *windows.SockaddrInet4:
		return &net.TCPAddr{IP: net.IP(sa.Addr[:]).To16(), Port: sa.Port}
	case *windows.SockaddrInet6:
		a := &net.TCPAddr{IP: net.IP(sa.Addr[:]), Port: sa.Port}
		if sa.ZoneId != 0 {
			a.Zone = strconv.FormatUint(uint64(sa.ZoneId), 10)
		}
		return a
	}
	return nil
}
