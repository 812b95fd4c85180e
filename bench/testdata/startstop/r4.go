package main

import "context"

type R4 struct{}

func OpenR4(ctx context.Context) (*R4, error) { return &R4{}, slow(ctx) }

func CloseR4(ctx context.Context, r *R4) error { return slow(ctx) }
