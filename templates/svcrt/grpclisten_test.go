package svcrt

import (
	"context"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// sharedSocket is a listening socket and a second descriptor of it, held
// as the process an upgrade starts (or systemd's socket unit) holds it.
func sharedSocket(t *testing.T) (net.Listener, *os.File) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close(); f.Close() })
	return ln, f
}

// Stopping the accepting waits for every connection accepted until grpc-go
// begins its handshake (it would close one it took up only after the stop
// began, unread), or until the drain's deadline; it closes only this
// descriptor: a connection made afterwards waits in the queue for the
// other holder of the socket.
func TestGRPCListenerStopWaitsForTakeUp(t *testing.T) {
	ln, dup := sharedSocket(t)
	l := newGRPCListener(ln)
	creds := takeUpCreds{l: l}
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	accepted, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer accepted.Close()

	// Not taken up: only the deadline ends the wait.
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan error, 1)
	go func() {
		l.stopAccepting(ctx)
		ended <- ctx.Err()
	}()
	cancel()
	if err := recv(t, ended, "the stop at its deadline"); err == nil {
		t.Error("the accepting stopped with a connection accepted and not taken up")
	}

	// Taken up: the wait ends without a deadline.
	go func() {
		l.stopAccepting(context.Background())
		ended <- nil
	}()
	if _, _, err := creds.ServerHandshake(accepted); err != nil {
		t.Fatal(err)
	}
	recv(t, ended, "the stop once the connection was taken up")
	if _, err := l.Accept(); err == nil {
		t.Error("accepted after the stop")
	}

	later, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("the socket refused a connection after this descriptor closed: %v", err)
	}
	defer later.Close()
	other, err := net.FileListener(dup)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if c, err := other.Accept(); err != nil {
		t.Errorf("the other descriptor's accept: %v", err)
	} else {
		c.Close()
	}
}

// sharedGRPCServer serves echo on ln, ready at once; from says where ln
// came from, as Bind's log does.
func sharedGRPCServer(t *testing.T, ln net.Listener, from string) *GRPCServer {
	t.Helper()
	s := NewGRPCServer(newTestLogger(), "rpc", GRPCConfig{})
	if err := s.bind(func() (net.Listener, string, error) { return ln, from, nil }); err != nil {
		t.Fatal(err)
	}
	serveEcho(t, s)
	return s
}

// Two servers on one socket, as during an upgrade: the first drains while
// clients keep connecting, each new connection for one default call (no
// wait-for-ready). Every connection the first accepted before its drain is
// served, none reset: no call fails.
func TestGRPCDrainServesEveryConnectionAccepted(t *testing.T) {
	ln, dup := sharedSocket(t)
	addr := ln.Addr().String()
	old := sharedGRPCServer(t, ln, "")
	inherited, err := net.FileListener(dup)
	if err != nil {
		t.Fatal(err)
	}
	sharedGRPCServer(t, inherited, "upgrade")

	var answered, failed atomic.Int64
	var stop atomic.Bool
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for !stop.Load() {
				conn, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
				if err != nil {
					t.Error(err)
					return
				}
				var out wrapperspb.StringValue
				err = conn.Invoke(context.Background(), "/svcgen.test.Echo/Say", wrapperspb.String("new"), &out)
				conn.Close()
				if err != nil {
					failed.Add(1)
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					continue
				}
				answered.Add(1)
			}
		})
	}
	waitAnswered := func(n int64) {
		t.Helper()
		target := answered.Load() + n
		for deadline := time.Now().Add(waitLimit); answered.Load() < target; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("fewer than %d calls answered in %v", n, waitLimit)
			}
		}
	}
	waitAnswered(200)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := old.Drain(ctx); err != nil {
		t.Errorf("drain: %v", err)
	}
	waitAnswered(200)
	stop.Store(true)
	wg.Wait()
	t.Logf("answered %d, failed %d", answered.Load(), failed.Load())
	if failed.Load() != 0 {
		t.Errorf("%d calls failed: %v", failed.Load(), errs)
	}
}
