package main

import "context"

type R6 struct{}

func OpenR6(ctx context.Context) (*R6, error) { return &R6{}, slow(ctx) }

func CloseR6(ctx context.Context, r *R6) error { return slow(ctx) }
