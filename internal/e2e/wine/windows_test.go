package wine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/e2e"
	"github.com/svcgen/svcgen/internal/winetest"
)

// The Windows tests generate testdata/windows (three custom resources
// whose opens and closes take as long as control.txt says, then an HTTP
// API), build it with GOOS=windows once, and drive it under Wine's Service
// Control Manager with sc.exe and with the service's own verbs.

var winSvc struct {
	once    sync.Once
	exe     string // Linux path of the .exe
	api     string // host:port of the API
	admin   string // host:port of the admin listener
	project *e2e.Project
	err     error
}

// windowsProject generates the test service with free ports.
func windowsProject(t *testing.T) {
	t.Helper()
	winSvc.once.Do(func() {
		winSvc.api, winSvc.admin = e2e.FreePort(t), e2e.FreePort(t)
		src := "testdata/windows"
		specText, err := os.ReadFile(filepath.Join(src, "service.toml"))
		if err != nil {
			winSvc.err = err
			return
		}
		text := strings.NewReplacer("127.0.0.1:18080", winSvc.api, "127.0.0.1:19090", winSvc.admin).Replace(string(specText))
		user := map[string]string{}
		for _, n := range []string{"warm1.go", "warm2.go", "warm3.go", "api.go", "hooks.go"} {
			b, err := os.ReadFile(filepath.Join(src, n))
			if err != nil {
				winSvc.err = err
				return
			}
			user[n] = string(b)
		}
		dir, err := os.MkdirTemp("", "svcgen-win-")
		if err != nil {
			winSvc.err = err
			return
		}
		winSvc.project, winSvc.err = e2e.Generate(filepath.Join(dir, "src"), text, user)
		winSvc.exe = filepath.Join(dir, "bin", "svcgenwin.exe")
	})
	if winSvc.err != nil {
		t.Fatal(winSvc.err)
	}
}

var winBuild struct {
	once sync.Once
	err  error
}

// windowsExe builds the test service for Windows once.
func windowsExe(t *testing.T) string {
	t.Helper()
	windowsProject(t)
	winBuild.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		if err := os.MkdirAll(filepath.Dir(winSvc.exe), 0o755); err != nil {
			winBuild.err = err
			return
		}
		winBuild.err = winetest.BuildWindows(ctx, winSvc.project.Dir, winSvc.exe)
	})
	if winBuild.err != nil {
		t.Fatal(winBuild.err)
	}
	return winSvc.exe
}

// setControl writes control.txt next to the executable (see warm.go).
func setControl(t *testing.T, lines ...string) {
	t.Helper()
	path := filepath.Join(filepath.Dir(winSvc.exe), "control.txt")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// serviceLog is the log of the service runs so far (api.go sends it there).
func serviceLog() string {
	b, _ := os.ReadFile(filepath.Join(filepath.Dir(winSvc.exe), "service.log"))
	return string(b)
}

// pendingSteps collects the CheckPoints of one pending state as sc query
// shows them, and checks they never go back.
type pendingSteps struct {
	t     *testing.T
	state string
	seen  []int
}

func (p *pendingSteps) observe(st winetest.Status) {
	if st.State != p.state {
		return
	}
	if n := len(p.seen); n > 0 && st.CheckPoint < p.seen[n-1] {
		p.t.Errorf("%s CheckPoint went back: %d after %v", p.state, st.CheckPoint, p.seen)
	}
	if st.WaitHint <= 0 {
		p.t.Errorf("%s with WaitHint %d", p.state, st.WaitHint)
	}
	p.seen = append(p.seen, st.CheckPoint)
}

// distinct is the number of different CheckPoints seen.
func (p *pendingSteps) distinct() int {
	m := map[int]bool{}
	for _, c := range p.seen {
		m[c] = true
	}
	return len(m)
}

func get(url string) (int, string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// slowRequest sends GET /slow?ms=1500, marks sent done once the request
// is written, and returns any failure.
func slowRequest(sent *sync.WaitGroup) error {
	var once sync.Once
	defer once.Do(sent.Done)
	trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { once.Do(sent.Done) }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", "http://"+winSvc.api+"/slow?ms=1500", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && (resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "slow hello")) {
		err = fmt.Errorf("slow request: %d %q", resp.StatusCode, b)
	}
	return err
}

func TestWindowsVet(t *testing.T) {
	windowsProject(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := winSvc.project.Vet(ctx, "windows"); err != nil {
		t.Fatalf("GOOS=windows go vet: %v", err)
	}
}

// TestWindowsStartStopUnderLoad: installed with sc create, started with sc
// start: START_PENDING with a rising CheckPoint while the three resources
// warm up, RUNNING only when the API answers; under load, sc stop drains
// without losing a request, through STOP_PENDING with rising CheckPoints.
func TestWindowsStartStopUnderLoad(t *testing.T) {
	p := winetest.New(t)
	exe := windowsExe(t)
	ctx := context.Background()
	setControl(t, "open=700ms", "close=400ms")
	name := winetest.UniqueName("load")
	p.CreateService(t, name, exe, "service")

	if _, err := p.SC(ctx, "start", name); err != nil {
		t.Fatalf("sc start: %v\n%s", err, serviceLog())
	}
	start := &pendingSteps{t: t, state: winetest.StateStartPending}
	st, err := p.WaitState(ctx, name, winetest.StateRunning, time.Minute, start.observe)
	if err != nil {
		t.Fatalf("%v\n%s", err, serviceLog())
	}
	t.Logf("START_PENDING CheckPoints: %v", start.seen)
	if start.distinct() < 2 {
		t.Errorf("START_PENDING CheckPoint did not rise during a 2.1 s warmup: %v", start.seen)
	}
	if st.CheckPoint != 0 || st.Win32ExitCode != 0 {
		t.Errorf("running status = %v", st)
	}
	if code, body, err := get("http://" + winSvc.api + "/"); err != nil || code != http.StatusOK || !strings.Contains(body, "hello") {
		t.Fatalf("GET / when RUNNING = %d %q %v", code, body, err)
	}
	// The engine turns ready before it tells the SCM: RUNNING implies ready.
	if code, _, err := get("http://" + winSvc.admin + "/readyz"); err != nil || code != http.StatusOK {
		t.Fatalf("/readyz when RUNNING = %d %v", code, err)
	}

	// Load: 16 keep-alive clients, and 4 requests that take 1.5 s in flight
	// when the stop comes, so the drain has work to wait for.
	stopped := make(chan struct{})
	loadDone := make(chan *e2e.LoadResult, 1)
	var warm sync.WaitGroup
	warm.Add(1)
	var once sync.Once
	go func() {
		loadDone <- e2e.Load(ctx, e2e.LoadConfig{
			URL: "http://" + winSvc.api + "/", Clients: 16, Post: true, Stopped: stopped,
			Until: func(n int64) bool {
				if n >= 200 {
					once.Do(warm.Done)
				}
				return false
			},
		})
	}()
	warm.Wait()
	slow := make(chan error, 4)
	var sent sync.WaitGroup
	for range 4 {
		sent.Add(1)
		go func() { slow <- slowRequest(&sent) }()
	}
	sent.Wait() // all four are on the wire before the stop
	if _, err := p.SC(ctx, "stop", name); err != nil {
		t.Fatalf("sc stop: %v", err)
	}
	stop := &pendingSteps{t: t, state: winetest.StateStopPending}
	st, err = p.WaitState(ctx, name, winetest.StateStopped, time.Minute, stop.observe)
	close(stopped)
	if err != nil {
		t.Fatalf("%v\n%s", err, serviceLog())
	}
	res := <-loadDone
	for range 4 {
		if err := <-slow; err != nil {
			t.Errorf("request in flight at the stop: %v", err)
		}
	}
	t.Logf("STOP_PENDING CheckPoints: %v", stop.seen)
	t.Logf("load: %d ok (%d with Connection: close), %d refused after the listener closed, %d lost, %d failed",
		res.OK, res.Closing, res.Refused, res.Lost, res.Failed)
	if res.Lost != 0 || res.Failed != 0 {
		t.Errorf("lost %d requests, %d failed: %v", res.Lost, res.Failed, res.LostErrs)
	}
	if stop.distinct() < 2 {
		t.Errorf("STOP_PENDING CheckPoint did not rise during the drain and closes: %v", stop.seen)
	}
	if st.Win32ExitCode != 0 || st.ServiceSpecificExitCode != 0 {
		t.Errorf("stopped status = %v, want a clean stop\n%s", st, serviceLog())
	}
}

// TestWindowsFailedStart: a resource that fails to open ends the start
// with the service-specific exit code 3 in sc query.
func TestWindowsFailedStart(t *testing.T) {
	p := winetest.New(t)
	exe := windowsExe(t)
	ctx := context.Background()
	setControl(t, "open=200ms", "fail=warm2")
	name := winetest.UniqueName("fail")
	// A file where the instance's data directory would be: it is not used,
	// and the service says why on stderr (the event log too).
	squat := filepath.Join(p.ProgramData(), name)
	if err := os.WriteFile(squat, []byte("planted"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(squat) })
	logFrom := len(serviceLog())
	p.CreateService(t, name, exe, "service")
	if _, err := p.SC(ctx, "start", name); err != nil {
		t.Fatalf("sc start: %v\n%s", err, serviceLog())
	}
	st, err := p.WaitState(ctx, name, winetest.StateStopped, time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Win32ExitCode != 1066 || st.ServiceSpecificExitCode != 3 {
		t.Errorf("status = %v, want ERROR_SERVICE_SPECIFIC_ERROR (1066) with exit code 3\n%s", st, serviceLog())
	}
	if log := serviceLog()[logFrom:]; !strings.Contains(log, `msg="no log file, logging to stderr"`) || !strings.Contains(log, "is not a directory") {
		t.Errorf("the planted %s was not refused with a reason:\n%s", squat, log)
	}
	if b, err := os.ReadFile(squat); err != nil || string(b) != "planted" {
		t.Errorf("the planted file changed: %q %v", b, err)
	}
}

// TestWindowsStopDuringStart: a stop while the resources warm up aborts the
// warmup, closes what opened and stops cleanly.
func TestWindowsStopDuringStart(t *testing.T) {
	p := winetest.New(t)
	exe := windowsExe(t)
	ctx := context.Background()
	setControl(t, "open=20s")
	name := winetest.UniqueName("abort")
	p.CreateService(t, name, exe, "service")
	if _, err := p.SC(ctx, "start", name); err != nil {
		t.Fatalf("sc start: %v\n%s", err, serviceLog())
	}
	if _, err := p.WaitState(ctx, name, winetest.StateStartPending, time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.SC(ctx, "stop", name); err != nil {
		t.Fatalf("sc stop while START_PENDING: %v", err)
	}
	st, err := p.WaitState(ctx, name, winetest.StateStopped, 15*time.Second, nil)
	if err != nil {
		t.Fatalf("%v (the 20 s open was not aborted)\n%s", err, serviceLog())
	}
	if st.Win32ExitCode != 0 {
		t.Errorf("status = %v, want a clean stop", st)
	}
}

// TestWindowsVerbs: the service's own install (and re-install), status,
// start, stop and uninstall, run under Wine.
func TestWindowsVerbs(t *testing.T) {
	p := winetest.New(t)
	exe := windowsExe(t)
	ctx := context.Background()
	setControl(t, "open=400ms", "close=100ms")
	name := winetest.UniqueName("verbs")
	p.Track(t, name)

	run := func(args ...string) (string, string, error) {
		t.Helper()
		return p.Run(ctx, append([]string{exe}, args...)...)
	}
	out, errOut, err := run("install", "-name", name)
	if err != nil {
		t.Fatalf("install: %v\n%s%s", err, out, errOut)
	}
	t.Logf("install:\n%s%s", out, errOut)
	if !strings.Contains(out, "installed "+name) {
		t.Errorf("install said %q", out)
	}
	// Wine 8 implements neither the delayed auto-start flag nor the
	// non-crash recovery flag: install must say so, not pretend.
	for _, w := range []string{"delayed auto-start not applied", "recovery on non-crash failures not applied"} {
		if !strings.Contains(errOut, w) {
			t.Logf("no warning %q (this SCM may implement it)", w)
		}
	}
	if strings.Contains(errOut, "warning") && !strings.Contains(errOut, "Invalid level") {
		t.Errorf("a warning other than a missing setting: %s", errOut)
	}
	st, err := p.Query(ctx, name)
	if err != nil || st.State != winetest.StateStopped {
		t.Fatalf("after install: %v %v", st, err)
	}
	// No [log] file: install creates the instance's data directory for its
	// account, a virtual account (NT SERVICE\<name>) too: its SID follows
	// from the service's name, though Wine cannot look the account up.
	if fi, err := os.Stat(filepath.Join(p.ProgramData(), name)); err != nil || !fi.IsDir() {
		t.Errorf("install did not create the data directory: %v\n%s", err, errOut)
	}

	// preshutdown = "15s": registered with the SCM, which keeps it in the
	// service's key.
	serviceKey := `HKLM\SYSTEM\CurrentControlSet\Services\` + name
	if out, _, err := p.Run(ctx, "reg.exe", "query", serviceKey, "/v", "PreshutdownTimeout"); err != nil || !strings.Contains(out, "0x3a98") {
		t.Errorf("PreshutdownTimeout after install: %v %q, want 0x3a98 (15000 ms)", err, out)
	}

	// An instance (install -name) has a display name of its own.
	if out, _, err := p.Run(ctx, "reg.exe", "query", serviceKey, "/v", "DisplayName"); err != nil || !strings.Contains(out, "svcgen Wine test ("+name+")") {
		t.Errorf("DisplayName after install -name: %v %q", err, out)
	}

	// event_log = true: the service's name is an Application log source.
	source := `HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\` + name
	if _, _, err := p.Run(ctx, "reg.exe", "query", source); err != nil {
		t.Errorf("event log source not registered: %v", err)
	}

	out, errOut, err = run("install", "-name", name)
	if err != nil || !strings.Contains(out, "updated "+name) {
		t.Fatalf("re-install: %v\n%s%s", err, out, errOut)
	}

	out, errOut, err = run("start", "-name", name)
	t.Logf("start:\n%s%s", out, errOut)
	if err != nil {
		t.Fatalf("start: %v\n%s", err, serviceLog())
	}
	if strings.Count(out, "START_PENDING, step") < 2 || !strings.Contains(out, "RUNNING") {
		t.Errorf("start printed no rising steps: %q", out)
	}
	if code, _, err := get("http://" + winSvc.api + "/"); err != nil || code != http.StatusOK {
		t.Fatalf("GET / after start = %d %v", code, err)
	}
	// account = "virtual": the instance runs as NT SERVICE\<its name>.
	out, _, err = run("status", "-name", name)
	if err != nil || !strings.Contains(out, "RUNNING") || !strings.Contains(out, `account: NT SERVICE\`+name) {
		t.Errorf("status: %v %q", err, out)
	}

	out, errOut, err = run("stop", "-name", name)
	t.Logf("stop:\n%s%s", out, errOut)
	if err != nil {
		t.Fatalf("stop: %v\n%s", err, serviceLog())
	}
	if !strings.Contains(out, "STOPPED, exit code 0") {
		t.Errorf("stop output %q", out)
	}

	// A start that fails says why, with the service's exit code.
	setControl(t, "open=100ms", "fail=warm1")
	out, errOut, err = run("start", "-name", name)
	if err == nil || !strings.Contains(out+errOut, "exit code 3 (start failed)") {
		t.Errorf("failing start: %v\n%s%s", err, out, errOut)
	}

	// No [log] file: both runs logged to the instance's default log, the
	// second into the directory the first created.
	defaultLog := filepath.Join(p.ProgramData(), name, name+".log")
	t.Cleanup(func() { os.RemoveAll(filepath.Dir(defaultLog)) })
	logged, _ := os.ReadFile(defaultLog)
	for _, want := range []string{`msg="service ready"`, "failing on purpose"} {
		if !strings.Contains(string(logged), want) {
			t.Errorf("the default log %s lacks %s:\n%s", defaultLog, want, logged)
		}
	}

	out, errOut, err = run("uninstall", "-name", name)
	if err != nil || !strings.Contains(out, "uninstalled "+name) {
		t.Fatalf("uninstall: %v\n%s%s", err, out, errOut)
	}
	if _, err := p.Query(ctx, name); winetest.ErrorCode(err) != winetest.ErrServiceDoesNotExist {
		t.Fatalf("query after uninstall: %v", err)
	}
	if _, _, err := p.Run(ctx, "reg.exe", "query", source); err == nil {
		t.Errorf("event log source still registered after uninstall")
	}
	_, errOut, err = run("status", "-name", name)
	if err == nil || !strings.Contains(errOut, "not installed") {
		t.Errorf("status after uninstall: %v %q", err, errOut)
	}
}

// TestPlatformVerbsOnLinux: the SCM verbs of a Linux build say what they
// are for instead of pretending to work.
func TestPlatformVerbsOnLinux(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("runs the Linux build")
	}
	windowsProject(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "svcgenwin")
	if err := winSvc.project.Build(ctx, "", bin, false); err != nil {
		t.Fatal(err)
	}
	// (Not "service": the test's api.go sends that verb's stderr to a file.)
	for _, verb := range []string{"start", "stop", "status"} {
		out, err := exec.Command(bin, verb).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), "Service Control Manager") {
			t.Errorf("%s on Linux: %v %q, want exit 2 and an explanation", verb, err, out)
		}
	}
}

// TestWindowsGoldenMinimal: the minimal golden service, with its defaults
// (LocalService account, automatic start), preshutdown = "0s" (the OS
// default: install registers no timeout) and a reboot recovery action
// (install enables the shutdown privilege it needs), installed and run with
// its own verbs under Wine.
func TestWindowsGoldenMinimal(t *testing.T) {
	p := winetest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	specText, err := os.ReadFile(filepath.Join("..", "..", "..", "golden", "minimal", "service.toml"))
	if err != nil {
		t.Fatal(err)
	}
	api, admin := e2e.FreePort(t), e2e.FreePort(t)
	text := strings.NewReplacer(`":8080"`, `"`+api+`"`, `"127.0.0.1:9090"`, `"`+admin+`"`).Replace(string(specText)) + "\n[windows]\npreshutdown = \"0s\"\nrecovery = [ { action = \"restart\", delay = \"5s\" }, { action = \"reboot\", delay = \"1m\" } ]\n"
	dir := t.TempDir()
	proj, err := e2e.Generate(filepath.Join(dir, "src"), text, nil)
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "hello.exe")
	if err := winetest.BuildWindows(ctx, proj.Dir, exe); err != nil {
		t.Fatal(err)
	}
	name := winetest.UniqueName("golden")
	p.Track(t, name)
	for _, verb := range []string{"install", "start"} {
		out, errOut, err := p.Run(ctx, exe, verb, "-name", name)
		t.Logf("%s:\n%s%s", verb, out, errOut)
		if err != nil {
			t.Fatalf("%s: %v", verb, err)
		}
	}
	// Nothing registered: the value is absent (Windows, which then applies
	// its default) or the SCM's own default (Wine's services.exe writes
	// 180000 ms, the pre-1703 default, into every new service); not the
	// 10000 ms of timeouts.stop that a non-zero preshutdown would register.
	// Install created the data directory of the LocalService account.
	if fi, err := os.Stat(filepath.Join(p.ProgramData(), name)); err != nil || !fi.IsDir() {
		t.Errorf("install did not create the data directory: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(filepath.Join(p.ProgramData(), name)) })
	if out, _, err := p.Run(ctx, "reg.exe", "query", `HKLM\SYSTEM\CurrentControlSet\Services\`+name, "/v", "PreshutdownTimeout"); err == nil && !strings.Contains(out, "0x2bf20") {
		t.Errorf("preshutdown = \"0s\" registered a timeout: %q", out)
	}
	if code, body, err := get("http://" + api + "/"); err != nil || code != http.StatusOK || !strings.Contains(body, "hello") {
		t.Fatalf("GET / = %d %q %v", code, body, err)
	}
	for _, verb := range []string{"stop", "uninstall"} {
		out, errOut, err := p.Run(ctx, exe, verb, "-name", name)
		t.Logf("%s:\n%s%s", verb, out, errOut)
		if err != nil {
			t.Fatalf("%s: %v", verb, err)
		}
	}

	// The same executable copied under the user profiles folder: install
	// warns that the service account may not read it there.
	profileDir := filepath.Join(p.UsersDir(), "Public", winetest.UniqueName("exe"))
	if err := os.MkdirAll(profileDir, 0o755); err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(profileDir)
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	profileExe := filepath.Join(profileDir, "hello.exe")
	if err := os.WriteFile(profileExe, b, 0o755); err != nil {
		t.Fatal(err)
	}
	name2 := winetest.UniqueName("profile")
	p.Track(t, name2)
	t.Cleanup(func() { os.RemoveAll(filepath.Join(p.ProgramData(), name2)) })
	_, errOut, err := p.Run(ctx, profileExe, "install", "-name", name2)
	if err != nil || !strings.Contains(errOut, "is under a user profile") {
		t.Errorf("install from a user profile: %v, want a warning:\n%s", err, errOut)
	}
}

var scctl struct {
	once sync.Once
	exe  string
	err  error
}

// scctlExe builds testdata/scctl, which sends a control code.
func scctlExe(t *testing.T) string {
	t.Helper()
	dir := filepath.Dir(windowsExe(t))
	scctl.once.Do(func() {
		scctl.exe = filepath.Join(dir, "scctl.exe")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		scctl.err = winetest.BuildWindows(ctx, filepath.Join("testdata", "scctl"), scctl.exe)
	})
	if scctl.err != nil {
		t.Fatal(scctl.err)
	}
	return scctl.exe
}

// TestWindowsParamChange: with a reload hook the running service accepts
// ParamChange and runs the hook (it writes reloaded.txt), and keeps running.
func TestWindowsParamChange(t *testing.T) {
	p := winetest.New(t)
	exe := windowsExe(t)
	ctl := scctlExe(t)
	ctx := context.Background()
	setControl(t, "open=100ms", "close=100ms")
	marker := filepath.Join(filepath.Dir(exe), "reloaded.txt")
	os.Remove(marker)
	name := winetest.UniqueName("reload")
	if err := p.Create(ctx, name, exe, "service"); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(p.ProgramData(), name)
	crashed := false
	t.Cleanup(func() {
		defer os.RemoveAll(dataDir)
		if crashed {
			// Wine's SCM does not notice that the service's process died: it
			// says RUNNING and the service can be neither stopped nor deleted.
			// Marked for deletion, it is gone at the next Setup's sweep.
			p.SC(context.Background(), "delete", name)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := p.RemoveService(ctx, name); err != nil {
			t.Errorf("remove service %s: %v", name, err)
		}
	})
	if _, err := p.SC(ctx, "start", name); err != nil {
		t.Fatal(err)
	}
	if _, err := p.WaitState(ctx, name, winetest.StateRunning, time.Minute, nil); err != nil {
		t.Fatalf("%v\n%s", err, serviceLog())
	}
	if out, errOut, err := p.Run(ctx, ctl, name, "6"); err != nil {
		t.Fatalf("ParamChange: %v\n%s%s", err, out, errOut)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reload hook did not run\n%s", serviceLog())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if st, err := p.Query(ctx, name); err != nil || st.State != winetest.StateRunning {
		t.Errorf("after ParamChange: %v %v", st, err)
	}

	// No [log] file: the instance logs to %ProgramData%\<name>\<name>.log.
	logFile := filepath.Join(dataDir, name+".log")
	readLog := func() string {
		b, _ := os.ReadFile(logFile)
		return string(b)
	}
	for !strings.Contains(readLog(), `msg="service ready"`) {
		if time.Now().After(deadline) {
			t.Fatalf("no \"service ready\" in the default log %s:\n%s\nstderr:\n%s", logFile, readLog(), serviceLog())
		}
		time.Sleep(50 * time.Millisecond) // polling the file: no event to wait on
	}
	// A panic nothing recovers ends the process; its stack is in the crash file.
	if code, body, err := get("http://" + winSvc.api + "/panic"); err != nil || code != http.StatusOK {
		t.Fatalf("GET /panic = %d %q %v", code, body, err)
	}
	crashed = true
	crashFile := filepath.Join(dataDir, name+".crash.log")
	deadline = time.Now().Add(time.Minute)
	for {
		crash, _ := os.ReadFile(crashFile)
		if strings.Contains(string(crash), "panic: crash on purpose") && strings.Contains(string(crash), "goroutine ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no panic in the crash output %s:\n%s", crashFile, crash)
		}
		time.Sleep(50 * time.Millisecond) // polling the file: no event to wait on
	}
}

// wait bounds every wait on the service; no test expects anything to take
// this long.
const wait = 60 * time.Second
