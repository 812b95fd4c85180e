package svcrt

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestWarmRetry: the warmup is retried within its context, and the error
// that ends it names the last real cause, not the deadline.
func TestWarmRetry(t *testing.T) {
	refused := errors.New("connection refused")
	t.Run("succeeds after failures", func(t *testing.T) {
		calls := 0
		err := warmRetry(context.Background(), newTestLogger(), "db", nil, func(context.Context) error {
			if calls++; calls < 2 {
				return refused
			}
			return nil
		})
		if err != nil || calls != 2 {
			t.Errorf("warmRetry = %v after %d calls, want nil after 2", err, calls)
		}
	})
	t.Run("too little time left for a retry", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), warmRetryFirst/2)
		defer cancel()
		calls := 0
		err := warmRetry(ctx, newTestLogger(), "db", nil, func(context.Context) error {
			calls++
			return refused
		})
		if !errors.Is(err, refused) || calls != 1 || !strings.Contains(err.Error(), "gave up after 1 attempts") {
			t.Errorf("warmRetry = %v after %d calls", err, calls)
		}
	})
	t.Run("deadline keeps the last cause", func(t *testing.T) {
		// Time for one backoff (at most warmRetryFirst), then the second
		// attempt hangs until the deadline.
		ctx, cancel := context.WithTimeout(context.Background(), 5*warmRetryFirst/2)
		defer cancel()
		calls := 0
		err := warmRetry(ctx, newTestLogger(), "db", nil, func(ctx context.Context) error {
			if calls++; calls == 1 {
				return refused
			}
			<-ctx.Done() // the second attempt hangs until the deadline
			return ctx.Err()
		})
		if !errors.Is(err, refused) || errors.Is(err, context.DeadlineExceeded) || calls != 2 {
			t.Errorf("warmRetry = %v after %d calls, want the refusal", err, calls)
		}
	})
}

func TestCloseWithin(t *testing.T) {
	failed := errors.New("close failed")
	if err := closeWithin(context.Background(), func() error { return failed }); err != failed {
		t.Errorf("closeWithin = %v, want the close's error", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	block := hang(t)
	if err := closeWithin(ctx, func() error { <-block; return nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("closeWithin of a hung close = %v, want the deadline", err)
	}
}

// TestOpenRedis covers what needs no redis server: the address forms and
// a refused warmup.
func TestOpenRedis(t *testing.T) {
	c, err := OpenRedis(context.Background(), newTestLogger(), RedisPool{Name: "cache", Addr: "redis://:pw@127.0.0.1:6390/3", PoolSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	if o := c.Options(); o.Addr != "127.0.0.1:6390" || o.DB != 3 || o.Password != "pw" || o.PoolSize != 4 {
		t.Errorf("options from a URL: addr %s db %d pool %d", o.Addr, o.DB, o.PoolSize)
	}
	c.Close()

	t.Setenv("SVCRT_TEST_REDIS_PW", "s3cret")
	t.Setenv("SVCRT_TEST_REDIS_ADDR", "127.0.0.1:6391")
	c, err = OpenRedis(context.Background(), newTestLogger(), RedisPool{Name: "cache", AddrEnv: "SVCRT_TEST_REDIS_ADDR", PasswordEnv: "SVCRT_TEST_REDIS_PW", DB: 2})
	if err != nil {
		t.Fatal(err)
	}
	if o := c.Options(); o.Addr != "127.0.0.1:6391" || o.DB != 2 || o.Password != "s3cret" {
		t.Errorf("options from the environment: addr %s db %d", o.Addr, o.DB)
	}
	c.Close()

	for _, p := range []RedisPool{
		{Name: "cache", AddrEnv: "SVCRT_TEST_REDIS_UNSET"},
		{Name: "cache", Addr: "127.0.0.1:6391", PasswordEnv: "SVCRT_TEST_REDIS_UNSET"},
		{Name: "cache", Addr: "redis://h:notaport"},
	} {
		if c, err := OpenRedis(context.Background(), newTestLogger(), p); err == nil {
			c.Close()
			t.Errorf("OpenRedis(%+v) succeeded", p)
		}
	}

	// A port nobody listens on: the warmup is refused and says where.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = OpenRedis(ctx, newTestLogger(), RedisPool{Name: "cache", Addr: addr, Warm: 2, PoolSize: 2, DialTimeout: time.Second})
	if err == nil || !strings.Contains(err.Error(), "warm 2 connections to "+addr) {
		t.Errorf("refused warmup: %v", err)
	}
}

// upstream is a test server counting the connections and requests it gets.
type upstream struct {
	*httptest.Server
	conns atomic.Int32
	mu    sync.Mutex
	hits  map[string]int
	// codes answers the n-th request of a path with codes[path][n] (the last
	// one once they run out); 200 for a path without codes.
	codes map[string][]int
}

func newUpstream(t *testing.T, codes map[string][]int) *upstream {
	u := &upstream{hits: map[string]int{}, codes: codes}
	u.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		n := u.hits[r.URL.Path]
		u.hits[r.URL.Path]++
		u.mu.Unlock()
		code := http.StatusOK
		if cs := u.codes[r.URL.Path]; len(cs) > 0 {
			code = cs[min(n, len(cs)-1)]
		}
		w.WriteHeader(code)
		io.WriteString(w, r.URL.Path)
	}))
	u.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			u.conns.Add(1)
		}
	}
	u.Start()
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) hitsOf(path string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.hits[path]
}

// TestHTTPClient: the warmup opens one connection per warm request, idempotent
// requests are retried, others are not, and the breaker opens after its
// failures without sending more requests (it also ends retries, so /flaky
// stays under breaker_failures).
func TestHTTPClient(t *testing.T) {
	up := newUpstream(t, map[string][]int{
		"/flaky":       {503, 502, 200},
		"/post":        {503, 200},
		"/down":        {500},
		"/api/missing": {404},
	})
	t.Setenv("SVCRT_TEST_BASE", up.URL+"/api/")
	p := HTTPClientPool{
		Name:            "up",
		BaseURLEnv:      "SVCRT_TEST_BASE",
		Warm:            3,
		WarmPath:        "/warm",
		MaxIdlePerHost:  8,
		IdleConnTimeout: waitLimit,
		RequestTimeout:  waitLimit,
		Retries:         3,
		RetryBase:       time.Millisecond,
		RetryMax:        2 * time.Millisecond,
		BreakerFailures: 3,
		BreakerCooldown: time.Hour,
	}
	c, err := OpenHTTPClient(context.Background(), newTestLogger(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	if n, hits := up.conns.Load(), up.hitsOf("/warm"); n != 3 || hits != 3 {
		t.Errorf("warmup of 3: %d connections, %d requests", n, hits)
	}
	if u := c.BaseURL(); u.String() != up.URL+"/api/" {
		t.Errorf("base URL %s", u)
	}
	ctx := context.Background()

	resp, err := c.Get(ctx, "/flaky")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /flaky: %v %v", resp, err)
	}
	resp.Body.Close()
	if n := up.hitsOf("/flaky"); n != 3 {
		t.Errorf("GET /flaky sent %d times, want 3 (two retries)", n)
	}
	if n := up.conns.Load(); n != 3 {
		t.Errorf("%d connections after the warmup and the retries: the warm ones were not reused", n)
	}

	req, _ := c.NewRequest(ctx, http.MethodPost, "/post", strings.NewReader("x"))
	req.GetBody = nil // a body that cannot be sent again
	resp, err = c.Do(req)
	if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("POST /post: %v %v", resp, err)
	}
	resp.Body.Close()
	if n := up.hitsOf("/post"); n != 1 {
		t.Errorf("a POST was sent %d times", n)
	}

	resp, err = c.Get(ctx, "missing")
	if err != nil || resp.StatusCode != http.StatusNotFound || up.hitsOf("/api/missing") != 1 {
		t.Fatalf("GET missing (relative to the base path): %v %v", resp, err)
	}
	resp.Body.Close()

	// A check sees the upstream as it is and does not count for the breaker.
	if err := checkHTTP(ctx, c, "/down"); err == nil {
		t.Error("checkHTTP of a 500 succeeded")
	}
	if err := checkHTTP(ctx, c, "/warm"); err != nil {
		t.Errorf("checkHTTP of a 200: %v", err)
	}
	if st := c.status(); st["breaker"] != "closed" {
		t.Errorf("breaker after checks: %v", st)
	}

	// 500 is not retried but counts: three failures in a row open the breaker
	// (the two failed attempts of /flaky were reset by its success).
	before := up.hitsOf("/down")
	for range 3 {
		resp, err := c.Get(ctx, "/down")
		if err != nil || resp.StatusCode != http.StatusInternalServerError {
			t.Fatalf("GET /down: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	if _, err := c.Get(ctx, "/down"); !errors.Is(err, ErrBreakerOpen) {
		t.Errorf("GET with the breaker open: %v", err)
	}
	if n := up.hitsOf("/down") - before; n != 3 {
		t.Errorf("%d requests reached the upstream, want 3", n)
	}
	if st, stats := c.status(), httpClientStats(c); st["breaker"] != "open" || stats["http_client_breaker_open"] != 1 || stats["http_client_breaker_failures"] != 3 {
		t.Errorf("breaker open: status %v, stats %v", st, stats)
	}
}

func TestOpenHTTPClientErrors(t *testing.T) {
	for _, tc := range []struct{ name, env string }{
		{"unset", ""},
		{"relative", "/api"},
		{"not http", "ftp://h/x"},
	} {
		t.Setenv("SVCRT_TEST_BASE", tc.env)
		if _, err := OpenHTTPClient(context.Background(), newTestLogger(), HTTPClientPool{Name: "up", BaseURLEnv: "SVCRT_TEST_BASE"}); err == nil {
			t.Errorf("%s base URL: no error", tc.name)
		}
	}
}
