package main

import (
	"database/sql"
	"io"
	"net/http"
	"strconv"

	"github.com/redis/go-redis/v9"

	"example.com/opspools/internal/svcrt"
)

// NewAPI answers ?code=NNN with that status, anything else with 200.
func NewAPI(db *sql.DB, cache *redis.Client, upstream *svcrt.HTTPClient) (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		apiAnswers.Inc()
		if code, err := strconv.Atoi(r.URL.Query().Get("code")); err == nil {
			w.WriteHeader(code)
		}
		io.WriteString(w, "ok\n")
	}), nil
}
