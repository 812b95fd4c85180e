package main

import "context"

// Dispatch is the value of the dispatch resource, handed to the functions of the
// resources that depend on it.
type Dispatch struct{}

// OpenDispatch opens and warms the dispatch resource; the service is not ready before it
// returns. ctx carries the open timeout; its parameters follow depends_on.
func OpenDispatch(ctx context.Context, vehicles *Vehicles, routes *Routes, drivers *Drivers) (*Dispatch, error) {
	return &Dispatch{}, nil
}
