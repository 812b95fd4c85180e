package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/svcgen/svcgen/templates/svcrt"
)

// TestPoolWarmupConnect compares the runtime's warmup of N PostgreSQL
// connections (svcrt.OpenSQL with warm = N: it holds N connections at once
// and pings each) with the same done by hand: sql.Open and N goroutines that
// each take a connection and ping it, all released once all are held. In
// process, for N = 10 and 50, poolConnectRounds rounds, the side that goes
// first swapping every round; each side is timed from sql.Open to N
// connections idle in the pool, then the pool is closed:
//
//	SVCGEN_BENCH=1 go test ./bench/ -run TestPoolWarmupConnect -v -count=1
//
// PostgreSQL as for TestPoolWarmup, without TLS by default (pgDSN). It
// prints the medians and one line per N for bench/cmd/report:
//
//	BENCH pool_connect_<N> n= conns= svc= bare= svc_warm= bare_warm=
func TestPoolWarmupConnect(t *testing.T) {
	skipUnlessBench(t)
	dsn := pgDSN("application_name=svcgen-bench&sslmode=disable")
	if err := pgReachable(dsn); err != nil {
		t.Skipf("no PostgreSQL (SVCGEN_BENCH_PG_DSN or 127.0.0.1:5432): %v", err)
	}
	log := slog.New(slog.DiscardHandler)
	t.Logf("PostgreSQL warmup of N connections, from sql.Open to N idle in the pool; %d rounds, alternating (medians)", poolConnectRounds)
	for _, n := range []int{10, 50} {
		sides := []struct {
			name string
			open func(ctx context.Context) (*sql.DB, error)
			took []float64
			warm []float64
		}{
			{name: "svcgen", open: func(ctx context.Context) (*sql.DB, error) {
				return svcrt.OpenSQL(ctx, log, svcrt.SQLPool{
					Name: "db", Driver: "pgx", DSN: dsn,
					MaxOpen: n, MaxIdle: n, Warm: n,
					PingTimeout: 5 * time.Second, ConnMaxLifetime: 30 * time.Minute,
				})
			}},
			{name: "bare", open: func(ctx context.Context) (*sql.DB, error) {
				return connectAtOnce(ctx, dsn, n)
			}},
		}
		for round := range poolConnectRounds {
			for i := range sides {
				side := &sides[(i+round)%2]
				took, warm := timeWarmup(t, side.open)
				side.took = append(side.took, float64(took))
				side.warm = append(side.warm, float64(warm))
			}
		}
		s, b := sides[0], sides[1]
		t.Logf("  N = %d", n)
		t.Logf("    svcrt.OpenSQL (warm = %d)        %s  (idle after: %.0f)", n, ms(median(s.took)), median(s.warm))
		t.Logf("    %d connects at once by hand      %s  (idle after: %.0f)", n, ms(median(b.took)), median(b.warm))
		t.Logf("    svcgen/bare %.3f", median(s.took)/median(b.took))
		Line(fmt.Sprintf("pool_connect_%d", n), "n", poolConnectRounds, "conns", n,
			"svc", fmt.Sprintf("%.0f", median(s.took)), "bare", fmt.Sprintf("%.0f", median(b.took)),
			"svc_warm", median(s.warm), "bare_warm", median(b.warm))
	}
}

const poolConnectRounds = 15

// pgReachable connects once.
func pgReachable(dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

// timeWarmup times open (a new pool, warmed) and returns how long it took and
// how many connections it left idle; the pool is closed after.
func timeWarmup(t *testing.T, open func(context.Context) (*sql.DB, error)) (time.Duration, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	begin := time.Now()
	db, err := open(ctx)
	took := time.Since(begin)
	if err != nil {
		t.Fatal(err)
	}
	idle := db.Stats().Idle
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return took, idle
}

// connectAtOnce is the warmup a program writes by hand: n goroutines each
// take a connection of a new pool and ping it; all are released once all
// are held, so the pool keeps n.
func connectAtOnce(ctx context.Context, dsn string, n int) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxLifetime(30 * time.Minute)
	held := make([]*sql.Conn, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			held[i], errs[i] = db.Conn(ctx)
			if errs[i] == nil {
				errs[i] = held[i].PingContext(ctx)
			}
		})
	}
	wg.Wait()
	for _, c := range held {
		if c != nil {
			c.Close()
		}
	}
	if err := errors.Join(errs...); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect %d at once: %w", n, err)
	}
	return db, nil
}
