package main

import "context"

type Warm3 struct{}

func OpenWarm3(ctx context.Context, _ *Warm2) (*Warm3, error) {
	return &Warm3{}, step(ctx, "warm3", "open")
}

func CloseWarm3(ctx context.Context, _ *Warm3) error { return step(ctx, "warm3", "close") }
