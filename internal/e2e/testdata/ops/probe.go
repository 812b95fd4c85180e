package main

import (
	"context"
	"errors"
	"os"
	"time"
)

// Probe's open waits while the file named by OPS_GATE is missing (a slow
// warmup); its check fails while the file named by OPS_DOWN exists.
type Probe struct{ down string }

func OpenProbe(ctx context.Context) (*Probe, error) {
	if gate := os.Getenv("OPS_GATE"); gate != "" {
		for {
			if _, err := os.Stat(gate); err == nil {
				break
			}
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	return &Probe{down: os.Getenv("OPS_DOWN")}, nil
}

func CheckProbe(ctx context.Context, p *Probe) error {
	if p.down == "" {
		return nil
	}
	if _, err := os.Stat(p.down); err == nil {
		return errors.New("probe is down")
	}
	return nil
}
