// Command svc serves from a Redis cache: the handler takes the
// *redis.Client the generated code opens, a type from a module.
package main

import (
	"fmt"
	"net/http"

	"github.com/redis/go-redis/v9"
)

//go:generate svcgen generate

// NewAPI answers with the cache's pool size.
func NewAPI(c *redis.Client) (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, c.Options().PoolSize)
	}), nil
}
