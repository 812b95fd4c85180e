package svcrt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// admin serves the probes of service managers and load balancers.
type admin struct {
	app *App
	srv *http.Server
	ln  net.Listener // handed to a new process by an upgrade
}

// listen binds the admin address and serves it until close.
func (s *admin) listen() error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	if s.app.cfg.Metrics != nil {
		// /metrics (metrics.go); it fails when the user's collectors cannot
		// be registered.
		if err := s.app.cfg.Metrics(s.app, mux); err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
	}
	ln, from, err := listenTCP(adminFDName, s.app.cfg.Admin.Addr)
	if err != nil {
		return err
	}
	s.ln = ln
	if s.app.cfg.Admin.Pprof {
		// Registered by hand on the admin mux, loopback by default: profiles
		// are not for everyone who can reach the API. (Importing net/http/pprof
		// also adds them to http.DefaultServeMux: never serve that mux.)
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	}
	// Probes are tiny requests: a client that stalls must not hold a connection.
	s.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.app.log.Handler(), slog.LevelWarn),
	}
	if from != "" {
		s.app.log.Info("listening", "resource", "admin", "addr", ln.Addr().String(), "inherited", from)
	} else {
		s.app.log.Info("listening", "resource", "admin", "addr", ln.Addr().String())
	}
	go func() {
		if err := s.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.app.log.Error("admin listener failed", "err", err)
		}
	}()
	return nil
}

// close is the last thing the service does before its final log line.
func (s *admin) close() {
	if s.srv == nil {
		return
	}
	// Gracefully, so that a probe or a scrape in flight is answered rather
	// than reset while the process is still alive; bounded, because this is
	// the last step before the log flush.
	ctx, cancel := context.WithTimeout(context.Background(), adminCloseGrace)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.srv.Close()
	}
}

// handOver stops this process's admin server from accepting once a new
// process took the admin socket over (an upgrade): probes then reach the
// new process, which answers for the service, and not this one, which is
// stopping and would answer 503. The socket stays open in the new process;
// what this one has accepted is answered.
func (s *admin) handOver() {
	if s.srv == nil {
		return
	}
	s.srv.SetKeepAlivesEnabled(false)
	go s.close()
}

// adminCloseGrace bounds how long the exit waits for admin requests in
// flight (a probe takes milliseconds; a profile may take longer and is cut).
const adminCloseGrace = time.Second

// healthz answers 200 while the process runs: it is liveness of the process,
// not of its dependencies (restarting a service because its database is down
// does not bring the database back).
func (s *admin) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}

// readiness is the body of /readyz.
type readiness struct {
	Ready     bool                      `json:"ready"`
	Phase     string                    `json:"phase"`
	Live      bool                      `json:"live"` // false while the check of an on_failure = liveness resource keeps failing
	Resources map[string]map[string]any `json:"resources"`
}

// readyz answers 200 once every resource is warm and until the stop begins,
// 503 otherwise (also while the check of a resource whose on_failure is
// readiness or liveness keeps failing), with every resource's state and
// check: balancers route on the code, people read the body.
func (s *admin) readyz(w http.ResponseWriter, _ *http.Request) {
	body := readiness{
		Ready:     s.app.isReady(),
		Phase:     s.app.phase.Load().String(),
		Live:      !s.app.failing.Load(),
		Resources: make(map[string]map[string]any, len(s.app.nodes)),
	}
	for _, n := range s.app.nodes {
		state := n.state.Load()
		detail := map[string]any{"state": state.String()}
		if n.Status != nil && state == StateReady {
			for k, v := range n.Status() {
				detail[k] = v
			}
		}
		if n.check.watched.Load() {
			check := "passing"
			if n.check.failing.Load() {
				check = "failing"
			}
			detail["check"] = check
			detail["check_failures"] = n.check.failures.Load()
			detail["on_failure"] = string(n.effect())
		}
		body.Resources[n.Name] = detail
	}
	w.Header().Set("Content-Type", "application/json")
	// A cached answer would keep routing traffic to a stopping instance.
	w.Header().Set("Cache-Control", "no-store")
	if !body.Ready {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(body)
}
