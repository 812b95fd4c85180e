package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
)

// Reload fails while the file named by OPS_BADRELOAD exists.
func Reload(ctx context.Context) error {
	if f := os.Getenv("OPS_BADRELOAD"); f != "" {
		if _, err := os.Stat(f); err == nil {
			return errors.New("bad configuration")
		}
	}
	slog.Info("reload hook ran")
	return nil
}
