package main

import "context"

type R7 struct{}

func OpenR7(ctx context.Context) (*R7, error) { return &R7{}, slow(ctx) }

func CloseR7(ctx context.Context, r *R7) error { return slow(ctx) }
