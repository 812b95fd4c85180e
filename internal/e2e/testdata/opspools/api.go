package main

import (
	"database/sql"
	"io"
	"net/http"

	"github.com/redis/go-redis/v9"
)

func NewAPI(db *sql.DB, cache *redis.Client, upstream *svcHTTPClient) (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n")
	}), nil
}
