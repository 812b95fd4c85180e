package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
)

// Probe's check fails while a file named "down" is next to the executable.
type Probe struct{ down string }

func OpenProbe(ctx context.Context) (*Probe, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return &Probe{down: filepath.Join(filepath.Dir(exe), "down")}, nil
}

func CheckProbe(ctx context.Context, p *Probe) error {
	if _, err := os.Stat(p.down); err == nil {
		return errors.New("probe is down")
	}
	return nil
}
