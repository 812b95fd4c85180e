package svcrt

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// pollQueued is queued (backlog_windows.go) for Linux: poll(2) on a
// listening socket reports a connection waiting to be accepted.
func pollQueued(tl *net.TCPListener) bool {
	raw, err := tl.SyscallConn()
	if err != nil {
		return false
	}
	ready := false
	raw.Control(func(fd uintptr) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, 0)
		ready = err == nil && n > 0 && fds[0].Revents&unix.POLLIN != 0
	})
	return ready
}

// takeQueueServer is a bound HTTP server whose drain takes its accept queue
// with takeQueue, as on Windows, and whose handler reads the body and takes
// delay; the caller serves it.
func takeQueueServer(t *testing.T, delay time.Duration) (*HTTPServer, *logs) {
	t.Helper()
	logs := newLogs()
	s := NewHTTPServer(slog.New(logs), "api", "127.0.0.1:0", &http.Server{ReadHeaderTimeout: 5 * time.Second})
	if err := s.Bind(); err != nil {
		t.Fatal(err)
	}
	s.ln.take = func(ctx context.Context, l *listener) []net.Conn {
		tl := l.Listener.(*net.TCPListener)
		return takeQueue(ctx, l, tl, func() bool { return pollQueued(tl) })
	}
	s.Open(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		time.Sleep(delay)
	}))
	return s, logs
}

// loadCounts are what became of a load's requests.
type loadCounts struct {
	answered, lost, refused atomic.Int64
	mu                      sync.Mutex
	errs                    []error // of the lost requests, the first few
}

// post sends one POST with client and counts it: lost when it was sent and
// got no answer, refused when it never went out (the listener was closed).
func (lc *loadCounts) post(client *http.Client, url string) (sent bool) {
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) { wrote.Store(i.Err == nil) }}
	req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "POST", url, bytes.NewReader([]byte(`{"n":1}`)))
	resp, err := client.Do(req)
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	switch {
	case err == nil:
		lc.answered.Add(1)
	case wrote.Load():
		lc.lost.Add(1)
		lc.mu.Lock()
		if len(lc.errs) < 5 {
			lc.errs = append(lc.errs, err)
		}
		lc.mu.Unlock()
	default:
		lc.refused.Add(1)
	}
	return wrote.Load()
}

// The drain's taking of the accept queue where closing the socket resets
// what is queued (Windows; Linux resets too, so the same logic is tested
// here on real sockets): under clients that reconnect at once when
// answered with Connection: close, and under open-loop arrivals, every
// request sent is answered, and the drain ends before its deadline.
func TestTakeQueueLosesNothing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		clients int // closed-loop, reconnecting
		rate    int // open-loop arrivals a second
		delay   time.Duration
		budget  time.Duration // the drain's
	}{
		{name: "32 reconnecting clients, fast", clients: 32, budget: 4 * time.Second},
		{name: "32 reconnecting clients, 20ms", clients: 32, delay: 20 * time.Millisecond, budget: 4 * time.Second},
		// A short budget ends the serving phase while clients still
		// reconnect: the connections taken then are kept until the close.
		{name: "32 reconnecting clients, 20ms, short drain", clients: 32, delay: 20 * time.Millisecond, budget: time.Second},
		{name: "300 new connections a second, 5ms", rate: 300, delay: 5 * time.Millisecond, budget: 4 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, logs := takeQueueServer(t, tc.delay)
			go s.Serve(context.Background())
			url := "http://" + s.Addr().String() + "/"

			var lc loadCounts
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for range tc.clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
					for {
						select {
						case <-stop:
							return
						default:
						}
						if !lc.post(client, url) {
							return // refused: the listener is closed
						}
					}
				}()
			}
			if tc.rate > 0 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					tick := time.NewTicker(time.Second / time.Duration(tc.rate))
					defer tick.Stop()
					for {
						select {
						case <-stop:
							return
						case <-tick.C:
							wg.Add(1)
							go func() {
								defer wg.Done()
								lc.post(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}, url)
							}()
						}
					}
				}()
			}
			for lc.answered.Load() < 200 {
				time.Sleep(time.Millisecond)
			}
			ctx, cancel := context.WithTimeout(context.Background(), tc.budget)
			defer cancel()
			err := s.Drain(ctx)
			close(stop)
			wg.Wait()
			t.Logf("answered %d, refused %d, lost %d; %s", lc.answered.Load(), lc.refused.Load(), lc.lost.Load(), logs)
			if err != nil {
				t.Errorf("drain: %v", err)
			}
			if n := lc.lost.Load(); n != 0 {
				t.Errorf("%d requests sent were lost: %v", n, lc.errs)
			}
		})
	}
}

// 64 clients connect before the server serves, so the drain finds them all
// in the accept queue, and each reconnects at once when answered: the queue
// keeps filling while it is taken. Every request is answered; the
// connections taken after the serving share are kept and answered after
// the close.
func TestTakeQueueKeepsFillingQueue(t *testing.T) {
	s, logs := takeQueueServer(t, 2*time.Millisecond)
	addr := s.Addr().String()
	const request = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n{\"n\":1}"
	var (
		answered, lost, refused atomic.Int64
		queued, done            sync.WaitGroup
	)
	// client sends requests back to back on one connection until an answer
	// carries Connection: close, then connects again, until refused.
	client := func(first net.Conn) {
		defer done.Done()
		for c := first; ; {
			br := bufio.NewReader(c)
			for {
				if _, err := io.WriteString(c, request); err != nil {
					break // reset before it was read: never taken
				}
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					lost.Add(1)
					break
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				answered.Add(1)
				if resp.Close {
					break
				}
			}
			c.Close()
			var err error
			if c, err = net.Dial("tcp", addr); err != nil {
				refused.Add(1)
				return
			}
		}
	}
	for range 64 {
		queued.Add(1)
		done.Add(1)
		go func() {
			c, err := net.Dial("tcp", addr)
			queued.Done() // the kernel completed it: it is in the accept queue
			if err != nil {
				refused.Add(1)
				done.Done()
				return
			}
			client(c)
		}()
	}
	queued.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	drained := make(chan error, 1)
	go func() { drained <- s.Drain(ctx) }()
	// Serving from now on, not before, so the server's own accepting takes
	// none of the 64 first: the drain does.
	for !s.ln.taking.Load() {
		time.Sleep(time.Millisecond)
	}
	go s.Serve(context.Background())
	err := <-drained
	done.Wait()
	t.Logf("answered %d, refused %d, lost %d", answered.Load(), refused.Load(), lost.Load())
	if err != nil {
		t.Errorf("drain: %v", err)
	}
	if n := lost.Load(); n != 0 {
		t.Errorf("%d requests sent were lost", n)
	}
	rec, ok := logs.find("accept queue taken over")
	if !ok {
		t.Fatalf("the drain took nothing from the accept queue:\n%s", logs)
	}
	var taken int
	fmt.Sscan(rec.attrs["connections"], &taken)
	if taken < 64 {
		t.Errorf("%d connections taken from the accept queue, want the 64 queued at least", taken)
	}
}
