package main

import "context"

func Announce(ctx context.Context) error { return act(ctx, "hooks", "after_ready") }

func Withdraw(ctx context.Context) error { return act(ctx, "hooks", "before_drain") }
