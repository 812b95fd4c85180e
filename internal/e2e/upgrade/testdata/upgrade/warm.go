package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
)

// Warm is a resource whose open takes E2E_WARM_SLEEP. The version named by
// E2E_BREAK_VERSION does what the file E2E_BREAK_FILE says when it opens:
// "exit" exits the process during its warmup (a new binary that crashes),
// "fail" fails the open (a new binary whose start fails and rolls back),
// anything else (or no file) opens.
type Warm struct{}

func OpenWarm(ctx context.Context) (*Warm, error) {
	if d, err := time.ParseDuration(os.Getenv("E2E_WARM_SLEEP")); err == nil {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if os.Getenv("E2E_BREAK_VERSION") != svcVersion {
		return &Warm{}, nil
	}
	what, _ := os.ReadFile(os.Getenv("E2E_BREAK_FILE"))
	switch strings.TrimSpace(string(what)) {
	case "exit":
		fmt.Fprintln(os.Stderr, "version", svcVersion, "exits during its warmup as the test asked")
		os.Exit(1)
	case "fail":
		return nil, fmt.Errorf("version %s fails its warmup as the test asked", svcVersion)
	}
	return &Warm{}, nil
}
