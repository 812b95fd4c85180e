package main

import (
	"database/sql"
	"fmt"
	"net/http"

	"example.com/orders/internal/svcrt"
	"github.com/redis/go-redis/v9"
)

// NewAPI builds the handler of the api server. It runs once the resources it
// depends on are ready; its parameters follow depends_on. A long-lived handler
// (server-sent events, a WebSocket loop) selects on svcrt.Draining(r.Context()) and
// returns when it closes: at the drain deadline its connection is cut.
func NewAPI(db *sql.DB, cache *redis.Client, payments *svcrt.HTTPClient) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		fmt.Fprintln(w, "hello from orders")
	})
	return mux, nil
}
