package svcrt

import (
	"testing"
	"time"
)

func TestWithMargin(t *testing.T) {
	for _, c := range []struct{ limit, want time.Duration }{
		{5 * time.Second, 4 * time.Second},
		{10 * time.Second, 8 * time.Second},
		{3 * time.Minute, 170 * time.Second},
		{1000 * time.Hour, 1000*time.Hour - 10*time.Second},
		{3 * time.Second, 2 * time.Second},
		{2 * time.Second, time.Second},
		{time.Millisecond, 500 * time.Microsecond},
	} {
		if got := withMargin(c.limit); got != c.want || got <= 0 || got >= c.limit {
			t.Errorf("withMargin(%v) = %v, want %v (above 0, under the limit)", c.limit, got, c.want)
		}
	}
}

// preshutdown = "0s": the budget is the OS's limit minus the margin, never 0.
func TestPreshutdownBudget(t *testing.T) {
	for _, c := range []struct {
		name                   string
		configured, registered time.Duration
		build                  uint32
		want                   time.Duration
	}{
		{"registered by install", 30 * time.Second, 30 * time.Second, 20348, 24 * time.Second},
		{"0s on Server 2022", 0, 0, 20348, 8 * time.Second},
		{"0s on Server 2019", 0, 0, 17763, 8 * time.Second},
		{"0s on the Creators Update", 0, 0, 15063, 8 * time.Second},
		{"0s on Server 2016", 0, 0, 14393, 170 * time.Second},
		{"0s, an administrator set one", 0, 60 * time.Second, 20348, 50 * time.Second},
	} {
		if got := preshutdownBudget(c.configured, c.registered, c.build); got != c.want {
			t.Errorf("%s: budget %v, want %v", c.name, got, c.want)
		}
	}
}

func TestShutdownBudgets(t *testing.T) {
	for _, c := range []struct {
		value   string
		present bool
		want    time.Duration
	}{
		{"", false, 5 * time.Second},
		{"5000", true, 5 * time.Second},
		{"20000", true, 20 * time.Second},
		{" 12000 ", true, 12 * time.Second},
		{"0", true, 5 * time.Second},
		{"soon", true, 5 * time.Second},
		{"-1", true, 5 * time.Second},
	} {
		if got := waitToKillService(c.value, c.present); got != c.want {
			t.Errorf("WaitToKillServiceTimeout %q (present %v) = %v, want %v", c.value, c.present, got, c.want)
		}
	}
	// timeouts.shutdown 5s (its default) against 5 s: 4 s, not the whole 5.
	if got := shutdownBudget(5*time.Second, 5*time.Second); got != 4*time.Second {
		t.Errorf("shutdown budget %v, want 4s", got)
	}
	if got := shutdownBudget(3*time.Second, 20*time.Second); got != 3*time.Second {
		t.Errorf("shutdown budget %v, want the spec's 3s", got)
	}
	if got := consoleShutdownBudget(10 * time.Second); got != 4*time.Second {
		t.Errorf("console close budget %v, want 4s", got)
	}
}
