package main

import (
	"database/sql"
	"io"
	"net/http"

	"github.com/redis/go-redis/v9"

	"example.com/limits/internal/svcrt"
)

func NewAPI(db *sql.DB, cache *redis.Client, upstream *svcrt.HTTPClient) (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n")
	}), nil
}
