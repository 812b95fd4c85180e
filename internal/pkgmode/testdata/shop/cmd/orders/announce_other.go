//go:build !windows

package main

import (
	"context"
	"log/slog"
)

// Announce tells the log that the service is up.
func Announce(ctx context.Context) error {
	slog.Info("announced", "os", "other")
	return nil
}
