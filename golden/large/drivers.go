package main

import (
	"context"
	"database/sql"
)

// Drivers is the value of the drivers resource, handed to the functions of the
// resources that depend on it.
type Drivers struct{}

// OpenDrivers opens and warms the drivers resource; the service is not ready before it
// returns. ctx carries the open timeout; its parameters follow depends_on.
func OpenDrivers(ctx context.Context, replicaDB *sql.DB) (*Drivers, error) {
	return &Drivers{}, nil
}

// CloseDrivers closes the drivers resource once everything that depends on it has closed.
// ctx carries the close timeout.
func CloseDrivers(ctx context.Context, v *Drivers) error {
	return nil
}
