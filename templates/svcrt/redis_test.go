package svcrt

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// The redis pool's counters are named as the pool's, not the cache's: a
// "hit" is a free connection found in the pool.
func TestRedisStatsNames(t *testing.T) {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer c.Close()
	stats := redisStats(c)
	for _, name := range []string{"redis_pool_hits_total", "redis_pool_misses_total", "redis_pool_timeouts_total", "redis_connections", "redis_idle_connections"} {
		if _, ok := stats[name]; !ok {
			t.Errorf("no %s in %v", name, stats)
		}
	}
	for name := range stats {
		if name == "redis_hits_total" || name == "redis_misses_total" {
			t.Errorf("%s reads as a cache hit rate", name)
		}
	}
}

// go-redis's own lines (here, a pool that could not dial) reach the
// service's structured log as records, not plain lines on stderr.
func TestRedisLogsThroughSlog(t *testing.T) {
	logs := newLogs()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := OpenRedis(ctx, slog.New(logs), RedisPool{
		Name: "cache", Addr: "127.0.0.1:1", PoolSize: 1, Warm: 1,
		DialTimeout: 100 * time.Millisecond, ReadTimeout: time.Second, WriteTimeout: time.Second,
	})
	if err == nil {
		t.Fatal("opened redis on a closed port")
	}
	// go-redis dials in the background and says so when its retries end,
	// which may be after the open gave up.
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		for _, r := range logs.all() {
			if r.attrs["library"] == "go-redis" && strings.Contains(r.msg, "failed to dial") {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("no go-redis record in the log:\n%s", logs)
}
