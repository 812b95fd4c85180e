package main

import (
	"io"
	"net/http"
	"time"
)

// NewAPI answers "ok" after the ?sleep= duration; /panic panics.
func NewAPI(cache *Cache, idx *Idx) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if d, err := time.ParseDuration(r.URL.Query().Get("sleep")); err == nil {
			time.Sleep(d)
		}
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) {
		panic("handler panicked as the test asked")
	})
	return mux, nil
}
