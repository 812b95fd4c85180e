package main

import (
	"context"

	"example.com/fleet/internal/svcrt"
)

// RunTracker is the tracker worker. It starts once the service is ready and runs
// until ctx is cancelled (stop step 4); then it has its close timeout to
// return nil. Returning an error earlier stops the service (exit code 7);
// returning nil earlier just ends the worker.
func RunTracker(ctx context.Context, dispatch *Dispatch, mapsAPI *svcrt.HTTPClient) error {
	<-ctx.Done()
	return nil
}
