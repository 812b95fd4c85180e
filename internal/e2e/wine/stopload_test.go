package wine

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/e2e"
	"github.com/svcgen/svcgen/internal/winetest"
)

// The Windows build under each load, stopped by `sc stop` through Wine's
// Service Control Manager: 0 lost, the stop within its budget, exit 0.
func TestStopUnderLoadsWindows(t *testing.T) {
	p := winetest.New(t)
	exe := windowsExe(t)
	ctx := context.Background()
	setControl(t, "open=0s", "close=0s")
	name := winetest.UniqueName("loads")
	p.CreateService(t, name, exe, "service")
	for _, l := range e2e.StopLoads {
		t.Run(l.Name, func(t *testing.T) {
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
			if l.Delay > 0 {
				url = fmt.Sprintf("http://%s/slow?ms=%d", winSvc.api, l.Delay.Milliseconds())
			}
			stopped := make(chan struct{})
			stopErr := make(chan error, 1)
			var st winetest.Status
			var began, ended time.Time
			res := l.Run(url, func() {
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
			l.Check(t, res, took)
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
