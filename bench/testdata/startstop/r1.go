package main

import "context"

type R1 struct{}

func OpenR1(ctx context.Context) (*R1, error) { return &R1{}, slow(ctx) }

func CloseR1(ctx context.Context, r *R1) error { return slow(ctx) }
