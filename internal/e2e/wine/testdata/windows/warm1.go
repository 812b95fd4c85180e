package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The three resources only take time: as long as control.txt (next to the
// executable) says, read at every call so a test changes it between runs.
//
//	open=600ms   each open takes this long
//	close=300ms  each close takes this long
//	fail=warm2   this resource's open fails
type Warm1 struct{}

func OpenWarm1(ctx context.Context) (*Warm1, error) {
	return &Warm1{}, step(ctx, "warm1", "open")
}

func CloseWarm1(ctx context.Context, _ *Warm1) error { return step(ctx, "warm1", "close") }

func step(ctx context.Context, name, what string) error {
	c := control()
	if what == "open" && c["fail"] == name {
		return errors.New("failing on purpose (control.txt)")
	}
	d, _ := time.ParseDuration(c[what])
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func control() map[string]string {
	out := map[string]string{}
	exe, err := os.Executable()
	if err != nil {
		return out
	}
	b, _ := os.ReadFile(filepath.Join(filepath.Dir(exe), "control.txt"))
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok {
			out[k] = v
		}
	}
	return out
}
