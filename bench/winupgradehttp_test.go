//go:build linux

package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/e2e"
	"github.com/svcgen/svcgen/internal/winetest"
)

// TestWindowsUpgradeThroughput measures what the worker's listener costs:
// after an upgrade a Windows service is served by a worker that accepts on
// the handed-over sockets itself (socketListener: WSAPoll, then accept,
// each connection an *os.File on Go's completion port), where the service
// process's own engine uses Go's net listener and connections. The same
// binary (1.0.0) serves both sides, run by Wine's Service Control Manager;
// 64 keep-alive clients on loopback send GET / (no sleep) for
// httpRoundTime per side and round, httpRounds rounds, the first side
// swapping each round. To serve from its own engine again after a worker
// did, the service is restarted (`sc stop`, `sc start`); every switch is
// followed by httpWarmTime of unrecorded load.
//
//	SVCGEN_BENCH=1 go test ./bench/ -run TestWindowsUpgradeThroughput -v -count=1
//
// It prints one line for bench/cmd/report:
//
//	BENCH winupgrade_http n= clients= own_rps= worker_rps= own_p50= own_p99= worker_p50= worker_p99=
func TestWindowsUpgradeThroughput(t *testing.T) {
	skipUnlessBench(t)
	p := winetest.New(t)
	v1, _ := e2e.WinUpgradeBuilds.Binaries(t, winUpgradeSource, false)
	s := e2e.InstallWinUpgradeService(t, p, v1)
	defer func() {
		if t.Failed() {
			t.Logf("service log:\n%s", s.Log())
		}
	}()
	ctx := context.Background()
	url := "http://" + s.API + "/"
	waitVersion(t, s.API, "1.0.0", time.Minute)
	serving := "own"
	// serveFrom makes side serve: an upgrade to the same binary for the
	// worker, a restart for the own engine; it checks which PID answers.
	serveFrom := func(side string) {
		t.Helper()
		if side == serving {
			return
		}
		switch side {
		case "worker":
			pid, err := upgradeWorker(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			if _, got := waitVersion(t, s.API, "1.0.0", time.Minute); got != pid {
				t.Fatalf("after the upgrade pid %d answers, want the worker %d", got, pid)
			}
		case "own":
			if err := s.Restart(ctx); err != nil {
				t.Fatal(err)
			}
			waitVersion(t, s.API, "1.0.0", time.Minute)
		}
		serving = side
		httpRound(t, url, false, httpWarmTime)
	}
	httpRound(t, url, false, httpWarmTime)

	sides := map[string]*httpSide{"own": {}, "worker": {}}
	order := []string{"own", "worker"}
	for round := range httpRounds {
		for _, side := range order {
			serveFrom(side)
			f := httpRound(t, url, false, httpRoundTime)
			sides[side].add(f)
			t.Logf("round %d, %-6s engine: %6.0f req/s, p50 %s, p99 %s", round, side, f.rps, ms(f.p50), ms(f.p99))
		}
		order[0], order[1] = order[1], order[0]
	}
	o, w := sides["own"], sides["worker"]
	t.Logf("HTTP to the Windows service under Wine, %d keep-alive clients on 127.0.0.1, %d rounds of %s per side, alternating (medians):", httpClients, httpRounds, httpRoundTime)
	t.Logf("  own engine (net listener)            %8.0f req/s  p50 %s  p99 %s", median(o.rps), ms(median(o.p50)), ms(median(o.p99)))
	t.Logf("  worker (socketListener, *os.File)    %8.0f req/s  p50 %s  p99 %s", median(w.rps), ms(median(w.p50)), ms(median(w.p99)))
	t.Logf("  worker/own: req/s %.3f  p50 %.3f  p99 %.3f", median(w.rps)/median(o.rps), median(w.p50)/median(o.p50), median(w.p99)/median(o.p99))
	Line("winupgrade_http", "n", httpRounds, "clients", httpClients,
		"own_rps", fmt.Sprintf("%.0f", median(o.rps)), "worker_rps", fmt.Sprintf("%.0f", median(w.rps)),
		"own_p50", fmt.Sprintf("%.0f", median(o.p50)), "own_p99", fmt.Sprintf("%.0f", median(o.p99)),
		"worker_p50", fmt.Sprintf("%.0f", median(w.p50)), "worker_p99", fmt.Sprintf("%.0f", median(w.p99)))
}
