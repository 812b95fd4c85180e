package svcrt

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Two verbs asking at once each find their own outcome: the requests are
// taken oldest first, each once, and an outcome is found by its id only,
// whoever else answered or asked.
func TestUpgradeRequestsAreAnsweredByID(t *testing.T) {
	dir := t.TempDir()
	var seq atomic.Int64
	a, err := askUpgrade(dir, "orders")
	if err != nil {
		t.Fatal(err)
	}
	// Request files are ordered by their time: make b's later for sure.
	time.Sleep(10 * time.Millisecond)
	b, err := askUpgrade(dir, "orders")
	if err != nil || a == b {
		t.Fatalf("second request: %q, %v (first %q)", b, err, a)
	}
	// Another service's request in the same directory is not this one's.
	other, err := askUpgrade(dir, "billing")
	if err != nil {
		t.Fatal(err)
	}
	if got := takeUpgradeRequests(dir, "orders", &seq); !slices.Equal(got, []string{a, b}) {
		t.Fatalf("taken %v, want %v", got, []string{a, b})
	}
	if got := takeUpgradeRequests(dir, "orders", &seq); len(got) != 1 || !strings.HasPrefix(got[0], "signal-") {
		t.Fatalf("a ring with no request: %v, want one id of the service's own", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "billing"+requestPrefix+other)); err != nil {
		t.Errorf("billing's request was taken by orders: %v", err)
	}

	if _, ok := outcomeOf(dir, "orders", a); ok {
		t.Fatal("an outcome before any was recorded")
	}
	if err := recordOutcome(dir, "orders", b, "refused", "an upgrade\nis under way"); err != nil {
		t.Fatal(err)
	}
	// A line cut short by a crash is skipped.
	f, _ := os.OpenFile(outcomesFile(dir, "orders"), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(a + "\n")
	f.Close()
	if _, ok := outcomeOf(dir, "orders", a); ok {
		t.Fatal("a's outcome found before it was recorded")
	}
	if err := recordOutcome(dir, "orders", a, "ok", "4242"); err != nil {
		t.Fatal(err)
	}
	if got, ok := outcomeOf(dir, "orders", a); !ok || got.result != "ok" || got.detail != "4242" || got.pid != os.Getpid() {
		t.Errorf("a: %+v %v, want ok 4242 from this process", got, ok)
	}
	if got, ok := outcomeOf(dir, "orders", b); !ok || got.result != "refused" || got.detail != "an upgrade is under way" {
		t.Errorf("b: %+v %v, want refused, on one line", got, ok)
	}

	c, _ := askUpgrade(dir, "orders")
	withdrawUpgrade(dir, "orders", c)
	if got := takeUpgradeRequests(dir, "orders", &seq); slices.Contains(got, c) {
		t.Errorf("a withdrawn request was taken: %v", got)
	}
}
