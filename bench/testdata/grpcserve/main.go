// Command grpcserve is the three gRPC servers of the stop benchmark, one
// process each, with the same echo service (unary Say, 5 ms of work):
// -server svcgen runs it as the grpc resource of the runtime (svcrt.Main,
// the engine a generated service runs); -server naive exits on SIGTERM;
// -server graceful calls grpc.Server.GracefulStop on SIGTERM and Stop when
// its drain timer (5s, the svcgen side's drain budget) fires first.
//
//	grpcserve -server svcgen -addr 127.0.0.1:9000 -admin 127.0.0.1:9090
//	grpcserve -server naive|graceful -addr 127.0.0.1:9001
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/svcgen/svcgen/internal/grpcdesc"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/svcgen/svcgen/templates/svcrt"
)

// drainBudget is every side's time for the calls in flight at a stop.
const drainBudget = 5 * time.Second

type sayer interface {
	Say(context.Context, *wrapperspb.StringValue) (*wrapperspb.StringValue, error)
}

// echoDesc is the service protoc-gen-go-grpc would generate for
// service Echo { rpc Say(StringValue) returns (StringValue); }.
var echoDesc = grpcdesc.Service("svcgen.test.Echo", (*sayer)(nil),
	map[string]grpcdesc.Unary{"Say": func(srv any, ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
		return srv.(sayer).Say(ctx, in)
	}}, nil)

type echo struct{}

func (echo) Say(_ context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	time.Sleep(5 * time.Millisecond)
	return in, nil
}

func main() {
	server := flag.String("server", "", "svcgen, naive or graceful")
	addr := flag.String("addr", "127.0.0.1:0", "listen address of the gRPC server")
	admin := flag.String("admin", "127.0.0.1:0", "admin listener (/readyz) of the svcgen server")
	flag.Parse()
	switch *server {
	case "svcgen":
		cfg := config(*admin)
		setup := func(*svcrt.Overrides) (*svcrt.Config, func(*svcrt.App)) { return cfg, wire(*addr) }
		os.Exit(svcrt.Main(cfg.Name, setup, []string{"run"}))
	case "naive", "graceful":
		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		s := grpc.NewServer()
		s.RegisterService(&echoDesc, echo{})
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM)
		go s.Serve(ln)
		fmt.Fprintln(os.Stderr, "serving", ln.Addr())
		<-sig
		if *server == "naive" {
			os.Exit(0)
		}
		done := make(chan struct{})
		go func() {
			s.GracefulStop()
			close(done)
		}()
		t := time.NewTimer(drainBudget)
		select {
		case <-done:
		case <-t.C:
			s.Stop()
		}
		os.Exit(0)
	default:
		fmt.Fprintf(os.Stderr, "grpcserve: -server is svcgen, naive or graceful, got %q\n", *server)
		os.Exit(2)
	}
}

func config(admin string) *svcrt.Config {
	return &svcrt.Config{
		Name: "grpcserve",
		Timeouts: svcrt.TimeoutConfig{
			Start:    30 * time.Second,
			Stop:     10 * time.Second,
			Drain:    drainBudget,
			Critical: time.Second,
			Shutdown: 5 * time.Second,
		},
		Admin: svcrt.AdminConfig{Addr: admin},
	}
}

func wire(addr string) func(*svcrt.App) {
	return func(app *svcrt.App) {
		svcrt.GRPCResource(app,
			&svcrt.Node{Name: "rpc", OpenTimeout: 10 * time.Second, CloseTimeout: 5 * time.Second},
			svcrt.GRPCConfig{Addr: addr},
			func(s grpc.ServiceRegistrar) error {
				s.RegisterService(&echoDesc, echo{})
				return nil
			})
	}
}
