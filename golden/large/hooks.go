package main

import "context"

// Announce runs once the service is ready (after_ready), within the start budget.
// An error stops the service with the start-failure code.
func Announce(ctx context.Context) error {
	return nil
}

// Withdraw runs when the stop begins, after /readyz turned 503 and before the
// drain (before_drain). ctx carries the stop deadline.
func Withdraw(ctx context.Context) error {
	return nil
}
