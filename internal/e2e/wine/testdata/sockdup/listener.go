//go:build windows

package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/Microsoft/go-winio"
	"golang.org/x/sys/windows"
)

// socketListener is a net.Listener over a SOCKET this process did not
// create with Go's net package: Accept blocks in accept(2) on its own
// thread (Close unblocks it with closesocket), and each accepted socket,
// overlapped like the listening one, is read and written through
// go-winio's completion port, which gives it deadlines.
type socketListener struct {
	s    windows.Handle
	addr net.Addr
	once sync.Once
}

func (l *socketListener) Accept() (net.Conn, error) {
	c, _, errno := procAccept.Call(uintptr(l.s), 0, 0)
	if c == invalidSock {
		return nil, fmt.Errorf("accept: %w", errno)
	}
	f, err := winio.NewOpenFile(windows.Handle(c))
	if err != nil {
		windows.Closesocket(windows.Handle(c))
		return nil, fmt.Errorf("go-winio NewOpenFile on an accepted socket: %w", err)
	}
	return &socketConn{file: f.(deadlineFile), local: l.addr}, nil
}

func (l *socketListener) Close() error {
	var err error
	l.once.Do(func() { err = windows.Closesocket(l.s) })
	return err
}

func (l *socketListener) Addr() net.Addr { return l.addr }

// deadlineFile is what go-winio's file gives.
type deadlineFile interface {
	Read([]byte) (int, error)
	Write([]byte) (int, error)
	Close() error
	SetReadDeadline(time.Time) error
	SetWriteDeadline(time.Time) error
}

type socketConn struct {
	file  deadlineFile
	local net.Addr
}

func (c *socketConn) Read(b []byte) (int, error)  { return c.file.Read(b) }
func (c *socketConn) Write(b []byte) (int, error) { return c.file.Write(b) }
func (c *socketConn) Close() error                { return c.file.Close() }
func (c *socketConn) LocalAddr() net.Addr         { return c.local }
func (c *socketConn) RemoteAddr() net.Addr        { return &net.TCPAddr{} }
func (c *socketConn) SetDeadline(t time.Time) error {
	c.file.SetReadDeadline(t)
	return c.file.SetWriteDeadline(t)
}
func (c *socketConn) SetReadDeadline(t time.Time) error  { return c.file.SetReadDeadline(t) }
func (c *socketConn) SetWriteDeadline(t time.Time) error { return c.file.SetWriteDeadline(t) }

// serveHTTP serves n requests with net/http on the inherited socket, then
// shuts the server down.
func serveHTTP(s windows.Handle, n int) {
	ln := &socketListener{s: s, addr: &net.TCPAddr{}}
	served := make(chan struct{}, n)
	srv := &http.Server{
		ReadHeaderTimeout: 10 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "child-http %d", os.Getpid())
			served <- struct{}{}
		}),
	}
	go srv.Serve(ln)
	step("child-accepting", nil)
	for range n {
		<-served
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	step("child-http-shutdown", srv.Shutdown(ctx))
}
