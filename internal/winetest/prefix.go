//go:build linux

package winetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// processPrngSource is the bcryptprimitives.dll stand-in. Go 1.22+ Windows
// binaries call bcryptprimitives!ProcessPrng at start-up and Wine 8 lacks
// it, so every prefix gets this DLL in system32.
//
//go:embed processprng/processprng.c
var processPrngSource []byte

// Prefix is a handle on the shared WINEPREFIX. Every handle of a process
// shares one Wine session; Shutdown releases the handle, and the last
// handle of the last process using the prefix stops the session.
type Prefix struct {
	// Dir is the WINEPREFIX.
	Dir string
	// InitTook is how long creating the prefix took (wineboot -i), or zero
	// when an initialised prefix was reused.
	InitTook time.Duration

	tools tools
	once  sync.Once
	// logf reports what the handle worked around (see Query); New sets
	// it to the test's Logf.
	logf func(format string, args ...any)
}

// session is the process-wide state behind all Prefix handles. flock locks
// belong to an open file, so the process holds one users lock for all its
// handles: a second request from the same process through another file
// would wait on its own lock.
//
// Two lock files coordinate the processes sharing the prefix:
//   - svcgen/init.lock, exclusive and short: held while preparing the prefix
//     and while deciding whether to stop the session, so that nobody starts
//     using the session while it is being stopped.
//   - svcgen/users.lock, shared by every process using the session; whoever
//     can turn it exclusive is alone, so it may sweep or stop the session.
var session struct {
	mu    sync.Mutex
	refs  int
	users *os.File
	dir   string
	tools tools
}

// New prepares the prefix for a test: it skips or fails the test when Wine
// is missing (see SkipOrFail), and shuts the session down when the test ends.
func New(t testing.TB) *Prefix {
	t.Helper()
	SkipOrFail(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	p, err := Setup(ctx)
	if err != nil {
		t.Fatalf("winetest: %v", err)
	}
	p.logf = t.Logf
	t.Cleanup(func() {
		if err := p.Shutdown(); err != nil {
			t.Errorf("winetest: shutdown: %v", err)
		}
	})
	if p.InitTook > 0 {
		t.Logf("winetest: initialised WINEPREFIX %s in %v", p.Dir, p.InitTook.Round(time.Millisecond))
	}
	return p
}

// PrefixDir is the WINEPREFIX the package uses: $SVCGEN_WINEPREFIX, or
// svcgen-wine under the user's cache directory.
func PrefixDir() (string, error) {
	if d := os.Getenv(EnvPrefix); d != "" {
		return filepath.Abs(d)
	}
	c, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for the WINEPREFIX (set %s): %w", EnvPrefix, err)
	}
	return filepath.Join(c, "svcgen-wine"), nil
}

// Setup makes the prefix ready to run Windows services: it is created on
// first use (wineboot -i, about 10-20 s), services left behind by a test
// that died are deleted, and the ProcessPrng DLL is installed. Call
// Shutdown when done. Safe to call from several goroutines and processes.
func Setup(ctx context.Context) (*Prefix, error) {
	tl, err := findTools()
	if err != nil {
		return nil, err
	}
	dir, err := PrefixDir()
	if err != nil {
		return nil, err
	}
	session.mu.Lock()
	defer session.mu.Unlock()
	if session.refs > 0 {
		session.refs++
		return &Prefix{Dir: session.dir, tools: session.tools, logf: discard}, nil
	}

	state := filepath.Join(dir, "svcgen")
	if err := os.MkdirAll(state, 0o755); err != nil {
		return nil, err
	}
	initLock, err := lockFile(ctx, filepath.Join(state, "init.lock"), syscall.LOCK_EX)
	if err != nil {
		return nil, err
	}
	defer initLock.Close() // closing drops the lock
	users, err := os.OpenFile(filepath.Join(state, "users.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	alone := syscall.Flock(int(users.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
	p := &Prefix{Dir: dir, tools: tl, logf: discard}
	if err := p.prepare(ctx, state, alone); err != nil {
		users.Close()
		return nil, err
	}
	if err := syscall.Flock(int(users.Fd()), syscall.LOCK_SH); err != nil {
		users.Close()
		return nil, fmt.Errorf("lock %s: %w", users.Name(), err)
	}
	session.refs, session.users, session.dir, session.tools = 1, users, dir, tl
	return p, nil
}

func discard(string, ...any) {}

// lockFile opens path and locks it, giving up when ctx ends (flock(2)
// itself cannot be interrupted).
func lockFile(ctx context.Context, path string, how int) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// prepare runs with init.lock held; alone says that no other process
// uses the session.
func (p *Prefix) prepare(ctx context.Context, state string, alone bool) error {
	dll, err := p.buildDLL(ctx, state)
	if err != nil {
		return err
	}
	marker := filepath.Join(state, "initialised")
	_, err = os.Stat(marker)
	initialised := err == nil
	if alone {
		// A wineserver still running belongs to a test process that died:
		// stop it, which also writes the registry to system.reg for the
		// sweep below.
		p.stopServer()
	}
	if !initialised {
		start := time.Now()
		if _, _, err := p.Run(ctx, "wineboot", "-i"); err != nil {
			return fmt.Errorf("create WINEPREFIX %s: %w", p.Dir, err)
		}
		p.stopServer()
		p.InitTook = time.Since(start)
		version, _, _ := p.Run(ctx, "--version")
		if err := os.WriteFile(marker, []byte(version), 0o644); err != nil {
			return err
		}
	} else if alone {
		if err := p.sweep(ctx); err != nil {
			return err
		}
	}
	if err := p.installDLL(dll); err != nil {
		return err
	}
	return p.startSession(ctx)
}

// startSession starts a persistent wineserver and the session's system
// processes (services.exe and its helpers) unless they run already. Left to
// itself, Wine stops the session seconds after the last program exits and
// restarts it with the next one; keeping it up makes each sc.exe call
// cheap, and the system processes inherit /dev/null rather than the output
// of whichever program happened to start them.
func (p *Prefix) startSession(ctx context.Context) error {
	_ = p.serverCommand(ctx, "-p").Run() // fails when a server runs already
	if err := p.Command(ctx, "cmd.exe", "/c", "exit").Run(); err != nil {
		return fmt.Errorf("start Wine session: %w", err)
	}
	return nil
}

// buildDLL compiles the ProcessPrng shim once per source version.
func (p *Prefix) buildDLL(ctx context.Context, state string) (string, error) {
	sum := sha256.Sum256(processPrngSource)
	dll := filepath.Join(state, "processprng-"+hex.EncodeToString(sum[:6])+".dll")
	if _, err := os.Stat(dll); err == nil {
		return dll, nil
	}
	src := filepath.Join(state, "processprng.c")
	if err := os.WriteFile(src, processPrngSource, 0o644); err != nil {
		return "", err
	}
	tmp := dll + ".tmp"
	cmd := commandContext(ctx, p.tools.gcc, "-shared", "-O2", "-s", "-o", tmp, src, "-ladvapi32")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build ProcessPrng DLL: %w\n%s", err, out)
	}
	return dll, os.Rename(tmp, dll)
}

func (p *Prefix) installDLL(dll string) error {
	want, err := os.ReadFile(dll)
	if err != nil {
		return err
	}
	dst := filepath.Join(p.Dir, "drive_c", "windows", "system32", "bcryptprimitives.dll")
	if have, err := os.ReadFile(dst); err == nil && bytes.Equal(have, want) {
		return nil
	}
	if err := os.WriteFile(dst+".tmp", want, 0o644); err != nil {
		return err
	}
	return os.Rename(dst+".tmp", dst)
}

// staleKey matches the registry keys of services created with UniqueName
// in the prefix's system.reg.
var staleKey = regexp.MustCompile(`(?m)^\[System\\\\CurrentControlSet\\\\Services\\\\(` +
	regexp.QuoteMeta(TestServicePrefix) + `[A-Za-z0-9_.-]+)[\]\\]`)

// sweep deletes services named by UniqueName that a test which died
// before its cleanup left registered. The wineserver is stopped, so
// system.reg is current.
func (p *Prefix) sweep(ctx context.Context) error {
	reg, err := os.ReadFile(filepath.Join(p.Dir, "system.reg"))
	if err != nil {
		return nil // nothing registered yet
	}
	names := map[string]bool{}
	for _, m := range staleKey.FindAllSubmatch(reg, -1) {
		names[string(m[1])] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		if _, err := p.SC(ctx, "delete", n); err != nil && ErrorCode(err) != ErrServiceDoesNotExist {
			return fmt.Errorf("delete stale service %s: %w", n, err)
		}
	}
	return nil
}

// stopServer kills the prefix's wineserver, and with it every Windows
// process of the session, and waits until it is gone. It is a no-op when no
// server runs.
func (p *Prefix) stopServer() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = p.serverCommand(ctx, "-k").Run() // fails when no server runs
	_ = p.serverCommand(ctx, "-w").Run()
}

// Shutdown releases the handle. The last handle of the process drops its
// share of the prefix; if no other process holds one, the Wine session
// (wineserver and all Windows processes) is stopped. Calling it again does
// nothing.
func (p *Prefix) Shutdown() error {
	var err error
	p.once.Do(func() {
		session.mu.Lock()
		defer session.mu.Unlock()
		session.refs--
		if session.refs > 0 {
			return
		}
		users := session.users
		session.users = nil
		defer users.Close()
		// Stopping waits for init.lock, so that a process in Setup does
		// not start using the session while it goes down.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		initLock, lerr := lockFile(ctx, filepath.Join(p.Dir, "svcgen", "init.lock"), syscall.LOCK_EX)
		if lerr != nil {
			err = lerr
			return
		}
		defer initLock.Close()
		// Trading the shared lock for an exclusive one succeeds only when
		// this process is the last user; otherwise the last one stops it.
		if syscall.Flock(int(users.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			p.stopServer()
		}
	})
	return err
}

// WinPath is the Windows path of a Linux path inside the prefix: Wine maps
// drive Z: to the Linux root, so /tmp/x/svc.exe is Z:\tmp\x\svc.exe.
func WinPath(linuxPath string) (string, error) {
	abs, err := filepath.Abs(linuxPath)
	if err != nil {
		return "", err
	}
	return `Z:` + strings.ReplaceAll(abs, "/", `\`), nil
}

// ProgramData is the host path of the prefix's C:\ProgramData.
func (p *Prefix) ProgramData() string {
	return filepath.Join(p.Dir, "drive_c", "ProgramData")
}

// UsersDir is the host path of the prefix's user profiles folder, C:\users.
func (p *Prefix) UsersDir() string {
	return filepath.Join(p.Dir, "drive_c", "users")
}
