package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// NewAPI answers "<version> <pid>" after the ?sleep= duration.
func NewAPI(*Warm) (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if d, err := time.ParseDuration(r.URL.Query().Get("sleep")); err == nil {
			time.Sleep(d)
		}
		fmt.Fprintf(w, "%s %d", svcVersion, os.Getpid())
	}), nil
}
