package winetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// On Windows the same tests drive the real Service Control Manager: a
// Prefix runs programs directly (sc.exe, reg.exe, the built services), with
// no Wine and no ProcessPrng DLL. Installing services needs an elevated
// token, which a hosted Windows runner has.

// Prefix is the machine itself; Dir is empty.
type Prefix struct {
	Dir      string
	InitTook time.Duration
	logf     func(format string, args ...any)
}

// New skips the test unless the process may manage services.
func New(t testing.TB) *Prefix {
	t.Helper()
	SkipOrFail(t)
	return &Prefix{logf: t.Logf}
}

// Available reports whether the process can install services: it needs
// an elevated token.
func Available() error {
	if !windows.GetCurrentProcessToken().IsElevated() {
		return errors.New("not elevated: installing services needs an administrator's token")
	}
	return nil
}

// SkipOrFail skips the test when the process is not elevated, except when
// CI=true, where that is a failure.
func SkipOrFail(t testing.TB) {
	t.Helper()
	skipOrFail(t, Available(), "winetest: CI=true and an elevated token is required", "winetest")
}

// Shutdown does nothing: there is no session to stop.
func (p *Prefix) Shutdown() error { return nil }

func commandContext(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// Command is a program of the machine, e.g. Command(ctx, "sc.exe", "query", name).
func (p *Prefix) Command(ctx context.Context, args ...string) *exec.Cmd {
	return commandContext(ctx, args[0], args[1:]...)
}

// scFailed is how sc.exe reports a failure: "[SC] OpenService FAILED 1060:".
var scFailed = regexp.MustCompile(`FAILED (\d+):`)

// Run runs a program and returns its output with CRLF turned into LF. A
// non-zero exit is a *RunError; for sc.exe its Code is the Win32 error.
func (p *Prefix) Run(ctx context.Context, args ...string) (stdout, stderr string, err error) {
	cmd := p.Command(ctx, args...)
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	stdout = strings.ReplaceAll(o.String(), "\r\n", "\n")
	stderr = strings.ReplaceAll(e.String(), "\r\n", "\n")
	if err == nil {
		return stdout, stderr, nil
	}
	re := &RunError{Args: args, ExitCode: -1, Stdout: stdout, Stderr: stderr, Err: err}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		re.ExitCode = ee.ExitCode()
	}
	if m := scFailed.FindStringSubmatch(stdout); m != nil {
		re.Code, _ = strconv.Atoi(m[1])
	}
	if ctx.Err() != nil {
		re.Err = fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return stdout, stderr, re
}

// WinPath is the path itself, made absolute.
func WinPath(path string) (string, error) {
	return filepath.Abs(path)
}

// ProgramData is C:\ProgramData (or where it was moved).
func (p *Prefix) ProgramData() string {
	if d, err := windows.KnownFolderPath(windows.FOLDERID_ProgramData, 0); err == nil {
		return d
	}
	return os.Getenv("ProgramData")
}

// UsersDir is the user profiles folder, C:\Users.
func (p *Prefix) UsersDir() string {
	if d, err := windows.KnownFolderPath(windows.FOLDERID_UserProfiles, 0); err == nil {
		return d
	}
	return filepath.Join(os.Getenv("SystemDrive")+`\`, "Users")
}
