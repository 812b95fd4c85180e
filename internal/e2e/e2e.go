// Package e2e generates services from specs, builds them with the go
// command and runs them: the harness of the behaviour tests (what a
// generated service does under real traffic and real signals) and of the
// lifecycle benchmarks.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/spec"
)

// FreePort returns a loopback address that was free a moment ago: the
// listen address to give a service under test.
func FreePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// GenerateDir is Generate with the spec (service.toml) and the user files
// (every .go file) of a directory.
func GenerateDir(dir, src string) (*Project, error) {
	entries, err := os.ReadDir(src)
	if err != nil {
		return nil, err
	}
	var specText string
	user := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return nil, err
		}
		switch {
		case e.Name() == "service.toml":
			specText = string(b)
		case strings.HasSuffix(e.Name(), ".go"):
			user[e.Name()] = string(b)
		}
	}
	return Generate(dir, specText, user)
}

// Project is a generated service in a directory.
type Project struct {
	Dir  string
	Spec *spec.Spec
}

// Generate writes the project of specText (named service.toml) into dir.
// userFiles are written instead of the scaffolds of the same name: a test
// supplies its own handlers and resource functions.
func Generate(dir, specText string, userFiles map[string]string) (*Project, error) {
	s, err := spec.Parse(filepath.Join(dir, "service.toml"), []byte(specText))
	if err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	files, err := generator.Generate(s, generator.Options{Mode: generator.ProjectMode})
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	write := func(name string, data []byte) error {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o644)
	}
	for _, f := range files {
		if _, ok := userFiles[f.Path]; ok && f.Owner == generator.User {
			continue
		}
		if err := write(f.Path, f.Content); err != nil {
			return nil, err
		}
	}
	for name, content := range userFiles {
		if err := write(name, []byte(content)); err != nil {
			return nil, err
		}
	}
	if err := write("service.toml", []byte(specText)); err != nil {
		return nil, err
	}
	return &Project{Dir: dir, Spec: s}, nil
}

// Build compiles the project for goos ("" = this OS) into out and returns
// the go command's output on failure. race builds with the race detector.
func (p *Project) Build(ctx context.Context, goos, out string, race bool) error {
	args := []string{"build", "-o", out}
	if race {
		args = append(args, "-race")
	}
	args = append(args, ".")
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = p.Dir
	cmd.Env = os.Environ()
	if goos != "" {
		cmd.Env = append(cmd.Env, "GOOS="+goos, "CGO_ENABLED=0")
	}
	if race {
		cmd.Env = append(cmd.Env, "CGO_ENABLED=1")
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	return nil
}

// Vet runs go vet on the project for goos ("" = this OS).
func (p *Project) Vet(ctx context.Context, goos string) error {
	cmd := exec.CommandContext(ctx, "go", "vet", ".")
	cmd.Dir = p.Dir
	cmd.Env = os.Environ()
	if goos != "" {
		cmd.Env = append(cmd.Env, "GOOS="+goos, "CGO_ENABLED=0")
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("GOOS=%s go vet: %v\n%s", goos, err, b)
	}
	return nil
}

// Process is a running service binary with its log.
type Process struct {
	cmd    *exec.Cmd
	done   chan struct{}
	err    error
	stdout bytes.Buffer // written by exec until done

	mu    sync.Mutex
	lines []string
	cond  chan struct{} // closed and replaced on every new line or exit
}

// Start runs bin with args in dir; the service's log (stderr) is collected.
func Start(bin, dir string, env []string, args ...string) (*Process, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	p := &Process{cmd: cmd, done: make(chan struct{}), cond: make(chan struct{})}
	cmd.Stdout = &p.stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			close(p.cond)
			p.cond = make(chan struct{})
			p.mu.Unlock()
		}
		p.err = cmd.Wait()
		p.mu.Lock()
		close(p.cond)
		p.cond = make(chan struct{})
		p.mu.Unlock()
		close(p.done)
	}()
	return p, nil
}

// Signal sends sig to the process.
func (p *Process) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Kill ends the process if it still runs.
func (p *Process) Kill() {
	select {
	case <-p.done:
	default:
		p.cmd.Process.Kill()
		<-p.done
	}
}

// Exited is closed when the process has exited.
func (p *Process) Exited() <-chan struct{} { return p.done }

// Stdout is what the process wrote to stdout; empty until it exited.
func (p *Process) Stdout() string {
	select {
	case <-p.done:
		return p.stdout.String()
	default:
		return ""
	}
}

// Pid is the process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Wait waits for the exit and returns the exit code (-1 when killed by a
// signal).
func (p *Process) Wait(timeout time.Duration) (int, error) {
	select {
	case <-p.done:
	case <-time.After(timeout):
		return 0, fmt.Errorf("still running after %s; log:\n%s", timeout, p.Log())
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return -1, nil
		}
		return ee.ExitCode(), nil
	}
	if p.err != nil {
		return 0, p.err
	}
	return 0, nil
}

// Lines is a copy of the log so far.
func (p *Process) Lines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.lines...)
}

// Log is the log so far as one string.
func (p *Process) Log() string { return strings.Join(p.Lines(), "\n") }

// WaitLine waits until a log line matches re and returns it.
func (p *Process) WaitLine(re *regexp.Regexp, timeout time.Duration) (string, error) {
	deadline := time.After(timeout)
	seen := 0
	for {
		p.mu.Lock()
		lines, cond := p.lines, p.cond
		p.mu.Unlock()
		for ; seen < len(lines); seen++ {
			if re.MatchString(lines[seen]) {
				return lines[seen], nil
			}
		}
		select {
		case <-cond:
		case <-p.done:
			p.mu.Lock()
			n := len(p.lines)
			p.mu.Unlock()
			if n == seen {
				return "", fmt.Errorf("exited before a line matched %s; log:\n%s", re, p.Log())
			}
		case <-deadline:
			return "", fmt.Errorf("no line matched %s within %s; log:\n%s", re, timeout, p.Log())
		}
	}
}

// Attr returns the value of key in a log line of the text handler
// (key=value or key="quoted value").
func Attr(line, key string) string {
	re := regexp.MustCompile(`(?:^| )` + regexp.QuoteMeta(key) + `=("(?:[^"\\]|\\.)*"|\S*)`)
	m := re.FindStringSubmatch(line)
	if m == nil {
		return ""
	}
	v := m[1]
	if u, err := strconv.Unquote(v); err == nil {
		return u
	}
	return v
}

// ListenAddr waits for the "listening" line of resource and returns the
// address it bound.
func (p *Process) ListenAddr(resource string, timeout time.Duration) (string, error) {
	line, err := p.WaitLine(regexp.MustCompile(`msg=listening resource=`+regexp.QuoteMeta(resource)+` `), timeout)
	if err != nil {
		return "", err
	}
	return Attr(line, "addr"), nil
}

// SharedBuild is a service generated and built once per test binary and
// shared by every test that runs it: builds are the slow part of the
// end-to-end tests.
type SharedBuild struct {
	once sync.Once
	bin  string
	err  error
}

// Binary returns the built service, the first call generating the project
// with gen into a new temporary directory and building it as name (with
// the race detector when race). A failed build fails every caller.
func (b *SharedBuild) Binary(t testing.TB, name string, race bool, gen func(dir string) (*Project, error)) string {
	t.Helper()
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "svcgen-e2e-"+name+"-")
		if err != nil {
			b.err = err
			return
		}
		p, err := gen(dir)
		if err != nil {
			b.err = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		b.bin = filepath.Join(dir, name)
		b.err = p.Build(ctx, "", b.bin, race)
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.bin
}
