package svcrt

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// HTTPClientPool is one http_client resource's settings.
type HTTPClientPool struct {
	Name                string // resource name, for messages
	BaseURLEnv          string // environment variable holding the base URL
	Warm                int    // keep-alive connections open before ready
	WarmPath            string // requested to warm them, resolved against the base URL
	MaxIdlePerHost      int
	IdleConnTimeout     time.Duration
	TLSHandshakeTimeout time.Duration
	RequestTimeout      time.Duration // bound of one attempt
	Retries             int           // retries of an idempotent request
	RetryBase           time.Duration // backoff before the first retry, doubled for each next one
	RetryMax            time.Duration // longest backoff
	BreakerFailures     int           // consecutive failed attempts that open the breaker
	BreakerCooldown     time.Duration // how long it stays open before a probe
}

// OpenHTTPClient builds the client of p and warms p.Warm keep-alive
// connections to the base URL, retrying while ctx (the resource's open
// timeout) allows.
func OpenHTTPClient(ctx context.Context, log *slog.Logger, p HTTPClientPool) (*HTTPClient, error) {
	return openHTTPClient(ctx, log, p, &secretSet{})
}

// openHTTPClient is OpenHTTPClient recording the base URL's credentials
// (user:password@, tokens in its query) in secrets, which redact every
// error of the client: net/http quotes the URL of a failed request with its
// query.
func openHTTPClient(ctx context.Context, log *slog.Logger, p HTTPClientPool, secrets *secretSet) (*HTTPClient, error) {
	raw, err := env(p.BaseURLEnv)
	if err != nil {
		return nil, fmt.Errorf("base url: %w", err)
	}
	secrets.add(credHTTP, raw)
	base, err := url.Parse(raw)
	if err != nil || base.Host == "" || (base.Scheme != "http" && base.Scheme != "https") {
		return nil, fmt.Errorf("base url: %s does not hold an absolute http or https URL", p.BaseURLEnv)
	}
	// A clone of the default transport keeps its proxy settings, dialer and
	// HTTP/2; the spec sizes its pool. Without MaxIdleConnsPerHost (default 2)
	// every warm connection beyond two would be closed when it goes idle.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = p.MaxIdlePerHost
	tr.MaxIdleConns = max(tr.MaxIdleConns, p.MaxIdlePerHost)
	tr.IdleConnTimeout = p.IdleConnTimeout
	tr.TLSHandshakeTimeout = p.TLSHandshakeTimeout
	c := &HTTPClient{
		name:    p.Name,
		base:    base,
		secrets: secrets,
		client: &http.Client{
			Timeout:   p.RequestTimeout,
			Transport: tr,
		},
		retries:   p.Retries,
		retryBase: p.RetryBase,
		retryMax:  p.RetryMax,
		breaker: breaker{
			cooldown:    p.BreakerCooldown,
			maxFailures: p.BreakerFailures,
		},
	}
	log.Info("http client", "resource", p.Name, "base_url", secrets.redact(base.Redacted()), "warm", p.Warm)
	if p.Warm == 0 {
		return c, nil
	}
	ref, err := url.Parse(p.WarmPath)
	if err != nil {
		return nil, fmt.Errorf("warm path: %w", err)
	}
	target := base.ResolveReference(ref).String()
	err = warmRetry(ctx, log, p.Name, secrets, func(ctx context.Context) error {
		return httpWarm(ctx, c.client, p.Warm, target)
	})
	if err != nil {
		tr.CloseIdleConnections()
		return nil, fmt.Errorf("warm %d connections: %w", p.Warm, err)
	}
	return c, nil
}

// HTTPClient is the outbound client of an http_client resource, handed to
// the user functions that depend on it. Its requests go through a circuit
// breaker, and idempotent ones are retried with backoff (see Do).
type HTTPClient struct {
	name                string
	base                *url.URL
	secrets             *secretSet // the base URL's credentials, redacted from Do's errors
	client              *http.Client
	retries             int
	retryBase, retryMax time.Duration
	breaker             breaker
}

// BaseURL returns a copy of the base URL (from the resource's environment variable).
func (c *HTTPClient) BaseURL() *url.URL {
	u := *c.base
	return &u
}

// HTTPClient is the underlying client, for requests that must bypass the
// retries and the breaker (a streaming upload, a websocket).
func (c *HTTPClient) HTTPClient() *http.Client {
	return c.client
}

// NewRequest builds a request for path resolved against the base URL: "/x"
// replaces the base path, "x" is relative to it (RFC 3986).
func (c *HTTPClient) NewRequest(ctx context.Context, method, path string, body io.Reader) (*http.Request, error) {
	ref, err := url.Parse(path)
	if err != nil {
		return nil, err
	}
	return http.NewRequestWithContext(ctx, method, c.base.ResolveReference(ref).String(), body)
}

// Get sends a GET for path (resolved against the base URL) through Do.
func (c *HTTPClient) Get(ctx context.Context, path string) (*http.Response, error) {
	req, err := c.NewRequest(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	return c.Do(req)
}

// CloseIdleConnections closes the kept-alive connections (at stop).
func (c *HTTPClient) CloseIdleConnections() {
	c.client.CloseIdleConnections()
}

// status is the /readyz detail: the breaker's state. An open breaker does not
// make the service unready: taking it out of its balancer because an upstream
// is down would spread the outage.
func (c *HTTPClient) status() map[string]any {
	state, failures := c.breaker.state()
	return map[string]any{
		"breaker":  state,
		"failures": failures,
	}
}

// Do sends req through the breaker: while it is open, Do fails at once with
// ErrBreakerOpen. An idempotent request (see idempotent) is retried after
// a transport error or a 429, 502, 503 or 504, up to the resource's retries,
// waiting a random time in [d/2, d] with d = retry_base doubled per retry and
// capped at retry_max; a retry whose wait would outlast req's context is not
// started, and the last answer is returned.
func (c *HTTPClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.do(req)
	// The caller logs the error: net/http quotes the request's URL in it,
	// whose query may carry the base URL's token.
	return resp, c.secrets.redactErr(err)
}

func (c *HTTPClient) do(req *http.Request) (*http.Response, error) {
	if err := c.breaker.allow(); err != nil {
		return nil, fmt.Errorf("%s %s: %s: %w", req.Method, req.URL.Redacted(), c.name, err)
	}
	ctx := req.Context()
	retries := c.retries
	if !idempotent(req) {
		retries = 0
	}
	for attempt := 0; ; attempt++ {
		resp, err := c.client.Do(req)
		if err != nil && ctx.Err() != nil {
			// The caller gave up: no verdict on the upstream.
			c.breaker.release()
			return nil, err
		}
		c.breaker.record(err == nil && resp.StatusCode < 500)
		if attempt >= retries || !retryable(resp, err) {
			return resp, err
		}
		d := min(c.retryBase<<attempt, c.retryMax)
		if d <= 0 {
			// the shift overflowed
			d = c.retryMax
		}
		wait := d/2 + rand.N(d/2+1)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return resp, err // no time left for another attempt
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			if resp != nil {
				resp.Body.Close()
			}
			return nil, ctx.Err()
		case <-t.C:
		}
		if c.breaker.allow() != nil {
			return resp, err // the breaker opened meanwhile: the last answer stands
		}
		if resp != nil {
			// Reading the rest of the body lets the connection be reused.
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		if req.GetBody != nil && req.Body != nil && req.Body != http.NoBody {
			// The transport consumed and closed the body: send a fresh copy.
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(ctx)
			req.Body = body
		}
	}
}

// idempotent reports whether req may be sent twice: RFC 9110 section 9.2.2
// methods, or a request carrying an idempotency key (net/http's own rule for
// retrying on a reused connection), and a body that can be sent again.
func idempotent(req *http.Request) bool {
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return false
	}
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	_, key := req.Header["Idempotency-Key"]
	_, xkey := req.Header["X-Idempotency-Key"]
	return key || xkey
}

// retryable reports whether an attempt's outcome is worth a retry: a
// transport error, or a status saying the upstream is busy or restarting.
func retryable(resp *http.Response, err error) bool {
	if err != nil {
		return true
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// httpWarm opens n keep-alive connections to target: n requests at once,
// each holding its connection until all have their response (a connection
// whose body is unread is not reused, so each request needs its own); then
// the bodies are read to the end and every connection goes idle in the pool.
// Over HTTP/2 the requests share one connection, which is then the warm one.
func httpWarm(ctx context.Context, c *http.Client, n int, target string) error {
	resps := make([]*http.Response, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
			if err == nil {
				resps[i], err = c.Do(req)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, r := range resps {
		if r != nil {
			io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
			r.Body.Close()
		}
	}
	// Any answer warms a connection; only a failure to get one is an error.
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// httpClientStats are the circuit breaker of an http_client: open (1 while
// requests fail at once, also half-open) and its consecutive failures.
func httpClientStats(c *HTTPClient) map[string]float64 {
	state, failures := c.breaker.state()
	open := 0.0
	if state != "closed" {
		open = 1.0
	}
	return map[string]float64{
		"http_client_breaker_failures": float64(failures),
		"http_client_breaker_open":     open,
	}
}

// checkHTTP requests path of an http_client's upstream, past the breaker and
// the retries (a check must see the upstream as it is, and must not trip the
// breaker its users rely on). Any answer below 500 means the upstream is up.
func checkHTTP(ctx context.Context, c *HTTPClient, path string) error {
	req, err := c.NewRequest(ctx, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	resp, err := c.HTTPClient().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	// Read to the end (bounded) so the connection goes back to the pool.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 65536))
	if resp.StatusCode >= 500 {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return nil
}

// HTTPClientResource adds an http_client resource: a client opened and warmed
// by OpenHTTPClient; its liveness check requests the warm path.
func HTTPClientResource(app *App, n *Node, p HTTPClientPool) *Resource[*HTTPClient] {
	secrets := &secretSet{}
	k := pooled[*HTTPClient]{
		kind:    "http_client",
		secrets: secrets,
		open:    func(ctx context.Context) (*HTTPClient, error) { return openHTTPClient(ctx, app.log, p, secrets) },
		close: func(_ context.Context, c *HTTPClient) error {
			c.CloseIdleConnections()
			return nil
		},
		status: (*HTTPClient).status,
		stats:  httpClientStats,
	}
	if p.WarmPath != "" {
		k.check = func(ctx context.Context, c *HTTPClient) error { return checkHTTP(ctx, c, p.WarmPath) }
	}
	return poolResource(app, n, k)
}
