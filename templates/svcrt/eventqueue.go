package svcrt

import (
	"fmt"
	"sync"
	"time"
	"unicode/utf16"
)

// The Windows event log is written off the request path: ReportEvent is a
// call into the event log service that can take milliseconds, and an error
// storm (a database down, every request logging its failure) would turn the
// log into the service's bottleneck and flood the Application log. So a
// record is queued without waiting (a full queue drops it and counts it),
// error records pass a token bucket (the excess is counted), and one
// goroutine writes them, with a Warning saying how many were left out.

// eventStringLimit is ReportEvent's limit on one string: 31,839 characters
// (UTF-16 code units) since Windows Vista.
const eventStringLimit = 31839

// truncateEvent cuts text to what ReportEvent takes, on a character
// boundary, and says it was cut.
func truncateEvent(text string) string {
	if len(text) <= eventStringLimit || len(utf16.Encode([]rune(text))) <= eventStringLimit {
		return text // a UTF-16 string has at most as many units as UTF-8 bytes
	}
	const mark = " …(truncated)"
	limit := eventStringLimit - len(utf16.Encode([]rune(mark)))
	n := 0
	for i, r := range text {
		n += utf16.RuneLen(r)
		if n > limit {
			return text[:i] + mark
		}
	}
	return text
}

// eventKind is the type of an event log record.
type eventKind int

const (
	eventInfo eventKind = iota
	eventWarning
	eventErr
)

type eventRecord struct {
	kind eventKind
	id   uint32
	text string
}

// Limits of the queue: how many records wait at most, and the error
// records' rate (a burst, then a steady rate).
const (
	eventQueueSize   = 256
	eventBurst       = 20
	eventPerSecond   = 2
	eventReportEvery = 30 * time.Second // the "suppressed" count of a storm still going on
	eventCloseWait   = 2 * time.Second  // close waits this long for the queue to be written
)

// Event IDs; a failure is eventFailed plus the exit code, so an event
// filter can pick one kind of failure.
const (
	eventStarting   = 1
	eventReady      = 2
	eventStopping   = 3
	eventStopped    = 4
	eventError      = 10 // an error record of the log
	eventSuppressed = 11 // a Warning counting the records left out
	eventFailed     = 100
)

// eventQueue writes records through write on its own goroutine.
type eventQueue struct {
	write func(eventRecord)
	now   func() time.Time
	ch    chan eventRecord
	done  chan struct{}

	mu         sync.Mutex
	tokens     float64
	last       time.Time // of the last refill
	suppressed int       // error records over the rate since the last report
	dropped    int       // records the full queue refused since the last report
	closed     bool
}

func newEventQueue(write func(eventRecord), now func() time.Time) *eventQueue {
	q := &eventQueue{write: write, now: now, ch: make(chan eventRecord, eventQueueSize), done: make(chan struct{}), tokens: eventBurst, last: now()}
	go q.run()
	return q
}

// post queues a record and never waits. Error records are rate-limited;
// the lifecycle records (starting, ready, stopping, stopped) are few and
// always queued.
func (q *eventQueue) post(kind eventKind, id uint32, text string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	if kind == eventErr && id == eventError && !q.take() {
		q.suppressed++
		return
	}
	select {
	case q.ch <- eventRecord{kind, id, truncateEvent(text)}:
	default:
		q.dropped++
	}
}

// take takes a token of the bucket, refilled at eventPerSecond up to eventBurst.
func (q *eventQueue) take() bool {
	now := q.now()
	q.tokens = min(eventBurst, q.tokens+now.Sub(q.last).Seconds()*eventPerSecond)
	q.last = now
	if q.tokens < 1 {
		return false
	}
	q.tokens--
	return true
}

// leftOut returns and resets the counts, as the text of a Warning ("" when
// nothing was left out).
func (q *eventQueue) leftOut() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	s, d := q.suppressed, q.dropped
	q.suppressed, q.dropped = 0, 0
	if s == 0 && d == 0 {
		return ""
	}
	return fmt.Sprintf("%d error records suppressed (more than %d a second), %d records dropped (queue full); the log file has them all", s, eventPerSecond, d)
}

func (q *eventQueue) report() {
	if text := q.leftOut(); text != "" {
		q.write(eventRecord{eventWarning, eventSuppressed, text})
	}
}

func (q *eventQueue) run() {
	defer close(q.done)
	tick := time.NewTicker(eventReportEvery)
	defer tick.Stop()
	for {
		select {
		case r, ok := <-q.ch:
			if !ok {
				q.report()
				return
			}
			q.report() // before the record, so that the count reads in order
			q.write(r)
		case <-tick.C:
			q.report()
		}
	}
}

// close writes what is queued (for at most eventCloseWait: the stop must
// not wait on the event log) and ends the writer. Records posted later are
// ignored.
func (q *eventQueue) close() {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.closed = true
	close(q.ch)
	q.mu.Unlock()
	select {
	case <-q.done:
	case <-time.After(eventCloseWait):
	}
}
