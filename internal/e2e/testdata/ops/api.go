package main

import (
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// NewAPI: /log?n=N writes N log lines of about 1 KiB each through the
// default slog logger; /hold answers once /release is called (or its
// gate file exists).
func NewAPI(p *Probe) (http.Handler, error) {
	mux := http.NewServeMux()
	pad := strings.Repeat("x", 1000)
	release := make(chan struct{})
	mux.HandleFunc("/log", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		for i := range n {
			slog.Info("filler", "i", i, "pad", pad)
		}
		io.WriteString(w, "logged\n")
	})
	mux.HandleFunc("/hold", func(w http.ResponseWriter, r *http.Request) {
		// With ?gate=FILE the request is released when FILE exists: after
		// the stop began no new connection reaches /release.
		if gate := r.URL.Query().Get("gate"); gate != "" {
			for {
				if _, err := os.Stat(gate); err == nil {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
		} else {
			<-release
		}
		io.WriteString(w, "released\n")
	})
	mux.HandleFunc("/release", func(w http.ResponseWriter, r *http.Request) {
		close(release)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello from opsd\n")
	})
	return mux, nil
}
