package e2e

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// The methods of the echo service of testdata/grpc/echo.go, called without
// generated client code.
const (
	EchoSay   = "/svcgen.test.Echo/Say"
	EchoTicks = "/svcgen.test.Echo/Ticks"
)

// GRPCDial connects to a plaintext gRPC server at addr.
func GRPCDial(addr string) (*grpc.ClientConn, error) {
	return grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
}

// GRPCLoad is a unary load of default calls (no wait-for-ready) to
// EchoSay. Closed loop: Clients goroutines, each with its own connection,
// call back to back until a call fails or Stopped is closed, or, with
// Until, until Until says so. Open loop (Rate): Rate new connections a
// second, one call on each.
type GRPCLoad struct {
	Addr    string
	Clients int
	// Rate, when set, makes the load open loop: a new connection for every
	// call, Rate calls a second, until Until says so or Stopped is closed.
	Rate int
	// Trigger is the number of answers after which Stop is called, once.
	Trigger int64
	Stop    func()
	Stopped <-chan struct{}
	// Until is called after every call, answered or not, with the number
	// answered so far; true ends the load. With it a failed call does not
	// end its client: the next one goes on the same connection, which
	// grpc-go reconnects as it would for any caller (a load through a
	// restart).
	Until func(answered int64) bool
}

// GRPCLoadResult counts what became of the calls.
type GRPCLoadResult struct {
	OK int64
	// Refused are calls the server never got: the connection was refused
	// or closed before the server's preface (no call is sent before it).
	// gRPC reports them as Unavailable and the client may retry elsewhere.
	Refused int64
	// Lost are calls that failed otherwise: sent, and not answered.
	Lost     int64
	LostErrs []error
	// LastOK is when the last call was answered.
	LastOK time.Time
}

// NotSent reports whether a failed call never reached the server: the
// connection to it was refused, or failed before the server's HTTP/2
// preface (gRPC sends no call before it).
func NotSent(err error) bool {
	if status.Code(err) != codes.Unavailable {
		return false
	}
	msg := status.Convert(err).Message()
	return strings.Contains(msg, "connection refused") || strings.Contains(msg, "server preface") ||
		strings.Contains(msg, "actively refused") // Windows' WSAECONNREFUSED
}

// Run runs the load and returns when every client stopped.
func (l GRPCLoad) Run() *GRPCLoadResult {
	res := &GRPCLoadResult{}
	var mu sync.Mutex
	var answered atomic.Int64
	var fire, end sync.Once
	ended := make(chan struct{})
	// call makes one call on conn, counts what became of it and reports
	// whether it was answered.
	call := func(conn *grpc.ClientConn) bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		var out wrapperspb.StringValue
		err := conn.Invoke(ctx, EchoSay, wrapperspb.String("load"), &out)
		cancel()
		mu.Lock()
		switch {
		case err == nil && out.Value == "load":
			res.OK++
			res.LastOK = time.Now()
		case err == nil:
			res.Lost++
			err = errors.New("wrong answer " + out.Value)
			res.LostErrs = append(res.LostErrs, err)
		case NotSent(err):
			res.Refused++
		default:
			res.Lost++
			if len(res.LostErrs) < 10 {
				res.LostErrs = append(res.LostErrs, err)
			}
		}
		mu.Unlock()
		n := answered.Load()
		if err == nil {
			n = answered.Add(1)
			if n >= l.Trigger && l.Stop != nil {
				fire.Do(func() { go l.Stop() })
			}
		}
		if l.Until != nil && l.Until(n) {
			end.Do(func() { close(ended) })
		}
		return err == nil
	}
	dial := func() *grpc.ClientConn {
		conn, err := GRPCDial(l.Addr)
		if err != nil {
			mu.Lock()
			res.Lost++
			res.LostErrs = append(res.LostErrs, err)
			mu.Unlock()
		}
		return conn
	}
	var wg sync.WaitGroup
	if l.Rate > 0 {
		tick := time.NewTicker(time.Second / time.Duration(l.Rate))
		defer tick.Stop()
	open:
		for {
			select {
			case <-l.Stopped:
				break open
			case <-ended:
				break open
			case <-tick.C:
				wg.Go(func() {
					if conn := dial(); conn != nil {
						call(conn)
						conn.Close()
					}
				})
			}
		}
	}
	for i := 0; l.Rate == 0 && i < l.Clients; i++ {
		wg.Go(func() {
			conn := dial()
			if conn == nil {
				return
			}
			defer conn.Close()
			for {
				select {
				case <-l.Stopped:
					return
				case <-ended:
					return
				default:
				}
				if !call(conn) {
					if l.Until == nil {
						return
					}
					time.Sleep(10 * time.Millisecond) // no busy loop while the server is gone
				}
			}
		})
	}
	wg.Wait()
	return res
}

// GRPCStream opens an EchoTicks server stream and reads its first tick;
// End then reads it to its end.
type GRPCStream struct{ st grpc.ClientStream }

// OpenTicks opens a Ticks stream on conn.
func OpenTicks(conn *grpc.ClientConn, mode string) (*GRPCStream, error) {
	st, err := conn.NewStream(context.Background(), &grpc.StreamDesc{ServerStreams: true}, EchoTicks)
	if err != nil {
		return nil, err
	}
	if err := st.SendMsg(wrapperspb.String(mode)); err != nil {
		return nil, err
	}
	if err := st.CloseSend(); err != nil {
		return nil, err
	}
	if err := st.RecvMsg(new(wrapperspb.Int64Value)); err != nil {
		return nil, err
	}
	return &GRPCStream{st}, nil
}

// End reads the stream until it ends and returns its status (nil for OK).
func (s *GRPCStream) End() error {
	for {
		if err := s.st.RecvMsg(new(wrapperspb.Int64Value)); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// SendEarly sends n Echo Say calls on conn, each whole (its request sent,
// its sending side closed), without waiting for an answer: calls a
// warming service must hold and answer once ready. Their answers are read
// from the streams it returns.
func SendEarly(ctx context.Context, conn *grpc.ClientConn, n int) ([]grpc.ClientStream, error) {
	var held []grpc.ClientStream
	for range n {
		st, err := conn.NewStream(ctx, &grpc.StreamDesc{}, EchoSay)
		if err != nil {
			return held, err
		}
		if err := st.SendMsg(wrapperspb.String("early")); err != nil {
			return held, err
		}
		if err := st.CloseSend(); err != nil {
			return held, err
		}
		held = append(held, st)
	}
	return held, nil
}
