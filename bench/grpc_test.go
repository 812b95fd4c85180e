package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/grpcdesc"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/svcgen/svcgen/internal/e2e"
	"github.com/svcgen/svcgen/templates/svcrt"
)

// TestGRPCStop compares the runtime's grpc resource (svcrt.GRPCServer)
// with what gRPC services usually do at a stop, a hand-written
// grpc.Server.GracefulStop with a timer that calls Stop:
//
//		SVCGEN_BENCH=1 go test ./bench/ -run TestGRPCStop -v -count=1
//
//	  - Drain, in process on one clock: from the last in-flight unary call
//	    answered to the drain done, 8 calls in flight (20 to 34 ms) when the
//	    drain begins 10 ms into them; then the same with one server stream
//	    open as well, which the svcgen side tells to end (svcrt.Draining) and
//	    the baseline cannot (GracefulStop gives handlers no signal): its
//	    drain ends at its timer (grpcDrainBudget). 21 rounds, alternating.
//	  - Lost on stop: 64 closed-loop clients (one connection each, default
//	    calls), SIGTERM after 640 answers, to the svcgen engine
//	    (testdata/grpcserve, svcrt.Main), a server that exits on SIGTERM and
//	    the GracefulStop+timer baseline; 7 runs each. A call is lost when it
//	    was sent and not answered (e2e.NotSent tells the refused ones).
//
// One line per figure for bench/cmd/report:
//
//	BENCH grpc_drain case=unary|stream n= svc_p50= svc_p90= base_p50= base_p90=
//	BENCH grpc_lost side=svcgen|naive|graceful runs= lost_median= lost_max= lost_total= refused_median= ok_median=
func TestGRPCStop(t *testing.T) {
	skipUnlessBench(t)
	for _, c := range []struct {
		name   string
		stream bool
	}{{"unary", false}, {"stream", true}} {
		var svc, base []float64
		for range grpcDrainRounds {
			svc = append(svc, float64(grpcDrainRound(t, true, c.stream)))
			base = append(base, float64(grpcDrainRound(t, false, c.stream)))
		}
		t.Logf("drain, %s: last unary call answered -> drain done, %d rounds of 8 calls in flight", c.name, grpcDrainRounds)
		t.Logf("  svcgen                 p50 %s  p90 %s", ms(quantile(svc, .5)), ms(quantile(svc, .9)))
		t.Logf("  GracefulStop+timer     p50 %s  p90 %s", ms(quantile(base, .5)), ms(quantile(base, .9)))
		Line("grpc_drain", "case", c.name, "n", grpcDrainRounds,
			"svc_p50", fmt.Sprintf("%.0f", quantile(svc, .5)), "svc_p90", fmt.Sprintf("%.0f", quantile(svc, .9)),
			"base_p50", fmt.Sprintf("%.0f", quantile(base, .5)), "base_p90", fmt.Sprintf("%.0f", quantile(base, .9)))
	}

	bin := buildTestdata(t, t.TempDir(), "grpcserve")
	type tally struct{ lost, refused, ok []float64 }
	sides := []string{"svcgen", "naive", "graceful"}
	results := map[string]*tally{}
	for _, s := range sides {
		results[s] = &tally{}
	}
	for range grpcLostRuns {
		for _, side := range sides {
			r := grpcLostOnStop(t, bin, side)
			tl := results[side]
			tl.lost, tl.refused, tl.ok = append(tl.lost, float64(r.Lost)), append(tl.refused, float64(r.Refused)), append(tl.ok, float64(r.OK))
		}
	}
	t.Logf("SIGTERM under 64 gRPC clients, %d runs each: calls lost (sent, never answered)", grpcLostRuns)
	for _, side := range sides {
		tl := results[side]
		total := 0.0
		for _, v := range tl.lost {
			total += v
		}
		t.Logf("  %-9s lost per stop: median %.0f, max %.0f, total %.0f  (refused median %.0f, answered median %.0f)",
			side, quantile(tl.lost, .5), quantile(tl.lost, 1), total, quantile(tl.refused, .5), quantile(tl.ok, .5))
		Line("grpc_lost", "side", side, "runs", grpcLostRuns,
			"lost_median", fmt.Sprintf("%.0f", quantile(tl.lost, .5)), "lost_max", fmt.Sprintf("%.0f", quantile(tl.lost, 1)),
			"lost_total", fmt.Sprintf("%.0f", total), "refused_median", fmt.Sprintf("%.0f", quantile(tl.refused, .5)),
			"ok_median", fmt.Sprintf("%.0f", quantile(tl.ok, .5)))
	}
}

// serving is the line the naive and graceful sides print once serving.
var serving = regexp.MustCompile(`^serving `)

const (
	grpcDrainRounds = 21
	grpcLostRuns    = 7
	// grpcDrainBudget is both sides' drain budget in the drain rounds.
	grpcDrainBudget = time.Second
)

// sleeper is a service whose Say sleeps for its argument (a duration) and
// whose Wait streams until told to drain (svcrt.Draining) or until its
// context ends.
type sleeper interface {
	Say(context.Context, *wrapperspb.StringValue) (*wrapperspb.StringValue, error)
	Wait(*wrapperspb.StringValue, grpc.ServerStream) error
}

var sleeperDesc = grpcdesc.Service("svcgen.bench.Sleeper", (*sleeper)(nil),
	map[string]grpcdesc.Unary{"Say": func(srv any, ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
		return srv.(sleeper).Say(ctx, in)
	}},
	map[string]grpcdesc.ServerStream{"Wait": func(srv any, in *wrapperspb.StringValue, stream grpc.ServerStream) error {
		return srv.(sleeper).Wait(in, stream)
	}})

type sleepService struct{ entered chan struct{} }

func (s sleepService) Say(_ context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	d, _ := time.ParseDuration(in.Value)
	s.entered <- struct{}{}
	time.Sleep(d)
	return in, nil
}

func (s sleepService) Wait(_ *wrapperspb.StringValue, stream grpc.ServerStream) error {
	if err := stream.SendMsg(wrapperspb.String("open")); err != nil {
		return err
	}
	select {
	case <-svcrt.Draining(stream.Context()):
		return status.Error(codes.Unavailable, "stopping: call again")
	case <-stream.Context().Done():
		return stream.Context().Err()
	}
}

// grpcDrainRound starts a server, puts 8 unary calls in flight (and a
// stream with stream), begins the drain 10 ms into them and returns drain
// done minus the last call answered.
func grpcDrainRound(t *testing.T, svcgen, stream bool) time.Duration {
	t.Helper()
	const clients = 8
	svc := sleepService{entered: make(chan struct{}, clients)}
	var addr string
	var drain func()
	if svcgen {
		s := svcrt.NewGRPCServer(slog.New(slog.NewTextHandler(io.Discard, nil)), "rpc", svcrt.GRPCConfig{Addr: "127.0.0.1:0"})
		if err := s.Bind(); err != nil {
			t.Fatal(err)
		}
		if err := s.Open(func(r grpc.ServiceRegistrar) error {
			r.RegisterService(&sleeperDesc, svc)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		ready := make(chan struct{})
		close(ready)
		ctx, cancel := context.WithCancel(context.Background())
		served := make(chan struct{})
		go func() {
			s.Serve(ctx, ready)
			close(served)
		}()
		addr = s.Addr().String()
		drain = func() {
			cancel()
			<-served
			dctx, dcancel := context.WithTimeout(context.Background(), grpcDrainBudget)
			defer dcancel()
			s.NotServing()
			if err := s.Drain(dctx); err != nil {
				t.Error(err)
			}
			s.Close(context.Background())
		}
	} else {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		s := grpc.NewServer()
		s.RegisterService(&sleeperDesc, svc)
		go s.Serve(ln)
		addr = ln.Addr().String()
		drain = func() {
			done := make(chan struct{})
			go func() {
				s.GracefulStop()
				close(done)
			}()
			timer := time.NewTimer(grpcDrainBudget)
			defer timer.Stop()
			select {
			case <-done:
			case <-timer.C:
				s.Stop()
			}
		}
	}
	var streamEnded chan error
	if stream {
		conn, err := e2e.GRPCDial(addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		st, err := conn.NewStream(context.Background(), &sleeperDesc.Streams[0], "/svcgen.bench.Sleeper/Wait")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SendMsg(wrapperspb.String("")); err != nil {
			t.Fatal(err)
		}
		st.CloseSend()
		if err := st.RecvMsg(new(wrapperspb.StringValue)); err != nil {
			t.Fatal(err)
		}
		streamEnded = make(chan error, 1)
		go func() { streamEnded <- st.RecvMsg(new(wrapperspb.StringValue)) }()
	}
	var (
		mu   sync.Mutex
		last time.Time
		wg   sync.WaitGroup
	)
	for i := range clients {
		conn, err := e2e.GRPCDial(addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		wg.Go(func() {
			var out wrapperspb.StringValue
			if err := conn.Invoke(context.Background(), "/svcgen.bench.Sleeper/Say", wrapperspb.String(fmt.Sprintf("%dms", 20+2*i)), &out); err != nil {
				t.Error(err)
				return
			}
			now := time.Now()
			mu.Lock()
			if now.After(last) {
				last = now
			}
			mu.Unlock()
		})
	}
	for range clients {
		<-svc.entered
	}
	time.Sleep(10 * time.Millisecond)
	drain()
	done := time.Now()
	wg.Wait()
	if stream {
		<-streamEnded
	}
	return done.Sub(last)
}

// grpcLostOnStop starts one side of grpcserve, loads it with 64 clients
// and sends SIGTERM after 640 answers.
func grpcLostOnStop(t *testing.T, bin, side string) *e2e.GRPCLoadResult {
	t.Helper()
	addr, admin := e2e.FreePort(t), e2e.FreePort(t)
	p, err := e2e.Start(bin, t.TempDir(), nil, "-server", side, "-addr", addr, "-admin", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Kill()
	if side == "svcgen" {
		waitOK(t, p, "http://"+admin+"/readyz")
	} else if _, err := p.WaitLine(serving, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	res := e2e.GRPCLoad{
		Addr: addr, Clients: 64, Trigger: 640,
		Stop:    func() { p.Signal(syscall.SIGTERM) },
		Stopped: p.Exited(),
	}.Run()
	if code, err := p.Wait(30 * time.Second); err != nil || code != 0 {
		t.Errorf("%s after SIGTERM: exit %d, %v; log:\n%s", side, code, err, p.Log())
	}
	return res
}
