package main

import "context"

type R2 struct{}

func OpenR2(ctx context.Context) (*R2, error) { return &R2{}, slow(ctx) }

func CloseR2(ctx context.Context, r *R2) error { return slow(ctx) }
