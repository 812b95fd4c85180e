package e2e

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The configuration tests build one service and run it as a deployment
// would: one binary, overridden from the environment and env files, never
// regenerated. Its pool is a real PostgreSQL pool, so /readyz shows what
// the process does with the overridden sizes.

const configSpec = `[service]
name = "cfgsvc"
module = "example.com/cfgsvc"

[admin]
addr = "127.0.0.1:9190"

[log]
file = "cfgsvc.log"

[resource.db]
kind = "sql"
driver = "pgx"
dsn_env = "CFGSVC_DB_DSN"
max_open = 8
warm = 1

[resource.cache]
kind = "redis"
addr_env = "CFGSVC_REDIS_ADDR"
password_env = "CFGSVC_REDIS_PASSWORD"
optional_env = ["password_env"]

[resource.api]
kind = "http"
addr = "127.0.0.1:8180"
handler = "NewAPI"
port_env = "PORT"
`

const configAPI = `package main

import (
	"net/http"
	"os"
	"strconv"
)

// NewAPI answers with the process's own pid, so a test can tell two
// instances apart.
func NewAPI() (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("pid " + strconv.Itoa(os.Getpid())))
	}), nil
}
`

var configBuild SharedBuild

func configBinary(t *testing.T) string {
	t.Helper()
	for _, addr := range []string{poolsPG, poolsRedis} {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			t.Skipf("no server on %s: %v", addr, err)
		}
		c.Close()
	}
	return configBuild.Binary(t, "cfgsvc", false, func(dir string) (*Project, error) {
		return Generate(dir, configSpec, map[string]string{"api.go": configAPI})
	})
}

// configEnv is what every run needs: the secrets, from the environment.
func configEnv() []string {
	return []string{
		"CFGSVC_DB_DSN=postgres://postgres:" + pgPassword + "@" + poolsPG + "/test?sslmode=disable",
		"CFGSVC_REDIS_ADDR=" + poolsRedis,
	}
}

func writeEnvFile(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "instance.env")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		b.WriteString(sc.Text())
	}
	return b.String()
}

func stopOK(t *testing.T, p *Process) {
	t.Helper()
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code, err := p.Wait(wait)
	if err != nil || code != 0 {
		t.Fatalf("exit %d, %v; log:\n%s", code, err, p.Log())
	}
}

// One binary, two instances side by side: one configured from the
// environment, one from its env file; each serves on its own port, with its
// own admin listener and its own log file, and neither sees the other's.
func TestTwoInstancesOneBinary(t *testing.T) {
	bin := configBinary(t)
	dir := t.TempDir()
	apiA, adminA, logA := FreePort(t), FreePort(t), filepath.Join(dir, "a", "cfgsvc-a.log")
	apiB, adminB, logB := FreePort(t), FreePort(t), filepath.Join(dir, "b", "cfgsvc-b.log")
	a, err := Start(bin, dir, append(configEnv(), "CFGSVC_API_ADDR="+apiA, "CFGSVC_ADMIN_ADDR="+adminA, "CFGSVC_LOG_FILE="+logA), "run")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Kill()
	envB := writeEnvFile(t, "# instance b", "export CFGSVC_API_ADDR="+apiB, `CFGSVC_ADMIN_ADDR="`+adminB+`"`, "CFGSVC_LOG_FILE='"+logB+"'", "CFGSVC_DB_MAX_OPEN=3")
	b, err := Start(bin, dir, configEnv(), "run", "-env-file", envB)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Kill()
	for _, c := range []struct {
		p          *Process
		api, admin string
		maxOpen    float64
	}{{a, apiA, adminA, 8}, {b, apiB, adminB, 3}} {
		if got, err := c.p.ListenAddr("api", wait); err != nil || got != c.api {
			t.Fatalf("api listens on %q (%v), want %s; log:\n%s", got, err, c.api, c.p.Log())
		}
		waitLine(t, c.p, `msg="service ready"`)
		if body := get(t, "http://"+c.api+"/"); body != "pid "+strconv.Itoa(c.p.Pid()) {
			t.Errorf("%s answered %q, want its own pid %d", c.api, body, c.p.Pid())
		}
		var ready struct {
			Resources map[string]map[string]any `json:"resources"`
		}
		if err := json.Unmarshal([]byte(get(t, "http://"+c.admin+"/readyz")), &ready); err != nil {
			t.Fatal(err)
		}
		if got := ready.Resources["db"]; got["max_open"] != c.maxOpen {
			t.Errorf("%s /readyz db %v, want max_open %v", c.admin, got, c.maxOpen)
		}
	}
	stopOK(t, a)
	stopOK(t, b)
	for _, c := range []struct{ log, api, other string }{{logA, apiA, apiB}, {logB, apiB, apiA}} {
		data, err := os.ReadFile(c.log)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "addr="+c.api) || strings.Contains(string(data), "addr="+c.other) {
			t.Errorf("%s does not hold exactly its own instance's log:\n%s", c.log, data)
		}
	}
}

// Every wrong override fails the start with exit code 3, all of them at
// once, each naming its variable, value and what was expected; a secret in
// a wrong value is redacted. Nothing is bound meanwhile.
func TestWrongOverridesExit3(t *testing.T) {
	bin := configBinary(t)
	env := writeEnvFile(t, "CFGSVC_TIMEOUTS_STOP=20", "CFGSVC_DB_WARM=9")
	p, err := Start(bin, t.TempDir(), append(configEnv(),
		"CFGSVC_API_ADDR=8080",
		"CFGSVC_DB_MAX_OPEN=postgres://app:"+pgPassword+"@db/x",
		"CFGSVC_LOG_LEVEL=loud",
		"CFGSVC_ADMIN_ADDR=127.0.0.1:9999",
		"CFGSVC_CACHE_POOL_SIZE=",
	), "run", "-env-file", env)
	if err != nil {
		t.Fatal(err)
	}
	code, err := p.Wait(wait)
	if err != nil || code != 3 {
		t.Fatalf("exit %d, %v; log:\n%s", code, err, p.Log())
	}
	log := p.Log()
	for _, want := range []string{
		`cfgsvc: configuration: CFGSVC_API_ADDR="8080" (environment): want host:port`,
		`CFGSVC_DB_MAX_OPEN="postgres://app:xxxxx@db/x" (environment): want an integer from 1 to 16384 ([resource.db] max_open)`,
		`CFGSVC_LOG_LEVEL="loud" (environment): want debug, info, warn or error ([log] level)`,
		`CFGSVC_CACHE_POOL_SIZE="" (environment): want an integer from 1 to 16384`,
		`CFGSVC_TIMEOUTS_STOP="20" (` + env + `:1): want a duration with a unit`,
		`[resource.db] warm must be at most [resource.db] max_idle (set by CFGSVC_DB_WARM=9)`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the output lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, pgPassword) {
		t.Errorf("the output shows the password:\n%s", log)
	}
	if strings.Contains(log, "msg=listening") {
		t.Errorf("a listener was bound before the configuration was checked:\n%s", log)
	}

	// An env file with a syntax error: its line, exit 3.
	bad := writeEnvFile(t, "CFGSVC_LOG_LEVEL=debug", "CFGSVC_API_ADDR='unclosed")
	p, err = Start(bin, t.TempDir(), configEnv(), "run", "-env-file", bad)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := p.Wait(wait); code != 3 || !strings.Contains(p.Log(), bad+":2: CFGSVC_API_ADDR: the single quote is not closed") {
		t.Errorf("bad env file: exit %d; log:\n%s", code, p.Log())
	}
}

// config prints what the process then does: each value it shows for the
// listeners, the pool and the log file is what a run with the same
// environment and env file uses; secrets are redacted, an unset optional
// password says so, and config -check exits 3 on what the run refuses.
func TestConfigMatchesTheProcess(t *testing.T) {
	bin := configBinary(t)
	dir := t.TempDir()
	api, admin, logFile := FreePort(t), FreePort(t), filepath.Join(dir, "cfg.log")
	_, port, _ := net.SplitHostPort(api)
	envFile := writeEnvFile(t, "CFGSVC_ADMIN_ADDR="+admin, "CFGSVC_DB_MAX_OPEN=5", "CFGSVC_DB_MAX_IDLE=4", "CFGSVC_LOG_FILE="+logFile)
	env := append(configEnv(), "PORT="+port, "CFGSVC_DB_MAX_OPEN=6")
	cmd := exec.Command(bin, "config", "-env-file", envFile)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("config: %v\n%s", err, out)
	}
	values := map[string][]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if i := strings.Index(l, "]"); strings.HasPrefix(l, "[") && i > 0 {
			rest := strings.Fields(l[i+1:])
			values[l[:i+1]+" "+rest[0]] = rest[1:]
		}
	}
	check := func(key, value, source string) {
		t.Helper()
		v := values[key]
		if len(v) < 2 || v[0] != value || !strings.HasPrefix(strings.Join(v[1:], " "), source) {
			t.Errorf("config shows %s = %q, want %s from %s; output:\n%s", key, v, value, source, out)
		}
	}
	check("[resource.api] addr", `"127.0.0.1:`+port+`"`, "environment (PORT, port_env)")
	check("[admin] addr", `"`+admin+`"`, envFile+":1")
	check("[resource.db] max_open", "6", "environment") // the environment wins over the file
	check("[resource.db] max_idle", "4", envFile+":3")
	check("[resource.db] warm", "1", "spec")
	check("[log] file", `"`+logFile+`"`, envFile+":4")
	check("[resource.db] dsn_env", `"postgres://postgres:xxxxx@`+poolsPG+`/test?sslmode=disable"`, "environment")
	check("[resource.cache] password_env", "(not", "set, optional) spec")
	if strings.Contains(string(out), pgPassword) {
		t.Errorf("config shows the password:\n%s", out)
	}

	p, err := Start(bin, dir, env, "run", "-env-file", envFile)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Kill()
	if got, err := p.ListenAddr("api", wait); err != nil || got != "127.0.0.1:"+port {
		t.Fatalf("api listens on %q (%v), config said 127.0.0.1:%s", got, err, port)
	}
	waitLine(t, p, `msg="service ready"`)
	var ready struct {
		Resources map[string]map[string]any `json:"resources"`
	}
	if err := json.Unmarshal([]byte(get(t, "http://"+admin+"/readyz")), &ready); err != nil {
		t.Fatal(err)
	}
	if db := ready.Resources["db"]; db["max_open"] != 6.0 {
		t.Errorf("/readyz db %v, config said max_open 6", db)
	}
	stopOK(t, p)
	if data, err := os.ReadFile(logFile); err != nil || !strings.Contains(string(data), "msg=\"service ready\"") {
		t.Errorf("log file %s (config's) holds %q, %v", logFile, data, err)
	}

	// -check: silent and 0 on a good configuration, 3 naming each problem.
	cmd = exec.Command(bin, "config", "-check", "-env-file", envFile)
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "configuration ok") {
		t.Errorf("config -check on a good configuration: %v\n%s", err, out)
	}
	cmd = exec.Command(bin, "config", "-check")
	cmd.Env = append(os.Environ(), "CFGSVC_DB_MAX_IDLE=20", "CFGSVC_REDIS_ADDR="+poolsRedis)
	cmd.Env = filterEnv(cmd.Env, "CFGSVC_DB_DSN")
	out, err = cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 ||
		!strings.Contains(string(out), "[resource.db] max_idle must be at most [resource.db] max_open (set by CFGSVC_DB_MAX_IDLE=20)") ||
		!strings.Contains(string(out), "CFGSVC_DB_DSN is not set") {
		t.Errorf("config -check on a wrong configuration: %v\n%s", err, out)
	}
}

func filterEnv(env []string, name string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, name+"=") {
			out = append(out, e)
		}
	}
	return out
}

// A default that follows other values follows them as overridden, unless
// the spec or the environment sets it: a longer stop budget lengthens the
// drain, the critical reserve and every close; a larger warm count grows
// a redis pool whose size the spec left to its default.
func TestDerivedDefaultsFollowOverrides(t *testing.T) {
	bin := configBinary(t)
	config := func(env ...string) map[string]string {
		t.Helper()
		cmd := exec.Command(bin, "config")
		cmd.Env = append(append(os.Environ(), configEnv()...), env...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("config %v: %v\n%s", env, err, out)
		}
		values := map[string]string{}
		for _, l := range strings.Split(string(out), "\n") {
			if i := strings.Index(l, "]"); strings.HasPrefix(l, "[") && i > 0 {
				f := strings.Fields(l[i+1:])
				values[l[:i+1]+" "+f[0]] = f[1] + " " + f[2]
			}
		}
		return values
	}
	expect := func(values map[string]string, want map[string]string) {
		t.Helper()
		for k, v := range want {
			if values[k] != v {
				t.Errorf("%s = %s, want %s", k, values[k], v)
			}
		}
	}
	// stop 20s (spec default): critical 2s, drain 9s, closes 9s.
	expect(config(), map[string]string{`[timeouts] drain`: `"9s" default`, `[resource.db] close_timeout`: `"9s" default`})
	expect(config("CFGSVC_TIMEOUTS_STOP=40s"), map[string]string{
		`[timeouts] stop`:              `"40s" environment`,
		`[timeouts] critical`:          `"4s" default`,
		`[timeouts] drain`:             `"18s" default`,
		`[timeouts] shutdown`:          `"5s" default`,
		`[resource.db] close_timeout`:  `"18s" default`,
		`[resource.api] close_timeout`: `"18s" default`,
	})
	// An overridden drain is kept; the closes get the rest.
	expect(config("CFGSVC_TIMEOUTS_STOP=40s", "CFGSVC_TIMEOUTS_DRAIN=10s"), map[string]string{
		`[timeouts] drain`:            `"10s" environment`,
		`[resource.db] close_timeout`: `"26s" default`,
	})
	// The spec sets db's max_open (8): its warm override does not move it.
	expect(config("CFGSVC_CACHE_WARM=15", "CFGSVC_DB_WARM=2"), map[string]string{
		`[resource.cache] pool_size`: `15 default`,
		`[resource.cache] min_idle`:  `15 default`,
		`[resource.db] max_open`:     `8 spec`,
		`[resource.db] max_idle`:     `2 default`,
	})
}
