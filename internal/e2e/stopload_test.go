//go:build linux

package e2e

import (
	"context"
	"fmt"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/winetest"
)

// stopLoad is one kind of traffic a stop must lose nothing under.
type stopLoad struct {
	name    string
	delay   time.Duration // how long each request's handler takes
	clients int           // closed-loop clients; 0 with rate
	rate    int           // open-loop arrivals a second
	// trigger is the number of answers after which the stop is sent.
	trigger int64
}

// stopLoads are the same on Linux and Windows: closed-loop keep-alive
// clients that reconnect at once when a drain answers them with
// Connection: close (so connections keep arriving in the accept queue
// while the listener is being closed), with fast and 50 ms handlers, and
// open-loop arrivals of new connections that do not wait for each other.
var stopLoads = []stopLoad{
	{name: "16 reconnecting clients, fast", clients: 16, trigger: 16 * 20},
	{name: "64 reconnecting clients, fast", clients: 64, trigger: 64 * 10},
	{name: "64 reconnecting clients, 50ms", delay: 50 * time.Millisecond, clients: 64, trigger: 64 * 4},
	{name: "100 new connections a second, 50ms", delay: 50 * time.Millisecond, rate: 100, trigger: 100},
}

// run sends l's traffic to url, calls stop once l.trigger answers came, and
// ends when stopped is closed (the service is gone).
func (l stopLoad) run(url string, stop func(), stopped <-chan struct{}) *LoadResult {
	fired := false
	return Load(context.Background(), LoadConfig{
		URL:     url,
		Clients: l.clients,
		Rate:    l.rate,
		Post:    true,
		Until: func(n int64) bool {
			if n >= l.trigger && !fired {
				fired = true
				go stop()
			}
			return false
		},
		Stopped: stopped,
	})
}

// check fails t when a request that was sent got no answer.
func (l stopLoad) check(t *testing.T, res *LoadResult, took time.Duration) {
	t.Helper()
	t.Logf("%s: answered %d (%d with Connection: close), refused %d, lost %d, failed %d; stop took %v",
		l.name, res.OK, res.Closing, res.Refused, res.Lost, res.Failed, took.Round(time.Millisecond))
	if res.Lost != 0 || res.Failed != 0 {
		t.Errorf("%s: %d requests sent were lost and %d failed: %v", l.name, res.Lost, res.Failed, res.LostErrs)
	}
}

// The Linux build under each load: SIGTERM, 0 lost, exit 0.
func TestStopUnderLoadsLinux(t *testing.T) {
	for _, l := range stopLoads {
		t.Run(l.name, func(t *testing.T) {
			p := start(t)
			addr, err := p.ListenAddr("api", wait)
			if err != nil {
				t.Fatal(err)
			}
			waitLine(t, p, `msg="service ready"`)
			var began time.Time
			res := l.run(fmt.Sprintf("http://%s/?sleep=%s", addr, l.delay), func() {
				began = time.Now()
				p.Signal(syscall.SIGTERM)
			}, p.Exited())
			waitExit(t, p, 0)
			l.check(t, res, time.Since(began))
			if line, err := p.WaitLine(regexp.MustCompile(`closed with \d+ requests in flight`), time.Millisecond); err == nil {
				t.Errorf("the drain ran out of its budget: %s", line)
			}
		})
	}
}

// The Windows build under each load, stopped by `sc stop` through Wine's
// Service Control Manager: 0 lost, the stop within its budget, exit 0.
func TestStopUnderLoadsWindows(t *testing.T) {
	p := winetest.New(t)
	exe := windowsExe(t)
	ctx := context.Background()
	setControl(t, "open=0s", "close=0s")
	name := winetest.UniqueName("loads")
	p.CreateService(t, name, exe, "service")
	for _, l := range stopLoads {
		t.Run(l.name, func(t *testing.T) {
			logFrom := len(serviceLog())
			defer func() {
				if t.Failed() {
					t.Logf("service log of this run:\n%s", serviceLog()[logFrom:])
				}
			}()
			if _, err := p.SC(ctx, "start", name); err != nil {
				t.Fatalf("sc start: %v\n%s", err, serviceLog())
			}
			if _, err := p.WaitState(ctx, name, winetest.StateRunning, time.Minute, nil); err != nil {
				t.Fatalf("%v\n%s", err, serviceLog())
			}
			url := "http://" + winSvc.api + "/"
			if l.delay > 0 {
				url = fmt.Sprintf("http://%s/slow?ms=%d", winSvc.api, l.delay.Milliseconds())
			}
			stopped := make(chan struct{})
			stopErr := make(chan error, 1)
			var st winetest.Status
			var began, ended time.Time
			res := l.run(url, func() {
				began = time.Now()
				_, err := p.SC(ctx, "stop", name)
				if err == nil {
					st, err = p.WaitState(ctx, name, winetest.StateStopped, time.Minute, nil)
				}
				ended = time.Now()
				close(stopped)
				stopErr <- err
			}, stopped)
			if err := <-stopErr; err != nil {
				t.Fatalf("sc stop: %v\n%s", err, serviceLog())
			}
			took := ended.Sub(began)
			l.check(t, res, took)
			// testdata/windows: [timeouts] stop = "20s".
			if took > 20*time.Second {
				t.Errorf("the stop took %v, past its 20s budget", took)
			}
			if st.Win32ExitCode != 0 || st.ServiceSpecificExitCode != 0 {
				t.Errorf("stopped status = %v, want a clean stop\n%s", st, serviceLog())
			}
		})
	}
}
