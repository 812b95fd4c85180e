package main

import "context"

func RunJobs(ctx context.Context, cache *Cache) error {
	if err := act(ctx, "jobs", "run"); err != nil {
		return err
	}
	<-ctx.Done()
	return act(context.Background(), "jobs", "stop")
}
