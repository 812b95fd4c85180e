package main

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
)

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

// RegisterMetrics adds the service's own collectors to the registry /metrics serves
// ([metrics] register), once at the start, before any resource opens: keep
// them in package variables that handlers update. An error fails the start.
func RegisterMetrics(reg prometheus.Registerer) error {
	return nil
}
