package main

import (
	"context"
	"log/slog"
	"os"
)

// Announce tells the log that the service is up (Windows flavour). A
// service's stderr goes nowhere under the Service Control Manager, so it
// also leaves a mark beside the executable.
func Announce(ctx context.Context) error {
	slog.Info("announced", "os", "windows")
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return os.WriteFile(exe+".announced", []byte("windows\n"), 0o644)
}
