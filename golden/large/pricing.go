package main

import (
	"context"

	"example.com/fleet/internal/svcrt"
)

// Pricing is the value of the pricing resource, handed to the functions of the
// resources that depend on it.
type Pricing struct{}

// OpenPricing opens and warms the pricing resource; the service is not ready before it
// returns. ctx carries the open timeout; its parameters follow depends_on.
func OpenPricing(ctx context.Context, tariffs *Tariffs, zones *Zones, billingAPI *svcrt.HTTPClient) (*Pricing, error) {
	return &Pricing{}, nil
}
