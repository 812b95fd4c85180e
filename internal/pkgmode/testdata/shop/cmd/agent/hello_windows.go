package main

import (
	"context"
	"log/slog"

	"golang.org/x/sys/windows"
)

// Hello logs the process id the Windows way.
func Hello(ctx context.Context) error {
	slog.Info("hello", "pid", windows.GetCurrentProcessId())
	return nil
}
