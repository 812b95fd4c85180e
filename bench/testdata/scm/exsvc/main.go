// Command exsvc is the baseline of the SCM benchmark: a Windows service in
// the shape of golang.org/x/sys/windows/svc/example (one Execute loop,
// StartPending then Running at once, StopPending then return on Stop) that
// serves one HTTP hello like the minimal golden service (reading the body,
// then sleeping as long as ?sleep= says), without the example's artificial
// pending delay. Registered as `exsvc.exe service ADDR`.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"golang.org/x/sys/windows/svc"
)

func main() {
	if len(os.Args) != 3 || os.Args[1] != "service" {
		fmt.Fprintln(os.Stderr, "usage: exsvc service ADDR")
		os.Exit(2)
	}
	if err := svc.Run("exsvc", &handler{addr: os.Args[2]}); err != nil {
		os.Exit(3)
	}
}

type handler struct{ addr string }

func (h *handler) Execute(_ []string, r <-chan svc.ChangeRequest, s chan<- svc.Status) (bool, uint32) {
	s <- svc.Status{State: svc.StartPending}
	ln, err := net.Listen("tcp", h.addr)
	if err != nil {
		return true, 3
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if d, err := time.ParseDuration(r.URL.Query().Get("sleep")); err == nil {
			time.Sleep(d)
		}
		fmt.Fprintln(w, "hello")
	})}
	go srv.Serve(ln)
	s <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	for c := range r {
		switch c.Cmd {
		case svc.Interrogate:
			s <- c.CurrentStatus
		case svc.Stop, svc.Shutdown:
			s <- svc.Status{State: svc.StopPending}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			srv.Shutdown(ctx)
			cancel()
			return false, 0
		}
	}
	return false, 0
}
