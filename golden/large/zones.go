package main

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// Zones is the value of the zones resource, handed to the functions of the
// resources that depend on it.
type Zones struct{}

// OpenZones opens and warms the zones resource; the service is not ready before it
// returns. ctx carries the open timeout; its parameters follow depends_on.
func OpenZones(ctx context.Context, geoCache *redis.Client) (*Zones, error) {
	return &Zones{}, nil
}

// CloseZones closes the zones resource once everything that depends on it has closed.
// ctx carries the close timeout.
func CloseZones(ctx context.Context, v *Zones) error {
	return nil
}
