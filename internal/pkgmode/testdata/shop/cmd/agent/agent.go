// Command agent runs the shop's background jobs.
package main

import (
	"context"
	"log/slog"
	"time"
)

//go:generate svcgen generate

// Sweep runs until the stop.
func Sweep(ctx context.Context) error {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			slog.Debug("sweep")
		}
	}
}
