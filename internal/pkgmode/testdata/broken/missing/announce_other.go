//go:build !windows

package main

import "context"

// Announce exists for every OS but Windows: the Windows file is missing.
func Announce(ctx context.Context) error { return nil }
