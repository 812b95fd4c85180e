package svcrt

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// pgError stands for pgx's *pgconn.PgError, msError for go-mssqldb's
// mssql.Error: permanent reads them through the methods they have.
type pgError struct{ code string }

func (e pgError) Error() string    { return "ERROR (SQLSTATE " + e.code + ")" }
func (e pgError) SQLState() string { return e.code }

type msError struct{ n int32 }

func (e msError) Error() string         { return fmt.Sprintf("mssql: error %d", e.n) }
func (e msError) SQLErrorNumber() int32 { return e.n }

// TestPermanent: the failures each driver reports for a configuration no
// retry can fix are permanent; a refused or timed-out connection is not.
func TestPermanent(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("ping: %w", err) }
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"postgres: database does not exist", wrap(pgError{"3D000"}), true},
		{"postgres: password authentication failed", wrap(pgError{"28P01"}), true},
		{"postgres: no pg_hba.conf entry", wrap(pgError{"28000"}), true},
		{"postgres: too many connections", wrap(pgError{"53300"}), false},
		{"postgres: starting up", wrap(pgError{"57P03"}), false},
		{"sqlserver: login failed", wrap(msError{18456}), true},
		{"sqlserver: cannot open database", wrap(msError{4060}), true},
		{"sqlserver: deadlock victim", wrap(msError{1205}), false},
		{"mysql: access denied", wrap(errors.New("Error 1045 (28000): Access denied for user 'x'@'localhost'")), true},
		{"mysql: unknown database", wrap(errors.New("Error 1049 (42000): Unknown database 'x'")), true},
		{"mysql: too many connections", wrap(errors.New("Error 1040 (08004): Too many connections")), false},
		{"redis: marked", wrap(&permanentError{errors.New("WRONGPASS invalid username-password pair")}), true},
		{"refused", wrap(errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")), false},
		{"timeout", wrap(context.DeadlineExceeded), false},
	} {
		if got := permanent(c.err); got != c.want {
			t.Errorf("%s: permanent = %v, want %v", c.name, got, c.want)
		}
	}
}

// A permanent failure ends the warmup at its first attempt, however long
// the open timeout.
func TestWarmRetryGivesUpOnPermanent(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	calls := 0
	err := warmRetry(ctx, newTestLogger(), "db", nil, func(context.Context) error {
		calls++
		return pgError{"3D000"}
	})
	if calls != 1 || !strings.Contains(err.Error(), "a retry cannot fix it") {
		t.Errorf("warmRetry = %v after %d calls, want one attempt", err, calls)
	}
}

// up skips a test whose server is not answering on addr.
func up(t *testing.T, addr string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Skipf("no server on %s: %v", addr, err)
	}
	c.Close()
}

// Against the real servers: a database that does not exist and a redis
// database number the server lacks fail the open at once, not at the end of
// a 30 s open timeout, and say why.
func TestPermanentAgainstRealServers(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		up(t, "127.0.0.1:5432")
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		begin := time.Now()
		db, err := OpenSQL(ctx, newTestLogger(), SQLPool{
			Name: "db", Driver: "pgx", DSN: "postgres://postgres@127.0.0.1:5432/svcrt_no_such_database?sslmode=disable",
			MaxOpen: 2, MaxIdle: 2, PingTimeout: 5 * time.Second, Warm: 2,
		})
		if err == nil {
			db.Close()
			t.Fatal("opened a database that does not exist")
		}
		if took := time.Since(begin); took > 5*time.Second || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("after %v: %v", took, err)
		}
	})
	t.Run("redis", func(t *testing.T) {
		up(t, "127.0.0.1:6379")
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		begin := time.Now()
		c, err := OpenRedis(ctx, newTestLogger(), RedisPool{
			Name: "cache", Addr: "127.0.0.1:6379", DB: 100000, PoolSize: 2, Warm: 2,
			DialTimeout: 5 * time.Second, ReadTimeout: 3 * time.Second, WriteTimeout: 3 * time.Second,
		})
		if err == nil {
			c.Close()
			t.Fatal("opened a redis database number the server lacks")
		}
		var re redis.Error
		if took := time.Since(begin); took > 5*time.Second || !errors.As(err, &re) {
			t.Errorf("after %v: %v", took, err)
		}
	})
}
