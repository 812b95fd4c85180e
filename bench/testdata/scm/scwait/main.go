// Command scwait times services through the SCM from inside Wine, where a
// poll costs microseconds instead of the ~0.1 s of a new sc.exe process:
// for each round it starts the service, polls until RUNNING, waits a
// moment, sends Stop and polls until STOPPED, and prints one line
// "start_ms stop_ms" per round. Usage: scwait NAME ROUNDS.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/mgr"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: scwait NAME ROUNDS")
		os.Exit(2)
	}
	rounds, _ := strconv.Atoi(os.Args[2])
	m, err := mgr.Connect()
	if err != nil {
		fail(err)
	}
	defer m.Disconnect()
	s, err := m.OpenService(os.Args[1])
	if err != nil {
		fail(err)
	}
	defer s.Close()
	for range rounds {
		began := time.Now()
		if err := s.Start(); err != nil {
			fail(err)
		}
		if err := wait(s, svc.Running); err != nil {
			fail(err)
		}
		started := time.Since(began)
		time.Sleep(300 * time.Millisecond)
		began = time.Now()
		if _, err := s.Control(svc.Stop); err != nil {
			fail(err)
		}
		if err := wait(s, svc.Stopped); err != nil {
			fail(err)
		}
		stopped := time.Since(began)
		fmt.Printf("%.3f %.3f\n", ms(started), ms(stopped))
		time.Sleep(300 * time.Millisecond) // let the process exit before the next start
	}
}

func wait(s *mgr.Service, want svc.State) error {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		st, err := s.Query()
		if err != nil {
			return err
		}
		if st.State == want {
			return nil
		}
		if st.State == svc.Stopped {
			return fmt.Errorf("stopped (exit %d/%d) while waiting for state %d", st.Win32ExitCode, st.ServiceSpecificExitCode, want)
		}
		time.Sleep(time.Millisecond)
	}
	return fmt.Errorf("state %d not reached in a minute", want)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "scwait:", err)
	os.Exit(1)
}
