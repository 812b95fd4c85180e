package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"time"

	"example.com/e2e/internal/svcrt"
)

// NewAPI answers "ok" after the ?sleep= duration; /panic panics; /stream
// is a server-sent event stream that says bye when the drain begins;
// /hijack takes the connection over and ignores the drain.
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
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: hello\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-svcrt.Draining(r.Context()):
			fmt.Fprint(w, "data: bye\n\n")
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/hijack", func(w http.ResponseWriter, r *http.Request) {
		c, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		defer c.Close()
		brw.WriteString("hijacked\n")
		brw.Flush()
		bufio.NewReader(c).ReadString('\n') // until the drain deadline closes it
	})
	return mux, nil
}
