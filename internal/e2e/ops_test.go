package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The operations tests share one generated service (testdata/ops), built
// once with the race detector. Each test runs its own copy of the binary,
// because the log file of the spec ("logs/opsd.log") resolves against the
// executable's directory.
var (
	opsBin     string
	opsProject *Project
	opsErr     error
	opsOnce    sync.Once
)

func opsBuild(t *testing.T) (string, *Project) {
	t.Helper()
	opsOnce.Do(func() {
		dir, err := os.MkdirTemp("", "svcgen-ops-")
		if err != nil {
			opsErr = err
			return
		}
		opsProject, err = GenerateDir(dir, "testdata/ops")
		if err != nil {
			opsErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		opsBin = filepath.Join(dir, "opsd")
		opsErr = opsProject.Build(ctx, "", opsBin, true)
	})
	if opsErr != nil {
		t.Fatal(opsErr)
	}
	return opsBin, opsProject
}

// opsStart copies the binary into a directory of its own and runs it from
// another one (its working directory), with env.
func opsStart(t *testing.T, env ...string) (p *Process, exeDir string) {
	t.Helper()
	bin, _ := opsBuild(t)
	exeDir = t.TempDir()
	exe := filepath.Join(exeDir, "opsd")
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, data, 0o755); err != nil {
		t.Fatal(err)
	}
	p, err = Start(exe, t.TempDir(), env, "run")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Kill()
		if strings.Contains(p.Log(), "DATA RACE") {
			t.Errorf("the race detector reported a race:\n%s", p.Log())
		}
	})
	return p, exeDir
}

func opsAdmin(t *testing.T, p *Process) string {
	t.Helper()
	addr, err := p.ListenAddr("admin", wait)
	if err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}

func opsGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// notifyRecorder is the systemd side of sd_notify: a datagram socket the
// test owns, named to the service by NOTIFY_SOCKET.
type notifyRecorder struct {
	conn *net.UnixConn
	mu   sync.Mutex
	msgs []string
	cond chan struct{}
}

func listenNotify(t *testing.T, name string) *notifyRecorder {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	r := &notifyRecorder{conn: conn, cond: make(chan struct{})}
	t.Cleanup(func() { conn.Close() })
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			r.mu.Lock()
			r.msgs = append(r.msgs, string(buf[:n]))
			close(r.cond)
			r.cond = make(chan struct{})
			r.mu.Unlock()
		}
	}()
	return r
}

func (r *notifyRecorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}

// waitFor waits for a message from index from on that contains want and
// returns its index.
func (r *notifyRecorder) waitFor(t *testing.T, from int, want string) int {
	t.Helper()
	deadline := time.After(wait)
	for {
		r.mu.Lock()
		msgs, cond := r.msgs, r.cond
		r.mu.Unlock()
		for i := from; i < len(msgs); i++ {
			if strings.Contains(msgs[i], want) {
				return i
			}
		}
		select {
		case <-cond:
		case <-deadline:
			t.Fatalf("no notify message with %q after #%d; got %q", want, from, msgs)
		}
	}
}

func count(msgs []string, want string) int {
	n := 0
	for _, m := range msgs {
		if strings.Contains(m, want) {
			n++
		}
	}
	return n
}

// sd_notify: READY=1 only once the slow warmup is done, EXTEND_TIMEOUT_USEC
// while it progresses, WATCHDOG=1 only while the liveness check passes (and
// /readyz 503 while it fails), STOPPING=1 when the stop begins. The socket
// is an abstract one (a NOTIFY_SOCKET starting with @), as systemd uses
// for some services; TestNotifyPathSocket covers a path.
func TestNotify(t *testing.T) {
	dir := t.TempDir()
	gate, down := filepath.Join(dir, "gate"), filepath.Join(dir, "down")
	name := fmt.Sprintf("@svcgen-ops-%d-%d", os.Getpid(), time.Now().UnixNano())
	n := listenNotify(t, name)
	p, _ := opsStart(t, "NOTIFY_SOCKET="+name, "WATCHDOG_USEC=200000", "OPS_GATE="+gate, "OPS_DOWN="+down)
	admin := opsAdmin(t, p)

	waitLine(t, p, `msg=opening resource=probe`)
	// The warmup waits for the gate: the service must not be ready, and
	// systemd must not have been told so, however long it waits.
	if code, _ := opsGet(t, admin+"/readyz"); code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz during warmup: %d, want 503", code)
	}
	pings := n.waitFor(t, 0, "WATCHDOG=1") // pings run from the start
	if got := count(n.all(), "READY=1"); got != 0 {
		t.Fatalf("READY=1 during warmup: %q", n.all())
	}
	_ = pings
	if err := os.WriteFile(gate, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ready := n.waitFor(t, 0, "READY=1")
	before := n.all()[:ready]
	if count(before, "EXTEND_TIMEOUT_USEC=") == 0 {
		t.Errorf("no EXTEND_TIMEOUT_USEC before READY=1: %q", before)
	}
	waitLine(t, p, `msg="service ready"`)
	if code, _ := opsGet(t, admin+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz once ready: %d", code)
	}

	// Liveness fails: after 3 failed checks the service is not live, /readyz
	// answers 503 and the pings stop.
	if err := os.WriteFile(down, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	waitLine(t, p, `msg="not live"`)
	if code, body := opsGet(t, admin+"/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, `"live":false`) {
		t.Fatalf("/readyz while not live: %d %s, want 503 and live false", code, body)
	}
	// A ping already on its way may still arrive: count from the next
	// failed check on, for five more checks (the log is the clock).
	waitLine(t, p, `msg="check failed" resource=probe failures=4`)
	quiet := len(n.all())
	waitLine(t, p, `msg="check failed" resource=probe failures=9`)
	if got := count(n.all()[quiet:], "WATCHDOG=1"); got != 0 {
		t.Fatalf("%d WATCHDOG=1 while not live; messages %q", got, n.all()[quiet:])
	}
	// Back: the pings resume and /readyz is 200 again.
	if err := os.Remove(down); err != nil {
		t.Fatal(err)
	}
	waitLine(t, p, `msg="live again"`)
	n.waitFor(t, len(n.all()), "WATCHDOG=1")
	if code, _ := opsGet(t, admin+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz live again: %d", code)
	}

	mark := len(n.all())
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	stopping := n.waitFor(t, mark, "STOPPING=1")
	if !strings.Contains(n.all()[stopping], "EXTEND_TIMEOUT_USEC=") {
		t.Errorf("STOPPING=1 without the stop budget: %q", n.all()[stopping])
	}
	waitExit(t, p, 0)
}

// A NOTIFY_SOCKET that is a path works as well, and without WATCHDOG_USEC
// there are no pings.
func TestNotifyPathSocket(t *testing.T) {
	name := filepath.Join(t.TempDir(), "notify")
	n := listenNotify(t, name)
	p, _ := opsStart(t, "NOTIFY_SOCKET="+name)
	n.waitFor(t, 0, "READY=1")
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	n.waitFor(t, 0, "STOPPING=1")
	waitExit(t, p, 0)
	if got := count(n.all(), "WATCHDOG=1"); got != 0 {
		t.Errorf("%d WATCHDOG=1 without WATCHDOG_USEC", got)
	}
}

// A check failing longer than exit_after stops the service in order with
// exit code 8.
func TestLivenessExit(t *testing.T) {
	down := filepath.Join(t.TempDir(), "down")
	if err := os.WriteFile(down, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	p, _ := opsStart(t, "OPS_DOWN="+down)
	waitLine(t, p, `msg="not live"`)
	waitLine(t, p, `msg="liveness failed" resource=probe`)
	waitExit(t, p, 8)
	lines := p.Lines()
	before(t, lines, `msg=stopping`, closed("probe"))
}

// The log file rotates past max_size_mb (1 MB), keeps compressed backups,
// is 0640, lives next to the executable (not in the working directory)
// and holds the final "stopped" line: the flush ran last.
func TestLogFileRotation(t *testing.T) {
	p, exeDir := opsStart(t)
	waitLine(t, p, `msg="service ready"`)
	api, err := p.ListenAddr("api", wait)
	if err != nil {
		t.Fatal(err)
	}
	logDir := filepath.Join(exeDir, "logs")
	current := filepath.Join(logDir, "opsd.log")
	st, err := os.Stat(current)
	if err != nil {
		t.Fatalf("log file next to the executable: %v", err)
	}
	if mode := st.Mode().Perm(); mode != 0o640 {
		t.Errorf("log file mode %o, want 640", mode)
	}
	// About 1.5 MB of records: one rotation.
	for range 3 {
		if code, body := opsGet(t, "http://"+api+"/log?n=500"); code != 200 {
			t.Fatalf("/log: %d %s", code, body)
		}
	}
	// lumberjack compresses the rotated file on its own goroutine.
	deadline := time.Now().Add(wait)
	var gz []string
	for {
		gz, _ = filepath.Glob(filepath.Join(logDir, "opsd-*.log.gz"))
		if len(gz) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond) // polling the file system: no event to wait on
	}
	if len(gz) == 0 {
		entries, _ := os.ReadDir(logDir)
		t.Fatalf("no compressed backup in %s: %v", logDir, entries)
	}
	if st, err := os.Stat(gz[0]); err != nil || st.Mode().Perm() != 0o640 {
		t.Errorf("backup %s: %v, mode %v; want 0640", gz[0], err, st.Mode().Perm())
	}
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitExit(t, p, 0)
	b, err := os.ReadFile(current)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(current); st.Size() > 1<<20+4096 {
		t.Errorf("current log file is %d bytes, past max_size_mb", st.Size())
	}
	if !regexp.MustCompile(`msg=stopped code=0`).Match(b) {
		t.Errorf("the log file lacks the final line; tail:\n%s", tail(string(b), 5))
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// SIGHUP runs the reload hook; a failing reload is logged and the service
// keeps running, ready.
func TestReloadBySIGHUP(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad")
	p, _ := opsStart(t, "OPS_BADRELOAD="+bad)
	admin := opsAdmin(t, p)
	waitLine(t, p, `msg="service ready"`)
	if err := p.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitLine(t, p, `msg="reload hook ran"`)
	waitLine(t, p, `msg=reloaded`)
	if err := os.WriteFile(bad, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitLine(t, p, `msg="reload failed".*bad configuration`)
	if code, _ := opsGet(t, admin+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz after a failed reload: %d", code)
	}
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitExit(t, p, 0)
}

// The unit that install writes passes systemd-analyze verify, and equals
// deploy/opsd.service but for ExecStart.
func TestSystemdUnit(t *testing.T) {
	bin, proj := opsBuild(t)
	dir := t.TempDir()
	out, err := exec.Command(bin, "install", "-dir", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("install -dir: %v\n%s", err, out)
	}
	unit := filepath.Join(dir, "opsd.service")
	written, err := os.ReadFile(unit)
	if err != nil {
		t.Fatal(err)
	}
	deploy, err := os.ReadFile(filepath.Join(proj.Dir, "deploy", "opsd.service"))
	if err != nil {
		t.Fatal(err)
	}
	exe := regexp.MustCompile(`(?m)^ExecStart=.*$`)
	if a, b := exe.ReplaceAllString(string(written), ""), exe.ReplaceAllString(string(deploy), ""); a != b {
		t.Errorf("installed unit and deploy/opsd.service differ beyond ExecStart:\n%s\n---\n%s", a, b)
	}
	for _, want := range []string{"Type=notify", "ExecStart=\"" + bin + "\" run", "ExecReload=/bin/kill -HUP $MAINPID",
		"TimeoutStartSec=25s", "TimeoutStopSec=10s", "Restart=on-failure", "RestartSec=3s", "WatchdogSec=2s",
		"RestartPreventExitStatus=2", "User=opsd", "Description=Ops Test: Operations features under test (100%% generated).",
		"EnvironmentFile=-/etc/opsd/opsd.env", "RuntimeDirectory=opsd"} {
		if !strings.Contains(string(written), want+"\n") {
			t.Errorf("unit lacks %q:\n%s", want, written)
		}
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("systemd-analyze is not installed (CI installs it)")
		}
		t.Skip("systemd-analyze is not installed")
	}
	// The template unit: the same but for its instance's env file and name.
	template, err := os.ReadFile(filepath.Join(dir, "opsd@.service"))
	if err != nil {
		t.Fatal(err)
	}
	instance := strings.NewReplacer("EnvironmentFile=-/etc/opsd/%i.env\n", "EnvironmentFile=-/etc/opsd/opsd.env\n", " (instance %i)\n", "\n",
		"RuntimeDirectory=opsd-%i\n", "RuntimeDirectory=opsd\n").Replace(string(template))
	if instance != string(written) || !strings.Contains(string(template), "EnvironmentFile=-/etc/opsd/%i.env\n") || !strings.Contains(string(template), "RuntimeDirectory=opsd-%i\n") {
		t.Errorf("opsd@.service is not opsd.service with its instance's env file and runtime directory:\n%s", template)
	}
	// The unit names User=opsd, which need not exist here: verify a copy
	// without it, so the check is about the unit's syntax and semantics; the
	// template as an instance of it (verify checks instances).
	vdir := t.TempDir()
	for name, text := range map[string][]byte{"opsd.service": written, "opsd@b.service": template} {
		verify := filepath.Join(vdir, name)
		if err := os.WriteFile(verify, []byte(strings.ReplaceAll(string(text), "User=opsd\n", "")), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(analyze, "verify", verify)
		out, err = cmd.CombinedOutput()
		if err != nil || len(strings.TrimSpace(string(out))) > 0 {
			t.Fatalf("systemd-analyze verify %s: %v\n%s", name, err, out)
		}
	}
}

// The operations project builds for Windows too (lumberjack, metrics,
// pprof, the systemd files excluded by their build constraints).
func TestOpsBuildsForWindows(t *testing.T) {
	_, proj := opsBuild(t)
	vetAndBuildForWindows(t, proj, "opsd.exe")
}
