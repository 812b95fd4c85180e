package bench

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/e2e"
)

// TestHTTPThroughput compares the runtime's HTTP server (svcrt.HTTPResource
// run by svcrt.Main, as in every generated service) with a bare
// http.Server, on the same handler and the same timeouts, each in its own
// process (testdata/httpserve), under 64 closed-loop clients on loopback:
//
//	SVCGEN_BENCH=1 go test ./bench/ -run TestHTTPThroughput -v -count=1
//
// Four cases: keep-alive clients and a new connection per request
// (Connection: close), each with a 13-byte handler and with one that sleeps
// 1 ms first. Each case runs httpRounds rounds; a round loads each server
// for httpRoundTime (or httpRoundMax answers), the side that goes first
// swapping every round. It prints the medians of the rounds' requests per
// second, p50 and p99 latency, and one line per case for bench/cmd/report:
//
//	BENCH http_<connections>[_1ms] n= svc_rps= bare_rps= svc_p50= svc_p99= bare_p50= bare_p99=
//
// SVCGEN_BENCH_HTTP_METRICS=1 runs the svcgen side with [metrics], so each
// request is also counted by status class.
func TestHTTPThroughput(t *testing.T) {
	skipUnlessBench(t)
	bin := buildTestdata(t, t.TempDir(), "httpserve")
	svcAddr, adminAddr, bareAddr := e2e.FreePort(t), e2e.FreePort(t), e2e.FreePort(t)

	svcArgs := []string{"-server", "svcgen", "-addr", svcAddr, "-admin", adminAddr}
	if os.Getenv("SVCGEN_BENCH_HTTP_METRICS") != "" {
		svcArgs = append(svcArgs, "-metrics")
	}
	svc, err := e2e.Start(bin, t.TempDir(), nil, svcArgs...)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Kill()
	bare, err := e2e.Start(bin, t.TempDir(), nil, "-server", "bare", "-addr", bareAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Kill()
	waitOK(t, svc, "http://"+adminAddr+"/readyz")
	waitOK(t, bare, "http://"+bareAddr+"/")

	cases := []struct {
		name, what string
		newConns   bool
		query      string
	}{
		{"http_keepalive", "keep-alive, 13-byte handler", false, ""},
		{"http_close", "new connection per request, 13-byte handler", true, ""},
		{"http_keepalive_1ms", "keep-alive, 1 ms handler", false, "?sleep=1ms"},
		{"http_close_1ms", "new connection per request, 1 ms handler", true, "?sleep=1ms"},
	}
	t.Logf("HTTP under %d closed-loop clients on 127.0.0.1, each server in its own process; %d rounds of %s per side, alternating (medians)",
		httpClients, httpRounds, httpRoundTime)
	for _, c := range cases {
		sides := map[string]*httpSide{"svcgen": {}, "bare": {}}
		urls := map[string]string{"svcgen": "http://" + svcAddr + "/" + c.query, "bare": "http://" + bareAddr + "/" + c.query}
		order := []string{"svcgen", "bare"}
		// Not recorded: both servers grow their goroutines and buffers first.
		for _, side := range order {
			httpRound(t, urls[side], c.newConns, httpWarmTime)
		}
		for range httpRounds {
			for _, side := range order {
				sides[side].add(httpRound(t, urls[side], c.newConns, httpRoundTime))
			}
			order[0], order[1] = order[1], order[0]
		}
		s, b := sides["svcgen"], sides["bare"]
		t.Logf("  %s", c.what)
		t.Logf("    svcgen  %8.0f req/s  p50 %s  p99 %s", median(s.rps), ms(median(s.p50)), ms(median(s.p99)))
		t.Logf("    bare    %8.0f req/s  p50 %s  p99 %s", median(b.rps), ms(median(b.p50)), ms(median(b.p99)))
		t.Logf("    svcgen/bare: req/s %.3f  p50 %.3f  p99 %.3f",
			median(s.rps)/median(b.rps), median(s.p50)/median(b.p50), median(s.p99)/median(b.p99))
		Line(c.name, "n", httpRounds, "clients", httpClients,
			"svc_rps", fmt.Sprintf("%.0f", median(s.rps)), "bare_rps", fmt.Sprintf("%.0f", median(b.rps)),
			"svc_p50", fmt.Sprintf("%.0f", median(s.p50)), "svc_p99", fmt.Sprintf("%.0f", median(s.p99)),
			"bare_p50", fmt.Sprintf("%.0f", median(b.p50)), "bare_p99", fmt.Sprintf("%.0f", median(b.p99)))
	}

	// The runtime's side must still stop in order after the load.
	svc.Signal(syscall.SIGTERM)
	if code, err := svc.Wait(15 * time.Second); err != nil || code != 0 {
		t.Errorf("svcgen server after SIGTERM: exit %d, %v; log:\n%s", code, err, svc.Log())
	}
}

// The load of one side in one round: 64 clients (the load of the lifecycle
// benchmarks), bounded in time and in answers.
const (
	httpClients   = 64
	httpRounds    = 5
	httpRoundTime = 3 * time.Second
	httpWarmTime  = 500 * time.Millisecond
	httpRoundMax  = 1_000_000
)

// httpSide collects one server's figures, one entry per round; latencies in
// nanoseconds.
type httpSide struct{ rps, p50, p99 []float64 }

func (s *httpSide) add(r httpFigures) {
	s.rps, s.p50, s.p99 = append(s.rps, r.rps), append(s.p50, r.p50), append(s.p99, r.p99)
}

// httpFigures are one round's requests per second and latency quantiles.
type httpFigures struct{ rps, p50, p99 float64 }

// httpRound loads url with httpClients clients for d and measures. A
// request that was refused, lost or not answered 2xx fails the test: the
// figures would not be of the same work.
func httpRound(t *testing.T, url string, newConns bool, d time.Duration) httpFigures {
	t.Helper()
	begin := time.Now()
	res := e2e.Load(context.Background(), e2e.LoadConfig{
		URL:       url,
		Clients:   httpClients,
		NewConns:  newConns,
		Latencies: true,
		Until: func(n int64) bool {
			return n >= httpRoundMax || time.Since(begin) >= d
		},
	})
	took := time.Since(begin)
	if res.Refused+res.Lost+res.Failed > 0 || res.OK == 0 {
		t.Fatalf("%s: %d ok, %d refused, %d lost %v, %d failed", url, res.OK, res.Refused, res.Lost, res.LostErrs, res.Failed)
	}
	lat := make([]float64, len(res.Latencies))
	for i, l := range res.Latencies {
		lat[i] = float64(l)
	}
	return httpFigures{rps: float64(res.OK) / took.Seconds(), p50: quantile(lat, .5), p99: quantile(lat, .99)}
}
