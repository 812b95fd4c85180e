package main

import "context"

type R3 struct{}

func OpenR3(ctx context.Context) (*R3, error) { return &R3{}, slow(ctx) }

func CloseR3(ctx context.Context, r *R3) error { return slow(ctx) }
