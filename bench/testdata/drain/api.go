package main

import (
	"io"
	"net/http"
	"time"
)

// benchEntered is told when a request enters the handler.
var benchEntered = make(chan struct{}, 1024)

// NewAPI answers after the ?sleep= duration.
func NewAPI() (http.Handler, error) { return benchHandler(), nil }

func benchHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		benchEntered <- struct{}{}
		io.Copy(io.Discard, r.Body)
		if d, err := time.ParseDuration(r.URL.Query().Get("sleep")); err == nil {
			time.Sleep(d)
		}
		io.WriteString(w, "hello\n")
	})
}
