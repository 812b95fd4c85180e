package svcrt

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// drainIdleGrace is how long a connection with no request in flight stays
// open once the drain began. Its client may have sent a request that is still
// on the wire: closing at once would lose it (the keep-alive race of
// HTTP/1.1, which Server.Shutdown loses). A request that arrives in time is
// served with Connection: close, and after the grace a connection is closed
// only if no byte of a request was read from it or waits in its socket
// (wireConn): one sent as the drain looks is served too.
const drainIdleGrace = 100 * time.Millisecond

// handedOverIdleGrace replaces drainIdleGrace when another process serves
// the socket from now on (an upgrade, socket activation): nothing waits for
// this drain but the old process's exit, so a keep-alive client that
// paused (a loaded machine, a client between two requests) is given time
// to send its next request and have it answered with Connection: close
// rather than meet a closed connection. Seen under Wine with 100 ms: two
// keep-alive POSTs lost in an upgrade while another test loaded the machine.
const handedOverIdleGrace = time.Second

// idleGrace is the grace of an idle connection in this drain.
func (s *HTTPServer) idleGrace() time.Duration {
	if s.ln != nil && s.ln.shared.Load() {
		return handedOverIdleGrace
	}
	return drainIdleGrace
}

// HTTPServer is one http resource. It tracks every connection's state
// itself, so the drain ends the moment the last in-flight response is written
// instead of on Server.Shutdown's polling tick (1 ms doubling to 500 ms).
type HTTPServer struct {
	name     string
	log      *slog.Logger
	addr     string
	certFile string
	keyFile  string
	srv      *http.Server
	handler  http.Handler
	ln       *listener
	// record counts each answered request for /metrics; nil without
	// [metrics]. Set by the open, before anything is served.
	record func(code int, took time.Duration)

	draining atomic.Bool
	drainCh  chan struct{} // closed when the drain begins: see Draining
	// closing: the listener is closed and its accept queue tracked, so
	// answers say Connection: close and the drain may end.
	// Not before: on Windows the drain takes the accept queue for a while
	// before it closes the socket, and a client told to close then would
	// reconnect into the queue just as it is closed (and be reset).
	closing atomic.Bool

	mu         sync.Mutex
	conns      map[*wireConn]*connInfo // by the accepted (not TLS) connection
	hijacked   map[*wireConn]struct{}
	active     int // connections reading or answering a request
	handlers   int // handler calls in flight, hijacked ones included
	drainStart time.Time
	quiet      chan struct{} // closed when the drain has nothing left in flight
	quietDone  bool
	grace      *time.Timer

	// beforeIdleClose, when set, runs as the drain is about to look at an
	// idle connection whose grace is over, with s.mu held: a test sends a
	// request there, exactly as the drain decides.
	beforeIdleClose func(*wireConn)
}

// connInfo is the state net/http last reported for a connection.
type connInfo struct {
	state   http.ConnState
	since   time.Time
	closing bool
	// queued: taken from the accept queue by the drain and not yet handed
	// to net/http. Its client sent a request already, so the idle grace
	// does not apply to it: the drain waits until net/http has it.
	queued bool
}

// HTTPConfig is one http resource's listener and server settings.
type HTTPConfig struct {
	Addr              string
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration // 0: none
	WriteTimeout      time.Duration // 0: none
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
	CertFile, KeyFile string // TLS when set
}

// HTTPResource adds an http resource: its listener is bound at process start,
// handler builds the http.Handler once the resource's dependencies are open,
// and the server serves from ready until its drain.
func HTTPResource(app *App, n *Node, c HTTPConfig, handler func() (http.Handler, error)) *Resource[*HTTPServer] {
	s := NewHTTPServer(app.log, n.Name, c.Addr, &http.Server{
		ReadHeaderTimeout: c.ReadHeaderTimeout,
		ReadTimeout:       c.ReadTimeout,
		WriteTimeout:      c.WriteTimeout,
		IdleTimeout:       c.IdleTimeout,
		MaxHeaderBytes:    c.MaxHeaderBytes,
	})
	s.certFile, s.keyFile = exeRelative(c.CertFile), exeRelative(c.KeyFile)
	n.Kind = "http"
	n.Bind = s.Bind
	n.Open = func(context.Context) error {
		h, err := handler()
		if err != nil {
			return err
		}
		if app.requestMetrics != nil {
			s.record = app.requestMetrics(n.Name)
		}
		return s.Open(h)
	}
	n.Serve, n.Drain, n.Close = s.Serve, s.Drain, s.Close
	n.Status, n.Stats = s.Status, s.Stats
	n.refuse = s.refuseQueued
	n.listener = func() *listener { return s.ln }
	n.socket = func() net.Listener {
		if s.ln == nil {
			return nil
		}
		return s.ln.Listener
	}
	app.Add(n)
	return &Resource[*HTTPServer]{Node: n, Value: s}
}

// NewHTTPServer wraps srv (timeouts set from the spec) with the engine's
// connection tracking, panic recovery and drain notification.
func NewHTTPServer(log *slog.Logger, name, addr string, srv *http.Server) *HTTPServer {
	s := &HTTPServer{
		name:     name,
		log:      log,
		addr:     addr,
		srv:      srv,
		drainCh:  make(chan struct{}),
		conns:    map[*wireConn]*connInfo{},
		hijacked: map[*wireConn]struct{}{},
		quiet:    make(chan struct{}),
	}
	srv.Handler = s
	srv.ConnState = s.connState
	srv.BaseContext = func(net.Listener) context.Context {
		return context.WithValue(context.Background(), drainKey{}, s.drainCh)
	}
	srv.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		if wc := wireOf(c); wc != nil {
			return context.WithValue(ctx, wireKey{}, wc)
		}
		return ctx
	}
	// "OPTIONS *" reaches ServeHTTP, which answers it as net/http would:
	// the drain counts every request the server takes there.
	srv.DisableGeneralOptionsHandler = true
	srv.ErrorLog = slog.NewLogLogger(log.With("resource", name).Handler(), slog.LevelWarn)
	// HTTP/1.1 only: the drain follows each connection's state, and HTTP/2
	// multiplexes requests out of its view (its graceful GOAWAY runs only
	// inside Server.Shutdown). A non-nil empty map turns HTTP/2 off.
	srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
	return s
}

// drainKey is the context key of a server's drain channel.
type drainKey struct{}

// wireKey is the context key of a request's connection (*wireConn).
type wireKey struct{}

// wireOf is the tracked connection under c (a *tls.Conn or itself).
func wireOf(c net.Conn) *wireConn {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	wc, _ := c.(*wireConn)
	return wc
}

// Draining returns a channel that is closed when the server handling the
// request of ctx begins to drain (stop step 3). A long-lived handler
// (server-sent events, a WebSocket loop) selects on it, says goodbye to its
// client and returns: at the drain deadline its connection is closed by force.
// Outside a request the channel is nil and never closes.
func Draining(ctx context.Context) <-chan struct{} {
	ch, _ := ctx.Value(drainKey{}).(chan struct{})
	return ch
}

// Bind holds the port from the start of the process: connections made during
// warmup wait in the kernel's accept queue and are served once ready.
// A listener this process was given (socket activation, an upgrade) under
// the resource's name is taken instead of binding.
func (s *HTTPServer) Bind() error {
	ln, from, err := listenTCP(s.name, s.addr)
	if err != nil {
		return err
	}
	s.ln = newListener(ln, s)
	// Another process holds the socket too (systemd's socket unit, the
	// process that upgraded to this one): see listener.shared.
	s.ln.shared.Store(from != "")
	if from != "" {
		s.log.Info("listening", "resource", s.name, "addr", ln.Addr().String(), "inherited", from)
	} else {
		s.log.Info("listening", "resource", s.name, "addr", ln.Addr().String())
	}
	return nil
}

// refuseQueued runs when the start is given up (a failed open, a stop
// during warmup): the clients that connected while the service warmed up,
// as the early bind invited them to, get 503 with Retry-After and
// Connection: close instead of the reset that closing the listener would
// give them. It takes the accept queue as a drain does and returns when
// they are answered, or at ctx's deadline.
func (s *HTTPServer) refuseQueued(ctx context.Context) {
	if s.ln == nil {
		return // never bound
	}
	if s.ln.shared.Load() {
		// What waits in the queue is served by the process that shares the
		// socket (the one this process was to replace), or by the next one
		// systemd starts: not refused here.
		return
	}
	if s.certFile != "" && s.srv.TLSConfig == nil {
		return // no certificate to answer with; Close resets them
	}
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Connection", "close")
		http.Error(w, "service unavailable: its start was given up", http.StatusServiceUnavailable)
	})
	go s.Serve(ctx)
	if err := s.Drain(ctx); err != nil {
		s.log.Warn("queued connections not all answered", "resource", s.name, "err", err)
	}
}

// Addr is the address the server listens on, once bound.
func (s *HTTPServer) Addr() net.Addr { return s.ln.Addr() }

// Open installs the handler the user's constructor built and loads the TLS
// key pair, so a bad certificate fails the start, not the first request.
func (s *HTTPServer) Open(h http.Handler) error {
	if h == nil {
		return errors.New("the handler constructor returned a nil handler")
	}
	if s.certFile != "" {
		cert, err := tls.LoadX509KeyPair(s.certFile, s.keyFile)
		if err != nil {
			return fmt.Errorf("load TLS key pair: %w", err)
		}
		s.srv.TLSConfig = &tls.Config{
			Certificates: []tls.Certificate{cert},
			MinVersion:   tls.VersionTLS12,
			NextProtos:   []string{"http/1.1"},
		}
	}
	s.handler = h
	return nil
}

// Serve accepts from the listener bound at the start until the drain closes it.
func (s *HTTPServer) Serve(context.Context) error {
	var ln net.Listener = s.ln
	if s.srv.TLSConfig != nil {
		ln = tls.NewListener(ln, s.srv.TLSConfig)
	}
	err := s.srv.Serve(ln)
	if s.draining.Load() {
		return nil // the drain closed the listener
	}
	return err
}

// Status is the server's detail on /readyz.
func (s *HTTPServer) Status() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return map[string]any{
		"addr":        s.ln.Addr().String(),
		"connections": len(s.conns) + len(s.hijacked),
		"in_flight":   s.handlers,
	}
}

// Close releases whatever is left after the drain (stop step 4).
func (s *HTTPServer) Close(context.Context) error {
	if s.ln != nil {
		s.ln.Listener.Close()
	}
	s.srv.Close()
	s.closeHijacked()
	return nil
}

// Drain is stop step 3: stop accepting, answer what is in flight (with
// Connection: close once the listener is closed), and return the moment nothing is left; at the deadline,
// close what remains (Server.Shutdown would leave it open).
func (s *HTTPServer) Drain(ctx context.Context) error {
	s.mu.Lock()
	s.drainStart = time.Now()
	s.draining.Store(true)
	s.mu.Unlock()
	s.ln.stop(ctx)
	s.closing.Store(true)
	// Long-lived handlers say goodbye now, so their answers end their
	// connections too.
	close(s.drainCh)
	s.mu.Lock()
	s.settleLocked()
	s.mu.Unlock()
	defer s.closeHijacked()
	select {
	case <-s.quiet:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		busy := s.handlers
		s.mu.Unlock()
		s.srv.Close()
		return fmt.Errorf("closed with %d requests in flight: %w", busy, context.Cause(ctx))
	}
}

func (s *HTTPServer) settle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
}

// settleLocked runs on every change during the drain. Nothing is in flight when
// the listener is closed (its accept queue tracked: those connections carry
// requests), no handler runs, no connection is reading or answering, and no
// connection net/http calls new or idle has a request begun (a header half
// read, a pipelined request read ahead, bytes waiting in the socket); then
// each new or idle connection that had its grace is closed, and the drain
// waits for the grace of the others on a timer.
func (s *HTTPServer) settleLocked() {
	if s.quietDone || !s.closing.Load() || s.handlers > 0 || s.active > 0 {
		return
	}
	now := time.Now()
	grace := s.idleGrace()
	var wait time.Duration
	busy := false
	for c, info := range s.conns {
		if info.queued {
			// net/http reports each queued connection as new when it takes
			// it, which runs this again.
			busy = true
			continue
		}
		if info.closing {
			busy = true // until net/http reports it closed, or served
			continue
		}
		if c.requestBegun() {
			// Its handler will run (ServeHTTP settles again), or net/http
			// closes it at read_header_timeout: either way a report follows.
			busy = true
			continue
		}
		since := info.since
		if since.Before(s.drainStart) {
			since = s.drainStart
		}
		if left := grace - now.Sub(since); left > 0 {
			if wait == 0 || left < wait {
				wait = left
			}
			continue
		}
		if s.beforeIdleClose != nil {
			s.beforeIdleClose(c)
		}
		if c.requestBegun() {
			busy = true
			continue
		}
		if c.pending() {
			// Bytes sent as the drain looked: net/http reads them. Looked at
			// again after a grace, should they be no request (the CR LF some
			// clients send after a body).
			busy = true
			if wait == 0 || grace < wait {
				wait = grace
			}
			continue
		}
		// net/http reports it closed, or active if a request came after all.
		info.closing = true
		c.expire()
	}
	if wait > 0 {
		if s.grace == nil {
			s.grace = time.AfterFunc(wait, s.settle)
		} else {
			s.grace.Reset(wait)
		}
	}
	if busy || wait > 0 {
		return
	}
	s.quietDone = true
	close(s.quiet)
}

// closeHijacked closes the connections handlers took over (WebSocket): they
// were told through Draining and their handlers have returned or run out
// of time.
func (s *HTTPServer) closeHijacked() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.hijacked {
		c.Close()
		delete(s.hijacked, c)
	}
}

// track records a connection the moment it is accepted, before net/http
// reports it, so the drain never misses one.
func (s *HTTPServer) track(c *wireConn) {
	s.mu.Lock()
	s.conns[c] = &connInfo{state: http.StateNew, since: time.Now()}
	s.mu.Unlock()
}

// trackQueued records a connection the drain took from the accept queue;
// see connInfo.queued.
func (s *HTTPServer) trackQueued(c *wireConn) {
	s.mu.Lock()
	s.conns[c] = &connInfo{state: http.StateNew, since: time.Now(), queued: true}
	s.mu.Unlock()
}

// connState follows net/http's view of each connection (Server.ConnState).
func (s *HTTPServer) connState(nc net.Conn, st http.ConnState) {
	c := wireOf(nc)
	if c == nil {
		return // not accepted by s.ln
	}
	switch st {
	case http.StateNew, http.StateIdle:
		c.atRestNow()
	case http.StateHijacked:
		c.hijacked.Store(true)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	info := s.conns[c]
	if info == nil {
		info = &connInfo{}
		s.conns[c] = info
	}
	if info.state == http.StateActive {
		s.active--
	}
	switch st {
	case http.StateActive:
		s.active++
	case http.StateHijacked:
		delete(s.conns, c)
		s.hijacked[c] = struct{}{}
	case http.StateClosed:
		delete(s.conns, c)
	}
	info.state, info.since = st, time.Now()
	if st == http.StateActive {
		info.closing = false // a request came after the drain expired it
	}
	if s.draining.Load() {
		s.settleLocked()
	}
}

// ServeHTTP counts the request in flight and recovers a panic of the user's
// handler into a 500 for that request alone.
func (s *HTTPServer) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	wc, _ := req.Context().Value(wireKey{}).(*wireConn)
	s.mu.Lock()
	s.handlers++
	if wc != nil {
		wc.served.Add(1)
	}
	s.mu.Unlock()
	defer s.leave()
	rw := &response{ResponseWriter: w, s: s, wc: wc}
	if s.record != nil {
		// Deferred before recover, so it runs after it: a panic is counted
		// with the 500 recover answers.
		defer s.count(rw, monotonic())
	}
	defer s.recover(rw, req)
	if req.Method == http.MethodOptions && req.RequestURI == "*" {
		generalOptions(rw, req)
		return
	}
	s.handler.ServeHTTP(rw, req)
	if !rw.wrote && !rw.hijacked && s.closing.Load() {
		// An empty answer still needs its Connection: close, or the client sends
		// its next request on a connection that is about to close.
		rw.WriteHeader(http.StatusOK)
	}
}

// count records an answered request: its status (200 when the handler
// wrote nothing, as net/http answers; 101 for a connection the handler took
// over) and how long the handler ran.
func (s *HTTPServer) count(rw *response, began time.Duration) {
	code := rw.code
	switch {
	case rw.hijacked && code == 0:
		code = http.StatusSwitchingProtocols
	case code == 0:
		code = http.StatusOK
	}
	s.record(code, monotonic()-began)
}

// monotonic reads the monotonic clock alone: time.Now reads the wall clock
// too, which a request's duration does not need.
func monotonic() time.Duration { return time.Since(monotonicEpoch) }

var monotonicEpoch = time.Now()

// generalOptions answers "OPTIONS *" as net/http's own handler does when
// Server.DisableGeneralOptionsHandler is false: an empty 200, reading at
// most 4 KiB of a body.
func generalOptions(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Length", "0")
	if r.ContentLength != 0 {
		io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, 4<<10))
	}
}

func (s *HTTPServer) leave() {
	s.mu.Lock()
	s.handlers--
	if s.draining.Load() {
		s.settleLocked()
	}
	s.mu.Unlock()
}

// recover turns a handler panic into a 500 and a log line with the stack;
// the service keeps running. If the response had begun, the only honest
// signal left is to cut the connection (http.ErrAbortHandler).
func (s *HTTPServer) recover(rw *response, req *http.Request) {
	p := recover()
	if p == nil {
		return
	}
	if p == http.ErrAbortHandler {
		panic(p) // the handler's own way to abort: net/http closes quietly
	}
	s.log.Error("handler panic", "resource", s.name, "method", req.Method, "path", req.URL.Path, "err", p, "stack", string(debug.Stack()))
	switch {
	case rw.hijacked:
	case rw.wrote:
		panic(http.ErrAbortHandler)
	default:
		http.Error(rw, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
	}
}

// response notes whether the response has begun, and adds Connection: close
// to responses that begin during the drain. It keeps the optional interfaces
// of the writer it wraps (Flusher, Hijacker, ReaderFrom, Unwrap for
// http.ResponseController).
type response struct {
	http.ResponseWriter
	s        *HTTPServer
	wc       *wireConn // nil if the connection was not accepted by s.ln
	wrote    bool
	hijacked bool
	code     int // the status of the answer, once it began
}

func (w *response) begin() {
	if w.wrote {
		return
	}
	w.wrote = true
	if w.code == 0 {
		w.code = http.StatusOK // a Write without WriteHeader
	}
	if w.s.closing.Load() && !w.more() {
		w.Header().Set("Connection", "close")
	}
}

// more reports whether the client already sent (part of) a request after
// this one: a pipelined request read ahead, or bytes in the socket. The
// connection then stays open to answer it, and the answer to the last one
// read ends it; a close now would drop what was sent, which the client
// cannot tell from a request the server never got.
func (w *response) more() bool {
	return w.wc != nil && (w.wc.nextRequestBegun() || w.wc.pending())
}

func (w *response) WriteHeader(code int) {
	if code >= 200 {
		if !w.wrote {
			w.code = code
		}
		w.begin() // 1xx responses are not the answer
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *response) Write(b []byte) (int, error) {
	w.begin()
	return w.ResponseWriter.Write(b)
}

func (w *response) ReadFrom(src io.Reader) (int64, error) {
	w.begin()
	return io.Copy(w.ResponseWriter, src)
}

func (w *response) Flush() {
	w.begin()
	http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *response) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		w.hijacked = true
	}
	return c, brw, err
}

func (w *response) Unwrap() http.ResponseWriter {
	return w.ResponseWriter
}

// listener hands the server the connections the drain takes from the
// kernel's accept queue: at once while the drain takes them (handOff), or
// after it closed the socket (backlog).
type listener struct {
	net.Listener
	s *HTTPServer
	// taking: the drain accepts from the socket itself (acceptBacklog on
	// Windows); the server's own accepting waits for what it hands over.
	taking  atomic.Bool
	handoff chan net.Conn
	// take is how the drain takes the accept queue: acceptBacklog, the
	// platform's way.
	take    func(context.Context, *listener) []net.Conn
	handed  int // connections handed over by handOff
	mu      sync.Mutex
	backlog []*wireConn
	stopped chan struct{} // closed once stop has queued the backlog
	// shared: another process holds the socket and accepts from it now or
	// next: the new process of an upgrade (upgrade_linux.go), the old one
	// while this one warms up, systemd's socket unit. stop then only closes
	// this descriptor.
	shared atomic.Bool
}

func newListener(ln net.Listener, s *HTTPServer) *listener {
	return &listener{Listener: ln, s: s, handoff: make(chan net.Conn), take: acceptBacklog, stopped: make(chan struct{})}
}

func (l *listener) Accept() (net.Conn, error) {
	err := net.ErrClosed
	if !l.taking.Load() {
		var nc net.Conn
		if nc, err = l.Listener.Accept(); err == nil {
			c := newWireConn(nc, l.s.srv.TLSConfig != nil)
			l.s.track(c)
			return c, nil
		}
	}
	if l.s.draining.Load() {
		// The drain takes the accept queue and shuts the socket: serve what it
		// hands over, then the connections it kept, before reporting the
		// listener closed.
		select {
		case nc := <-l.handoff:
			c := newWireConn(nc, l.s.srv.TLSConfig != nil)
			l.s.track(c)
			return c, nil
		case <-l.stopped:
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.backlog) == 0 {
		if l.s.draining.Load() {
			// Not the accept's own error: a timeout that ended the server's
			// accept when the drain took over would make net/http retry.
			return nil, net.ErrClosed
		}
		return nil, err
	}
	var c *wireConn
	c, l.backlog = l.backlog[0], l.backlog[1:]
	// Handed to net/http now: its idle grace starts here.
	l.s.track(c)
	return c, nil
}

// handOff gives c, taken from the accept queue by the drain, to the server
// to serve at once; false if the server does not take it before ctx ends.
func (l *listener) handOff(ctx context.Context, c net.Conn) bool {
	select {
	case l.handoff <- c:
		l.handed++
		return true
	case <-ctx.Done():
		return false
	}
}

// stop closes the listening socket without losing a connection: closing it
// resets every connection the kernel completed but the server has not
// accepted yet, whose clients already sent a request. Those are taken first
// (where the OS allows it, see acceptBacklog) and served like the others;
// ctx bounds the taking by the drain's deadline.
func (l *listener) stop(ctx context.Context) {
	if l.shared.Load() {
		// Another process accepts from the same socket (an upgrade handed it
		// over): closing this process's descriptor closes only that, and
		// what waits in the queue is the other process's to accept. Taking
		// it or shutting the socket down would take it from that process.
		l.Listener.Close()
		close(l.stopped)
		return
	}
	// Closed the moment the taking ends: on Windows a connection completed
	// between the last look at the queue and the close is reset, so nothing
	// runs in between. The drain is not quiet before stop returns, so the
	// connections kept are tracked in time.
	taken := l.take(ctx, l)
	l.Listener.Close()
	var conns []*wireConn
	for _, nc := range taken {
		c := newWireConn(nc, l.s.srv.TLSConfig != nil)
		l.s.trackQueued(c)
		conns = append(conns, c)
	}
	l.mu.Lock()
	l.backlog = append(l.backlog, conns...)
	l.mu.Unlock()
	close(l.stopped)
	if n := len(conns) + l.handed; n > 0 {
		l.s.log.Info("accept queue taken over", "resource", l.s.name, "connections", n)
	}
}

// Stats are an HTTP server's in-flight requests and open connections.
func (s *HTTPServer) Stats() map[string]float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return map[string]float64{
		"http_in_flight_requests": float64(s.handlers),
		"http_open_connections":   float64(len(s.conns)),
	}
}
