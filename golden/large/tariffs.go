package main

import (
	"context"
	"database/sql"
)

// Tariffs is the value of the tariffs resource, handed to the functions of the
// resources that depend on it.
type Tariffs struct{}

// OpenTariffs opens and warms the tariffs resource; the service is not ready before it
// returns. ctx carries the open timeout; its parameters follow depends_on.
func OpenTariffs(ctx context.Context, replicaDB *sql.DB) (*Tariffs, error) {
	return &Tariffs{}, nil
}

// CloseTariffs closes the tariffs resource once everything that depends on it has closed.
// ctx carries the close timeout.
func CloseTariffs(ctx context.Context, v *Tariffs) error {
	return nil
}
