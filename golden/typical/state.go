package main

import (
	"context"
	"database/sql"
)

// State is the value of the state resource, handed to the functions of the
// resources that depend on it.
type State struct{}

// LoadState opens and warms the state resource; the service is not ready before it
// returns. ctx carries the open timeout; its parameters follow depends_on.
func LoadState(ctx context.Context, db *sql.DB) (*State, error) {
	return &State{}, nil
}

// SaveState closes the state resource once everything that depends on it has closed.
// ctx carries the close timeout.
// The resource is critical: this runs from the reserved share of the stop
// budget even when the steps before it overran.
func SaveState(ctx context.Context, v *State) error {
	return nil
}
