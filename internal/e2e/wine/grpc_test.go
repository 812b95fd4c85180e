//go:build linux

package wine

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/svcgen/svcgen/internal/e2e"
	"github.com/svcgen/svcgen/internal/winetest"
)

// The grpc service of the Linux tests (../testdata/grpc: an echo service
// behind a resource that warms up for 1s), built for Windows with its log
// sent to service.log, on free ports.
var winRPC struct {
	once       sync.Once
	exe        string
	rpc, admin string
	err        error
}

func rpcExe(t *testing.T) string {
	t.Helper()
	winRPC.once.Do(func() {
		winRPC.rpc, winRPC.admin = e2e.FreePort(t), e2e.FreePort(t)
		src := filepath.Join("..", "testdata", "grpc")
		specText, err := os.ReadFile(filepath.Join(src, "service.toml"))
		if err != nil {
			winRPC.err = err
			return
		}
		text := strings.Replace(string(specText), `addr = "127.0.0.1:0"`, `addr = "`+winRPC.admin+`"`, 1)
		text = strings.Replace(text, `addr = "127.0.0.1:0"`, `addr = "`+winRPC.rpc+`"`, 1)
		user := map[string]string{}
		for _, f := range []string{filepath.Join(src, "warm.go"), filepath.Join(src, "rpc.go"), filepath.Join(src, "echo.go"), filepath.Join("testdata", "grpc", "log.go")} {
			b, err := os.ReadFile(f)
			if err != nil {
				winRPC.err = err
				return
			}
			user[filepath.Base(f)] = string(b)
		}
		dir, err := os.MkdirTemp("", "svcgen-winrpc-")
		if err != nil {
			winRPC.err = err
			return
		}
		project, err := e2e.Generate(filepath.Join(dir, "src"), text, user)
		if err != nil {
			winRPC.err = err
			return
		}
		winRPC.exe = filepath.Join(dir, "bin", "rpce2e.exe")
		if err := os.MkdirAll(filepath.Dir(winRPC.exe), 0o755); err != nil {
			winRPC.err = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		winRPC.err = winetest.BuildWindows(ctx, project.Dir, winRPC.exe)
	})
	if winRPC.err != nil {
		t.Fatal(winRPC.err)
	}
	return winRPC.exe
}

func rpcLog() string {
	b, _ := os.ReadFile(filepath.Join(filepath.Dir(winRPC.exe), "service.log"))
	return string(b)
}

// The Windows build under Wine's Service Control Manager: calls sent
// while the service warms up (StartPending) are answered once it runs;
// 64 clients and three server streams through `sc stop`: 0 calls lost,
// the streams end with Unavailable, health NOT_SERVING → SERVING →
// NOT_SERVING, and the service stops cleanly.
func TestGRPCStopUnderLoadWindows(t *testing.T) {
	p := winetest.New(t)
	exe := rpcExe(t)
	ctx := context.Background()
	name := winetest.UniqueName("rpc")
	p.CreateService(t, name, exe, "service")
	defer func() {
		if t.Failed() {
			t.Logf("service log:\n%s", rpcLog())
		}
	}()
	if _, err := p.SC(ctx, "start", name); err != nil {
		t.Fatalf("sc start: %v", err)
	}
	// sc start returns at START_PENDING, before the service has bound (its
	// log is set up first): a client dialing then is refused and grpc-go
	// waits a second before it tries again, by when the 1s warmup is over.
	// Dial once the port is bound.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", winRPC.rpc, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the grpc listener was not bound: %v", err)
		}
	}
	conn, err := e2e.GRPCDial(winRPC.rpc)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	hc := healthpb.NewHealthClient(conn)
	// The first answer of the health service: the listener is bound and
	// the service still warms up (1s).
	var watch healthpb.Health_WatchClient
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		wctx, cancel := context.WithTimeout(ctx, time.Second)
		_, err := hc.Check(wctx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true))
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the grpc listener did not answer: %v", err)
		}
	}
	watch, err = hc.Watch(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var seen []healthpb.HealthCheckResponse_ServingStatus
	var watchEnd error
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for {
			r, err := watch.Recv()
			if err != nil {
				watchEnd = err
				return
			}
			if n := len(seen); n == 0 || seen[n-1] != r.Status {
				seen = append(seen, r.Status)
			}
		}
	}()
	const early = 16
	held, err := e2e.SendEarly(ctx, conn, early)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := hc.Check(ctx, &healthpb.HealthCheckRequest{}); err != nil || r.Status != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("health after the early calls were sent: %v %v, want NOT_SERVING", r, err)
	}
	for i, st := range held {
		var out wrapperspb.StringValue
		if err := st.RecvMsg(&out); err != nil || out.Value != "early" {
			t.Fatalf("call %d made during warmup: %q %v", i, out.Value, err)
		}
	}
	if _, err := p.WaitState(ctx, name, winetest.StateRunning, time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	ends := make(chan error, 3)
	for range 3 {
		st, err := e2e.OpenTicks(conn, "drain")
		if err != nil {
			t.Fatal(err)
		}
		go func() { ends <- st.End() }()
	}
	stopped := make(chan struct{})
	stopErr := make(chan error, 1)
	var st winetest.Status
	res := e2e.GRPCLoad{
		Addr: winRPC.rpc, Clients: 64, Trigger: 64 * 5,
		Stop: func() {
			_, err := p.SC(ctx, "stop", name)
			if err == nil {
				st, err = p.WaitState(ctx, name, winetest.StateStopped, time.Minute, nil)
			}
			close(stopped)
			stopErr <- err
		},
		Stopped: stopped,
	}.Run()
	if err := <-stopErr; err != nil {
		t.Fatalf("sc stop: %v", err)
	}
	t.Logf("answered %d, refused %d, lost %d", res.OK, res.Refused, res.Lost)
	if res.Lost != 0 {
		t.Errorf("%d calls sent were lost: %v", res.Lost, res.LostErrs)
	}
	for range 3 {
		if err := <-ends; status.Code(err) != codes.Unavailable || !strings.Contains(err.Error(), "call again") {
			t.Errorf("a stream ended with %v, want its Unavailable when told to drain", err)
		}
	}
	if st.Win32ExitCode != 0 || st.ServiceSpecificExitCode != 0 {
		t.Errorf("stopped status = %v, want a clean stop", st)
	}
	<-watched
	want := []healthpb.HealthCheckResponse_ServingStatus{
		healthpb.HealthCheckResponse_NOT_SERVING, healthpb.HealthCheckResponse_SERVING, healthpb.HealthCheckResponse_NOT_SERVING,
	}
	if len(seen) != len(want) || seen[0] != want[0] || seen[1] != want[1] || seen[2] != want[2] {
		t.Errorf("health statuses %v, want %v", seen, want)
	}
	if status.Code(watchEnd) != codes.Unavailable {
		t.Errorf("the health watch ended with %v, want Unavailable", watchEnd)
	}
	if !strings.Contains(rpcLog(), "msg=drained resource=rpc ") {
		t.Error("no drained record for rpc in the service log")
	}
}
