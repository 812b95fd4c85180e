package main

import (
	"context"
	"time"
)

// benchStep is what one resource takes to open and to close.
const benchStep = 100 * time.Millisecond

func slow(ctx context.Context) error {
	t := time.NewTimer(benchStep)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
