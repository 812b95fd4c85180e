package main

import "context"

// RunJobs is declared; NewAPI is not (it was renamed to NewAPIHandler).
func RunJobs(ctx context.Context) error { <-ctx.Done(); return nil }
