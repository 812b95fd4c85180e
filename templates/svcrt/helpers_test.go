package svcrt

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitLimit bounds every wait of the tests on a channel: a test that would
// hang fails with a message instead. Nothing waits this long when the
// package works; the budgets under test are tens of milliseconds.
const waitLimit = 10 * time.Second

// testConfig is a Config with generous budgets; each test shortens the one
// it is about.
func testConfig() *Config {
	return &Config{
		Name:    "svctest",
		Version: "test",
		Timeouts: TimeoutConfig{
			Start:    waitLimit,
			Stop:     waitLimit,
			Drain:    waitLimit / 2,
			Critical: waitLimit / 4,
			Shutdown: waitLimit,
		},
		Admin: AdminConfig{Addr: "127.0.0.1:0"},
	}
}

// node is a node with budgets long enough not to matter.
func node(name string, deps ...*Node) *Node {
	return &Node{Name: name, Kind: "test", Deps: deps, OpenTimeout: waitLimit, CloseTimeout: waitLimit}
}

// trail records what happened, in order, from any goroutine.
type trail struct {
	mu   sync.Mutex
	list []string
}

func (e *trail) add(format string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, fmt.Sprintf(format, args...))
}

func (e *trail) all() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.list)
}

// index is the position of ev, -1 if it did not happen.
func (e *trail) index(ev string) int {
	return slices.Index(e.all(), ev)
}

func (e *trail) has(ev string) bool { return e.index(ev) >= 0 }

// before fails the test unless first and then both happened, first earlier.
func (e *trail) before(t *testing.T, first, then string) {
	t.Helper()
	i, j := e.index(first), e.index(then)
	if i < 0 || j < 0 || i >= j {
		t.Errorf("want %q before %q; events: %q", first, then, e.all())
	}
}

// logRecord is one record of the engine's log.
type logRecord struct {
	level slog.Level
	msg   string
	attrs map[string]string
}

// logs is a slog.Handler that keeps every record, so tests can read what the
// engine said (and print it when they fail).
type logs struct {
	mu      *sync.Mutex
	records *[]logRecord
	attrs   []slog.Attr
}

func newLogs() *logs {
	return &logs{mu: new(sync.Mutex), records: new([]logRecord)}
}

func (l *logs) Enabled(context.Context, slog.Level) bool { return true }

func (l *logs) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{level: r.Level, msg: r.Message, attrs: map[string]string{}}
	for _, a := range l.attrs {
		rec.attrs[a.Key] = a.Value.String()
	}
	r.Attrs(func(a slog.Attr) bool {
		rec.attrs[a.Key] = a.Value.String()
		return true
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	*l.records = append(*l.records, rec)
	return nil
}

func (l *logs) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &logs{mu: l.mu, records: l.records, attrs: append(slices.Clone(l.attrs), attrs...)}
}

func (l *logs) WithGroup(string) slog.Handler { return l }

func (l *logs) all() []logRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(*l.records)
}

// find returns the first record with msg whose attributes include kv
// (key, value, ...).
func (l *logs) find(msg string, kv ...string) (logRecord, bool) {
	for _, r := range l.all() {
		if r.msg != msg {
			continue
		}
		match := true
		for i := 0; i+1 < len(kv); i += 2 {
			if r.attrs[kv[i]] != kv[i+1] {
				match = false
			}
		}
		if match {
			return r, true
		}
	}
	return logRecord{}, false
}

func (l *logs) String() string {
	var b strings.Builder
	for _, r := range l.all() {
		fmt.Fprintf(&b, "%s %s", r.level, r.msg)
		keys := make([]string, 0, len(r.attrs))
		for k := range r.attrs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			v := r.attrs[k]
			if k == "stack" {
				v = "..."
			}
			fmt.Fprintf(&b, " %s=%q", k, v)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func newTestLogger() *slog.Logger { return slog.New(newLogs()) }

// harness runs one engine and records its callbacks.
type harness struct {
	t    *testing.T
	app  *App
	ev   *trail
	logs *logs

	readyN  atomic.Int32
	readyCh chan struct{} // closed by the first ready callback
	budget  atomic.Int64  // the budget the stopping callback got
	done    chan ExitCode
}

func newHarness(t *testing.T, cfg *Config) *harness {
	t.Helper()
	h := &harness{
		t:       t,
		ev:      &trail{},
		logs:    newLogs(),
		readyCh: make(chan struct{}),
		done:    make(chan ExitCode, 1),
	}
	h.app = New(cfg, slog.New(h.logs), func() error {
		h.ev.add("flush")
		return nil
	})
	h.app.ready = func() {
		h.ev.add("ready")
		if h.readyN.Add(1) == 1 {
			close(h.readyCh)
		}
	}
	h.app.progress = func(step string) { h.ev.add("progress %s", step) }
	h.app.stopping = func(budget time.Duration) {
		h.ev.add("stopping")
		h.budget.Store(int64(budget))
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("engine log:\n%s", h.logs)
		}
	})
	return h
}

// run starts the engine (App.Run) on its own goroutine.
func (h *harness) run() {
	go func() { h.done <- h.app.Run() }()
}

// waitReady waits for the ready callback.
func (h *harness) waitReady() {
	h.t.Helper()
	select {
	case <-h.readyCh:
	case code := <-h.done:
		h.t.Fatalf("the engine exited with %d (%s) before ready", code, code)
	case <-time.After(waitLimit):
		h.t.Fatal("not ready within", waitLimit)
	}
}

// wait waits for run to return its exit code.
func (h *harness) wait() ExitCode {
	h.t.Helper()
	select {
	case code := <-h.done:
		return code
	case <-time.After(waitLimit):
		h.t.Fatal("the engine did not exit within", waitLimit)
		return -1
	}
}

// stop requests a stop and waits for the exit code.
func (h *harness) stop(kind StopKind) ExitCode {
	h.t.Helper()
	if forced := h.app.Stop(kind, "test"); forced {
		h.t.Error("the first Stop reported forced")
	}
	return h.wait()
}

// expectCode fails the test unless code is want.
func expectCode(t *testing.T, code, want ExitCode) {
	t.Helper()
	if code != want {
		t.Errorf("exit code %d (%s), want %d (%s)", code, code, want, want)
	}
}

// recv waits for a value or the close of ch.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitLimit):
		t.Fatalf("%s: nothing within %s", what, waitLimit)
		var zero T
		return zero
	}
}

// latch closes ch once, so a step that runs more than once does not panic.
type latch struct {
	once sync.Once
	ch   chan struct{}
}

func newLatch() *latch { return &latch{ch: make(chan struct{})} }

func (s *latch) fire() { s.once.Do(func() { close(s.ch) }) }

// hang returns a channel a step blocks on while ignoring its context; the
// test's cleanup releases it so no goroutine outlives the test.
func hang(t *testing.T) chan struct{} {
	ch := make(chan struct{})
	t.Cleanup(func() { close(ch) })
	return ch
}
