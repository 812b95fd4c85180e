package main

import (
	"context"
	"time"
)

// Warm is a resource that takes 1s to open, as a cache loading would.
type Warm struct{}

// OpenWarm warms up for 1s.
func OpenWarm(ctx context.Context) (*Warm, error) {
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case <-t.C:
		return &Warm{}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
