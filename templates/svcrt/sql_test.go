package svcrt

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// fakeDriver is a database/sql driver without a database: a DSN containing
// "refuse" fails every connection with a message that echoes the DSN, as
// real drivers do; any other opens.
type fakeDriver struct {
	open  atomic.Int32 // connections open
	execs atomic.Int32 // statements run by ExecContext
}

var fake = &fakeDriver{}

func init() { sql.Register("svcrt-fake", fake) }

func (d *fakeDriver) Open(dsn string) (driver.Conn, error) {
	if strings.Contains(dsn, "refuse") {
		return nil, fmt.Errorf("cannot connect with %q: connection refused", dsn)
	}
	d.open.Add(1)
	return &fakeConn{d: d}, nil
}

type fakeConn struct{ d *fakeDriver }

func (c *fakeConn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("not supported") }
func (c *fakeConn) Begin() (driver.Tx, error)           { return nil, errors.New("not supported") }
func (c *fakeConn) Close() error {
	c.d.open.Add(-1)
	return nil
}
func (c *fakeConn) Ping(context.Context) error { return nil }
func (c *fakeConn) ExecContext(context.Context, string, []driver.NamedValue) (driver.Result, error) {
	c.d.execs.Add(1)
	return driver.RowsAffected(0), nil
}

func sqlPool(dsn string, warm int) SQLPool {
	return SQLPool{
		Name:        "db",
		Driver:      "svcrt-fake",
		DSN:         dsn,
		MaxOpen:     10,
		MaxIdle:     10,
		PingTimeout: waitLimit,
		Warm:        warm,
		WarmQuery:   "SELECT 1",
	}
}

// TestOpenSQLWarms: warm connections are held at once, so the pool keeps
// that many open and idle, each having run the warm query.
func TestOpenSQLWarms(t *testing.T) {
	before := fake.execs.Load()
	db, err := OpenSQL(context.Background(), newTestLogger(), sqlPool("fake://u:pw@h/db", 3))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if s := db.Stats(); s.OpenConnections != 3 || s.Idle != 3 {
		t.Errorf("after a warmup of 3: %d open, %d idle", s.OpenConnections, s.Idle)
	}
	if n := fake.execs.Load() - before; n != 3 {
		t.Errorf("warm query ran %d times, want 3", n)
	}
	// Connections lost (here: dropped from the idle pool) are warmed again
	// by the readiness detail.
	db.SetMaxIdleConns(0)
	db.SetMaxIdleConns(10)
	if s := db.Stats(); s.OpenConnections != 0 {
		t.Fatalf("%d connections open after dropping the idle ones", s.OpenConnections)
	}
	st := sqlStatus(db, sqlPool("", 3))
	if st["open"] != 3 || st["warm"] != 3 || st["error"] != nil {
		t.Errorf("sqlStatus: %v", st)
	}
	if err := sqlPing(context.Background(), db); err != nil {
		t.Errorf("sqlPing: %v", err)
	}
	if s := sqlStats(db); s["sql_open_connections"] != 3 || s["sql_idle_connections"] != 3 {
		t.Errorf("sqlStats: %v", s)
	}
}

// TestOpenSQLRedacts: the password never reaches an error or the log, in any
// DSN source.
func TestOpenSQLRedacts(t *testing.T) {
	dir := t.TempDir()
	const secret = "hunter2"
	dsn := "postgres://u:" + secret + "@h/db?refuse=1"
	file := filepath.Join(dir, "dsn")
	if err := os.WriteFile(file, []byte(dsn+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SVCRT_TEST_DSN", dsn)
	for _, tc := range []struct {
		name string
		pool func(p *SQLPool)
	}{
		{"dsn", func(p *SQLPool) { p.DSN = dsn }},
		{"env", func(p *SQLPool) { p.DSN, p.DSNEnv = "", "SVCRT_TEST_DSN" }},
		{"file", func(p *SQLPool) { p.DSN, p.DSNFile = "", file }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := sqlPool("", 2)
			tc.pool(&p)
			l := newLogs()
			// Less than warmRetry's first backoff left: one attempt, no sleep.
			ctx, cancel := context.WithTimeout(context.Background(), warmRetryFirst*9/10)
			defer cancel()
			db, err := OpenSQL(ctx, slog.New(l), p)
			if err == nil {
				db.Close()
				t.Fatal("a refused warmup succeeded")
			}
			if msg := err.Error(); strings.Contains(msg, secret) || !strings.Contains(msg, "connection refused") || !strings.Contains(msg, "xxxxx") {
				t.Errorf("error %q: want the cause with the password redacted", msg)
			}
			if out := l.String(); strings.Contains(out, secret) {
				t.Errorf("the password is in the log:\n%s", out)
			}
			if _, ok := l.find("sql pool", "dsn", "postgres://u:xxxxx@h/db?refuse=1"); !ok {
				t.Errorf("no redacted DSN in the log:\n%s", l)
			}
		})
	}
	t.Run("unset env", func(t *testing.T) {
		p := sqlPool("", 1)
		p.DSN, p.DSNEnv = "", "SVCRT_TEST_DSN_UNSET"
		if _, err := OpenSQL(context.Background(), newTestLogger(), p); err == nil || !strings.Contains(err.Error(), "SVCRT_TEST_DSN_UNSET") {
			t.Errorf("unset DSN variable: %v", err)
		}
	})
}

// TestSQLResource runs a pool through the engine: opened, shown on /readyz,
// closed at the stop.
func TestSQLResource(t *testing.T) {
	h := newHarness(t, testConfig())
	db := SQLResource(h.app, node("db"), sqlPool("fake://u:pw@h/db", 2))
	if db.Node.Kind != "sql" || db.Node.Check == nil || db.Node.Stats == nil {
		t.Fatalf("SQLResource left steps unset: %+v", db.Node)
	}
	h.run()
	h.waitReady()
	code, body := readyz(t, h.app)
	if got := body.Resources["db"]; code != http.StatusOK || got["state"] != "ready" || got["open"] != float64(2) || got["warm"] != float64(2) {
		t.Errorf("/readyz with a pool: %d %v", code, got)
	}
	if err := db.Node.Check(context.Background()); err != nil {
		t.Errorf("check: %v", err)
	}
	expectCode(t, h.stop(StopRequested), ExitOK)
	if err := db.Value.Ping(); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("the pool is usable after the stop: %v", err)
	}
}
