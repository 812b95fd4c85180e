package main

import "context"

// Register runs once the service is ready (after_ready), within the start budget.
// An error stops the service with the start-failure code.
func Register(ctx context.Context) error {
	return nil
}

// Deregister runs when the stop begins, after /readyz turned 503 and before the
// drain (before_drain). ctx carries the stop deadline.
func Deregister(ctx context.Context) error {
	return nil
}
