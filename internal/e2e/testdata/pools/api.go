package main

import (
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/redis/go-redis/v9"

	"example.com/pools/internal/svcrt"
)

// NewAPI exposes what the pool tests measure:
//
//	/burst?db=pg|my&n=N  N queries at once, each holding its connection for
//	                     50ms; the pool's open connections before and after
//	/upstream            a GET of the upstream's /data through the client
//	/cache               a SET and GET through the redis client
func NewAPI(pg *sql.DB, my *sql.DB, mssql *sql.DB, cache *redis.Client, upstream *svcrt.HTTPClient) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/burst", func(w http.ResponseWriter, r *http.Request) {
		db, query := pg, "SELECT pg_sleep(0.05)"
		if r.URL.Query().Get("db") == "my" {
			db, query = my, "SELECT SLEEP(0.05)"
		}
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		before := db.Stats()
		var failed atomic.Int64
		var firstErr atomic.Value
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				if _, err := db.ExecContext(r.Context(), query); err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			})
		}
		wg.Wait()
		after := db.Stats()
		json.NewEncoder(w).Encode(map[string]any{
			"open_before": before.OpenConnections,
			"open_after":  after.OpenConnections,
			"failed":      failed.Load(),
			"error":       firstErr.Load(),
		})
	})
	mux.HandleFunc("/upstream", func(w http.ResponseWriter, r *http.Request) {
		resp, err := upstream.Get(r.Context(), "/data")
		if errors.Is(err, svcrt.ErrBreakerOpen) {
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, "breaker open")
			return
		}
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, err.Error())
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	})
	mux.HandleFunc("/cache", func(w http.ResponseWriter, r *http.Request) {
		if err := cache.Set(r.Context(), "svcgen-e2e-pools", "v", 0).Err(); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		v, err := cache.Get(r.Context(), "svcgen-e2e-pools").Result()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		io.WriteString(w, v)
	})
	return mux, nil
}
