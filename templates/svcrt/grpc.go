package svcrt

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"
)

// GRPCConfig is one grpc resource's listener and server settings; zero
// values are grpc-go's defaults.
type GRPCConfig struct {
	Addr              string
	CertFile, KeyFile string // TLS when set
	MaxRecvMsgSize    int
	MaxSendMsgSize    int
	// MaxConcurrentStreams per connection; 0: no limit.
	MaxConcurrentStreams int
	// Keepalive enforcement: the shortest ping interval a client may use,
	// and whether it may ping without a call in flight.
	KeepaliveMinTime             time.Duration
	KeepalivePermitWithoutStream bool
	// The server's own pings, and connection ages (0: none).
	KeepaliveTime         time.Duration
	KeepaliveTimeout      time.Duration
	MaxConnectionAge      time.Duration
	MaxConnectionAgeGrace time.Duration
	Reflection            bool
}

// drainCutGrace is how long the calls cut at the drain deadline have to
// return their Unavailable status before the connections are closed under
// them (a handler that ignores its context).
const drainCutGrace = 100 * time.Millisecond

// Causes of a call's context ending because of the stop: the server's own
// long-lived calls (health watches, reflection) end when the drain begins,
// so they do not hold it; every other call that is still running at the
// drain deadline is cut there. Both answer codes.Unavailable, which tells a
// client the call may be retried elsewhere.
var (
	errCallDrained  = errors.New("the server is stopping")
	errCallDeadline = errors.New("the server is stopping: drain deadline reached")
	errStartGivenUp = errors.New("the service's start was given up")
)

// GRPCServer is one grpc resource. It serves from the bind at process
// start: the health service answers NOT_SERVING during warmup, and calls to
// the user's services are held until the service is ready, then answered.
// grpc.Server.RegisterService is not allowed once serving, so the services
// the user's register function adds are recorded (GRPCServer is a
// grpc.ServiceRegistrar) and dispatched by the server's unknown-service
// handler, through the same generated method handlers grpc-go would call.
type GRPCServer struct {
	name   string
	log    *slog.Logger
	cfg    GRPCConfig
	srv    *grpc.Server
	health *health.Server
	ln     net.Listener
	// accepts is ln as the server accepts from it, so that the drain stops
	// accepting without resetting a connection (see grpcListener).
	accepts *grpcListener
	// record counts each finished call for /metrics; nil without
	// [metrics]. Set before the bind, read by every call.
	record func(method, code string, took time.Duration)

	// services are the user's, recorded by RegisterService during the open
	// (with mu held: Status may read order meanwhile) and read without it
	// only after ready is closed.
	services map[string]*grpcService
	order    []string // service names in registration order

	ready   chan struct{} // closed when the service is ready: held calls go on
	givenUp chan struct{} // closed when the start is given up: held calls end
	drainCh chan struct{} // closed when the drain begins: see Draining
	served  chan error    // grpc.Server.Serve's result
	// serveAtReady: the listener was inherited from the process an upgrade
	// replaces, which serves it until this one is ready (see Bind).
	serveAtReady bool
	draining     atomic.Bool
	opened       bool

	mu    sync.Mutex
	calls map[*grpcCall]struct{} // streaming calls in flight (every user call is one)
}

// grpcService is one service the user's register function added.
type grpcService struct {
	desc    *grpc.ServiceDesc
	impl    any
	unary   map[string]grpc.MethodDesc
	streams map[string]grpc.StreamDesc
}

// grpcCall is one call in flight and the cancel of its context.
type grpcCall struct {
	cancel context.CancelCauseFunc
	own    bool // a call of a service svcgen registers (health, reflection)
}

// GRPCResource adds a grpc resource: its listener is bound and served at
// process start, register adds the user's services once the resource's
// dependencies are open, and the calls to them are answered from ready
// until the drain.
func GRPCResource(app *App, n *Node, c GRPCConfig, register func(grpc.ServiceRegistrar) error) *Resource[*GRPCServer] {
	s := NewGRPCServer(app.log, n.Name, c)
	n.Kind = "grpc"
	n.Bind = func() error {
		// Set before the server serves (health checks from the bind on):
		// [metrics] is set up before any bind.
		if app.rpcMetrics != nil {
			s.record = app.rpcMetrics(n.Name)
		}
		return s.Bind()
	}
	n.Open = func(context.Context) error { return s.Open(register) }
	n.Serve = func(ctx context.Context) error { return s.Serve(ctx, app.Ready()) }
	n.Drain, n.Close = s.Drain, s.Close
	n.Status, n.Stats = s.Status, s.Stats
	n.stopping = s.NotServing
	n.readiness = s.setServing
	n.refuse = s.refuse
	n.socket = func() net.Listener { return s.ln }
	app.Add(n)
	return &Resource[*GRPCServer]{Node: n, Value: s}
}

// NewGRPCServer returns a grpc resource's server, not yet bound.
func NewGRPCServer(log *slog.Logger, name string, c GRPCConfig) *GRPCServer {
	return &GRPCServer{
		name:     name,
		log:      log,
		cfg:      c,
		services: map[string]*grpcService{},
		ready:    make(chan struct{}),
		givenUp:  make(chan struct{}),
		drainCh:  make(chan struct{}),
		served:   make(chan error, 1),
		calls:    map[*grpcCall]struct{}{},
	}
}

// options are the grpc.Server's options from the spec and the engine's
// interceptors and dispatch; accepts is the listener whose connections the
// transport credentials count as taken up.
func (s *GRPCServer) options(accepts *grpcListener) ([]grpc.ServerOption, error) {
	c := s.cfg
	creds := takeUpCreds{l: accepts}
	opts := []grpc.ServerOption{
		grpc.ChainStreamInterceptor(s.interceptStream),
		grpc.ChainUnaryInterceptor(s.interceptUnary),
		grpc.UnknownServiceHandler(s.dispatch),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
			MinTime:             c.KeepaliveMinTime,
			PermitWithoutStream: c.KeepalivePermitWithoutStream,
		}),
		grpc.KeepaliveParams(keepalive.ServerParameters{
			Time:                  c.KeepaliveTime,
			Timeout:               c.KeepaliveTimeout,
			MaxConnectionAge:      c.MaxConnectionAge,
			MaxConnectionAgeGrace: c.MaxConnectionAgeGrace,
		}),
	}
	if c.MaxRecvMsgSize > 0 {
		opts = append(opts, grpc.MaxRecvMsgSize(c.MaxRecvMsgSize))
	}
	if c.MaxSendMsgSize > 0 {
		opts = append(opts, grpc.MaxSendMsgSize(c.MaxSendMsgSize))
	}
	if c.MaxConcurrentStreams > 0 {
		opts = append(opts, grpc.MaxConcurrentStreams(uint32(c.MaxConcurrentStreams)))
	}
	if c.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(exeRelative(c.CertFile), exeRelative(c.KeyFile))
		if err != nil {
			return nil, fmt.Errorf("load TLS key pair: %w", err)
		}
		creds.tls = credentials.NewTLS(&tls.Config{
			Certificates: []tls.Certificate{cert},
			MinVersion:   tls.VersionTLS12,
		})
	}
	return append(opts, grpc.Creds(creds)), nil
}

// Bind holds the port from the start of the process and serves it at once:
// health checks are answered (NOT_SERVING) during warmup, and calls to the
// user's services wait for ready instead of failing.
func (s *GRPCServer) Bind() error {
	return s.bind(func() (net.Listener, string, error) { return listenTCP(s.name, s.cfg.Addr) })
}

// bind is Bind with the listening socket from listen, which also says
// where an inherited one came from ("upgrade", "socket activation"; empty
// when bound here).
func (s *GRPCServer) bind(listen func() (ln net.Listener, from string, err error)) error {
	accepts := newGRPCListener(nil)
	opts, err := s.options(accepts)
	if err != nil {
		return err
	}
	ln, from, err := listen()
	if err != nil {
		return err
	}
	s.ln = ln
	accepts.Listener = ln
	s.accepts = accepts
	// A process an upgrade starts shares the socket with the process still
	// serving it: it accepts only once ready, so that no call waits on a
	// process whose start may yet fail (the old one answers meanwhile).
	s.serveAtReady = from == "upgrade"
	s.srv = grpc.NewServer(opts...)
	s.health = health.NewServer()
	s.health.SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
	healthpb.RegisterHealthServer(s.srv, s.health)
	if s.cfg.Reflection {
		reflection.Register(reflectionServer{s})
	}
	if !s.serveAtReady {
		go func() { s.served <- s.srv.Serve(accepts) }()
	}
	if from != "" {
		s.log.Info("listening", "resource", s.name, "addr", ln.Addr().String(), "inherited", from)
	} else {
		s.log.Info("listening", "resource", s.name, "addr", ln.Addr().String())
	}
	return nil
}

// Addr is the address the server listens on, once bound.
func (s *GRPCServer) Addr() net.Addr { return s.ln.Addr() }

// RegisterService records a service of the user's register function; it
// is answered once the service is ready (see dispatch). It panics as
// grpc.Server's does on a duplicate or an impl of the wrong type, which
// the open reports as the failure of the register function.
func (s *GRPCServer) RegisterService(desc *grpc.ServiceDesc, impl any) {
	if s.opened {
		panic(fmt.Sprintf("grpc: RegisterService(%q) after the register function returned", desc.ServiceName))
	}
	s.mu.Lock()
	_, dup := s.services[desc.ServiceName]
	s.mu.Unlock()
	if dup || desc.ServiceName == healthpb.Health_ServiceDesc.ServiceName {
		panic(fmt.Sprintf("grpc: service %q registered twice", desc.ServiceName))
	}
	if err := implements(desc, impl); err != nil {
		panic(err.Error())
	}
	r := &grpcService{desc: desc, impl: impl, unary: map[string]grpc.MethodDesc{}, streams: map[string]grpc.StreamDesc{}}
	for _, m := range desc.Methods {
		r.unary[m.MethodName] = m
	}
	for _, st := range desc.Streams {
		r.streams[st.StreamName] = st
	}
	s.mu.Lock()
	s.services[desc.ServiceName] = r
	s.order = append(s.order, desc.ServiceName)
	s.mu.Unlock()
}

// Open runs the user's register function; the health service then knows
// every service name (NOT_SERVING until ready).
func (s *GRPCServer) Open(register func(grpc.ServiceRegistrar) error) error {
	err := guard(func() error { return register(s) })
	s.opened = true
	if err != nil {
		return fmt.Errorf("register services: %w", err)
	}
	for _, name := range s.order {
		s.health.SetServingStatus(name, healthpb.HealthCheckResponse_NOT_SERVING)
	}
	return nil
}

// Serve runs from the engine's serve step until the drain: once the whole
// service is ready (ready), held calls go on and the health service says
// SERVING. It returns when its context is cancelled (the drain), or with
// the server's error should the listener fail.
func (s *GRPCServer) Serve(ctx context.Context, ready <-chan struct{}) error {
	select {
	case <-ready:
		if s.serveAtReady {
			go func() { s.served <- s.srv.Serve(s.accepts) }()
		}
		s.setServing(true)
		close(s.ready)
	case <-ctx.Done():
		return nil
	case err := <-s.served:
		return fmt.Errorf("serve: %w", err)
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-s.served:
		if s.draining.Load() {
			return nil
		}
		return fmt.Errorf("serve: %w", err)
	}
}

// setServing sets every health status, the server's and each service's:
// SERVING when ready, NOT_SERVING while a [watchdog] check keeps the
// service not ready. After NotServing it changes nothing.
func (s *GRPCServer) setServing(ready bool) {
	st := healthpb.HealthCheckResponse_NOT_SERVING
	if ready {
		st = healthpb.HealthCheckResponse_SERVING
	}
	for _, name := range append([]string{""}, s.order...) {
		s.health.SetServingStatus(name, st)
	}
}

// NotServing is stop step 1: every health status turns NOT_SERVING (and
// stays so), for the whole server and each service, while calls are still
// answered for the drain delay.
func (s *GRPCServer) NotServing() {
	if s.health != nil {
		s.health.Shutdown()
	}
}

// refuse ends a start that is given up: calls held since the bind answer
// Unavailable, and the server stops within ctx.
func (s *GRPCServer) refuse(ctx context.Context) {
	if s.srv == nil {
		return // never bound
	}
	s.NotServing()
	close(s.givenUp)
	if err := s.Drain(ctx); err != nil {
		s.log.Warn("held calls not all answered", "resource", s.name, "err", err)
	}
}

// Drain is stop step 3: the server stops accepting (every connection it
// accepted is served: see grpcListener), sends GOAWAY and takes no new
// call, running calls go on, long-lived ones are told through Draining,
// and the drain returns the moment the last call ends. At the deadline (ctx) the
// calls still running are cut: their contexts end and they answer
// Unavailable; connections are closed drainCutGrace later if a handler
// ignores its context. grpc.Server.GracefulStop alone would wait forever.
func (s *GRPCServer) Drain(ctx context.Context) error {
	if !s.draining.CompareAndSwap(false, true) {
		return nil
	}
	close(s.drainCh)
	s.cut(true, errCallDrained)
	done := make(chan struct{})
	go func() {
		s.accepts.stopAccepting(ctx)
		s.srv.GracefulStop()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	n := s.cut(false, errCallDeadline)
	t := time.NewTimer(drainCutGrace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		// Every connection closes; GracefulStop would still wait for the
		// handler deaf to its context, which is left to the process exit.
		s.srv.Stop()
	}
	return fmt.Errorf("cut %d calls in flight: %w", n, context.Cause(ctx))
}

// cut ends the contexts of the calls in flight, the server's own or the
// user's, and returns how many.
func (s *GRPCServer) cut(own bool, cause error) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.calls {
		if c.own == own {
			c.cancel(cause)
			n++
		}
	}
	return n
}

// Close releases what is left after the drain (stop step 4).
func (s *GRPCServer) Close(context.Context) error {
	if s.srv != nil {
		s.srv.Stop()
	}
	return nil
}

// Status is the server's detail on /readyz.
func (s *GRPCServer) Status() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return map[string]any{
		"addr":      s.ln.Addr().String(),
		"services":  slices.Clone(s.order),
		"in_flight": len(s.calls),
	}
}

// Stats are the server's calls in flight: every user call is a stream to
// grpc-go (see dispatch).
func (s *GRPCServer) Stats() map[string]float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return map[string]float64{"grpc_in_flight_calls": float64(len(s.calls))}
}

// dispatch answers a call to a service the user registered: it waits
// until the service is ready, then calls the method's generated handler
// with the stream, exactly as grpc-go's own dispatch would.
func (s *GRPCServer) dispatch(_ any, stream grpc.ServerStream) error {
	full, _ := grpc.MethodFromServerStream(stream)
	ctx := stream.Context()
	select {
	case <-s.ready:
	case <-s.givenUp:
		return status.Error(codes.Unavailable, errStartGivenUp.Error())
	case <-ctx.Done():
		return status.FromContextError(context.Cause(ctx)).Err()
	}
	service, method := splitMethod(full)
	r := s.services[service]
	if r == nil {
		return status.Errorf(codes.Unimplemented, "unknown service %s", service)
	}
	if m, ok := r.unary[method]; ok {
		reply, err := m.Handler(r.impl, ctx, stream.RecvMsg, nil)
		if err != nil {
			return err
		}
		return stream.SendMsg(reply)
	}
	if st, ok := r.streams[method]; ok {
		return st.Handler(r.impl, stream)
	}
	return status.Errorf(codes.Unimplemented, "unknown method %s for service %s", method, service)
}

// interceptStream runs around every streaming call, and so around every
// call to the user's services: it tracks the call for the drain, gives its
// context Draining and a cancel, turns a panic into codes.Internal and the
// end of a cut call into codes.Unavailable, and counts it for /metrics.
func (s *GRPCServer) interceptStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	began := monotonic()
	ctx, cancel := context.WithCancelCause(context.WithValue(ss.Context(), drainKey{}, s.drainCh))
	c := &grpcCall{cancel: cancel, own: ownService(info.FullMethod)}
	s.mu.Lock()
	s.calls[c] = struct{}{}
	s.mu.Unlock()
	if c.own && s.draining.Load() {
		cancel(errCallDrained) // began as the drain did: not to hold it
	}
	err := s.recover(info.FullMethod, func() error { return handler(srv, &grpcStream{ServerStream: ss, ctx: ctx}) })
	if err != nil {
		if cause := context.Cause(ctx); errors.Is(cause, errCallDrained) || errors.Is(cause, errCallDeadline) {
			err = status.Error(codes.Unavailable, cause.Error())
		}
	}
	s.mu.Lock()
	delete(s.calls, c)
	s.mu.Unlock()
	cancel(nil)
	s.count(info.FullMethod, err, began)
	return err
}

// interceptUnary runs around the unary calls grpc-go dispatches itself (the
// health service's Check and List): counted for /metrics.
func (s *GRPCServer) interceptUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	began := monotonic()
	var reply any
	err := s.recover(info.FullMethod, func() (err error) {
		reply, err = handler(ctx, req)
		return err
	})
	s.count(info.FullMethod, err, began)
	return reply, err
}

func (s *GRPCServer) count(method string, err error, began time.Duration) {
	if s.record != nil {
		if !s.known(method) {
			method = "unknown"
		}
		s.record(method, status.Code(err).String(), monotonic()-began)
	}
}

// recover turns a panic of a handler into codes.Internal for that call
// and a log line with the stack; grpc-go would let it end the process.
func (s *GRPCServer) recover(method string, call func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("handler panic", "resource", s.name, "method", method, "err", p, "stack", string(debug.Stack()))
			err = status.Error(codes.Internal, "internal error")
		}
	}()
	return call()
}

// grpcStream is a call's stream with the context the interceptor made.
type grpcStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (g *grpcStream) Context() context.Context { return g.ctx }

// known reports whether a method is one the server answers. The user's
// services are read once they are complete (ready); before, a call that
// ends is one held during warmup and named as the client named it.
func (s *GRPCServer) known(full string) bool {
	if ownService(full) {
		return true
	}
	select {
	case <-s.ready:
	default:
		return false
	}
	service, method := splitMethod(full)
	r := s.services[service]
	if r == nil {
		return false
	}
	_, unary := r.unary[method]
	_, stream := r.streams[method]
	return unary || stream
}

// ownService reports whether a method belongs to a service svcgen
// registers itself, whose long-lived calls end as the drain begins.
func ownService(full string) bool {
	service, _ := splitMethod(full)
	return service == healthpb.Health_ServiceDesc.ServiceName || strings.HasPrefix(service, "grpc.reflection.")
}

// splitMethod splits "/pkg.Service/Method".
func splitMethod(full string) (service, method string) {
	full = strings.TrimPrefix(full, "/")
	if i := strings.LastIndexByte(full, '/'); i >= 0 {
		return full[:i], full[i+1:]
	}
	return full, ""
}

// reflectionServer shows server reflection the user's services next to
// the health service: grpc.Server.GetServiceInfo knows only the latter.
type reflectionServer struct{ s *GRPCServer }

func (r reflectionServer) RegisterService(desc *grpc.ServiceDesc, impl any) {
	r.s.srv.RegisterService(desc, impl)
}

func (r reflectionServer) GetServiceInfo() map[string]grpc.ServiceInfo {
	info := r.s.srv.GetServiceInfo()
	select {
	case <-r.s.ready:
	default:
		return info // the user's services are not answered yet
	}
	for name, svc := range r.s.services {
		si := grpc.ServiceInfo{Metadata: svc.desc.Metadata}
		for _, m := range svc.desc.Methods {
			si.Methods = append(si.Methods, grpc.MethodInfo{Name: m.MethodName})
		}
		for _, st := range svc.desc.Streams {
			si.Methods = append(si.Methods, grpc.MethodInfo{Name: st.StreamName, IsClientStream: st.ClientStreams, IsServerStream: st.ServerStreams})
		}
		info[name] = si
	}
	return info
}

// implements checks impl against the service's handler type, as
// grpc.Server.RegisterService does.
func implements(desc *grpc.ServiceDesc, impl any) error {
	if impl == nil || desc.HandlerType == nil {
		return nil
	}
	want := reflect.TypeOf(desc.HandlerType).Elem()
	if have := reflect.TypeOf(impl); !have.Implements(want) {
		return fmt.Errorf("grpc: the handler of %q, of type %v, does not satisfy %v", desc.ServiceName, have, want)
	}
	return nil
}
