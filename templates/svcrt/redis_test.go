package svcrt

import (
	"testing"

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
