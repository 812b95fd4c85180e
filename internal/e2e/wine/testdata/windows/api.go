package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// NewAPI answers / at once and /slow?ms=N after N milliseconds (a request
// in flight during the drain).
func NewAPI(_ *Warm3) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "hello from svcgenwin")
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		time.Sleep(time.Duration(ms) * time.Millisecond)
		fmt.Fprintln(w, "slow hello")
	})
	// A panic on a goroutine of the user's own: nothing recovers it, the
	// process dies, and the crash output is all that tells why.
	// The answer goes out first: a panic at once could end the process
	// before it, on a loaded machine.
	mux.HandleFunc("/panic", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "panicking")
		go func() {
			time.Sleep(200 * time.Millisecond)
			panic("crash on purpose")
		}()
	})
	return mux, nil
}

// Under the SCM the service has no console: its log goes to service.log
// next to the executable, where the test reads it when something fails.
var _ = func() bool {
	if len(os.Args) > 1 && os.Args[1] == "service" {
		if exe, err := os.Executable(); err == nil {
			if f, err := os.OpenFile(filepath.Join(filepath.Dir(exe), "service.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err == nil {
				os.Stderr = f
			}
		}
	}
	return true
}()
