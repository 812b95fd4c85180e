package e2e

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"
)

// LoadConfig describes a load: closed-loop, Clients goroutines, each with
// its own keep-alive connection, send requests back to back and reconnect at
// once when an answer carries Connection: close; or open-loop, Rate new
// connections a second, each sending one request whatever became of the
// others.
type LoadConfig struct {
	URL     string
	Clients int
	// Rate, when set, makes the load open-loop: Rate arrivals a second,
	// each on a new connection; Clients is ignored. Arrivals go on after a
	// refused dial, as new clients of a real service would.
	Rate int
	// Post sends a small POST body: POST is not replayable, so the client
	// never retries it silently and a lost request shows as an error.
	Post bool
	// NewConns opens a new connection for every request (no keep-alive),
	// so connections keep arriving in the listener's accept queue.
	NewConns bool
	// Until is called after every answered request with the number answered
	// so far; returning true ends the load.
	Until func(answered int64) bool
	// Stopped ends the load when closed (the server process exited).
	Stopped <-chan struct{}
	// Latencies records how long each 2xx answer took, from the request
	// sent to the body read, in LoadResult.Latencies.
	Latencies bool
}

// LoadResult counts what happened to the requests.
type LoadResult struct {
	// OK is the number of 2xx answers; Closing, of them, the answers that
	// carried Connection: close (answered during a drain).
	OK, Closing int64
	// Failed are answers with another status.
	Failed int64
	// Refused are requests that were never sent: the dial failed (the
	// listener was closed) or the write did. The client knows the server
	// did not get them and may retry elsewhere.
	Refused int64
	// Lost are requests that were sent and got no answer: the server took
	// them and dropped them.
	Lost     int64
	LostErrs []error
	// Latencies are the times of the 2xx answers when LoadConfig.Latencies
	// is set, in the order they came.
	Latencies []time.Duration
}

// Load runs the load until Until, Stopped, or every client was refused.
func Load(ctx context.Context, cfg LoadConfig) *LoadResult {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if cfg.Stopped != nil {
		go func() {
			select {
			case <-cfg.Stopped:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	var (
		res      LoadResult
		mu       sync.Mutex
		answered atomic.Int64
		wg       sync.WaitGroup
	)
	// send makes one request with client and counts what became of it; it
	// reports whether the request was sent (a refused dial was not).
	send := func(client *http.Client) bool {
		var sent atomic.Bool
		trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				sent.Store(true)
			}
		}}
		method, body := "GET", io.Reader(nil)
		if cfg.Post {
			method, body = "POST", bytes.NewReader([]byte(`{"order":42}`))
		}
		// Not ctx: a request in flight when the load ends must finish,
		// or its cancellation would count as lost.
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), method, cfg.URL, body)
		begin := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			mu.Lock()
			if sent.Load() {
				res.Lost++
				if len(res.LostErrs) < 10 {
					res.LostErrs = append(res.LostErrs, err)
				}
			} else {
				res.Refused++
			}
			mu.Unlock()
			return sent.Load()
		}
		_, rerr := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		took := time.Since(begin)
		mu.Lock()
		switch {
		case rerr != nil:
			res.Lost++
			if len(res.LostErrs) < 10 {
				res.LostErrs = append(res.LostErrs, rerr)
			}
		case resp.StatusCode/100 == 2:
			res.OK++
			if resp.Close {
				res.Closing++
			}
			if cfg.Latencies {
				res.Latencies = append(res.Latencies, took)
			}
		default:
			res.Failed++
		}
		mu.Unlock()
		if n := answered.Add(1); cfg.Until != nil && cfg.Until(n) {
			cancel()
		}
		return true
	}
	if cfg.Rate > 0 {
		tick := time.NewTicker(time.Second / time.Duration(cfg.Rate))
		defer tick.Stop()
		for ctx.Err() == nil {
			select {
			case <-ctx.Done():
			case <-tick.C:
				wg.Add(1)
				go func() {
					defer wg.Done()
					tr := &http.Transport{DisableKeepAlives: true}
					defer tr.CloseIdleConnections()
					send(&http.Client{Transport: tr, Timeout: time.Minute})
				}()
			}
		}
	}
	for i := 0; cfg.Rate == 0 && i < cfg.Clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr := &http.Transport{MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1, DisableKeepAlives: cfg.NewConns}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr, Timeout: time.Minute}
			for ctx.Err() == nil {
				if !send(client) {
					return // the server is gone for this client
				}
			}
		}()
	}
	wg.Wait()
	return &res
}
