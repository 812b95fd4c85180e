package main

import "context"

type Warm2 struct{}

func OpenWarm2(ctx context.Context, _ *Warm1) (*Warm2, error) {
	return &Warm2{}, step(ctx, "warm2", "open")
}

func CloseWarm2(ctx context.Context, _ *Warm2) error { return step(ctx, "warm2", "close") }
