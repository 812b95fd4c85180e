package svcrt

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/microsoft/go-mssqldb"
	"github.com/redis/go-redis/v9"
)

// echoDriver is a database/sql driver that fails every connection with a
// message quoting its DSN, plain and with %q, as careless drivers do: the
// first attempt of a DSN as a failure worth a retry, every later one as a
// wrong password (SQLSTATE 28P01), which ends the warmup.
type echoDriver struct {
	mu    sync.Mutex
	tries map[string]int
}

func init() { sql.Register("svcrt-echo", &echoDriver{tries: map[string]int{}}) }

type echoError struct {
	msg  string
	auth bool
}

func (e *echoError) Error() string { return e.msg }
func (e *echoError) SQLState() string {
	if e.auth {
		return "28P01"
	}
	return "08006"
}

func (d *echoDriver) Open(dsn string) (driver.Conn, error) {
	d.mu.Lock()
	d.tries[dsn]++
	n := d.tries[dsn]
	d.mu.Unlock()
	return nil, &echoError{msg: fmt.Sprintf("cannot connect to %s (%q)", dsn, dsn), auth: n > 1}
}

// setenv sets a variable of the test's own name (t.Setenv forbids
// parallel tests).
func setenv(t *testing.T, name, value string) {
	os.Setenv(name, value)
	t.Cleanup(func() { os.Unsetenv(name) })
}

// eachCase runs check on every case of the corpus, many at once: the
// cases wait on retries and timeouts, not on the CPU (t.Parallel would
// run only GOMAXPROCS of them).
func eachCase(t *testing.T, check func(i int, c credCase)) {
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	for i, c := range credentialCorpus() {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			check(i, c)
		})
	}
	wg.Wait()
}

// noLeak fails the test if text shows c's secret, or lacks c's host when
// wantHost.
func noLeak(t *testing.T, c credCase, path, text string, wantHost bool) {
	t.Helper()
	if secretShows(text, c.secret) {
		t.Errorf("%s: %s shows the secret %q:\n%s", c.name, path, c.secret, text)
	}
	if wantHost && !strings.Contains(text, c.host) {
		t.Errorf("%s: %s lacks the host %q:\n%s", c.name, path, c.host, text)
	}
}

// TestCredentialsThroughEveryPath feeds every connection string of the
// corpus, from the environment as generated code reads it, through every
// path that prints something about a resource, with a driver that echoes
// its DSN in each error: the open's error and log lines, the warmup's
// retry line, /readyz, /metrics, and a panic recovered in the resource's
// open.
func TestCredentialsThroughEveryPath(t *testing.T) {
	eachCase(t, func(i int, c credCase) {
		envName := fmt.Sprintf("SVCRT_CORPUS_DSN_%d", i)
		setenv(t, envName, c.dsn)
		logs := newLogs()
		app := New(testConfig(), slog.New(logs), func() error { return nil })
		mux := http.NewServeMux()
		ServeMetrics(app, mux)
		ctx := context.Background()

		// Warmup: one retry (logged), then a permanent failure.
		warm := SQLResource(app, &Node{Name: "warm", OpenTimeout: waitLimit}, SQLPool{Name: "warm", Driver: "svcrt-echo", DSNEnv: envName, MaxOpen: 2, MaxIdle: 2, PingTimeout: waitLimit, Warm: 1})
		err := app.call(ctx, warm.Node.Open)
		if err == nil {
			t.Errorf("%s: the warmup did not fail", c.name)
			return
		}
		app.logFailure("open failed", "warm", err)
		if _, ok := logs.find("warmup failed, retrying"); !ok {
			t.Errorf("%s: no retry line:\n%s", c.name, logs)
		}
		noLeak(t, c, "the warmup's error", err.Error(), true)

		// Ready without a connection (warm = 0): /readyz pings, /metrics scrapes.
		lazy := SQLResource(app, &Node{Name: "lazy", OpenTimeout: waitLimit}, SQLPool{Name: "lazy", Driver: "svcrt-echo", DSNEnv: envName, MaxOpen: 2, MaxIdle: 2, PingTimeout: waitLimit})
		if err := app.call(ctx, lazy.Node.Open); err != nil {
			t.Errorf("%s: %v", c.name, err)
			return
		}
		lazy.Node.state.Store(StateReady)
		rec := httptest.NewRecorder()
		(&admin{app: app}).readyz(rec, httptest.NewRequest("GET", "/readyz", nil))
		var body readiness
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Resources["lazy"]["error"] == nil {
			t.Errorf("%s: /readyz has no error for the pool: %v %s", c.name, err, rec.Body)
		}
		noLeak(t, c, "/readyz", rec.Body.String(), true)
		rec = httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "lazy") {
			t.Errorf("%s: /metrics: %d", c.name, rec.Code)
		}
		noLeak(t, c, "/metrics", rec.Body.String(), false)

		// A panic in the resource's open that quotes the connection string.
		secrets := &secretSet{}
		boom := poolResource(app, &Node{Name: "boom", OpenTimeout: waitLimit}, pooled[*sql.DB]{
			kind:    "sql",
			secrets: secrets,
			open: func(context.Context) (*sql.DB, error) {
				dsn, _ := env(envName)
				secrets.add("", dsn)
				panic("cannot use " + dsn)
			},
		})
		err = app.call(ctx, boom.Node.Open)
		var p *panicError
		if !errors.As(err, &p) {
			t.Errorf("%s: no panic: %v", c.name, err)
			return
		}
		app.logFailure("panic", "boom", err)
		noLeak(t, c, "the panic", err.Error(), true)

		noLeak(t, c, "the log", logs.String(), true)
		for _, r := range logs.all() {
			noLeak(t, c, "the stack", r.attrs["stack"], false)
		}
	})
}

// TestCredentialsRealDrivers opens every connection string of the corpus
// with its real driver, as generated code does: parse errors (each driver
// echoes its input in some), connection and authentication failures of the
// local PostgreSQL, MariaDB and Redis (a wrong password), refused dials
// (SQL Server, the HTTP upstream), and the warmup's retries.
func TestCredentialsRealDrivers(t *testing.T) {
	eachCase(t, func(i int, c credCase) {
		envName := fmt.Sprintf("SVCRT_REAL_DSN_%d", i)
		setenv(t, envName, c.dsn)
		logs := newLogs()
		log := slog.New(logs)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		var err error
		switch c.driver {
		case credRedis:
			var rc *redis.Client
			rc, err = OpenRedis(ctx, log, RedisPool{Name: "r", AddrEnv: envName, PoolSize: 2, Warm: 1, DialTimeout: 100 * time.Millisecond, ReadTimeout: time.Second, WriteTimeout: time.Second})
			if rc != nil {
				noLeak(t, c, "/readyz", fmt.Sprint(redisStatus(rc, RedisPool{DialTimeout: 100 * time.Millisecond})), false)
				rc.Close()
			}
		case credHTTP:
			_, err = OpenHTTPClient(ctx, log, HTTPClientPool{Name: "h", BaseURLEnv: envName, Warm: 1, WarmPath: "/ping", MaxIdlePerHost: 2, RequestTimeout: time.Second, RetryBase: time.Millisecond, RetryMax: time.Millisecond, BreakerFailures: 5, BreakerCooldown: time.Second})
			if err == nil {
				t.Errorf("%s: a refused upstream warmed", c.name)
			}
			// A request of the user's code: "" is the base URL itself, its
			// query (a token) included, which net/http quotes in its error.
			if hc, err := OpenHTTPClient(ctx, log, HTTPClientPool{Name: "h", BaseURLEnv: envName, MaxIdlePerHost: 2, RequestTimeout: time.Second, BreakerFailures: 5, BreakerCooldown: time.Second}); err == nil {
				if _, err := hc.Get(context.Background(), ""); err == nil {
					t.Errorf("%s: a refused upstream answered", c.name)
				} else {
					noLeak(t, c, "a request's error", err.Error(), false)
				}
			}
		default:
			var db *sql.DB
			db, err = OpenSQL(ctx, log, SQLPool{Name: "db", Driver: c.driver, DSNEnv: envName, MaxOpen: 2, MaxIdle: 2, PingTimeout: 100 * time.Millisecond, Warm: 1})
			if db != nil {
				db.Close()
			}
		}
		if err != nil {
			noLeak(t, c, "the open's error", err.Error(), false)
		}
		noLeak(t, c, "the log", logs.String(), false)
	})
}
