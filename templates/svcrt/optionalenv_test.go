package svcrt

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"
)

// A password variable set to "" is a value (no password), not a missing
// one; unset, it is an error unless the spec declared it optional. Against
// the local Redis, which has no password.
func TestRedisPasswordSetEmptyOrOptional(t *testing.T) {
	up(t, "127.0.0.1:6379")
	open := func(optional bool) error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, err := OpenRedis(ctx, slog.New(slog.DiscardHandler), RedisPool{
			Name: "cache", Addr: "127.0.0.1:6379", PasswordEnv: "SVCRT_TEST_REDIS_PASSWORD", PasswordOptional: optional,
			PoolSize: 2, Warm: 1, DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second,
		})
		if c != nil {
			c.Close()
		}
		return err
	}
	os.Unsetenv("SVCRT_TEST_REDIS_PASSWORD")
	if err := open(false); err == nil || !strings.Contains(err.Error(), "SVCRT_TEST_REDIS_PASSWORD is not set") {
		t.Errorf("unset, required: %v", err)
	}
	if err := open(true); err != nil {
		t.Errorf("unset, optional: %v", err)
	}
	t.Setenv("SVCRT_TEST_REDIS_PASSWORD", "")
	if err := open(false); err != nil {
		t.Errorf(`set to "": %v`, err)
	}
}

// "not set" is said only of a variable that is not set.
func TestEnvSetButEmpty(t *testing.T) {
	os.Unsetenv("SVCRT_TEST_DSN")
	if _, err := env("SVCRT_TEST_DSN"); err == nil || !strings.HasSuffix(err.Error(), "is not set") {
		t.Errorf("unset: %v", err)
	}
	t.Setenv("SVCRT_TEST_DSN", "")
	if _, err := env("SVCRT_TEST_DSN"); err == nil || strings.Contains(err.Error(), "not set") || !strings.Contains(err.Error(), "set but empty") {
		t.Errorf(`set to "": %v`, err)
	}
}
