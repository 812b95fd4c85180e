package svcrt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Backoff between the warmup attempts of a pool. A dependency that is still
// starting (a database coming up next to the service) refuses connections
// for a while; retrying inside the resource's open timeout rides that out.
const (
	warmRetryFirst = 100 * time.Millisecond
	warmRetryMax   = 2 * time.Second
)

// warmRetry runs warm until it succeeds or ctx (the resource's open
// timeout) ends. The error keeps the last real cause: "context deadline
// exceeded" alone would not say that the database refused connections.
// Each failure is redacted with secrets before it is logged or returned: a
// driver's message may echo its connection string.
func warmRetry(ctx context.Context, log *slog.Logger, resource string, secrets *secretSet, warm func(context.Context) error) error {
	wait := warmRetryFirst
	var last error
	for attempt := 1; ; attempt++ {
		err := secrets.redactErr(warm(ctx))
		if err == nil {
			return nil
		}
		if permanent(err) {
			return fmt.Errorf("gave up after %d attempts, a retry cannot fix it: %w", attempt, err)
		}
		if ctx.Err() != nil {
			if last != nil && errors.Is(err, ctx.Err()) {
				err = last
			}
			return fmt.Errorf("gave up after %d attempts: %w", attempt, err)
		}
		last = err
		// Jitter spreads the retries of instances that were started together.
		sleep := wait/2 + rand.N(wait/2+1)
		if deadline, ok := ctx.Deadline(); ok {
			// Near the deadline, retry sooner and give up just before it, so the
			// error that ends the start is this one, with its cause, not the timeout.
			left := time.Until(deadline)
			if left < warmRetryFirst {
				return fmt.Errorf("gave up after %d attempts: %w", attempt, err)
			}
			sleep = min(sleep, left/2)
		}
		log.Warn("warmup failed, retrying", "resource", resource, "attempt", attempt, "retry_in", sleep, "err", err)
		t := time.NewTimer(sleep)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("gave up after %d attempts: %w", attempt, last)
		case <-t.C:
		}
		wait = min(2*wait, warmRetryMax)
	}
}

// closeWithin runs closeFn and returns when it does or when ctx (the
// resource's close timeout) ends: (*sql.DB).Close waits for the queries in
// flight, and the stop must not wait past its budget for one.
func closeWithin(ctx context.Context, closeFn func() error) error {
	done := make(chan error, 1)
	go func() {
		done <- closeFn()
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// pooled is what a pooled kind (sql, redis, http_client) hands poolResource:
// how to open its value and what to do with it afterwards.
type pooled[T any] struct {
	kind string
	// secrets are the credentials open reads (from the environment or a
	// file): every error, readiness detail and panic of the resource leaves
	// redacted with them.
	secrets *secretSet
	open    func(context.Context) (T, error)
	close   func(context.Context, T) error
	status  func(T) map[string]any
	check   func(context.Context, T) error // nil: no liveness check
	stats   func(T) map[string]float64
}

// poolResource adds the node of a pooled resource: open sets the value that
// every later step (and every dependent) uses.
func poolResource[T any](app *App, n *Node, k pooled[T]) *Resource[T] {
	r := &Resource[T]{Node: n}
	n.Kind = k.kind
	n.Open = func(ctx context.Context) error {
		// Recovered here, not only by the lifecycle, so that a driver's panic
		// that quotes the connection string is redacted too.
		return k.secrets.redactErr(guard(func() (err error) {
			r.Value, err = k.open(ctx)
			return err
		}))
	}
	n.Close = func(ctx context.Context) error { return k.secrets.redactErr(k.close(ctx, r.Value)) }
	n.Status = func() map[string]any { return k.secrets.redactStatus(k.status(r.Value)) }
	if k.check != nil {
		n.Check = func(ctx context.Context) error { return k.secrets.redactErr(k.check(ctx, r.Value)) }
	}
	n.Stats = func() map[string]float64 { return k.stats(r.Value) }
	app.Add(n)
	return r
}
