package main

import (
	"context"
	"database/sql"
)

// Vehicles is the value of the vehicles resource, handed to the functions of the
// resources that depend on it.
type Vehicles struct{}

// OpenVehicles opens and warms the vehicles resource; the service is not ready before it
// returns. ctx carries the open timeout; its parameters follow depends_on.
func OpenVehicles(ctx context.Context, primaryDB *sql.DB) (*Vehicles, error) {
	return &Vehicles{}, nil
}

// CloseVehicles closes the vehicles resource once everything that depends on it has closed.
// ctx carries the close timeout.
func CloseVehicles(ctx context.Context, v *Vehicles) error {
	return nil
}
