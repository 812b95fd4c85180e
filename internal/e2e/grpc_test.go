package e2e

import (
	"context"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// The grpc tests share one generated service (testdata/grpc).
var grpcBuild SharedBuild

func startGRPC(t *testing.T) (*Process, string) {
	t.Helper()
	bin := grpcBuild.Binary(t, "rpce2e", true, func(dir string) (*Project, error) {
		return GenerateDir(dir, "testdata/grpc")
	})
	p, err := Start(bin, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	addr, err := p.ListenAddr("rpc", wait)
	if err != nil {
		t.Fatal(err)
	}
	return p, addr
}

// healthWatch records the statuses a Watch of the server's health sees,
// and how it ended.
type healthWatch struct {
	mu     sync.Mutex
	seen   []healthpb.HealthCheckResponse_ServingStatus
	end    error
	closed chan struct{}
}

func watchHealth(t *testing.T, conn *grpc.ClientConn) *healthWatch {
	t.Helper()
	w, err := healthpb.NewHealthClient(conn).Watch(context.Background(), &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	h := &healthWatch{closed: make(chan struct{})}
	go func() {
		defer close(h.closed)
		for {
			r, err := w.Recv()
			h.mu.Lock()
			if err != nil {
				h.end = err
				h.mu.Unlock()
				return
			}
			if n := len(h.seen); n == 0 || h.seen[n-1] != r.Status {
				h.seen = append(h.seen, r.Status)
			}
			h.mu.Unlock()
		}
	}()
	return h
}

// A default call (no wait-for-ready) made during the 1s warmup is held
// and answered once ready; 64 clients calling back to back and three
// server streams, then SIGTERM: no call the server got is lost, the
// streams end with Unavailable when told to drain, the health service
// goes NOT_SERVING → SERVING → NOT_SERVING, /metrics counts the calls by
// method, and the exit code is 0.
func TestGRPCWarmupAndStopUnderLoad(t *testing.T) {
	p, addr := startGRPC(t)
	conn, err := GRPCDial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	health := watchHealth(t, conn)
	hc := healthpb.NewHealthClient(conn)

	// 32 calls sent during warmup, on one connection: their frames are on
	// the wire before those of the health check that follows, which the
	// server answers NOT_SERVING, so the server got them before it was
	// ready.
	const early = 32
	held, err := SendEarly(context.Background(), conn, early)
	if err != nil {
		t.Fatal(err)
	}
	r, err := hc.Check(context.Background(), &healthpb.HealthCheckRequest{})
	if err != nil || r.Status != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("health after the early calls were sent: %v %v, want NOT_SERVING (the service warms up for 1s)", r, err)
	}
	for i, st := range held {
		var out wrapperspb.StringValue
		if err := st.RecvMsg(&out); err != nil || out.Value != "early" {
			t.Fatalf("call %d made during warmup: %q %v", i, out.Value, err)
		}
	}
	waitLine(t, p, `msg="service ready"`)
	r, err = hc.Check(context.Background(), &healthpb.HealthCheckRequest{Service: "svcgen.test.Echo"})
	if err != nil || r.Status != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health of the echo service when ready: %v %v", r, err)
	}

	if got := reflectedServices(t, conn); !slices.Equal(got, []string{"grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection", "svcgen.test.Echo"}) {
		t.Errorf("services listed by server reflection: %q", got)
	}

	admin := opsAdmin(t, p)
	fams := Scrape(t, admin)
	if v := MustValue(t, fams, "svc_grpc_calls_total", "resource", "rpc", "method", EchoSay, "code", "OK"); v < early {
		t.Errorf("svc_grpc_calls_total for Say: %v, want at least %d", v, early)
	}
	if n := histogramCount(t, fams, "svc_grpc_call_duration_seconds", "resource", "rpc", "method", EchoSay); n < early {
		t.Errorf("svc_grpc_call_duration_seconds count for Say: %d, want at least %d", n, early)
	}

	var streams []*GRPCStream
	for range 3 {
		st, err := OpenTicks(conn, "drain")
		if err != nil {
			t.Fatal(err)
		}
		streams = append(streams, st)
	}
	ends := make(chan error, len(streams))
	for _, st := range streams {
		go func() { ends <- st.End() }()
	}
	res := GRPCLoad{
		Addr: addr, Clients: 64, Trigger: 64 * 10,
		Stop:    func() { p.Signal(syscall.SIGTERM) },
		Stopped: p.Exited(),
	}.Run()
	t.Logf("answered %d, refused %d, lost %d", res.OK, res.Refused, res.Lost)
	if res.Lost != 0 {
		t.Errorf("%d calls sent were lost: %v", res.Lost, res.LostErrs)
	}
	if res.OK < 64*10 {
		t.Errorf("only %d calls answered", res.OK)
	}
	for range streams {
		if err := <-ends; status.Code(err) != codes.Unavailable || !strings.Contains(err.Error(), "call again") {
			t.Errorf("a stream ended with %v, want its Unavailable when told to drain", err)
		}
	}
	waitExit(t, p, 0)
	waitLine(t, p, `msg=drained resource=rpc `)
	<-health.closed
	want := []healthpb.HealthCheckResponse_ServingStatus{
		healthpb.HealthCheckResponse_NOT_SERVING, healthpb.HealthCheckResponse_SERVING, healthpb.HealthCheckResponse_NOT_SERVING,
	}
	if !slices.Equal(health.seen, want) {
		t.Errorf("health statuses %v, want %v", health.seen, want)
	}
	if status.Code(health.end) != codes.Unavailable {
		t.Errorf("the health watch ended with %v, want Unavailable", health.end)
	}
}

// A stream that ignores the drain is cut at the drain deadline with
// Unavailable, and the exit code says the stop missed a budget.
func TestGRPCStreamCutAtDrainDeadline(t *testing.T) {
	p, addr := startGRPC(t)
	conn, err := GRPCDial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	waitLine(t, p, `msg="service ready"`)
	st, err := OpenTicks(conn, "ignore")
	if err != nil {
		t.Fatal(err)
	}
	p.Signal(syscall.SIGTERM)
	if err := st.End(); status.Code(err) != codes.Unavailable || !strings.Contains(err.Error(), "drain deadline") {
		t.Errorf("the stream ended with %v, want Unavailable at the drain deadline", err)
	}
	waitExit(t, p, 4)
	waitLine(t, p, `msg=drain resource=rpc err="cut 1 calls in flight: drain timed out`)
}

// reflectedServices lists the services through server reflection (v1).
func reflectedServices(t *testing.T, conn *grpc.ClientConn) []string {
	t.Helper()
	st, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	r, err := st.Recv()
	if err != nil {
		t.Fatal(err)
	}
	st.CloseSend()
	var names []string
	for _, s := range r.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	slices.Sort(names)
	return names
}

// The grpc service builds and vets for Windows.
func TestGRPCBuildsForWindows(t *testing.T) {
	p, err := GenerateDir(t.TempDir(), "testdata/grpc")
	if err != nil {
		t.Fatal(err)
	}
	// The Linux build is the race-built binary of the other tests.
	vetAndBuildForWindows(t, p, "rpce2e.exe")
}
