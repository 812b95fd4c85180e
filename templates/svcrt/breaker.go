package svcrt

import (
	"errors"
	"sync"
	"time"
)

// ErrBreakerOpen is returned, without a request being sent, while a
// client's breaker is open: the upstream failed breaker_failures attempts in a
// row and is given breaker_cooldown to recover instead of more load.
var ErrBreakerOpen = errors.New("circuit breaker open")

// breaker is a consecutive-failure circuit breaker:
// closed (requests flow; failures counts failed attempts in a row: a transport
// error or a 5xx) -> open after maxFailures (requests fail at once) ->
// half-open once cooldown has passed (one probe request at a time: its
// success closes the breaker, its failure opens it for another cooldown).
// maxFailures 0 disables it.
type breaker struct {
	maxFailures int
	cooldown    time.Duration

	mu       sync.Mutex
	failures int
	openedAt time.Time // zero while closed
	probing  bool      // half-open: the probe is in flight
}

// allow reports whether an attempt may be sent now; in half-open it admits
// the one probe.
func (b *breaker) allow() error {
	if b.maxFailures <= 0 {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.openedAt.IsZero() {
		return nil
	}
	if b.probing || time.Since(b.openedAt) < b.cooldown {
		return ErrBreakerOpen
	}
	b.probing = true
	return nil
}

// record counts the outcome of an attempt that allow let through.
func (b *breaker) record(ok bool) {
	if b.maxFailures <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.probing = false
	if ok {
		b.failures = 0
		b.openedAt = time.Time{}
		return
	}
	b.failures++
	// A failure while open or half-open starts a new cooldown.
	if b.failures >= b.maxFailures || !b.openedAt.IsZero() {
		b.openedAt = time.Now()
	}
}

// release ends an attempt without a verdict (its caller cancelled it).
func (b *breaker) release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.probing = false
}

// state is the breaker's state and failure count, for /readyz.
func (b *breaker) state() (string, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.openedAt.IsZero():
		return "closed", b.failures
	case b.probing || time.Since(b.openedAt) >= b.cooldown:
		return "half-open", b.failures
	}
	return "open", b.failures
}
