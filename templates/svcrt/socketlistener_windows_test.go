package svcrt

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// These tests run under Wine from Linux (internal/e2e/wine,
// TestSvcrtUnderWine) and on Windows as they are.

// promptly bounds what should happen at once: generous, so that a loaded
// machine does not fail a test.
const promptly = 2 * time.Second

// handedListener listens with Go's net package and makes a socketListener
// over a duplicate of its socket, made as a worker makes one from what
// another process sends it (WSADuplicateSocketW for this process's PID, then
// WSASocketW from the protocol info). The Go listener still holds the
// socket; both are closed at the end of the test.
func handedListener(t *testing.T) (*net.TCPListener, *socketListener) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tl := ln.(*net.TCPListener)
	t.Cleanup(func() { tl.Close() })
	sl, err := newSocketListener("api", duplicateForSelf(t, tl))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sl.Close() })
	return tl, sl
}

// duplicateForSelf is the protocol info of tl's socket duplicated for this
// process, what another process would send.
func duplicateForSelf(t *testing.T, tl *net.TCPListener) *windows.WSAProtocolInfo {
	t.Helper()
	raw, err := tl.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var info windows.WSAProtocolInfo
	var dupErr error
	if err := raw.Control(func(fd uintptr) {
		dupErr = windows.WSADuplicateSocket(windows.Handle(fd), windows.GetCurrentProcessId(), &info)
	}); err != nil {
		t.Fatal(err)
	}
	if dupErr != nil {
		t.Fatalf("WSADuplicateSocketW: %v", dupErr)
	}
	return &info
}

// dial connects to addr; the connection is closed at the end of the test.
func dial(t *testing.T, addr net.Addr) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr.String(), promptly)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// acceptResult is what one Accept returned.
type acceptResult struct {
	c   net.Conn
	err error
}

// acceptInside starts an Accept on l and returns once it is inside
// WSAPoll or accept (so that what the test does next meets a pending
// Accept), with the channel of its result.
func acceptInside(t *testing.T, l *socketListener) <-chan acceptResult {
	t.Helper()
	done := make(chan acceptResult, 1)
	go func() {
		c, err := l.Accept()
		done <- acceptResult{c, err}
	}()
	waitFor(t, "Accept to wait on the socket", func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.inside > 0
	})
	return done
}

// waitFor waits until cond holds, failing the test after promptly.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(promptly); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("waited %v for %s", promptly, what)
		}
	}
}

// result waits promptly for a pending Accept's result.
func result(t *testing.T, done <-chan acceptResult) acceptResult {
	t.Helper()
	select {
	case r := <-done:
		if r.c != nil {
			t.Cleanup(func() { r.c.Close() })
		}
		return r
	case <-time.After(promptly):
		t.Fatalf("Accept still pending after %v", promptly)
		return acceptResult{}
	}
}

// exchange sends a line each way between a and b and checks that it came.
func exchange(t *testing.T, a, b net.Conn, text string) {
	t.Helper()
	for _, dir := range []struct {
		from, to net.Conn
		name     string
	}{{a, b, "a to b"}, {b, a, "b to a"}} {
		dir.to.SetReadDeadline(time.Now().Add(promptly))
		if _, err := io.WriteString(dir.from, text+"\n"); err != nil {
			t.Fatalf("write %s: %v", dir.name, err)
		}
		got, err := bufio.NewReader(dir.to).ReadString('\n')
		if err != nil || got != text+"\n" {
			t.Fatalf("read %s: %q, %v; want %q", dir.name, got, err, text)
		}
	}
}

// The listener has the Go listener's address, and accepts the connections
// dialled to it: each with the addresses of its two ends, data flowing
// both ways, and EOF once the client closes.
func TestSocketListenerAccept(t *testing.T) {
	tl, sl := handedListener(t)
	if sl.Addr().String() != tl.Addr().String() {
		t.Fatalf("Addr() = %v, want the Go listener's %v", sl.Addr(), tl.Addr())
	}
	if _, ok := sl.Addr().(*net.TCPAddr); !ok {
		t.Errorf("Addr() is a %T, want *net.TCPAddr", sl.Addr())
	}
	for i := range 3 {
		client := dial(t, sl.Addr())
		c, err := sl.Accept()
		if err != nil {
			t.Fatalf("Accept %d: %v", i, err)
		}
		defer c.Close()
		if c.LocalAddr().String() != client.RemoteAddr().String() || c.RemoteAddr().String() != client.LocalAddr().String() {
			t.Errorf("connection %d: local %v, remote %v; the client's are %v, %v", i, c.LocalAddr(), c.RemoteAddr(), client.LocalAddr(), client.RemoteAddr())
		}
		if _, ok := c.RemoteAddr().(*net.TCPAddr); !ok {
			t.Errorf("RemoteAddr() is a %T, want *net.TCPAddr", c.RemoteAddr())
		}
		exchange(t, client, c, fmt.Sprintf("hello %d", i))
		client.Close()
		c.SetReadDeadline(time.Now().Add(promptly))
		if n, err := c.Read(make([]byte, 1)); err != io.EOF {
			t.Errorf("read after the client closed: %d, %v; want EOF", n, err)
		}
	}
}

// A deadline in the past ends a pending Accept promptly with a timeout, as
// net.TCPListener's does; once cleared, Accept works again.
func TestSocketListenerDeadline(t *testing.T) {
	_, sl := handedListener(t)
	done := acceptInside(t, sl)
	if err := sl.SetDeadline(time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	r := result(t, done)
	var ne net.Error
	if !errors.As(r.err, &ne) || !ne.Timeout() {
		t.Fatalf("Accept past its deadline: %v, %v; want an error whose Timeout() is true", r.c, r.err)
	}
	if !errors.Is(r.err, os.ErrDeadlineExceeded) {
		t.Errorf("Accept past its deadline: %v, want os.ErrDeadlineExceeded as net.TCPListener's", r.err)
	}

	if err := sl.SetDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	done = acceptInside(t, sl)
	client := dial(t, sl.Addr())
	r = result(t, done)
	if r.err != nil {
		t.Fatalf("Accept after the deadline was cleared: %v", r.err)
	}
	exchange(t, client, r.c, "again")
}

// Close ends a pending Accept promptly with net.ErrClosed, and so does
// every later Accept.
func TestSocketListenerCloseEndsAccept(t *testing.T) {
	_, sl := handedListener(t)
	done := acceptInside(t, sl)
	if err := sl.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if r := result(t, done); !errors.Is(r.err, net.ErrClosed) {
		t.Fatalf("Accept pending at Close: %v, %v; want net.ErrClosed", r.c, r.err)
	}
	if _, err := sl.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v, want net.ErrClosed", err)
	}
	if err := sl.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("second Close: %v, want net.ErrClosed", err)
	}
	if sl.queued() {
		t.Error("queued() on a closed listener")
	}
}

// queued is false on an empty queue, true while a connection waits, and
// false again once it is accepted.
func TestSocketListenerQueued(t *testing.T) {
	_, sl := handedListener(t)
	if sl.queued() {
		t.Fatal("queued() with nobody connected")
	}
	dial(t, sl.Addr())
	waitFor(t, "queued() to report the connection", sl.queued)
	c, err := sl.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if sl.queued() {
		t.Error("queued() after the only connection was accepted")
	}
}

// Two handles on one socket, as the old and the new worker of an upgrade
// for a moment, share its queue: each connection is accepted by exactly
// one of them, the other looks again (accept's WSAEWOULDBLOCK) rather than
// failing.
func TestSocketListenerSharedQueue(t *testing.T) {
	tl, first := handedListener(t)
	second, err := newSocketListener("api", duplicateForSelf(t, tl))
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()

	const n = 20
	var (
		mu   sync.Mutex
		got  []string
		errs []error
		wg   sync.WaitGroup
	)
	for _, sl := range []*socketListener{first, second} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, err := sl.Accept()
				if err != nil {
					if !errors.Is(err, os.ErrDeadlineExceeded) {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
					return
				}
				c.SetReadDeadline(time.Now().Add(promptly))
				line, err := bufio.NewReader(c).ReadString('\n')
				c.Close()
				mu.Lock()
				got = append(got, strings.TrimSpace(line))
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
			}
		}()
	}
	for i := range n {
		c := dial(t, first.Addr())
		fmt.Fprintf(c, "%d\n", i)
	}
	waitFor(t, "every connection to be accepted", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) >= n
	})
	first.SetDeadline(time.Now())
	second.SetDeadline(time.Now())
	wg.Wait()
	if len(errs) > 0 {
		t.Errorf("errors while two handles accepted from one queue: %v", errs)
	}
	slices.Sort(got)
	want := make([]string, n)
	for i := range want {
		want[i] = fmt.Sprint(i)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("accepted %v, want each of 0..%d once", got, n-1)
	}
}

// net/http serves over the listener: keep-alive requests on one connection,
// each with a live request context (a connection error would cancel it),
// a request that closes the connection (net/http's lingering close uses
// CloseWrite), and Shutdown completes.
func TestSocketListenerHTTP(t *testing.T) {
	_, sl := handedListener(t)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %v", r.RemoteAddr, r.Context().Err())
	})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(sl) }()

	client := &http.Client{Timeout: 10 * time.Second}
	url := "http://" + sl.Addr().String() + "/"
	var first string
	for i := range 4 {
		var reused bool
		trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused }}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", url, nil)
		last := i == 3
		req.Close = last
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("request %d: body: %v", i, err)
		}
		remote, ctxErr, _ := strings.Cut(string(b), " ")
		if ctxErr != "<nil>" {
			t.Errorf("request %d: the handler's context was %s", i, ctxErr)
		}
		if i == 0 {
			first = remote
		} else if remote != first || !reused {
			t.Errorf("request %d came from %s (reused %v), not on the first's connection %s", i, remote, reused, first)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	select {
	case err := <-served:
		if err != http.ErrServerClosed {
			t.Errorf("Serve: %v, want http.ErrServerClosed", err)
		}
	case <-time.After(promptly):
		t.Error("Serve did not return after Shutdown")
	}
}

// The drain's taking of the accept queue (acceptBacklog, takeQueue) takes
// every connection queued, from a handed-over socket as from a Go
// listener, and leaves the queue empty.
func TestSocketListenerTakeQueue(t *testing.T) {
	for _, kind := range []string{"socketListener", "net.TCPListener"} {
		t.Run(kind, func(t *testing.T) {
			tl, sl := handedListener(t)
			var (
				ln       net.Listener = sl
				isQueued              = sl.queued
			)
			if kind == "net.TCPListener" {
				ln, isQueued = tl, func() bool { return queued(tl) }
			}
			const n = 8
			for i := range n {
				c := dial(t, ln.Addr())
				fmt.Fprintf(c, "%d\n", i)
			}
			waitFor(t, "the connections to be queued", isQueued)

			l := &listener{Listener: ln, handoff: make(chan net.Conn)}
			var handed []net.Conn
			received := make(chan struct{})
			go func() {
				defer close(received)
				for c := range l.handoff {
					handed = append(handed, c)
				}
			}()
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
			defer cancel()
			kept := acceptBacklog(ctx, l)
			close(l.handoff)
			<-received
			taken := append(handed, kept...)
			var got []string
			for _, c := range taken {
				defer c.Close()
				c.SetReadDeadline(time.Now().Add(promptly))
				line, err := bufio.NewReader(c).ReadString('\n')
				if err != nil {
					t.Errorf("read from a connection taken: %v", err)
				}
				got = append(got, strings.TrimSpace(line))
			}
			if len(got) != n {
				t.Errorf("took %d connections (%d handed, %d kept): %v; want the %d queued", len(got), len(handed), len(kept), got, n)
			}
			if isQueued() {
				t.Error("a connection is still queued after the queue was taken")
			}
		})
	}
}

// Closing the handed-over handle while the Go listener still holds the
// socket closes only this handle: the connections queued stay, and the
// Go listener accepts them afterwards, their data intact, able to answer.
func TestSocketListenerCloseLeavesQueue(t *testing.T) {
	tl, sl := handedListener(t)
	const n = 4
	var clients []net.Conn
	for i := range n {
		c := dial(t, sl.Addr())
		fmt.Fprintf(c, "%d\n", i)
		clients = append(clients, c)
	}
	waitFor(t, "the connections to be queued", sl.queued)
	if err := sl.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	tl.SetDeadline(time.Now().Add(promptly))
	for i := range n {
		c, err := tl.Accept()
		if err != nil {
			t.Fatalf("Go listener's accept %d after the handle was closed: %v", i, err)
		}
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(promptly))
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			t.Fatalf("connection %d, read: %v (reset when the handle was closed?)", i, err)
		}
		fmt.Fprintf(c, "answer %s", line)
	}
	for i, c := range clients {
		c.SetReadDeadline(time.Now().Add(promptly))
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "answer ") {
			t.Errorf("client %d: %q, %v; want the Go listener's answer", i, line, err)
		}
	}
}
