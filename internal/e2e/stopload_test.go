//go:build linux

package e2e

import (
	"fmt"
	"regexp"
	"syscall"
	"testing"
	"time"
)

// The Linux build under each load: SIGTERM, 0 lost, exit 0.
func TestStopUnderLoadsLinux(t *testing.T) {
	for _, l := range StopLoads {
		t.Run(l.Name, func(t *testing.T) {
			p := start(t)
			addr, err := p.ListenAddr("api", wait)
			if err != nil {
				t.Fatal(err)
			}
			waitLine(t, p, `msg="service ready"`)
			var began time.Time
			res := l.Run(fmt.Sprintf("http://%s/?sleep=%s", addr, l.Delay), func() {
				began = time.Now()
				p.Signal(syscall.SIGTERM)
			}, p.Exited())
			waitExit(t, p, 0)
			l.Check(t, res, time.Since(began))
			if line, err := p.WaitLine(regexp.MustCompile(`closed with \d+ requests in flight`), time.Millisecond); err == nil {
				t.Errorf("the drain ran out of its budget: %s", line)
			}
		})
	}
}
