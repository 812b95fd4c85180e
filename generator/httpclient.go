package generator

import (
	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
	"github.com/svcgen/svcgen/templates"
)

// httpClientKind emits http_client resources: an outbound client with a
// tuned transport, keep-alive connections warm before ready, retries with
// backoff for idempotent requests and a circuit breaker. Dependents get a
// *svcrt.HTTPClient.
//
// The retries and the breaker are plain code of the runtime package
// (breaker.go is about 80 lines), not a library: what a reviewer reads is
// what runs, a generated project gains no module for it, and the breaker
// needs only the consecutive-failure policy.
type httpClientKind struct{}

func (httpClientKind) declare(g *Context, r *spec.Resource) error {
	c := func(key string, v jen.Code) { g.Const(blockOf(r), constName(r, key), v, "") }
	c("base_url_env", jen.Lit(r.BaseURLEnv))
	c("warm", jen.Lit(r.Warm))
	if r.WarmPath != "" {
		c("warm_path", jen.Lit(r.WarmPath))
	}
	c("max_idle_per_host", jen.Lit(r.MaxIdlePerHost))
	c("idle_conn_timeout", durationCode(r.IdleConnTimeout.Duration))
	c("tls_handshake_timeout", durationCode(r.TLSHandshakeTimeout.Duration))
	c("request_timeout", durationCode(r.RequestTimeout.Duration))
	c("retries", jen.Lit(r.Retries))
	c("retry_base", durationCode(r.RetryBase.Duration))
	c("retry_max", durationCode(r.RetryMax.Duration))
	c("breaker_failures", jen.Lit(r.BreakerFailures))
	c("breaker_cooldown", durationCode(r.BreakerCooldown.Duration))
	return nil
}

func (httpClientKind) valueType(g *Context, r *spec.Resource) jen.Code {
	return jen.Op("*").Add(g.rt(rtHTTPClient))
}

func (httpClientKind) wire(g *Context, r *spec.Resource, node jen.Code, _ []jen.Code) jen.Code {
	return g.rt(rtHTTPClientResource).Call(jen.Id(wireApp), node, settings(g, rtHTTPClientPool, r, httpClientPoolFields))
}

func (httpClientKind) feature() string { return templates.FeatureHTTPClient }

// httpClientPoolFields are the fields of svcrt.HTTPClientPool and their spec keys.
var httpClientPoolFields = []settingsField{
	{"BaseURLEnv", "base_url_env"}, {"Warm", "warm"}, {"WarmPath", "warm_path"},
	{"MaxIdlePerHost", "max_idle_per_host"}, {"IdleConnTimeout", "idle_conn_timeout"},
	{"TLSHandshakeTimeout", "tls_handshake_timeout"}, {"RequestTimeout", "request_timeout"},
	{"Retries", "retries"}, {"RetryBase", "retry_base"}, {"RetryMax", "retry_max"},
	{"BreakerFailures", "breaker_failures"}, {"BreakerCooldown", "breaker_cooldown"},
}
