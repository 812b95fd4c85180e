//go:build !windows

package main

import (
	"context"
	"log/slog"
	"os"
)

// Hello logs the process id.
func Hello(ctx context.Context) error {
	slog.Info("hello", "pid", os.Getpid())
	return nil
}
