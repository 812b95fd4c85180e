package svcrt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisPool is one redis resource's settings.
type RedisPool struct {
	Name        string // resource name, for messages
	Addr        string // host:port or redis:// URL, or
	AddrEnv     string // the environment variable holding it
	PasswordEnv string // environment variable holding the password
	// PasswordOptional: PasswordEnv may be unset (no password); set to ""
	// it is an empty password either way.
	PasswordOptional bool
	DB               int
	PoolSize         int
	MinIdle          int           // go-redis keeps at least this many idle connections
	Warm             int           // connections open and idle before ready
	DialTimeout      time.Duration // budget of one connection's dial and ping
	ReadTimeout      time.Duration // socket read timeout of a command
	WriteTimeout     time.Duration // socket write timeout of a command
}

// OpenRedis creates the client of p and warms p.Warm connections, retrying
// while ctx (the resource's open timeout) allows.
func OpenRedis(ctx context.Context, log *slog.Logger, p RedisPool) (*redis.Client, error) {
	return openRedis(ctx, log, p, &secretSet{})
}

// openRedis is OpenRedis recording the address's and the password's
// credentials in secrets, which redact every error that leaves go-redis
// here and later (url.Parse quotes a malformed URL whole).
func openRedis(ctx context.Context, log *slog.Logger, p RedisPool, secrets *secretSet) (*redis.Client, error) {
	addr, err := p.Addr, error(nil)
	if p.AddrEnv != "" {
		if addr, err = env(p.AddrEnv); err != nil {
			return nil, fmt.Errorf("addr: %w", err)
		}
	}
	secrets.add(credRedis, addr)
	opt := &redis.Options{Addr: addr}
	if strings.Contains(addr, "://") {
		// redis://[user:password@]host:port[/db], or rediss:// for TLS.
		if opt, err = redis.ParseURL(addr); err != nil {
			return nil, fmt.Errorf("addr: %w", secrets.redactErr(err))
		}
	}
	if p.PasswordEnv != "" {
		// A password set to "" is a value (no password), not a missing one.
		pw, set := os.LookupEnv(p.PasswordEnv)
		switch {
		case set:
			opt.Password = pw
			secrets.addValue(pw)
		case !p.PasswordOptional:
			return nil, fmt.Errorf("password: environment variable %s is not set (set it, to \"\" for no password, or declare it optional_env in the spec)", p.PasswordEnv)
		}
	}
	if p.DB != 0 {
		opt.DB = p.DB
	}
	opt.PoolSize = p.PoolSize
	opt.MinIdleConns = p.MinIdle
	opt.DialTimeout = p.DialTimeout
	opt.ReadTimeout = p.ReadTimeout
	opt.WriteTimeout = p.WriteTimeout
	// go-redis logs through a process-wide logger of its own, in plain lines
	// on stderr: route it into the service's structured log.
	// The logger is one for every client: it redacts the credentials of all.
	redisLogSecrets.merge(secrets)
	redis.SetLogger(redisLogger{log, &redisLogSecrets})
	c := redis.NewClient(opt)
	log.Info("redis pool", "resource", p.Name, "addr", opt.Addr, "db", opt.DB, "warm", p.Warm)
	if p.Warm == 0 {
		// warm = 0: the client dials on first use; the start does not wait for redis.
		return c, nil
	}
	err = warmRetry(ctx, log, p.Name, secrets, func(ctx context.Context) error {
		return redisWarm(ctx, c, p)
	})
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("warm %d connections to %s: %w", p.Warm, opt.Addr, err)
	}
	return c, nil
}

// redisWarm holds p.Warm connections of c at once, pings on each, then
// releases them to the idle pool. Like database/sql, go-redis hands out an
// idle connection before it dials, so sequential pings would warm one.
func redisWarm(ctx context.Context, c *redis.Client, p RedisPool) error {
	// One connection first: go-redis records what the first handshake
	// negotiates (RESP3, maintenance notifications) in options that every
	// *redis.Conn shares, and handshakes run at once before that race on them.
	if err := redisPing(ctx, c, p.DialTimeout); err != nil {
		return err
	}
	conns := make([]*redis.Conn, p.Warm)
	errs := make([]error, p.Warm)
	var wg sync.WaitGroup
	for i := range p.Warm {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, p.DialTimeout)
			defer cancel()
			// A *redis.Conn takes a connection from the pool at its first
			// command and keeps it until Close.
			conns[i] = c.Conn()
			errs[i] = redisPermanent(conns[i].Ping(ctx).Err())
		})
	}
	wg.Wait()
	for _, cn := range conns {
		cn.Close()
	}
	// The connections fail alike (redis is down): one error says it.
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// redisPing pings redis within timeout.
func redisPing(ctx context.Context, c *redis.Client, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return redisPermanent(c.Ping(ctx).Err())
}

// redisPermanent marks the replies of a server that will never accept this
// client's configuration: a wrong password or user (WRONGPASS, or an
// invalid password on a server with requirepass), a password the server
// does not need or lacks (NOAUTH, AUTH without a password set), a database
// number it does not have.
func redisPermanent(err error) error {
	var re redis.Error
	if !errors.As(err, &re) {
		return err
	}
	msg := re.Error()
	for _, p := range []string{"WRONGPASS", "NOAUTH", "ERR invalid password", "ERR AUTH", "ERR DB index is out of range", "ERR invalid DB index"} {
		if strings.HasPrefix(msg, p) {
			return &permanentError{err}
		}
	}
	return err
}

// redisStatus is the /readyz detail of a client: a ping within the dial
// timeout, so the detail follows the server, and the pool's counts.
func redisStatus(c *redis.Client, p RedisPool) map[string]any {
	err := redisPing(context.Background(), c, p.DialTimeout)
	s := c.PoolStats()
	status := map[string]any{
		"idle":     s.IdleConns,
		"stale":    s.StaleConns,
		"timeouts": s.Timeouts,
		"total":    s.TotalConns,
		"warm":     p.Warm,
	}
	if err != nil {
		status["error"] = err.Error()
	}
	return status
}

// redisStats are go-redis's pool counters. Hits and misses are the pool's
// (a free connection found, or one dialled), not the cache's, and are named
// so: a dashboard must not read them as cache hit rates.
func redisStats(c *redis.Client) map[string]float64 {
	s := c.PoolStats()
	return map[string]float64{
		"redis_connections":             float64(s.TotalConns),
		"redis_pool_hits_total":         float64(s.Hits),
		"redis_idle_connections":        float64(s.IdleConns),
		"redis_pool_misses_total":       float64(s.Misses),
		"redis_stale_connections_total": float64(s.StaleConns),
		"redis_pool_timeouts_total":     float64(s.Timeouts),
	}
}

// RedisResource adds a redis resource: a client opened and warmed by OpenRedis.
func RedisResource(app *App, n *Node, p RedisPool) *Resource[*redis.Client] {
	secrets := &secretSet{}
	return poolResource(app, n, pooled[*redis.Client]{
		kind:    "redis",
		secrets: secrets,
		open:    func(ctx context.Context) (*redis.Client, error) { return openRedis(ctx, app.log, p, secrets) },
		close:   func(ctx context.Context, c *redis.Client) error { return closeWithin(ctx, c.Close) },
		status:  func(c *redis.Client) map[string]any { return redisStatus(c, p) },
		check:   func(ctx context.Context, c *redis.Client) error { return c.Ping(ctx).Err() },
		stats:   redisStats,
	})
}

// redisLogger is go-redis's logger for the service: each line it writes
// (a dial that failed, a connection it retired) is a warning record of the
// service's log, marked as go-redis's, with the credentials of every redis
// resource redacted.
type redisLogger struct {
	log     *slog.Logger
	secrets *secretSet
}

// redisLogSecrets are the credentials of every redis resource opened.
var redisLogSecrets secretSet

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	msg := strings.TrimPrefix(l.secrets.redact(fmt.Sprintf(format, v...)), "redis: ")
	l.log.WarnContext(ctx, strings.TrimSpace(msg), "library", "go-redis")
}
