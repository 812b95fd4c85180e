package main

import (
	"context"

	"example.com/fleet/internal/svcrt"
	"github.com/redis/go-redis/v9"
)

// Notify is the value of the notify resource, handed to the functions of the
// resources that depend on it.
type Notify struct{}

// OpenNotify opens and warms the notify resource; the service is not ready before it
// returns. ctx carries the open timeout; its parameters follow depends_on.
func OpenNotify(ctx context.Context, drivers *Drivers, smsAPI *svcrt.HTTPClient, sessionCache *redis.Client) (*Notify, error) {
	return &Notify{}, nil
}
