// Command httpserve is both servers of the HTTP throughput benchmark, one
// process each, with the same handler: -server svcgen runs it as the http
// resource of the runtime (svcrt.Main, the engine a generated service
// runs); -server bare serves it from a plain http.Server. The handler writes
// 13 bytes, after sleeping for ?sleep= when given.
//
//	httpserve -server svcgen -addr 127.0.0.1:8080 -admin 127.0.0.1:9090 [-metrics]
//	httpserve -server bare -addr 127.0.0.1:8081
//
// The svcgen side stops in order on SIGTERM; the bare one just exits.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/svcgen/svcgen/templates/svcrt"
)

// The settings both servers share, as a generated service's spec sets them.
const (
	readHeaderTimeout = 5 * time.Second
	idleTimeout       = time.Minute
)

func main() {
	server := flag.String("server", "", "svcgen or bare")
	addr := flag.String("addr", "127.0.0.1:0", "listen address of the handler")
	admin := flag.String("admin", "127.0.0.1:0", "admin listener (/readyz) of the svcgen server")
	metrics := flag.Bool("metrics", false, "the svcgen server with [metrics]: its requests counted by status class")
	flag.Parse()
	switch *server {
	case "svcgen":
		cfg := config(*admin)
		if *metrics {
			cfg.Metrics = svcrt.ServeMetrics
		}
		setup := func(*svcrt.Overrides) (*svcrt.Config, func(*svcrt.App)) { return cfg, wire(*addr) }
		os.Exit(svcrt.Main(cfg.Name, setup, []string{"run"}))
	case "bare":
		srv := &http.Server{
			Addr:              *addr,
			Handler:           handler(),
			ReadHeaderTimeout: readHeaderTimeout,
			IdleTimeout:       idleTimeout,
		}
		fmt.Fprintln(os.Stderr, srv.ListenAndServe())
		os.Exit(1)
	default:
		fmt.Fprintf(os.Stderr, "httpserve: -server is svcgen or bare, got %q\n", *server)
		os.Exit(2)
	}
}

// handler is the one handler of both servers.
func handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d, err := time.ParseDuration(r.URL.Query().Get("sleep")); err == nil {
			time.Sleep(d)
		}
		io.WriteString(w, "hello, world\n")
	})
}

func config(admin string) *svcrt.Config {
	return &svcrt.Config{
		Name: "httpserve",
		Timeouts: svcrt.TimeoutConfig{
			Start:    30 * time.Second,
			Stop:     10 * time.Second,
			Drain:    5 * time.Second,
			Critical: time.Second,
			Shutdown: 5 * time.Second,
		},
		Admin: svcrt.AdminConfig{Addr: admin},
	}
}

func wire(addr string) func(*svcrt.App) {
	return func(app *svcrt.App) {
		svcrt.HTTPResource(app,
			&svcrt.Node{Name: "api", OpenTimeout: 10 * time.Second, CloseTimeout: 5 * time.Second},
			svcrt.HTTPConfig{Addr: addr, ReadHeaderTimeout: readHeaderTimeout, IdleTimeout: idleTimeout},
			func() (http.Handler, error) { return handler(), nil })
	}
}
