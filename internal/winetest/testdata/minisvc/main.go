// Command minisvc is the smallest Windows service the winetest harness
// proves itself with. Registered as `minisvc.exe service -dir <dir>`, it
// reports StartPending with a rising CheckPoint for about a second (or,
// with -hold NAME, until the file <dir>\NAME exists), then serves HTTP on
// 127.0.0.1 (the chosen address is written to <dir>\addr) until the SCM
// asks it to stop.
//
// The explicit "service" argument exists because svc.IsWindowsService
// reports false under Wine even when services.exe started the process.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/windows/svc"
)

// Start-up is stretched over at least startSteps CheckPoints so that an
// observer polling the SCM sees StartPending with a CheckPoint that moves.
const (
	startSteps    = 10
	startStep     = 100 * time.Millisecond
	maxHold       = time.Minute // a -hold file that never comes fails the start
	startWaitHint = 2000        // ms; several steps of slack before the SCM may call us hung
	stopWaitHint  = 5000        // ms
)

func main() {
	if len(os.Args) < 2 || os.Args[1] != "service" {
		fmt.Fprintln(os.Stderr, "usage: minisvc service -dir DIR [-name NAME] [-hold FILE] [-exitcode N]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet("service", flag.ExitOnError)
	dir := fs.String("dir", "", "directory for the addr and log files")
	name := fs.String("name", "minisvc", "service name")
	exitCode := fs.Uint("exitcode", 0, "service-specific exit code to report on stop")
	hold := fs.String("hold", "", "stay StartPending until this file exists in -dir")
	_ = fs.Parse(os.Args[2:])
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "minisvc: -dir is required")
		os.Exit(2)
	}
	lf, err := os.OpenFile(filepath.Join(*dir, "log.txt"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		os.Exit(3)
	}
	defer lf.Close()
	logger := log.New(lf, "", log.Lmicroseconds)
	h := &handler{dir: *dir, hold: *hold, exitCode: uint32(*exitCode), log: logger}
	if err := svc.Run(*name, h); err != nil {
		logger.Printf("svc.Run: %v", err)
		os.Exit(3)
	}
	logger.Printf("svc.Run returned")
}

type handler struct {
	dir      string
	hold     string
	exitCode uint32
	log      *log.Logger
}

func (h *handler) Execute(args []string, r <-chan svc.ChangeRequest, s chan<- svc.Status) (bool, uint32) {
	began := time.Now()
	for i := uint32(1); i <= startSteps || !h.released(); i++ {
		if time.Since(began) > maxHold {
			h.log.Printf("hold file %s never appeared", h.hold)
			return true, 3
		}
		s <- svc.Status{State: svc.StartPending, CheckPoint: i, WaitHint: startWaitHint}
		time.Sleep(startStep) // simulated start-up work
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		h.log.Printf("listen: %v", err)
		return true, 3
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "minisvc ok")
	})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	// Publish the address only once it accepts connections; the rename makes
	// the file appear complete or not at all.
	tmp := filepath.Join(h.dir, "addr.tmp")
	if err := os.WriteFile(tmp, []byte(ln.Addr().String()), 0o644); err != nil {
		h.log.Printf("write addr: %v", err)
		return true, 3
	}
	if err := os.Rename(tmp, filepath.Join(h.dir, "addr")); err != nil {
		h.log.Printf("rename addr: %v", err)
		return true, 3
	}
	const accepts = svc.AcceptStop | svc.AcceptShutdown
	s <- svc.Status{State: svc.Running, Accepts: accepts}
	h.log.Printf("running on %s", ln.Addr())

	for {
		select {
		case err := <-served:
			h.log.Printf("serve: %v", err)
			return true, 3
		case c := <-r:
			switch c.Cmd {
			case svc.Interrogate:
				// Sent twice, as in the x/sys example: a regression test for
				// a deadlock in the dispatcher.
				s <- c.CurrentStatus
				s <- c.CurrentStatus
			case svc.Stop, svc.Shutdown:
				h.log.Printf("control %d", c.Cmd)
				s <- svc.Status{State: svc.StopPending, CheckPoint: 1, WaitHint: stopWaitHint}
				ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
				err := srv.Shutdown(ctx)
				cancel()
				if err != nil && !errors.Is(err, http.ErrServerClosed) {
					h.log.Printf("shutdown: %v", err)
				}
				if h.exitCode != 0 {
					return true, h.exitCode
				}
				return false, 0
			default:
				h.log.Printf("unexpected control %d", c.Cmd)
			}
		}
	}
}

// released reports whether start-up may finish: always without -hold,
// otherwise once the hold file exists.
func (h *handler) released() bool {
	if h.hold == "" {
		return true
	}
	_, err := os.Stat(filepath.Join(h.dir, h.hold))
	return err == nil
}
