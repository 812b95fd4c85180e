package svcrt

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

func TestTruncateEvent(t *testing.T) {
	units := func(s string) int { return len(utf16.Encode([]rune(s))) }
	short := strings.Repeat("a", eventStringLimit)
	if got := truncateEvent(short); got != short {
		t.Errorf("a string of exactly the limit was changed (%d units)", units(got))
	}
	for name, text := range map[string]string{
		"ascii":             strings.Repeat("a", 100000),
		"two-byte":          strings.Repeat("é", 40000),
		"surrogate pairs":   strings.Repeat("😀", 20000),
		"pair at the limit": strings.Repeat("a", eventStringLimit-14) + strings.Repeat("😀", 10),
	} {
		got := truncateEvent(text)
		if n := units(got); n > eventStringLimit {
			t.Errorf("%s: %d UTF-16 units, over the limit of %d", name, n, eventStringLimit)
		}
		if !strings.HasSuffix(got, "(truncated)") || !strings.HasPrefix(text, strings.TrimSuffix(got, " …(truncated)")) {
			t.Errorf("%s: not a prefix with the mark: ...%q", name, got[len(got)-30:])
		}
		if !utf8Valid(got) {
			t.Errorf("%s: cut inside a character", name)
		}
	}
}

func utf8Valid(s string) bool {
	return strings.ToValidUTF8(s, "\uFFFD") == s && !strings.Contains(s, "\uFFFD")
}

// fakeClock is a clock a test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// recorder collects what the queue writes.
type recorder struct {
	mu   sync.Mutex
	recs []eventRecord
}

func (r *recorder) write(e eventRecord) {
	r.mu.Lock()
	r.recs = append(r.recs, e)
	r.mu.Unlock()
}

func TestEventQueueRateLimit(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	rec := &recorder{}
	q := newEventQueue(rec.write, clock.Now)
	// A storm: 1000 error records in an instant get the burst through.
	for range 1000 {
		q.post(eventErr, eventError, "db down")
	}
	// The lifecycle records are never rate-limited.
	q.post(eventErr, eventFailed+3, "failed with exit code 3")
	// Five seconds later the bucket has refilled by ten.
	clock.add(5 * time.Second)
	for range 100 {
		q.post(eventErr, eventError, "db still down")
	}
	q.close()
	var errs, failed int
	var warnings []string
	for _, r := range rec.recs {
		switch {
		case r.kind == eventWarning:
			warnings = append(warnings, r.text)
		case r.id == eventError:
			errs++
		case r.id == eventFailed+3:
			failed++
		}
	}
	if want := eventBurst + 5*eventPerSecond; errs != want {
		t.Errorf("%d error records written, want %d (burst %d, then %d a second for 5 s)", errs, want, eventBurst, eventPerSecond)
	}
	if failed != 1 {
		t.Errorf("the failure record was written %d times", failed)
	}
	suppressed := 0
	for _, w := range warnings {
		var s, d int
		if _, err := fmt.Sscanf(w, "%d error records suppressed (more than 2 a second), %d records dropped", &s, &d); err != nil {
			t.Fatalf("warning %q: %v", w, err)
		}
		suppressed += s
		if d != 0 {
			t.Errorf("dropped %d with a queue of %d", d, eventQueueSize)
		}
	}
	if want := 1100 - errs; suppressed != want {
		t.Errorf("warnings count %d suppressed, want %d: %q", suppressed, want, warnings)
	}
}

// A writer that hangs (the event log service stuck) never blocks post: the
// queue fills, what does not fit is counted, and close gives up waiting.
func TestEventQueueNeverBlocks(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	release := make(chan struct{})
	rec := &recorder{}
	q := newEventQueue(func(r eventRecord) {
		<-release
		rec.write(r)
	}, clock.Now)
	posted := make(chan struct{})
	go func() {
		for range 2 * eventQueueSize {
			q.post(eventInfo, eventReady, "ready") // not rate-limited: only the queue bounds it
		}
		close(posted)
	}()
	<-posted // returns although nothing is written
	close(release)
	q.close()
	written, dropped := 0, 0
	for _, r := range rec.recs {
		if r.kind != eventWarning {
			written++
			continue
		}
		var s, d int
		if _, err := fmt.Sscanf(r.text, "%d error records suppressed (more than 2 a second), %d records dropped", &s, &d); err != nil {
			t.Fatalf("warning %q: %v", r.text, err)
		}
		dropped += d
	}
	// At most the queue and the record in the writer's hands got through.
	if written > eventQueueSize+1 || written+dropped != 2*eventQueueSize {
		t.Errorf("%d written and %d counted as dropped of %d posted, with a queue of %d", written, dropped, 2*eventQueueSize, eventQueueSize)
	}
}
