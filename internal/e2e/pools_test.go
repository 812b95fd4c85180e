package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The pool tests run the service of testdata/pools against the PostgreSQL,
// MariaDB and Redis servers of this machine (not mocks) and an upstream
// HTTP server of the test's own. PostgreSQL is reached through a TCP proxy
// of the test, so that a database outage can be played without disturbing
// anything else that uses the server.

const (
	poolsPG    = "127.0.0.1:5432"
	poolsMy    = "127.0.0.1:3306"
	poolsRedis = "127.0.0.1:6379"
	// poolsWait bounds every wait; nothing is expected to take this long.
	poolsWait = 60 * time.Second
	// pgPassword is sent in the DSN (the server trusts local connections
	// and ignores it): it must never appear in the log.
	pgPassword = "s3cr3t-e2e-pw"
)

var poolsBuild SharedBuild

// poolsNeedServers skips the test when a server is not answering, unless
// CI is set: there the servers are part of the machine, and their absence
// is a failure.
func poolsNeedServers(t *testing.T) {
	t.Helper()
	for _, addr := range []string{poolsPG, poolsMy, poolsRedis} {
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not answering: %v", addr, err)
			}
			t.Skipf("%s is not answering (%v); start the servers (see .ci/run)", addr, err)
		}
		c.Close()
	}
	if _, err := exec.LookPath("psql"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("psql is not installed")
		}
		t.Skip("psql is not installed")
	}
}

// poolsBinary generates and builds the pools service once, with the race
// detector.
func poolsBinary(t *testing.T) string {
	t.Helper()
	return poolsBuild.Binary(t, "pools", true, func(dir string) (*Project, error) {
		return GenerateDir(dir, "testdata/pools")
	})
}

// poolsStart runs the service in a new directory, with my.dsn (the
// MariaDB DSN file, with the trailing newline editors leave) next to the
// executable: a relative dsn_file is read there, not in the working
// directory.
func poolsStart(t *testing.T, env ...string) *Process {
	t.Helper()
	bin := poolsBinary(t)
	if err := os.WriteFile(filepath.Join(filepath.Dir(bin), "my.dsn"), []byte("root@tcp("+poolsMy+")/test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := Start(bin, t.TempDir(), env)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Kill()
		log := p.Log()
		if strings.Contains(log, "DATA RACE") {
			t.Errorf("the race detector reported a race:\n%s", log)
		}
		if strings.Contains(log, "panic") {
			t.Errorf("the service panicked:\n%s", log)
		}
		if strings.Contains(log, pgPassword) {
			t.Errorf("the log holds the DSN's password:\n%s", log)
		}
	})
	return p
}

func poolsWaitLine(t *testing.T, p *Process, pattern string) string {
	t.Helper()
	line, err := p.WaitLine(regexp.MustCompile(pattern), poolsWait)
	if err != nil {
		t.Fatal(err)
	}
	return line
}

// readiness is the body of /readyz.
type readiness struct {
	Ready     bool                      `json:"ready"`
	Phase     string                    `json:"phase"`
	Resources map[string]map[string]any `json:"resources"`
}

func (r readiness) num(resource, key string) int {
	v, _ := r.Resources[resource][key].(float64)
	return int(v)
}

func (r readiness) str(resource, key string) string {
	v, _ := r.Resources[resource][key].(string)
	return v
}

func getReadyz(t *testing.T, admin string) readiness {
	t.Helper()
	var r readiness
	getJSON(t, "http://"+admin+"/readyz", &r)
	return r
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %d %s: %v", url, resp.StatusCode, b, err)
	}
}

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// readyzUntil polls /readyz until cond holds and returns that answer.
func readyzUntil(t *testing.T, admin, what string, cond func(readiness) bool) readiness {
	t.Helper()
	deadline := time.Now().Add(poolsWait)
	var r readiness
	for time.Now().Before(deadline) {
		if r = getReadyz(t, admin); cond(r) {
			return r
		}
		time.Sleep(20 * time.Millisecond) // poll interval, not a synchronisation
	}
	t.Fatalf("readyz never showed %s; last: %+v", what, r)
	return r
}

// psql runs one query on the local PostgreSQL (not through the service)
// and returns its single value.
func psql(t *testing.T, query string) string {
	t.Helper()
	out, err := exec.Command("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-Atq", "-c", query).CombinedOutput()
	if err != nil {
		t.Fatalf("psql %q: %v\n%s", query, err, out)
	}
	return strings.TrimSpace(string(out))
}

// pgBackends counts the server processes serving connections of app.
func pgBackends(t *testing.T, app string) int {
	t.Helper()
	n, err := strconv.Atoi(psql(t, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"+app+"'"))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// tcpProxy forwards connections to a target. down closes the listener and
// every forwarded connection, as a database that stops; up listens again
// on the same address, as the database coming back.
type tcpProxy struct {
	target, addr string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	p := &tcpProxy{target: target, conns: map[net.Conn]bool{}}
	if err := p.listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.down)
	return p
}

func (p *tcpProxy) listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.forward(c)
		}
	}()
	return nil
}

func (p *tcpProxy) forward(c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[c], p.conns[s] = true, true
	p.mu.Unlock()
	go func() { io.Copy(s, c); s.Close() }()
	io.Copy(c, s)
	c.Close()
}

func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *tcpProxy) up(t *testing.T) {
	if err := p.listen(p.addr); err != nil {
		t.Fatal(err)
	}
}

// upstream is the HTTP server behind the service's http_client: it counts
// the connections it accepts and the requests of each path, and answers
// 503 while failing.
type upstream struct {
	*httptest.Server
	accepted atomic.Int64
	warmHits atomic.Int64
	dataHits atomic.Int64
	failing  atomic.Bool
}

func newUpstream(t *testing.T) *upstream {
	u := &upstream{}
	u.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/warm":
			u.warmHits.Add(1)
		case "/data":
			u.dataHits.Add(1)
			if u.failing.Load() {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
		}
		io.WriteString(w, "ok")
	}))
	u.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			u.accepted.Add(1)
		}
	}
	u.Start()
	t.Cleanup(u.Close)
	return u
}

// TestPools: every pool is warm when the service is ready, a burst of
// `warm` requests opens no connection, the upstream client warms its
// connections and its breaker opens, rejects and half-opens, and the
// PostgreSQL pool survives the database going away and coming back.
func TestPools(t *testing.T) {
	poolsNeedServers(t)
	app := fmt.Sprintf("svcgen-e2e-pools-%d-%d", os.Getpid(), time.Now().UnixNano())
	proxy := newTCPProxy(t, poolsPG)
	up := newUpstream(t)
	p := poolsStart(t,
		"POOLS_PG_DSN=postgres://postgres:"+pgPassword+"@"+proxy.addr+"/test?sslmode=disable&application_name="+app,
		"POOLS_REDIS_ADDR="+poolsRedis,
		"POOLS_UPSTREAM_URL="+up.URL+"/api/",
	)
	poolsWaitLine(t, p, `msg="service ready"`)
	admin, err := p.ListenAddr("admin", poolsWait)
	if err != nil {
		t.Fatal(err)
	}
	api, err := p.ListenAddr("api", poolsWait)
	if err != nil {
		t.Fatal(err)
	}
	burst := func(t *testing.T, db string, n int) map[string]any {
		t.Helper()
		var b map[string]any
		getJSON(t, fmt.Sprintf("http://%s/burst?db=%s&n=%d", api, db, n), &b)
		return b
	}

	t.Run("warm when ready", func(t *testing.T) {
		r := getReadyz(t, admin)
		if !r.Ready {
			t.Fatalf("not ready after the ready line: %+v", r)
		}
		if r.num("pg", "idle") < 10 || r.num("my", "idle") < 5 || r.num("cache", "idle") < 4 {
			t.Errorf("pools not warm: pg %v, my %v, cache %v", r.Resources["pg"], r.Resources["my"], r.Resources["cache"])
		}
		if n := pgBackends(t, app); n != r.num("pg", "open") || n < 10 {
			t.Errorf("pg_stat_activity shows %d connections of the service, the pool %d open", n, r.num("pg", "open"))
		}
		if a, w := up.accepted.Load(), up.warmHits.Load(); a != 3 || w != 3 {
			t.Errorf("upstream accepted %d connections and %d warm requests, want 3 and 3", a, w)
		}
		if !strings.Contains(p.Log(), "postgres:xxxxx@") {
			t.Errorf("the sql pool line does not show the redacted DSN:\n%s", p.Log())
		}
	})

	t.Run("burst opens no connection", func(t *testing.T) {
		pgBefore := pgBackends(t, app)
		for _, c := range []struct {
			db   string
			warm int
		}{{"pg", 10}, {"my", 5}} {
			b := burst(t, c.db, c.warm)
			if b["failed"].(float64) != 0 || b["open_before"] != b["open_after"] || int(b["open_after"].(float64)) < c.warm {
				t.Errorf("%s: burst of %d: %v", c.db, c.warm, b)
			}
		}
		if n := pgBackends(t, app); n != pgBefore {
			t.Errorf("pg_stat_activity: %d connections before the burst, %d after", pgBefore, n)
		}
		if code, body := getBody(t, "http://"+api+"/cache"); code != 200 || body != "v" {
			t.Errorf("/cache: %d %s", code, body)
		}
		if r := getReadyz(t, admin); r.num("cache", "idle") < 4 {
			t.Errorf("redis pool after use: %v", r.Resources["cache"])
		}
	})

	t.Run("upstream reuses warm connections", func(t *testing.T) {
		for range 3 {
			if code, body := getBody(t, "http://"+api+"/upstream"); code != 200 {
				t.Fatalf("/upstream: %d %s", code, body)
			}
		}
		if a := up.accepted.Load(); a != 3 {
			t.Errorf("upstream accepted %d connections, want the 3 warm ones", a)
		}
	})

	t.Run("breaker", func(t *testing.T) {
		up.failing.Store(true)
		// retries = 2: a failing GET is 3 attempts; breaker_failures = 6
		// opens the breaker at the end of the second.
		for i := range 2 {
			before := up.dataHits.Load()
			if code, body := getBody(t, "http://"+api+"/upstream"); code != 503 || body == "breaker open" {
				t.Fatalf("failing GET %d: %d %q", i, code, body)
			}
			if n := up.dataHits.Load() - before; n != 3 {
				t.Errorf("failing GET %d reached the upstream %d times, want 3 (1 + 2 retries)", i, n)
			}
		}
		if s := getReadyz(t, admin).str("upstream", "breaker"); s != "open" {
			t.Fatalf("breaker %q after 6 failures, want open", s)
		}
		if r := getReadyz(t, admin); !r.Ready {
			t.Errorf("an open breaker made the service unready: %+v", r)
		}
		before := up.dataHits.Load()
		if code, body := getBody(t, "http://"+api+"/upstream"); code != 503 || body != "breaker open" {
			t.Errorf("GET while open: %d %q, want the breaker's rejection", code, body)
		}
		if n := up.dataHits.Load() - before; n != 0 {
			t.Errorf("GET while open reached the upstream %d times", n)
		}
		readyzUntil(t, admin, "a half-open breaker", func(r readiness) bool { return r.str("upstream", "breaker") == "half-open" })
		// Still failing: one probe goes through, fails, and opens it again.
		before = up.dataHits.Load()
		if code, _ := getBody(t, "http://"+api+"/upstream"); code != 503 {
			t.Errorf("failing probe: %d", code)
		}
		if n := up.dataHits.Load() - before; n != 1 {
			t.Errorf("half-open let %d attempts through, want 1 probe", n)
		}
		if s := getReadyz(t, admin).str("upstream", "breaker"); s != "open" {
			t.Errorf("breaker %q after a failed probe, want open", s)
		}
		readyzUntil(t, admin, "a half-open breaker", func(r readiness) bool { return r.str("upstream", "breaker") == "half-open" })
		up.failing.Store(false)
		if code, body := getBody(t, "http://"+api+"/upstream"); code != 200 {
			t.Errorf("probe after recovery: %d %s", code, body)
		}
		if s := getReadyz(t, admin).str("upstream", "breaker"); s != "closed" {
			t.Errorf("breaker %q after a good probe, want closed", s)
		}
	})

	t.Run("database goes away and comes back", func(t *testing.T) {
		proxy.down()
		r := readyzUntil(t, admin, "the pg pool failing", func(r readiness) bool { return r.str("pg", "error") != "" })
		t.Logf("while down: %v", r.Resources["pg"])
		if b := burst(t, "pg", 2); b["failed"].(float64) != 2 {
			t.Errorf("queries while the database is away: %v", b)
		}
		proxy.up(t)
		r = readyzUntil(t, admin, "the pg pool warm again", func(r readiness) bool {
			return r.str("pg", "error") == "" && r.num("pg", "idle") >= 10
		})
		t.Logf("back: %v", r.Resources["pg"])
		if b := burst(t, "pg", 10); b["failed"].(float64) != 0 || b["open_before"] != b["open_after"] {
			t.Errorf("burst after the database came back: %v", b)
		}
	})

	t.Run("connections terminated", func(t *testing.T) {
		killed := psql(t, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '"+app+"'")
		t.Logf("terminated %s connections", killed)
		r := readyzUntil(t, admin, "the pg pool warm again", func(r readiness) bool {
			return r.str("pg", "error") == "" && r.num("pg", "idle") >= 10
		})
		if n := pgBackends(t, app); n < 10 || n != r.num("pg", "open") {
			t.Errorf("pg_stat_activity shows %d connections, the pool %d open", n, r.num("pg", "open"))
		}
		if b := burst(t, "pg", 10); b["failed"].(float64) != 0 || b["open_before"] != b["open_after"] {
			t.Errorf("burst after the connections were terminated: %v", b)
		}
	})

	p.Signal(syscall.SIGTERM)
	code, err := p.Wait(poolsWait)
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 {
		t.Fatalf("exit %d after SIGTERM; log:\n%s", code, p.Log())
	}
	for _, r := range []string{"pg", "my", "cache", "upstream"} {
		poolsWaitLine(t, p, `msg=closed resource=`+r+`( |$)`)
	}
	if n := pgBackends(t, app); n != 0 {
		// The server ends a backend a moment after its client closes.
		readyzGone := time.Now().Add(poolsWait)
		for n != 0 && time.Now().Before(readyzGone) {
			time.Sleep(20 * time.Millisecond)
			n = pgBackends(t, app)
		}
		if n != 0 {
			t.Errorf("%d connections of the service are left on the server after it stopped", n)
		}
	}
}

// TestPoolsDatabaseDownAtStart: a database that does not answer is retried
// within the resource's open timeout, then the start fails with exit code 3
// and a message naming the resource; the DSN's password is not printed.
func TestPoolsDatabaseDownAtStart(t *testing.T) {
	poolsNeedServers(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	up := newUpstream(t)
	p := poolsStart(t,
		"POOLS_PG_DSN=postgres://postgres:"+pgPassword+"@"+closed+"/test?sslmode=disable",
		"POOLS_REDIS_ADDR="+poolsRedis,
		"POOLS_UPSTREAM_URL="+up.URL,
	)
	code, err := p.Wait(poolsWait)
	if err != nil {
		t.Fatal(err)
	}
	if code != 3 {
		t.Fatalf("exit %d, want 3 (start failed); log:\n%s", code, p.Log())
	}
	failed := poolsWaitLine(t, p, `msg="start failed"`)
	if !strings.Contains(failed, `open resource \"pg\"`) || !strings.Contains(failed, "gave up after") || !strings.Contains(failed, "connection refused") {
		t.Errorf("start failure does not say what failed: %s", failed)
	}
	if n := len(regexp.MustCompile(`msg="warmup failed, retrying" resource=pg`).FindAllString(p.Log(), -1)); n < 2 {
		t.Errorf("the warmup was retried %d times, want several within the 3s open timeout; log:\n%s", n, p.Log())
	}
	if strings.Contains(p.Log(), "msg=\"service ready\"") {
		t.Error("the service reported ready")
	}
}

// TestPoolsPostgresRestart restarts the real PostgreSQL server while the
// service runs: readiness shows the pool failing, then warm again. It
// disturbs every other user of the server, so it runs only when asked:
// SVCGEN_E2E_RESTART_DB=1 (TestPools plays the same outage through a proxy).
func TestPoolsPostgresRestart(t *testing.T) {
	if os.Getenv("SVCGEN_E2E_RESTART_DB") == "" {
		t.Skip("restarts PostgreSQL: set SVCGEN_E2E_RESTART_DB=1")
	}
	poolsNeedServers(t)
	versions, err := os.ReadDir("/etc/postgresql")
	if err != nil || len(versions) != 1 {
		t.Fatalf("cannot find the PostgreSQL cluster in /etc/postgresql: %v", err)
	}
	app := fmt.Sprintf("svcgen-e2e-restart-%d", time.Now().UnixNano())
	up := newUpstream(t)
	p := poolsStart(t,
		"POOLS_PG_DSN=postgres://postgres@"+poolsPG+"/test?sslmode=disable&application_name="+app,
		"POOLS_REDIS_ADDR="+poolsRedis,
		"POOLS_UPSTREAM_URL="+up.URL,
	)
	poolsWaitLine(t, p, `msg="service ready"`)
	admin, err := p.ListenAddr("admin", poolsWait)
	if err != nil {
		t.Fatal(err)
	}
	// Poll readiness while the server restarts, recording what it showed.
	var sawDown atomic.Bool
	stop := make(chan struct{})
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		for {
			select {
			case <-stop:
				return
			default:
			}
			var r readiness
			if resp, err := http.Get("http://" + admin + "/readyz"); err == nil {
				json.NewDecoder(resp.Body).Decode(&r)
				resp.Body.Close()
				if r.str("pg", "error") != "" {
					sawDown.Store(true)
				}
			}
			time.Sleep(10 * time.Millisecond) // poll interval
		}
	}()
	out, err := exec.Command("pg_ctlcluster", "--skip-systemctl-redirect", versions[0].Name(), "main", "restart").CombinedOutput()
	if err != nil {
		close(stop)
		t.Fatalf("pg_ctlcluster restart: %v\n%s", err, out)
	}
	r := readyzUntil(t, admin, "the pg pool warm again", func(r readiness) bool {
		return r.str("pg", "error") == "" && r.num("pg", "idle") >= 10
	})
	close(stop)
	<-polled
	if sawDown.Load() {
		t.Log("readiness showed the pg pool failing during the restart")
	} else {
		t.Log("readiness never caught the server down (the restart was quicker than a poll)")
	}
	t.Logf("after restart: %v", r.Resources["pg"])
	p.Signal(syscall.SIGTERM)
	if code, err := p.Wait(poolsWait); err != nil || code != 0 {
		t.Fatalf("exit %d %v; log:\n%s", code, err, p.Log())
	}
}

// TestPoolsBuildsForWindows: the pools service vets and builds for Windows.
func TestPoolsBuildsForWindows(t *testing.T) {
	p, err := GenerateDir(t.TempDir(), "testdata/pools")
	if err != nil {
		t.Fatal(err)
	}
	vetAndBuildForWindows(t, p, "pools.exe")
}
