package main

import (
	"context"
	"database/sql"

	"github.com/redis/go-redis/v9"
)

// Routes is the value of the routes resource, handed to the functions of the
// resources that depend on it.
type Routes struct{}

// OpenRoutes opens and warms the routes resource; the service is not ready before it
// returns. ctx carries the open timeout; its parameters follow depends_on.
func OpenRoutes(ctx context.Context, primaryDB *sql.DB, geoCache *redis.Client) (*Routes, error) {
	return &Routes{}, nil
}

// CloseRoutes closes the routes resource once everything that depends on it has closed.
// ctx carries the close timeout.
func CloseRoutes(ctx context.Context, v *Routes) error {
	return nil
}
