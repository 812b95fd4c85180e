package winetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Win32 error codes sc.exe reports (see ErrorCode).
const (
	ErrServiceRequestTimeout   = 1053 // the service did not reach the SCM in time
	ErrServiceAlreadyRunning   = 1056
	ErrServiceCannotAcceptCtrl = 1061
	ErrServiceNotActive        = 1062
	ErrServiceDoesNotExist     = 1060
	ErrServiceMarkedForDelete  = 1072
	ErrServiceExists           = 1073
)

// RunError is a Windows program that exited with a non-zero status.
type RunError struct {
	Args     []string
	ExitCode int
	// Code is the Win32 error a Wine program reported on stderr (for sc.exe
	// "err:sc:... failed to open service 1060"), or 0.
	Code           int
	Stdout, Stderr string
	Err            error
}

func (e *RunError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "wine %s: %v", strings.Join(e.Args, " "), e.Err)
	if e.Code != 0 {
		fmt.Fprintf(&b, " (win32 error %d)", e.Code)
	}
	if s := strings.TrimSpace(e.Stdout); s != "" {
		fmt.Fprintf(&b, "\nstdout: %s", s)
	}
	if s := strings.TrimSpace(e.Stderr); s != "" {
		fmt.Fprintf(&b, "\nstderr: %s", s)
	}
	return b.String()
}

func (e *RunError) Unwrap() error { return e.Err }

// ErrorCode is the Win32 error code carried by an error from Run or SC, or 0.
func ErrorCode(err error) int {
	var re *RunError
	if errors.As(err, &re) {
		return re.Code
	}
	return 0
}

// again runs try until it succeeds or fails in a way retryable does not
// accept, at most attempts times, pausing pollPause between tries and
// logging each retry on the test (why says what is retried). It returns
// try's last error.
func (p *Prefix) again(ctx context.Context, attempts int, retryable func(error) bool, why func(attempt int, err error) string, try func() error) error {
	for attempt := 1; ; attempt++ {
		err := try()
		if err == nil || !retryable(err) || attempt == attempts || ctx.Err() != nil {
			return err
		}
		p.logf("winetest: %s", why(attempt, err))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pollPause):
		}
	}
}

// SC runs sc.exe with args, e.g. SC(ctx, "start", name), and returns its
// stdout. Wine's sc.exe reports failures only through its exit status and
// an error line carrying the Win32 code: see ErrorCode.
func (p *Prefix) SC(ctx context.Context, args ...string) (string, error) {
	out, _, err := p.Run(ctx, append([]string{"sc.exe"}, args...)...)
	return out, err
}
