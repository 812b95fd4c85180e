package svcrt

import (
	"errors"
	"testing"
	"time"
)

// TestBreaker walks the breaker through closed, open, half-open and back;
// the cooldown passes by moving openedAt, not by sleeping.
func TestBreaker(t *testing.T) {
	b := &breaker{maxFailures: 3, cooldown: time.Hour}
	expect := func(step, wantState string, wantFailures int, wantAllow error) {
		t.Helper()
		if s, f := b.state(); s != wantState || f != wantFailures {
			t.Errorf("%s: state %s/%d, want %s/%d", step, s, f, wantState, wantFailures)
		}
		if err := b.allow(); !errors.Is(err, wantAllow) {
			t.Errorf("%s: allow = %v, want %v", step, err, wantAllow)
		}
	}
	expect("new", "closed", 0, nil)
	b.record(false)
	b.record(false)
	expect("two failures", "closed", 2, nil)
	b.record(true)
	expect("a success resets", "closed", 0, nil)
	for range 3 {
		b.record(false)
	}
	expect("three failures in a row", "open", 3, ErrBreakerOpen)

	b.mu.Lock()
	b.openedAt = time.Now().Add(-2 * time.Hour) // the cooldown has passed
	b.mu.Unlock()
	expect("after the cooldown", "half-open", 3, nil) // allow admitted the probe
	if err := b.allow(); !errors.Is(err, ErrBreakerOpen) {
		t.Errorf("a second request while the probe is in flight: %v", err)
	}
	b.record(false)
	expect("failed probe", "open", 4, ErrBreakerOpen)

	b.mu.Lock()
	b.openedAt = time.Now().Add(-2 * time.Hour)
	b.mu.Unlock()
	if err := b.allow(); err != nil {
		t.Fatalf("probe after the second cooldown: %v", err)
	}
	b.release() // the caller gave up: no verdict, the next may probe
	if err := b.allow(); err != nil {
		t.Fatalf("probe after a released one: %v", err)
	}
	b.record(true)
	expect("successful probe", "closed", 0, nil)

	off := &breaker{}
	for range 10 {
		off.record(false)
	}
	if err := off.allow(); err != nil {
		t.Errorf("a disabled breaker refused: %v", err)
	}
	if s, _ := off.state(); s != "closed" {
		t.Errorf("a disabled breaker is %s", s)
	}
}
