package main

import (
	"context"
	"log/slog"
)

// Announce tells the log that the service is up (Windows flavour).
func Announce(ctx context.Context) error {
	slog.Info("announced", "os", "windows")
	return nil
}
