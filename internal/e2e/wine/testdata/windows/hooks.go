package main

import (
	"context"
	"os"
	"path/filepath"
)

// Reload records that it ran: reloaded.txt next to the executable.
func Reload(ctx context.Context) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(filepath.Dir(exe), "reloaded.txt"), []byte("reloaded\n"), 0o644)
}
