package e2e

import (
	"context"
	"sync"
	"testing"
	"time"
)

// StopLoad is one kind of traffic a stop must lose nothing under.
type StopLoad struct {
	Name    string
	Delay   time.Duration // how long each request's handler takes
	Clients int           // closed-loop clients; 0 with Rate
	Rate    int           // open-loop arrivals a second
	// Trigger is the number of answers after which the stop is sent.
	Trigger int64
}

// StopLoads are the same on Linux and Windows: closed-loop keep-alive
// clients that reconnect at once when a drain answers them with
// Connection: close (so connections keep arriving in the accept queue
// while the listener is being closed), with fast and 50 ms handlers, and
// open-loop arrivals of new connections that do not wait for each other.
var StopLoads = []StopLoad{
	{Name: "16 reconnecting clients, fast", Clients: 16, Trigger: 16 * 20},
	{Name: "64 reconnecting clients, fast", Clients: 64, Trigger: 64 * 10},
	{Name: "64 reconnecting clients, 50ms", Delay: 50 * time.Millisecond, Clients: 64, Trigger: 64 * 4},
	{Name: "100 new connections a second, 50ms", Delay: 50 * time.Millisecond, Rate: 100, Trigger: 100},
}

// Run sends l's traffic to url, calls stop once l.Trigger answers came, and
// ends when stopped is closed (the service is gone).
func (l StopLoad) Run(url string, stop func(), stopped <-chan struct{}) *LoadResult {
	var fire sync.Once
	return Load(context.Background(), LoadConfig{
		URL:     url,
		Clients: l.Clients,
		Rate:    l.Rate,
		Post:    true,
		Until: func(n int64) bool {
			if n >= l.Trigger {
				fire.Do(func() { go stop() })
			}
			return false
		},
		Stopped: stopped,
	})
}

// Check fails t when a request that was sent got no answer.
func (l StopLoad) Check(t *testing.T, res *LoadResult, took time.Duration) {
	t.Helper()
	t.Logf("%s: answered %d (%d with Connection: close), refused %d, lost %d, failed %d; stop took %v",
		l.Name, res.OK, res.Closing, res.Refused, res.Lost, res.Failed, took.Round(time.Millisecond))
	if res.Lost != 0 || res.Failed != 0 {
		t.Errorf("%s: %d requests sent were lost and %d failed: %v", l.Name, res.Lost, res.Failed, res.LostErrs)
	}
}
