package main

import "context"

type R8 struct{}

func OpenR8(ctx context.Context) (*R8, error) { return &R8{}, slow(ctx) }

func CloseR8(ctx context.Context, r *R8) error { return slow(ctx) }
