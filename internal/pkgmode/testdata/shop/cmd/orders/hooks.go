package main

import (
	"context"
	"log/slog"
)

// Withdraw runs when the stop begins.
func Withdraw(ctx context.Context) error {
	slog.Info("withdrawn")
	return nil
}
