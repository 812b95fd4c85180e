//go:build linux

package bench

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/e2e"
	"github.com/svcgen/svcgen/internal/winetest"
)

// TestWindowsUpgradeRestart measures what a restart to a new binary costs
// the clients of a Windows service run by Wine's Service Control Manager,
// under 64 keep-alive POST clients and 100 new connections a second at
// once (the loads of TestUpgradeRestart), for two ways of doing it,
// alternating restart by restart, the first side swapping each round:
//
//   - plain restart: the new binary installed at the service's path, then
//     `sc stop` (wait for STOPPED) and `sc start` (wait for RUNNING);
//   - svcgen upgrade: the new binary installed at the path, then `<exe>
//     upgrade -name NAME`: the SCM's process stays the service and hands
//     its listening sockets to a worker running the new binary.
//
// One service serves throughout; each restart swaps 1.0.0 and 2.0.0, so the
// new binary is the one answering with the other version. An upgrade after
// a plain restart hands over from the service process's own engine, one
// after an upgrade from a worker; each line says which.
//
// Per restart: requests refused (dial failed) and lost (sent, never
// answered), and the time from the request (`sc stop` issued, the verb
// started) to the first answer of the new binary on a new connection.
// During each upgrade `sc query` is asked every 100 ms; any state other
// than RUNNING is recorded.
//
//	SVCGEN_BENCH=1 go test ./bench/ -run TestWindowsUpgradeRestart -v -count=1
//
// It prints one machine-readable line per restart and one for the SCM
// states, for bench/cmd/report:
//
//	BENCH winupgrade_restart side=plain|upgrade round= from= refused= lost= failed= took=
//	BENCH winupgrade_scm queries= not_running= states=
func TestWindowsUpgradeRestart(t *testing.T) {
	skipUnlessBench(t)
	p := winetest.New(t)
	v1, v2 := e2e.WinUpgradeBuilds.Binaries(t, winUpgradeSource, false)
	s := e2e.InstallWinUpgradeService(t, p, v1)
	defer func() {
		if t.Failed() {
			t.Logf("service log:\n%s", s.Log())
		}
	}()
	ctx := context.Background()
	builds := []struct{ version, bin string }{{"1.0.0", v1}, {"2.0.0", v2}}
	serving := 0 // index in builds of the version that answers
	// Which engine serves: the service process's own, or a worker's.
	from := "own"

	type side struct {
		key, name string
		restart   func() error
	}
	sides := []side{
		{key: "plain", name: "sc stop + sc start", restart: func() error { return s.Restart(ctx) }},
		{key: "upgrade", name: "svcgen upgrade verb", restart: func() error { return upgradeVerb(ctx, s) }},
	}
	const rounds = 5
	results := map[string][]restart{}
	firstLost := map[string]error{} // what a lost request met, per side
	var queries int
	var notRunning []string
	for round := range rounds {
		for i := range sides {
			sd := sides[(i+round)%len(sides)]
			next := builds[1-serving]
			loads := startRestartLoads(s.API)
			loads.waitAnswered(t, 300)
			if err := e2e.Install(next.bin, s.Exe); err != nil {
				t.Fatal(err)
			}
			var watch *e2e.SCMWatch
			if sd.key == "upgrade" {
				watch = e2e.WatchRunning(p, s.Name)
			}
			begin := time.Now()
			restarted := make(chan error, 1)
			go func() { restarted <- sd.restart() }()
			// The new binary may answer before the verb returns or sc
			// query shows RUNNING: the clock stops at its first answer.
			_, pid := waitVersion(t, s.API, next.version, 2*time.Minute)
			took := time.Since(begin)
			if err := <-restarted; err != nil {
				loads.end()
				t.Fatalf("%s, round %d: %v", sd.name, round, err)
			}
			loads.waitAnswered(t, 300)
			keep, fresh := loads.end()
			if watch != nil {
				n, seen := watch.End()
				queries += n
				notRunning = append(notRunning, seen...)
			}
			r := restartOf(keep, fresh, took)
			results[sd.key] = append(results[sd.key], r)
			t.Logf("%-20s round %d (%s → %s, from the %s engine, now pid %d): refused %d, lost %d, failed %d; new binary answering after %v",
				sd.name, round, builds[serving].version, next.version, from, pid, r.refused, r.lost, r.failed, took.Round(time.Millisecond))
			if errs := append(keep.LostErrs, fresh.LostErrs...); len(errs) > 0 && firstLost[sd.key] == nil {
				firstLost[sd.key] = errs[0]
			}
			Line("winupgrade_restart", "side", sd.key, "round", round, "from", from,
				"refused", r.refused, "lost", r.lost, "failed", r.failed, "took", int64(took))
			serving = 1 - serving
			if sd.key == "upgrade" {
				from = "worker"
			} else {
				from = "own"
			}
		}
	}
	t.Logf("per restart, %d restarts each, under 64 keep-alive clients and 100 new connections/s, Wine's SCM:", rounds)
	for _, sd := range sides {
		var refused, lost []int64
		var took []float64
		var totalRefused, totalLost int64
		for _, r := range results[sd.key] {
			refused, lost, took = append(refused, r.refused), append(lost, r.lost+r.failed), append(took, float64(r.took)/float64(time.Millisecond))
			totalRefused += r.refused
			totalLost += r.lost + r.failed
		}
		t.Logf("  %-20s refused median %d (total %d), lost median %d (total %d), request → new binary answering median %.0f ms",
			sd.name, median(refused), totalRefused, median(lost), totalLost, median(took))
	}
	for _, sd := range sides {
		if e := firstLost[sd.key]; e != nil {
			t.Logf("  %-20s the first lost request: %v", sd.name, e)
		}
	}
	t.Logf("sc query during the %d upgrades: %d queries, %d not RUNNING %v", rounds, queries, len(notRunning), notRunning)
	Line("winupgrade_scm", "queries", queries, "not_running", len(notRunning), "states", statesWord(notRunning))
	if len(notRunning) > 0 {
		t.Errorf("the SCM showed %s during the upgrades, want RUNNING throughout", strings.Join(notRunning, ", "))
	}
}
