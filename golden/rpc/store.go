package main

import "context"

// Store is the value of the store resource, handed to the functions of the
// resources that depend on it.
type Store struct{}

// OpenStore opens and warms the store resource; the service is not ready before it
// returns. ctx carries the open timeout; its parameters follow depends_on.
func OpenStore(ctx context.Context) (*Store, error) {
	return &Store{}, nil
}

// CloseStore closes the store resource once everything that depends on it has closed.
// ctx carries the close timeout.
func CloseStore(ctx context.Context, v *Store) error {
	return nil
}
