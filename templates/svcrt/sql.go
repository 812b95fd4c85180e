package svcrt

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// SQLPool is one sql resource's settings.
type SQLPool struct {
	Name            string // resource name, for messages
	Driver          string // database/sql driver name
	DSN             string // the DSN (without a password), or
	DSNEnv          string // the environment variable holding it, or
	DSNFile         string // the file holding it
	MaxOpen         int
	MaxIdle         int
	ConnMaxLifetime time.Duration
	ConnMaxIdleTime time.Duration
	PingTimeout     time.Duration // budget of one connection's dial, ping and warm query
	Warm            int           // connections open and idle before ready
	WarmQuery       string        // run once on each warm connection
}

// OpenSQL opens the pool of p and warms p.Warm connections, retrying while
// ctx (the resource's open timeout) allows. The DSN is never printed as is:
// messages carry it with its credentials redacted.
func OpenSQL(ctx context.Context, log *slog.Logger, p SQLPool) (*sql.DB, error) {
	return openSQL(ctx, log, p, &secretSet{})
}

// openSQL is OpenSQL recording the DSN's credentials in secrets, which
// redact every error that leaves the driver here and later.
func openSQL(ctx context.Context, log *slog.Logger, p SQLPool, secrets *secretSet) (*sql.DB, error) {
	dsn, err := p.DSN, error(nil)
	switch {
	case p.DSNEnv != "":
		dsn, err = env(p.DSNEnv)
	case p.DSNFile != "":
		dsn, err = readSecretFile(exeRelative(p.DSNFile))
	}
	if err != nil {
		return nil, fmt.Errorf("dsn: %w", err)
	}
	secrets.add(p.Driver, dsn)
	db, err := sql.Open(p.Driver, dsn)
	if err != nil {
		return nil, secrets.redactErr(err)
	}
	db.SetMaxOpenConns(p.MaxOpen)
	// database/sql keeps 2 idle connections unless told otherwise: every warm
	// connection beyond them would be closed the moment it is released.
	db.SetMaxIdleConns(p.MaxIdle)
	db.SetConnMaxLifetime(p.ConnMaxLifetime)
	db.SetConnMaxIdleTime(p.ConnMaxIdleTime)
	log.Info("sql pool", "resource", p.Name, "driver", p.Driver, "dsn", secrets.redact(dsn), "warm", p.Warm)
	if p.Warm == 0 {
		// warm = 0: the pool dials on first use; the start does not wait for the database.
		return db, nil
	}
	err = warmRetry(ctx, log, p.Name, secrets, func(ctx context.Context) error {
		return sqlWarm(ctx, db, p)
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("warm %d connections: %w", p.Warm, err)
	}
	return db, nil
}

// sqlWarm holds p.Warm connections of db at once, pings each (and runs the
// warm query on it), then releases them all to the idle pool.
//
// Holding them at once is the point: database/sql hands out an idle connection
// before it dials a new one, so a loop of sequential pings reuses one
// connection and leaves ONE connection warm.
func sqlWarm(ctx context.Context, db *sql.DB, p SQLPool) error {
	conns := make([]*sql.Conn, p.Warm)
	errs := make([]error, p.Warm)
	var wg sync.WaitGroup
	for i := range p.Warm {
		wg.Go(func() {
			conns[i], errs[i] = sqlWarmConn(ctx, db, p)
		})
	}
	wg.Wait()
	// Released only once all are held: a connection released early would be
	// handed to the next db.Conn instead of a new dial.
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
	// The connections fail alike (the database is down): one error says it.
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// sqlWarmConn takes one connection (a new dial while the others are held)
// and checks it within the ping timeout.
func sqlWarmConn(ctx context.Context, db *sql.DB, p SQLPool) (*sql.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, p.PingTimeout)
	defer cancel()
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if err = c.PingContext(ctx); err == nil && p.WarmQuery != "" {
		_, err = c.ExecContext(ctx, p.WarmQuery)
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// sqlStatus is the /readyz detail of a pool. It pings within the ping
// timeout, so the detail follows the database, and warms the pool again when
// it holds fewer than p.Warm connections (lost to a database restart, or
// closed by their lifetime), so the next burst does not pay for the dials.
func sqlStatus(db *sql.DB, p SQLPool) map[string]any {
	ctx, cancel := context.WithTimeout(context.Background(), p.PingTimeout)
	defer cancel()
	err := sqlPing(ctx, db)
	if err == nil && db.Stats().OpenConnections < p.Warm {
		err = sqlWarm(ctx, db, p)
	}
	s := db.Stats()
	status := map[string]any{
		"idle":       s.Idle,
		"in_use":     s.InUse,
		"max_open":   s.MaxOpenConnections,
		"open":       s.OpenConnections,
		"wait_count": s.WaitCount,
		"warm":       p.Warm,
	}
	if err != nil {
		status["error"] = err.Error()
	}
	return status
}

// sqlPing pings db until a connection answers or the database does not.
// After a database restart every idle connection is dead, and a ping
// discards only the one it took (driver.ErrBadConn): one ping would report a
// failure while the database is up. Liveness checks use it too.
func sqlPing(ctx context.Context, db *sql.DB) error {
	var err error
	for range db.Stats().Idle + 1 {
		if err = db.PingContext(ctx); !errors.Is(err, driver.ErrBadConn) {
			return err
		}
	}
	return err
}

// sqlStats are database/sql's pool counters: no query, no ping, so a scrape
// costs the database nothing.
func sqlStats(db *sql.DB) map[string]float64 {
	s := db.Stats()
	return map[string]float64{
		"sql_closed_max_idle_total":     float64(s.MaxIdleClosed),
		"sql_closed_max_lifetime_total": float64(s.MaxLifetimeClosed),
		"sql_idle_connections":          float64(s.Idle),
		"sql_in_use_connections":        float64(s.InUse),
		"sql_max_open_connections":      float64(s.MaxOpenConnections),
		"sql_open_connections":          float64(s.OpenConnections),
		"sql_wait_seconds_total":        s.WaitDuration.Seconds(),
		"sql_wait_total":                float64(s.WaitCount),
	}
}

// SQLResource adds an sql resource: a pool opened and warmed by OpenSQL.
func SQLResource(app *App, n *Node, p SQLPool) *Resource[*sql.DB] {
	secrets := &secretSet{}
	return poolResource(app, n, pooled[*sql.DB]{
		kind:    "sql",
		secrets: secrets,
		open:    func(ctx context.Context) (*sql.DB, error) { return openSQL(ctx, app.log, p, secrets) },
		close:   func(ctx context.Context, db *sql.DB) error { return closeWithin(ctx, db.Close) },
		status:  func(db *sql.DB) map[string]any { return sqlStatus(db, p) },
		check:   sqlPing,
		stats:   sqlStats,
	})
}
