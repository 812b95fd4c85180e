//go:build linux

package winetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Env is the environment of every Wine program the package starts.
func (p *Prefix) Env() []string {
	env := make([]string, 0, len(os.Environ())+6)
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "WINEPREFIX", "WINEDEBUG", "WINEDLLOVERRIDES", "WINELOADER", "WINESERVER",
			"DISPLAY", "WAYLAND_DISPLAY":
			continue // ours below, or unset: the session is headless
		}
		env = append(env, kv)
	}
	return append(env,
		"WINEPREFIX="+p.Dir,
		// Quiet, except sc.exe's error lines: Wine's sc prints nothing else
		// on failure, and the Win32 code in them is the only diagnosis.
		"WINEDEBUG=-all,err+sc",
		// No mono or gecko: their installers would try to download.
		"WINEDLLOVERRIDES=mscoree,mshtml=",
		// Programs the session starts (services.exe, the services) use the
		// same 64-bit loader and server.
		"WINELOADER="+p.tools.wine,
		"WINESERVER="+p.tools.wineserver,
	)
}

func commandContext(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	// A program that starts the wineserver or services.exe may hand them
	// its stdout; do not wait for those to close it.
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// Command is a Wine program of the session, e.g. Command(ctx, "sc.exe",
// "query", name) or Command(ctx, "/tmp/x/svc.exe", "run") for a
// long-running console program. The caller sets stdio and runs it; Setup
// has started the session, so pipes are safe (see Run for why that
// matters).
func (p *Prefix) Command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := commandContext(ctx, p.tools.wine, args...)
	cmd.Env = p.Env()
	return cmd
}

func (p *Prefix) serverCommand(ctx context.Context, args ...string) *exec.Cmd {
	cmd := commandContext(ctx, p.tools.wineserver, args...)
	cmd.Env = p.Env()
	return cmd
}

// win32Code finds the error code at the end of a Wine "err:" line.
var win32Code = regexp.MustCompile(`(?m)err:[a-z0-9_]+:.*?\b(\d+)\s*$`)

// Run runs a Windows program (sc.exe, net.exe, a built .exe given by its
// Linux or Windows path) and returns its output with CRLF turned into LF.
// A non-zero exit is a *RunError.
//
// Wine starts a console program through its start.exe, which on a loaded
// machine now and then fails to start it at all ("ShellExecuteEx failed:
// Internal error.", seen in CI on an sc query): the program never ran, so
// Run starts it again, up to launchAttempts times in all, each retry
// logged on the test that made the prefix. Any failure of the program
// itself returns at once.
func (p *Prefix) Run(ctx context.Context, args ...string) (stdout, stderr string, err error) {
	err = p.again(ctx, launchAttempts, notLaunched, func(attempt int, err error) string {
		return fmt.Sprintf("%s, attempt %d of %d: Wine did not start it (%s); starting it again",
			strings.Join(args, " "), attempt, launchAttempts, launchFailure)
	}, func() error {
		stdout, stderr, err = p.runOnce(ctx, args...)
		return err
	})
	return stdout, stderr, err
}

// launchAttempts bounds how often Run starts a program Wine failed to start.
const launchAttempts = 3

// launchFailure is what Wine's start.exe prints when it could not start the
// program (programs/start in Wine's source); the program then never ran.
const launchFailure = "ShellExecuteEx failed"

func notLaunched(err error) bool {
	var re *RunError
	return errors.As(err, &re) && strings.Contains(re.Stdout+re.Stderr, launchFailure)
}

// runOnce is one start of the program: see Run.
//
// The output goes through temporary files, not pipes: a program that has
// to start the Wine session hands its stdout to the wineserver and
// services.exe, and a pipe would stay open as long as they run.
func (p *Prefix) runOnce(ctx context.Context, args ...string) (stdout, stderr string, err error) {
	cmd := p.Command(ctx, args...)
	o, err := os.CreateTemp("", "winetest-stdout-")
	if err != nil {
		return "", "", err
	}
	defer os.Remove(o.Name())
	defer o.Close()
	e, err := os.CreateTemp("", "winetest-stderr-")
	if err != nil {
		return "", "", err
	}
	defer os.Remove(e.Name())
	defer e.Close()
	cmd.Stdout, cmd.Stderr = o, e
	err = cmd.Run()
	stdout, stderr = readBack(o), readBack(e)
	if err != nil {
		re := &RunError{Args: args, ExitCode: -1, Stdout: stdout, Stderr: stderr, Err: err}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			re.ExitCode = ee.ExitCode()
		}
		if m := win32Code.FindAllStringSubmatch(stderr, -1); len(m) > 0 {
			re.Code, _ = strconv.Atoi(m[len(m)-1][1])
		}
		if ctx.Err() != nil {
			re.Err = fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		return stdout, stderr, re
	}
	return stdout, stderr, nil
}

func readBack(f *os.File) string {
	b, _ := os.ReadFile(f.Name())
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}
