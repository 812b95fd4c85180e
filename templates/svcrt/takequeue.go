package svcrt

import (
	"context"
	"errors"
	"net"
	"time"
)

// takeQueue is the drain's taking of a listener's accept queue where the
// OS has no call that stops the queue from filling while it is read
// (Windows: closing a listening socket resets every connection queued on it,
// see backlog_windows.go). It takes connections until the queue is empty at
// an instant, so that the caller closes the socket then, and makes such an
// instant come:
//
//   - First each connection taken is handed to the server at once and
//     served; answers say Connection: close only once the socket is closed
//     (HTTPServer.closing), so keep-alive clients do not come back through
//     the queue meanwhile. A quiet service, or one whose clients arrive one
//     by one, finds the queue empty at the first look and closes at once.
//   - Clients that open a new connection for each request can keep the
//     queue filled. After serveShare of the drain budget the connections taken are
//     kept unserved until the socket is closed: their clients wait for an
//     answer, so each comes back at most once and the queue runs empty.
//   - After holdShare of the budget the socket is closed whatever is queued,
//     so what was taken is still answered within the drain.
//
// queued reports, without blocking, whether a connection waits in the
// accept queue of ql at this instant. takeQueue returns the connections it
// kept, which the caller serves once the socket is closed.
func takeQueue(ctx context.Context, l *listener, ql queueListener, queued func() bool) []net.Conn {
	begin := time.Now()
	budget := noDrainDeadline
	if d, ok := ctx.Deadline(); ok {
		budget = d.Sub(begin)
	}
	// The server's own accept may be pending, and on Windows a pending
	// AcceptEx hides the queue from WSAPoll (seen under Wine): end it, and
	// from here accept only in this loop. The first Accept returns once the
	// server's has given the socket up; a connection the server's took even
	// so, it serves.
	l.taking.Store(true)
	if ql.SetDeadline(begin) != nil {
		return nil
	}
	var kept []net.Conn
	take := func(c net.Conn) {
		if time.Since(begin) >= budget/serveShare || !l.handOff(ctx, c) {
			kept = append(kept, c)
		}
	}
	if c, err := ql.Accept(); err == nil {
		take(c)
	}
	for ctx.Err() == nil && time.Since(begin) < budget/holdShare && queued() {
		if ql.SetDeadline(time.Now().Add(takeWait)) != nil {
			break
		}
		c, err := ql.Accept()
		if err != nil {
			// A timeout: the connection went away, or the accept outlived
			// its deadline with connections queued (seen under Wine). Look
			// again.
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				break
			}
			continue
		}
		take(c)
	}
	return kept
}

// queueListener is a listening socket whose accept queue takeQueue takes:
// a *net.TCPListener, or on Windows a socket another process handed over
// (*socketListener).
type queueListener interface {
	Accept() (net.Conn, error)
	SetDeadline(time.Time) error
}

// The shares of the drain budget that end takeQueue's phases.
const (
	serveShare = 4 // a quarter: serve what is taken at once until then
	holdShare  = 2 // half: close the socket whatever is queued
)

// noDrainDeadline is the budget assumed for a drain without a deadline.
const noDrainDeadline = 10 * time.Second

// takeWait bounds one accept once the queue showed a connection; it
// normally returns at once.
const takeWait = 10 * time.Millisecond
