package winetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Service states as sc.exe names them.
const (
	StateStopped         = "STOPPED"
	StateStartPending    = "START_PENDING"
	StateStopPending     = "STOP_PENDING"
	StateRunning         = "RUNNING"
	StateContinuePending = "CONTINUE_PENDING"
	StatePausePending    = "PAUSE_PENDING"
	StatePaused          = "PAUSED"
)

// Status is a service's SERVICE_STATUS as `sc query` prints it.
type Status struct {
	State                   string // one of the State constants
	CheckPoint              int
	WaitHint                int // milliseconds
	Win32ExitCode           int // 1066 = ERROR_SERVICE_SPECIFIC_ERROR
	ServiceSpecificExitCode int
}

func (s Status) String() string {
	return fmt.Sprintf("%s checkpoint=%d waithint=%d win32exit=%d svcexit=%d",
		s.State, s.CheckPoint, s.WaitHint, s.Win32ExitCode, s.ServiceSpecificExitCode)
}

// queryLine is one "KEY : value" line of `sc query`. Wine 8 prints
//
//	SERVICE_NAME: name
//	        TYPE               : 10  WIN32_OWN_PROCESS
//	        STATE              : 4  RUNNING
//	        WIN32_EXIT_CODE    : 1066  (0x42a)
//	        SERVICE_EXIT_CODE  : 7  (0x7)
//	        CHECKPOINT         : 0x0
//	        WAIT_HINT          : 0x7d0
//
// (Windows adds a line of accepted controls to STATE; Wine has no queryex.)
var queryLine = regexp.MustCompile(`(?m)^[ \t]*([A-Z0-9_]+)[ \t]*:[ \t]*(\S+)(?:[ \t]+(\S+))?`)

// ParseQuery reads the output of `sc query NAME`.
func ParseQuery(out string) (Status, error) {
	var s Status
	seen := map[string]bool{}
	for _, m := range queryLine.FindAllStringSubmatch(out, -1) {
		key, val := m[1], m[2]
		var dst *int
		switch key {
		case "STATE":
			s.State = m[3]
		case "CHECKPOINT":
			dst = &s.CheckPoint
		case "WAIT_HINT":
			dst = &s.WaitHint
		case "WIN32_EXIT_CODE":
			dst = &s.Win32ExitCode
		case "SERVICE_EXIT_CODE":
			dst = &s.ServiceSpecificExitCode
		default:
			continue
		}
		seen[key] = true
		if dst != nil {
			n, err := strconv.ParseInt(val, 0, 64) // decimal or 0x hex
			if err != nil {
				return Status{}, fmt.Errorf("sc query: %s %q: %w", key, val, err)
			}
			*dst = int(n)
		}
	}
	for _, k := range []string{"STATE", "CHECKPOINT", "WAIT_HINT", "WIN32_EXIT_CODE", "SERVICE_EXIT_CODE"} {
		if !seen[k] {
			return Status{}, fmt.Errorf("sc query: no %s in output %q", k, out)
		}
	}
	if s.State == "" {
		return Status{}, fmt.Errorf("sc query: no state name in output %q", out)
	}
	return s, nil
}

// Query is the service's current status. A service that does not exist is
// an error with ErrorCode ErrServiceDoesNotExist.
//
// sc.exe reports every failure of its own with an error line carrying the
// Win32 code. Rarely, on a loaded machine, the Wine process fails before sc
// gets that far: exit status 1 and nothing at all on stdout or stderr. That
// says nothing about the service, and a query changes nothing, so such a
// query is asked again, up to queryAttempts times in all; each retry is
// logged on the test that made the prefix. Any failure sc itself reports
// returns at once.
func (p *Prefix) Query(ctx context.Context, name string) (Status, error) {
	var out string
	err := p.again(ctx, queryAttempts, unexplained, func(attempt int, err error) string {
		return fmt.Sprintf("sc query %s, attempt %d of %d: %v; asking again", name, attempt, queryAttempts, err)
	}, func() error {
		var err error
		out, err = p.SC(ctx, "query", name)
		return err
	})
	if err != nil {
		return Status{}, err
	}
	return ParseQuery(out)
}

// queryAttempts bounds how often Query asks about one status.
const queryAttempts = 3

// unexplained says that a Wine program failed without a word: a non-zero
// exit, no Win32 code and no output. sc.exe never fails that way itself.
func unexplained(err error) bool {
	var re *RunError
	return errors.As(err, &re) && re.ExitCode > 0 && re.Code == 0 &&
		strings.TrimSpace(re.Stdout) == "" && strings.TrimSpace(re.Stderr) == ""
}

// pollPause separates two queries: each one starts a Wine process, which
// already takes about 0.1 s, so this only keeps the cores free for the
// service under test.
const pollPause = 20 * time.Millisecond

// WaitState polls the service until it reports state want, giving up after
// timeout. observe, if not nil, sees every status read, in order (the way
// to check CheckPoint progress during a pending state). A service that is
// STOPPED while another state is awaited fails at once: only a new start
// request would move it again.
func (p *Prefix) WaitState(ctx context.Context, name, want string, timeout time.Duration, observe func(Status)) (Status, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last Status
	for {
		st, err := p.Query(ctx, name)
		if err != nil {
			if ctx.Err() != nil {
				return last, fmt.Errorf("service %s: no %s within %v (last: %v)", name, want, timeout, last)
			}
			return last, err
		}
		if observe != nil {
			observe(st)
		}
		last = st
		if st.State == want {
			return st, nil
		}
		if st.State == StateStopped {
			return st, fmt.Errorf("service %s stopped while waiting for %s: %v", name, want, st)
		}
		select {
		case <-ctx.Done():
			return last, fmt.Errorf("service %s: no %s within %v (last: %v)", name, want, timeout, last)
		case <-time.After(pollPause):
		}
	}
}

// TestServicePrefix starts every name UniqueName makes. Setup deletes
// services with this prefix that a test which died left behind.
const TestServicePrefix = "svcgen-test-"

var nameSeq atomic.Uint64

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// UniqueName is a service name for a test, unique across the processes
// sharing the prefix: svcgen-test-<base>-<pid>-<n>.
func UniqueName(base string) string {
	base = strings.Trim(unsafeName.ReplaceAllString(base, "-"), "-")
	return fmt.Sprintf("%s%s-%d-%d", TestServicePrefix, base, os.Getpid(), nameSeq.Add(1))
}

// BinPath is an SCM command line: the quoted executable path followed by
// the arguments, each quoted by the rules of CommandLineToArgvW when it
// needs to be.
func BinPath(exe string, args ...string) string {
	var b strings.Builder
	b.WriteString(`"` + exe + `"`)
	for _, a := range args {
		b.WriteByte(' ')
		b.WriteString(quoteArg(a))
	}
	return b.String()
}

// quoteArg quotes a for CommandLineToArgvW: inside quotes, backslashes are
// literal except when they precede a quote, where they must be doubled.
func quoteArg(a string) string {
	if a != "" && !strings.ContainsAny(a, " \t\"") {
		return a
	}
	var b strings.Builder
	b.WriteByte('"')
	slashes := 0
	for _, c := range []byte(a) {
		switch c {
		case '\\':
			slashes++
		case '"':
			b.WriteString(strings.Repeat(`\`, slashes+1))
			slashes = 0
		default:
			slashes = 0
		}
		b.WriteByte(c)
	}
	b.WriteString(strings.Repeat(`\`, slashes))
	b.WriteByte('"')
	return b.String()
}

// Create registers a demand-start service running the Linux executable exe
// with args.
func (p *Prefix) Create(ctx context.Context, name, exe string, args ...string) error {
	win, err := WinPath(exe)
	if err != nil {
		return err
	}
	_, err = p.SC(ctx, "create", name, "binPath=", BinPath(win, args...))
	return err
}

// CreateService is Create for a test: it fails the test on error and
// removes the service when the test ends (see Track).
func (p *Prefix) CreateService(t testing.TB, name, exe string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := p.Create(ctx, name, exe, args...); err != nil {
		t.Fatalf("create service %s: %v", name, err)
	}
	p.Track(t, name)
}

// Track removes the service when the test ends, whoever created it (sc
// create, or the program's own installer through svc/mgr).
func (p *Prefix) Track(t testing.TB, name string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := p.RemoveService(ctx, name); err != nil {
			t.Errorf("winetest: remove service %s: %v", name, err)
		}
	})
}

// RemoveService stops the service if it runs and deletes it, and returns
// once the SCM no longer knows it. A service that does not exist is not an
// error. Stop requests are repeated while the service is in a pending
// state, because a service refuses Stop until it is running.
func (p *Prefix) RemoveService(ctx context.Context, name string) error {
	var last Status
	deleted := false
	for {
		st, err := p.Query(ctx, name)
		switch {
		case ErrorCode(err) == ErrServiceDoesNotExist:
			return nil
		case err != nil && ctx.Err() == nil:
			return err
		case err == nil:
			last = st
			switch st.State {
			case StateStopped:
				if !deleted {
					if _, err := p.SC(ctx, "delete", name); err != nil && ErrorCode(err) != ErrServiceMarkedForDelete {
						return err
					}
					deleted = true
				}
			case StateRunning, StatePaused:
				_, _ = p.SC(ctx, "stop", name) // refused in some states; the loop retries
			}
		}
		select {
		case <-ctx.Done():
			if !deleted {
				// Marked for deletion at least: gone when the session ends.
				_, _ = p.SC(context.Background(), "delete", name)
			}
			return errors.Join(fmt.Errorf("service %s still registered (last: %v)", name, last), ctx.Err())
		case <-time.After(pollPause):
		}
	}
}
