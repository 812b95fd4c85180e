package main

import "context"

type R5 struct{}

func OpenR5(ctx context.Context) (*R5, error) { return &R5{}, slow(ctx) }

func CloseR5(ctx context.Context, r *R5) error { return slow(ctx) }
