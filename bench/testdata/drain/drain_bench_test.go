package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"example.com/drainbench/internal/svcrt"
)

// TestBenchDrain measures, in one process and on one clock, the time from
// the moment the client has the last in-flight response to the moment the
// drain is done: the generated server's drain against http.Server.Shutdown,
// on the same handler, alternating, one line per round.
func TestBenchDrain(t *testing.T) {
	for round := 0; round < 21; round++ {
		gen := drainRound(t, true)
		std := drainRound(t, false)
		fmt.Printf("RESULT drain generated=%d shutdown=%d\n", gen.Nanoseconds(), std.Nanoseconds())
	}
}

// drainRound starts a server, puts 8 requests in flight (they end 20 to
// 34 ms later), begins the drain 10 ms into them and returns drain done
// minus the last response received.
func drainRound(t *testing.T, generated bool) time.Duration {
	const clients = 8
	var (
		addr  string
		drain func() // returns when the drain is done
	)
	if generated {
		s := svcrt.NewHTTPServer(slog.New(slog.NewTextHandler(io.Discard, nil)), "api", "127.0.0.1:0", &http.Server{ReadHeaderTimeout: 5 * time.Second})
		if err := s.Bind(); err != nil {
			t.Fatal(err)
		}
		if err := s.Open(benchHandler()); err != nil {
			t.Fatal(err)
		}
		go s.Serve(context.Background())
		addr = s.Addr().String()
		drain = func() {
			if err := s.Drain(context.Background()); err != nil {
				t.Error(err)
			}
			s.Close(context.Background())
		}
	} else {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: benchHandler(), ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(ln)
		addr = ln.Addr().String()
		drain = func() {
			if err := srv.Shutdown(context.Background()); err != nil {
				t.Error(err)
			}
		}
	}
	var (
		mu   sync.Mutex
		last time.Time
		wg   sync.WaitGroup
	)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Transport: &http.Transport{}}
			resp, err := c.Get(fmt.Sprintf("http://%s/?sleep=%dms", addr, 20+2*i))
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			now := time.Now()
			mu.Lock()
			if now.After(last) {
				last = now
			}
			mu.Unlock()
		}()
	}
	for i := 0; i < clients; i++ {
		<-benchEntered
	}
	time.Sleep(10 * time.Millisecond)
	drain()
	done := time.Now()
	wg.Wait()
	return done.Sub(last)
}
