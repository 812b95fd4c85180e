package svcrt

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/grpcdesc"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// echo is a gRPC service written without protoc: a ServiceDesc over the
// well-known wrapper types, as protoc-gen-go-grpc would generate it.
// Say answers its argument, or waits for release ("wait"), or panics
// ("panic"); Ticks streams until the drain ("drain": then it answers
// Unavailable) or until its context ends ("ignore").
type echoService interface {
	Say(context.Context, *wrapperspb.StringValue) (*wrapperspb.StringValue, error)
	Ticks(*wrapperspb.StringValue, grpc.ServerStream) error
}

var echoDesc = grpcdesc.Service("svcgen.test.Echo", (*echoService)(nil),
	map[string]grpcdesc.Unary{"Say": func(srv any, ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
		return srv.(echoService).Say(ctx, in)
	}},
	map[string]grpcdesc.ServerStream{"Ticks": func(srv any, in *wrapperspb.StringValue, stream grpc.ServerStream) error {
		return srv.(echoService).Ticks(in, stream)
	}})

type echo struct {
	release chan struct{} // closed to let "wait" calls answer
	began   chan struct{} // one send per "wait" call that began
}

func newEcho() *echo { return &echo{release: make(chan struct{}), began: make(chan struct{}, 100)} }

func (e *echo) Say(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	switch in.Value {
	case "wait":
		e.began <- struct{}{}
		<-e.release
	case "panic":
		panic("echo asked to panic")
	}
	return wrapperspb.String(in.Value), nil
}

func (e *echo) Ticks(in *wrapperspb.StringValue, stream grpc.ServerStream) error {
	if err := stream.SendMsg(wrapperspb.Int64(0)); err != nil {
		return err
	}
	switch in.Value {
	case "drain":
		<-Draining(stream.Context())
		return status.Error(codes.Unavailable, "stopping: call again")
	case "hang":
		<-e.release // deaf to its context and the drain
		return nil
	default:
		<-stream.Context().Done()
		return stream.Context().Err()
	}
}

// grpcHarness is an engine with one grpc resource serving echo, which
// depends on a node whose open waits for warm.
type grpcHarness struct {
	*harness
	echo *echo
	warm *latch
	dep  *Node
	srv  *GRPCServer
	conn *grpc.ClientConn
}

func newGRPCHarness(t *testing.T, cfg *Config) *grpcHarness {
	t.Helper()
	h := &grpcHarness{harness: newHarness(t, cfg), echo: newEcho(), warm: newLatch()}
	dep := node("dep")
	dep.Open = func(ctx context.Context) error {
		select {
		case <-h.warm.ch:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	h.app.Add(dep)
	h.dep = dep
	n := node("rpc", dep)
	r := GRPCResource(h.app, n, GRPCConfig{Addr: "127.0.0.1:0"}, func(s grpc.ServiceRegistrar) error {
		s.RegisterService(&echoDesc, h.echo)
		return nil
	})
	h.srv = r.Value
	return h
}

// serveEcho registers echo on s, bound, and serves it, ready at once,
// until the test ends.
func serveEcho(t *testing.T, s *GRPCServer) {
	t.Helper()
	e := newEcho()
	if err := s.Open(func(r grpc.ServiceRegistrar) error {
		r.RegisterService(&echoDesc, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	close(ready)
	ctx, cancel := context.WithCancel(context.Background())
	go s.Serve(ctx, ready)
	t.Cleanup(func() {
		cancel()
		s.Close(context.Background())
	})
}

// connect runs the engine, waits for the bind and dials the server.
func (h *grpcHarness) connect() {
	h.t.Helper()
	h.run()
	h.until("the grpc resource is bound", func() bool {
		_, ok := h.logs.find("listening", "resource", "rpc")
		return ok
	})
	conn, err := grpc.NewClient("passthrough:///"+h.srv.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { conn.Close() })
	h.conn = conn
}

// until polls cond, failing the test after waitLimit.
func (h *grpcHarness) until(what string, cond func() bool) {
	h.t.Helper()
	for deadline := time.Now().Add(waitLimit); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			h.t.Fatalf("not within %v: %s", waitLimit, what)
		}
	}
}

// waitInFlight waits until n calls are in flight on the server.
func (h *grpcHarness) waitInFlight(n float64) {
	h.t.Helper()
	h.until("calls in flight", func() bool { return h.srv.Stats()["grpc_in_flight_calls"] >= n })
}

func (h *grpcHarness) say(ctx context.Context, v string) (string, error) {
	out := new(wrapperspb.StringValue)
	err := h.conn.Invoke(ctx, "/svcgen.test.Echo/Say", wrapperspb.String(v), out)
	return out.GetValue(), err
}

// ticks opens a Ticks stream and reads its first message.
func (h *grpcHarness) ticks(v string) grpc.ClientStream {
	h.t.Helper()
	st, err := h.conn.NewStream(context.Background(), &echoDesc.Streams[0], "/svcgen.test.Echo/Ticks")
	if err != nil {
		h.t.Fatal(err)
	}
	if err := st.SendMsg(wrapperspb.String(v)); err != nil {
		h.t.Fatal(err)
	}
	if err := st.CloseSend(); err != nil {
		h.t.Fatal(err)
	}
	if err := st.RecvMsg(new(wrapperspb.Int64Value)); err != nil {
		h.t.Fatal(err)
	}
	return st
}

// streamEnd reads a stream to its end and returns its status.
func streamEnd(st grpc.ClientStream) error {
	for {
		if err := st.RecvMsg(new(wrapperspb.Int64Value)); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// A call made during warmup is held, not refused, and answered once the
// service is ready; the health service says NOT_SERVING, then SERVING,
// then NOT_SERVING from the first step of the stop, for the server and for
// the service, and its watches end with Unavailable as the drain begins.
func TestGRPCWarmupHeldAndHealthFollowsReadiness(t *testing.T) {
	h := newGRPCHarness(t, testConfig())
	h.connect()
	hc := healthpb.NewHealthClient(h.conn)
	watch := func(service string) func() (healthpb.HealthCheckResponse_ServingStatus, error) {
		w, err := hc.Watch(context.Background(), &healthpb.HealthCheckRequest{Service: service})
		if err != nil {
			t.Fatal(err)
		}
		return func() (healthpb.HealthCheckResponse_ServingStatus, error) {
			r, err := w.Recv()
			return r.GetStatus(), err
		}
	}
	expect := func(next func() (healthpb.HealthCheckResponse_ServingStatus, error), want healthpb.HealthCheckResponse_ServingStatus) {
		t.Helper()
		if got, err := next(); err != nil || got != want {
			t.Fatalf("health: %v %v, want %v", got, err, want)
		}
	}
	server := watch("")
	expect(server, healthpb.HealthCheckResponse_NOT_SERVING)

	answered := make(chan error, 1)
	go func() {
		v, err := h.say(context.Background(), "held")
		if err == nil && v != "held" {
			err = errors.New("wrong answer " + v)
		}
		answered <- err
	}()
	// The call reached the server (it is in flight) while dep is still
	// opening: it is held, not answered.
	h.waitInFlight(2) // the watch and the call
	select {
	case err := <-answered:
		t.Fatalf("answered before ready: %v", err)
	default:
	}
	h.warm.fire()
	if err := recv(t, answered, "the held call"); err != nil {
		t.Fatalf("held call: %v", err)
	}
	expect(server, healthpb.HealthCheckResponse_SERVING)
	h.waitReady()
	service := watch("svcgen.test.Echo")
	expect(service, healthpb.HealthCheckResponse_SERVING)

	h.app.Stop(StopRequested, "test")
	for _, w := range []func() (healthpb.HealthCheckResponse_ServingStatus, error){server, service} {
		expect(w, healthpb.HealthCheckResponse_NOT_SERVING)
		if _, err := w(); status.Code(err) != codes.Unavailable {
			t.Errorf("the health watch ended with %v, want Unavailable", err)
		}
	}
	expectCode(t, h.wait(), ExitOK)
}

// A [watchdog] check that turns the service not ready turns its health
// NOT_SERVING, for the server and the service, and SERVING again when it
// passes, as /readyz does.
func TestGRPCHealthFollowsWatchdog(t *testing.T) {
	h := newGRPCHarness(t, watchdogConfig(2, 0))
	c := newChecker()
	c.healthy.Store(true)
	h.dep.Check = c.check
	h.warm.fire()
	h.connect()
	h.waitReady()
	hc := healthpb.NewHealthClient(h.conn)
	servingOf := func(service string) healthpb.HealthCheckResponse_ServingStatus {
		t.Helper()
		r, err := hc.Check(context.Background(), &healthpb.HealthCheckRequest{Service: service})
		if err != nil {
			t.Fatal(err)
		}
		return r.Status
	}
	for _, svc := range []string{"", "svcgen.test.Echo"} {
		if s := servingOf(svc); s != healthpb.HealthCheckResponse_SERVING {
			t.Fatalf("health of %q when ready: %v", svc, s)
		}
	}
	c.healthy.Store(false)
	n := c.calls.Load()
	c.waitCalls(t, n+3) // two failed rounds done
	for _, svc := range []string{"", "svcgen.test.Echo"} {
		if s := servingOf(svc); s != healthpb.HealthCheckResponse_NOT_SERVING {
			t.Errorf("health of %q while the check fails: %v", svc, s)
		}
	}
	c.healthy.Store(true)
	n = c.calls.Load()
	c.waitCalls(t, n+2) // a passing round done
	for _, svc := range []string{"", "svcgen.test.Echo"} {
		if s := servingOf(svc); s != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("health of %q when the check passes again: %v", svc, s)
		}
	}
	expectCode(t, h.stop(StopRequested), ExitOK)
}

// The drain lets running calls finish and ends when the last one does;
// a stream told through Draining ends with its own Unavailable.
func TestGRPCDrainWaitsForCalls(t *testing.T) {
	h := newGRPCHarness(t, testConfig())
	h.warm.fire()
	h.connect()
	h.waitReady()
	st := h.ticks("drain")
	const calls = 8
	answered := make(chan error, calls)
	for range calls {
		go func() {
			v, err := h.say(context.Background(), "wait")
			if err == nil && v != "wait" {
				err = errors.New("wrong answer " + v)
			}
			answered <- err
		}()
	}
	for range calls {
		recv(t, h.echo.began, "a call")
	}
	h.app.Stop(StopRequested, "test")
	if err := streamEnd(st); status.Code(err) != codes.Unavailable || !strings.Contains(err.Error(), "call again") {
		t.Errorf("the stream ended with %v, want its own Unavailable", err)
	}
	if _, ok := h.logs.find("drained", "resource", "rpc"); ok {
		t.Fatal("drained with calls in flight")
	}
	close(h.echo.release)
	for range calls {
		if err := recv(t, answered, "a call"); err != nil {
			t.Errorf("a call in flight at the drain: %v", err)
		}
	}
	expectCode(t, h.wait(), ExitOK)
	if _, ok := h.logs.find("drained", "resource", "rpc"); !ok {
		t.Error("no drained record")
	}
}

// A stream that ignores the drain is cut at the drain deadline with
// Unavailable; the stop reports the missed budget (exit 4).
func TestGRPCStreamCutAtDrainDeadline(t *testing.T) {
	cfg := testConfig()
	cfg.Timeouts.Drain = 200 * time.Millisecond
	h := newGRPCHarness(t, cfg)
	h.warm.fire()
	h.connect()
	h.waitReady()
	st := h.ticks("ignore")
	h.app.Stop(StopRequested, "test")
	err := streamEnd(st)
	if status.Code(err) != codes.Unavailable || !strings.Contains(err.Error(), "drain deadline") {
		t.Errorf("the stream ended with %v, want Unavailable at the drain deadline", err)
	}
	expectCode(t, h.wait(), ExitStopTimeout)
}

// A handler deaf to its context does not hang the stop: its connection is
// closed shortly after the drain deadline, and the exit code is 4.
func TestGRPCDeafHandlerClosedAfterDrainDeadline(t *testing.T) {
	cfg := testConfig()
	cfg.Timeouts.Drain = 200 * time.Millisecond
	h := newGRPCHarness(t, cfg)
	t.Cleanup(func() { close(h.echo.release) })
	h.warm.fire()
	h.connect()
	h.waitReady()
	st := h.ticks("hang")
	h.app.Stop(StopRequested, "test")
	if err := streamEnd(st); status.Code(err) != codes.Unavailable {
		t.Errorf("the stream ended with %v, want Unavailable (its connection closed)", err)
	}
	expectCode(t, h.wait(), ExitStopTimeout)
	if _, ok := h.logs.find("drain", "resource", "rpc"); !ok {
		t.Error("no drain failure logged")
	}
}

// A handler panic answers Internal for that call; the service keeps
// serving.
func TestGRPCHandlerPanicIsInternal(t *testing.T) {
	h := newGRPCHarness(t, testConfig())
	h.warm.fire()
	h.connect()
	h.waitReady()
	if _, err := h.say(context.Background(), "panic"); status.Code(err) != codes.Internal {
		t.Errorf("panicking call: %v, want Internal", err)
	}
	if v, err := h.say(context.Background(), "after"); err != nil || v != "after" {
		t.Errorf("call after the panic: %q %v", v, err)
	}
	var out wrapperspb.StringValue
	if err := h.conn.Invoke(context.Background(), "/svcgen.test.Nope/Say", wrapperspb.String("x"), &out); status.Code(err) != codes.Unimplemented {
		t.Errorf("unknown service: %v, want Unimplemented", err)
	}
	expectCode(t, h.stop(StopRequested), ExitOK)
}

// A call held during a start that is given up answers Unavailable.
func TestGRPCHeldCallWhenStartGivenUp(t *testing.T) {
	h := newGRPCHarness(t, testConfig())
	h.connect()
	answered := make(chan error, 1)
	go func() {
		_, err := h.say(context.Background(), "held")
		answered <- err
	}()
	h.waitInFlight(1)
	h.app.Stop(StopRequested, "test")
	if err := recv(t, answered, "the held call"); status.Code(err) != codes.Unavailable {
		t.Errorf("held call of a given-up start: %v, want Unavailable", err)
	}
	expectCode(t, h.wait(), ExitOK)
}

// With tls_cert_file and tls_key_file the server speaks TLS; a key pair
// that does not load fails the bind, so the start fails at once.
func TestGRPCTLS(t *testing.T) {
	certFile, keyFile := selfSigned(t)
	s := NewGRPCServer(newTestLogger(), "rpc", GRPCConfig{Addr: "127.0.0.1:0", CertFile: certFile, KeyFile: keyFile})
	if err := s.Bind(); err != nil {
		t.Fatal(err)
	}
	serveEcho(t, s)
	pem, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	conn, err := grpc.NewClient("passthrough:///"+s.Addr().String(),
		grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: roots, ServerName: "127.0.0.1"})))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var out wrapperspb.StringValue
	if err := conn.Invoke(context.Background(), "/svcgen.test.Echo/Say", wrapperspb.String("tls"), &out); err != nil || out.Value != "tls" {
		t.Fatalf("call over TLS: %q %v", out.Value, err)
	}

	bad := NewGRPCServer(newTestLogger(), "rpc", GRPCConfig{Addr: "127.0.0.1:0", CertFile: keyFile, KeyFile: certFile})
	if err := bad.Bind(); err == nil || !strings.Contains(err.Error(), "load TLS key pair") {
		t.Errorf("bind with a swapped key pair: %v", err)
	}
}
