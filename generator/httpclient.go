package generator

import (
	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// httpClientKind emits http_client resources: an outbound client with a
// tuned transport, keep-alive connections warm before ready, retries with
// backoff for idempotent requests and a circuit breaker. Dependents get a
// *svcHTTPClient.
//
// The retries and the breaker are plain generated code (svcgen_breaker.go
// is about 80 lines), not a library: what a reviewer reads is what runs, a
// generated project gains no module for it, and the breaker needs only the
// consecutive-failure policy.
type httpClientKind struct{}

// httpClientPoolFields are the fields of svcHTTPClientPool.
var httpClientPoolFields = []poolField{
	{"baseURLEnv", "base_url_env", "string", "environment variable holding the base URL"},
	{"warm", "warm", "int", "keep-alive connections open before ready"},
	{"warmPath", "warm_path", "string", "requested to warm them, resolved against the base URL"},
	{"maxIdlePerHost", "max_idle_per_host", "int", ""},
	{"idleConnTimeout", "idle_conn_timeout", "duration", ""},
	{"tlsHandshakeTimeout", "tls_handshake_timeout", "duration", ""},
	{"requestTimeout", "request_timeout", "duration", "bound of one attempt"},
	{"retries", "retries", "int", "retries of an idempotent request"},
	{"retryBase", "retry_base", "duration", "backoff before the first retry, doubled for each next one"},
	{"retryMax", "retry_max", "duration", "longest backoff"},
	{"breakerFailures", "breaker_failures", "int", "consecutive failed attempts that open the breaker"},
	{"breakerCooldown", "breaker_cooldown", "duration", "how long it stays open before a probe"},
}

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
	return jen.Op("*").Id("svcHTTPClient")
}

func (httpClientKind) node(g *Context, r *spec.Resource, v nodeVars) nodeCode {
	return nodeCode{
		Open: stepFunc(openPoolCode("svcOpenHTTPClient", jen.Id(poolFunc(r)).Call(), v.Value)...),
		Close: stepFunc(
			jen.Add(v.Value).Dot("CloseIdleConnections").Call(),
			jen.Return(jen.Nil()),
		),
		Status: poolStatusFunc(jen.Return(jen.Add(v.Value).Dot("status").Call())),
	}
}

// emitHTTPClientFile writes svcgen_httpclient.go: the settings of each
// http_client resource, the open and warm code, and svcHTTPClient.
func emitHTTPClientFile(g *Context) {
	f := g.NewFile("svcgen_httpclient.go", "")
	poolImportNames(f)
	f.Comment("svcHTTPClientPool is one http_client resource's settings (its constants are")
	f.Comment("in svcgen_config.go).")
	f.Type().Id("svcHTTPClientPool").Struct(poolSettingsFields(httpClientPoolFields)...)
	for _, r := range g.Spec.Resources {
		if r.Kind != spec.KindHTTPClient {
			continue
		}
		f.Line()
		f.Comment(poolFunc(r) + " is [resource." + r.Name + "].")
		f.Func().Id(poolFunc(r)).Params().Id("svcHTTPClientPool").Block(
			jen.Return(jen.Id("svcHTTPClientPool").Add(poolSettingsLiteral(r, httpClientPoolFields, func(key string) bool {
				return key != "warm_path" || r.WarmPath != ""
			}))),
		)
	}
	emitOpenHTTPClient(f)
	emitHTTPClientType(f)
	emitHTTPClientDo(f)
	emitHTTPWarm(f)
}

func emitOpenHTTPClient(f *jen.File) {
	p := func(field string) *jen.Statement { return jen.Id("p").Dot(field) }
	f.Line()
	f.Comment("svcOpenHTTPClient builds the client of p and warms p.warm keep-alive")
	f.Comment("connections to the base URL, retrying while ctx (the resource's open")
	f.Comment("timeout) allows.")
	f.Func().Id("svcOpenHTTPClient").Params(
		jen.Id("ctx").Add(ctxType()), jen.Id("log").Add(poolLoggerType()), jen.Id("p").Id("svcHTTPClientPool"),
	).Params(jen.Op("*").Id("svcHTTPClient"), jen.Error()).Block(
		jen.List(jen.Id("raw"), jen.Err()).Op(":=").Id("svcEnv").Call(p("baseURLEnv")),
		poolIfErr(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("base url: %w"), jen.Err()))),
		jen.List(jen.Id("base"), jen.Err()).Op(":=").Qual("net/url", "Parse").Call(jen.Id("raw")),
		jen.If(jen.Err().Op("!=").Nil().Op("||").Id("base").Dot("Host").Op("==").Lit("").Op("||").
			Parens(jen.Id("base").Dot("Scheme").Op("!=").Lit("http").Op("&&").Id("base").Dot("Scheme").Op("!=").Lit("https"))).Block(
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("base url: %s does not hold an absolute http or https URL"), p("baseURLEnv"))),
		),
		jen.Comment("A clone of the default transport keeps its proxy settings, dialer and"),
		jen.Comment("HTTP/2; the spec sizes its pool. Without MaxIdleConnsPerHost (default 2)"),
		jen.Comment("every warm connection beyond two would be closed when it goes idle."),
		jen.Id("tr").Op(":=").Qual("net/http", "DefaultTransport").Assert(jen.Op("*").Qual("net/http", "Transport")).Dot("Clone").Call(),
		jen.Id("tr").Dot("MaxIdleConnsPerHost").Op("=").Add(p("maxIdlePerHost")),
		jen.Id("tr").Dot("MaxIdleConns").Op("=").Max(jen.Id("tr").Dot("MaxIdleConns"), p("maxIdlePerHost")),
		jen.Id("tr").Dot("IdleConnTimeout").Op("=").Add(p("idleConnTimeout")),
		jen.Id("tr").Dot("TLSHandshakeTimeout").Op("=").Add(p("tlsHandshakeTimeout")),
		jen.Id("c").Op(":=").Op("&").Id("svcHTTPClient").Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true},
			jen.Id("name").Op(":").Add(p("name")),
			jen.Id("base").Op(":").Id("base"),
			jen.Id("client").Op(":").Op("&").Qual("net/http", "Client").Values(jen.Dict{
				jen.Id("Transport"): jen.Id("tr"),
				jen.Id("Timeout"):   p("requestTimeout"),
			}),
			jen.Id("retries").Op(":").Add(p("retries")),
			jen.Id("retryBase").Op(":").Add(p("retryBase")),
			jen.Id("retryMax").Op(":").Add(p("retryMax")),
			jen.Id("breaker").Op(":").Id("svcBreaker").Values(jen.Dict{
				jen.Id("maxFailures"): p("breakerFailures"),
				jen.Id("cooldown"):    p("breakerCooldown"),
			}),
		),
		jen.Id("log").Dot("Info").Call(jen.Lit("http client"), jen.Lit("resource"), p("name"),
			jen.Lit("base_url"), jen.Id("base").Dot("Redacted").Call(), jen.Lit("warm"), p("warm")),
		jen.If(p("warm").Op("==").Lit(0)).Block(jen.Return(jen.Id("c"), jen.Nil())),
		jen.List(jen.Id("ref"), jen.Err()).Op(":=").Qual("net/url", "Parse").Call(p("warmPath")),
		poolIfErr(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("warm path: %w"), jen.Err()))),
		jen.Id("target").Op(":=").Id("base").Dot("ResolveReference").Call(jen.Id("ref")).Dot("String").Call(),
		jen.Err().Op("=").Id("svcWarmRetry").Call(jen.Id("ctx"), jen.Id("log"), p("name"),
			jen.Func().Params(jen.Id("ctx").Add(ctxType())).Error().Block(
				jen.Return(jen.Id("svcHTTPWarm").Call(jen.Id("ctx"), jen.Id("c").Dot("client"), p("warm"), jen.Id("target"))),
			)),
		poolIfErr(
			jen.Id("tr").Dot("CloseIdleConnections").Call(),
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("warm %d connections: %w"), p("warm"), jen.Err())),
		),
		jen.Return(jen.Id("c"), jen.Nil()),
	)
}

func emitHTTPClientType(f *jen.File) {
	c := func(field string) *jen.Statement { return jen.Id("c").Dot(field) }
	recv := func() *jen.Statement { return f.Func().Params(jen.Id("c").Op("*").Id("svcHTTPClient")) }
	f.Line()
	f.Comment("svcHTTPClient is the outbound client of an http_client resource, handed to")
	f.Comment("the user functions that depend on it. Its requests go through a circuit")
	f.Comment("breaker, and idempotent ones are retried with backoff (see Do).")
	f.Type().Id("svcHTTPClient").Struct(
		jen.Id("name").String(),
		jen.Id("base").Op("*").Qual("net/url", "URL"),
		jen.Id("client").Op("*").Qual("net/http", "Client"),
		jen.Id("retries").Int(),
		jen.List(jen.Id("retryBase"), jen.Id("retryMax")).Add(durType()),
		jen.Id("breaker").Id("svcBreaker"),
	)
	f.Line()
	f.Comment("BaseURL returns a copy of the base URL (from the resource's environment variable).")
	recv().Id("BaseURL").Params().Op("*").Qual("net/url", "URL").Block(
		jen.Id("u").Op(":=").Op("*").Add(c("base")),
		jen.Return(jen.Op("&").Id("u")),
	)
	f.Line()
	f.Comment("HTTPClient is the underlying client, for requests that must bypass the")
	f.Comment("retries and the breaker (a streaming upload, a websocket).")
	recv().Id("HTTPClient").Params().Op("*").Qual("net/http", "Client").Block(jen.Return(c("client")))
	f.Line()
	f.Comment("NewRequest builds a request for path resolved against the base URL: \"/x\"")
	f.Comment("replaces the base path, \"x\" is relative to it (RFC 3986).")
	recv().Id("NewRequest").Params(
		jen.Id("ctx").Add(ctxType()), jen.List(jen.Id("method"), jen.Id("path")).String(), jen.Id("body").Qual("io", "Reader"),
	).Params(jen.Op("*").Qual("net/http", "Request"), jen.Error()).Block(
		jen.List(jen.Id("ref"), jen.Err()).Op(":=").Qual("net/url", "Parse").Call(jen.Id("path")),
		poolIfErr(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Qual("net/http", "NewRequestWithContext").Call(jen.Id("ctx"), jen.Id("method"),
			c("base").Dot("ResolveReference").Call(jen.Id("ref")).Dot("String").Call(), jen.Id("body"))),
	)
	f.Line()
	f.Comment("Get sends a GET for path (resolved against the base URL) through Do.")
	recv().Id("Get").Params(jen.Id("ctx").Add(ctxType()), jen.Id("path").String()).Params(jen.Op("*").Qual("net/http", "Response"), jen.Error()).Block(
		jen.List(jen.Id("req"), jen.Err()).Op(":=").Id("c").Dot("NewRequest").Call(jen.Id("ctx"), jen.Qual("net/http", "MethodGet"), jen.Id("path"), jen.Nil()),
		poolIfErr(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Id("c").Dot("Do").Call(jen.Id("req"))),
	)
	f.Line()
	f.Comment("CloseIdleConnections closes the kept-alive connections (at stop).")
	recv().Id("CloseIdleConnections").Params().Block(c("client").Dot("CloseIdleConnections").Call())
	f.Line()
	f.Comment("status is the /readyz detail: the breaker's state. An open breaker does not")
	f.Comment("make the service unready: taking it out of its balancer because an upstream")
	f.Comment("is down would spread the outage.")
	recv().Id("status").Params().Map(jen.String()).Any().Block(
		jen.List(jen.Id("state"), jen.Id("failures")).Op(":=").Add(c("breaker")).Dot("state").Call(),
		jen.Return(jen.Map(jen.String()).Any().Values(jen.Dict{
			jen.Lit("breaker"):  jen.Id("state"),
			jen.Lit("failures"): jen.Id("failures"),
		})),
	)
}

func emitHTTPClientDo(f *jen.File) {
	c := func(field string) *jen.Statement { return jen.Id("c").Dot(field) }
	f.Line()
	f.Comment("Do sends req through the breaker: while it is open, Do fails at once with")
	f.Comment("svcErrBreakerOpen. An idempotent request (see svcIdempotent) is retried after")
	f.Comment("a transport error or a 429, 502, 503 or 504, up to the resource's retries,")
	f.Comment("waiting a random time in [d/2, d] with d = retry_base doubled per retry and")
	f.Comment("capped at retry_max; a retry whose wait would outlast req's context is not")
	f.Comment("started, and the last answer is returned.")
	f.Func().Params(jen.Id("c").Op("*").Id("svcHTTPClient")).Id("Do").Params(jen.Id("req").Op("*").Qual("net/http", "Request")).Params(
		jen.Op("*").Qual("net/http", "Response"), jen.Error(),
	).Block(
		jen.If(jen.Err().Op(":=").Add(c("breaker")).Dot("allow").Call(), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("%s %s: %s: %w"), jen.Id("req").Dot("Method"),
				jen.Id("req").Dot("URL").Dot("Redacted").Call(), c("name"), jen.Err())),
		),
		jen.Id("ctx").Op(":=").Id("req").Dot("Context").Call(),
		jen.Id("retries").Op(":=").Add(c("retries")),
		jen.If(jen.Op("!").Id("svcIdempotent").Call(jen.Id("req"))).Block(jen.Id("retries").Op("=").Lit(0)),
		jen.For(jen.Id("attempt").Op(":=").Lit(0), jen.Empty(), jen.Id("attempt").Op("++")).Block(
			jen.List(jen.Id("resp"), jen.Err()).Op(":=").Add(c("client")).Dot("Do").Call(jen.Id("req")),
			jen.If(jen.Err().Op("!=").Nil().Op("&&").Id("ctx").Dot("Err").Call().Op("!=").Nil()).Block(
				jen.Comment("The caller gave up: no verdict on the upstream."),
				c("breaker").Dot("release").Call(),
				jen.Return(jen.Nil(), jen.Err()),
			),
			c("breaker").Dot("record").Call(jen.Err().Op("==").Nil().Op("&&").Id("resp").Dot("StatusCode").Op("<").Lit(500)),
			jen.If(jen.Id("attempt").Op(">=").Id("retries").Op("||").Op("!").Id("svcRetryable").Call(jen.Id("resp"), jen.Err())).Block(
				jen.Return(jen.Id("resp"), jen.Err()),
			),
			jen.Id("d").Op(":=").Min(c("retryBase").Op("<<").Id("attempt"), c("retryMax")),
			jen.If(jen.Id("d").Op("<=").Lit(0)).Block(
				jen.Comment("the shift overflowed"),
				jen.Id("d").Op("=").Add(c("retryMax")),
			),
			jen.Id("wait").Op(":=").Id("d").Op("/").Lit(2).Op("+").Qual("math/rand/v2", "N").Call(jen.Id("d").Op("/").Lit(2).Op("+").Lit(1)),
			jen.If(
				jen.List(jen.Id("deadline"), jen.Id("ok")).Op(":=").Id("ctx").Dot("Deadline").Call(),
				jen.Id("ok").Op("&&").Qual("time", "Until").Call(jen.Id("deadline")).Op("<").Id("wait"),
			).Block(
				jen.Return(jen.Id("resp"), jen.Err()).Comment("no time left for another attempt"),
			),
			jen.Id("t").Op(":=").Qual("time", "NewTimer").Call(jen.Id("wait")),
			jen.Select().Block(
				jen.Case(jen.Op("<-").Id("ctx").Dot("Done").Call()).Block(
					jen.Id("t").Dot("Stop").Call(),
					jen.If(jen.Id("resp").Op("!=").Nil()).Block(jen.Id("resp").Dot("Body").Dot("Close").Call()),
					jen.Return(jen.Nil(), jen.Id("ctx").Dot("Err").Call()),
				),
				jen.Case(jen.Op("<-").Id("t").Dot("C")),
			),
			jen.If(c("breaker").Dot("allow").Call().Op("!=").Nil()).Block(
				jen.Return(jen.Id("resp"), jen.Err()).Comment("the breaker opened meanwhile: the last answer stands"),
			),
			jen.If(jen.Id("resp").Op("!=").Nil()).Block(
				jen.Comment("Reading the rest of the body lets the connection be reused."),
				jen.Qual("io", "Copy").Call(jen.Qual("io", "Discard"), jen.Qual("io", "LimitReader").Call(jen.Id("resp").Dot("Body"), jen.Lit(64).Op("<<").Lit(10))),
				jen.Id("resp").Dot("Body").Dot("Close").Call(),
			),
			jen.If(jen.Id("req").Dot("GetBody").Op("!=").Nil().Op("&&").Id("req").Dot("Body").Op("!=").Nil().Op("&&").Id("req").Dot("Body").Op("!=").Qual("net/http", "NoBody")).Block(
				jen.Comment("The transport consumed and closed the body: send a fresh copy."),
				jen.List(jen.Id("body"), jen.Err()).Op(":=").Id("req").Dot("GetBody").Call(),
				poolIfErr(jen.Return(jen.Nil(), jen.Err())),
				jen.Id("req").Op("=").Id("req").Dot("Clone").Call(jen.Id("ctx")),
				jen.Id("req").Dot("Body").Op("=").Id("body"),
			),
		),
	)
	f.Line()
	f.Comment("svcIdempotent reports whether req may be sent twice: RFC 9110 section 9.2.2")
	f.Comment("methods, or a request carrying an idempotency key (net/http's own rule for")
	f.Comment("retrying on a reused connection), and a body that can be sent again.")
	f.Func().Id("svcIdempotent").Params(jen.Id("req").Op("*").Qual("net/http", "Request")).Bool().Block(
		jen.If(jen.Id("req").Dot("Body").Op("!=").Nil().Op("&&").Id("req").Dot("Body").Op("!=").Qual("net/http", "NoBody").Op("&&").Id("req").Dot("GetBody").Op("==").Nil()).Block(
			jen.Return(jen.False()),
		),
		jen.Switch(jen.Id("req").Dot("Method")).Block(
			jen.Case(jen.Lit(""), jen.Qual("net/http", "MethodGet"), jen.Qual("net/http", "MethodHead"), jen.Qual("net/http", "MethodOptions"),
				jen.Qual("net/http", "MethodTrace"), jen.Qual("net/http", "MethodPut"), jen.Qual("net/http", "MethodDelete")).Block(
				jen.Return(jen.True()),
			),
		),
		jen.List(jen.Id("_"), jen.Id("key")).Op(":=").Id("req").Dot("Header").Index(jen.Lit("Idempotency-Key")),
		jen.List(jen.Id("_"), jen.Id("xkey")).Op(":=").Id("req").Dot("Header").Index(jen.Lit("X-Idempotency-Key")),
		jen.Return(jen.Id("key").Op("||").Id("xkey")),
	)
	f.Line()
	f.Comment("svcRetryable reports whether an attempt's outcome is worth a retry: a")
	f.Comment("transport error, or a status saying the upstream is busy or restarting.")
	f.Func().Id("svcRetryable").Params(jen.Id("resp").Op("*").Qual("net/http", "Response"), jen.Err().Error()).Bool().Block(
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.True())),
		jen.Switch(jen.Id("resp").Dot("StatusCode")).Block(
			jen.Case(jen.Qual("net/http", "StatusTooManyRequests"), jen.Qual("net/http", "StatusBadGateway"),
				jen.Qual("net/http", "StatusServiceUnavailable"), jen.Qual("net/http", "StatusGatewayTimeout")).Block(
				jen.Return(jen.True()),
			),
		),
		jen.Return(jen.False()),
	)
}

func emitHTTPWarm(f *jen.File) {
	f.Line()
	f.Comment("svcHTTPWarm opens n keep-alive connections to target: n requests at once,")
	f.Comment("each holding its connection until all have their response (a connection")
	f.Comment("whose body is unread is not reused, so each request needs its own); then")
	f.Comment("the bodies are read to the end and every connection goes idle in the pool.")
	f.Comment("Over HTTP/2 the requests share one connection, which is then the warm one.")
	f.Func().Id("svcHTTPWarm").Params(
		jen.Id("ctx").Add(ctxType()), jen.Id("c").Op("*").Qual("net/http", "Client"), jen.Id("n").Int(), jen.Id("target").String(),
	).Error().Block(
		jen.Id("resps").Op(":=").Make(jen.Index().Op("*").Qual("net/http", "Response"), jen.Id("n")),
		jen.Id("errs").Op(":=").Make(jen.Index().Error(), jen.Id("n")),
		jen.Var().Id("wg").Qual("sync", "WaitGroup"),
		jen.For(jen.Id("i").Op(":=").Range().Id("n")).Block(
			jen.Id("wg").Dot("Go").Call(jen.Func().Params().Block(
				jen.List(jen.Id("req"), jen.Err()).Op(":=").Qual("net/http", "NewRequestWithContext").Call(jen.Id("ctx"), jen.Qual("net/http", "MethodGet"), jen.Id("target"), jen.Nil()),
				jen.If(jen.Err().Op("==").Nil()).Block(
					jen.List(jen.Id("resps").Index(jen.Id("i")), jen.Err()).Op("=").Id("c").Dot("Do").Call(jen.Id("req")),
				),
				jen.Id("errs").Index(jen.Id("i")).Op("=").Err(),
			)),
		),
		jen.Id("wg").Dot("Wait").Call(),
		jen.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Id("resps")).Block(
			jen.If(jen.Id("r").Op("!=").Nil()).Block(
				jen.Qual("io", "Copy").Call(jen.Qual("io", "Discard"), jen.Qual("io", "LimitReader").Call(jen.Id("r").Dot("Body"), jen.Lit(1).Op("<<").Lit(20))),
				jen.Id("r").Dot("Body").Dot("Close").Call(),
			),
		),
		jen.Comment("Any answer warms a connection; only a failure to get one is an error."),
		jen.For(jen.List(jen.Id("_"), jen.Err()).Op(":=").Range().Id("errs")).Block(
			poolIfErr(jen.Return(jen.Err())),
		),
		jen.Return(jen.Nil()),
	)
}

// emitBreakerFile writes svcgen_breaker.go: the circuit breaker of
// svcHTTPClient.
func emitBreakerFile(g *Context) {
	f := g.NewFile("svcgen_breaker.go", "")
	poolImportNames(f)
	b := func(field string) *jen.Statement { return jen.Id("b").Dot(field) }
	recv := func() *jen.Statement { return f.Func().Params(jen.Id("b").Op("*").Id("svcBreaker")) }
	lock := func() []jen.Code {
		return []jen.Code{b("mu").Dot("Lock").Call(), jen.Defer().Add(b("mu")).Dot("Unlock").Call()}
	}
	f.Comment("svcErrBreakerOpen is returned, without a request being sent, while a")
	f.Comment("client's breaker is open: the upstream failed breaker_failures attempts in a")
	f.Comment("row and is given breaker_cooldown to recover instead of more load.")
	f.Var().Id("svcErrBreakerOpen").Op("=").Qual("errors", "New").Call(jen.Lit("circuit breaker open"))
	f.Line()
	f.Comment("svcBreaker is a consecutive-failure circuit breaker:")
	f.Comment("closed (requests flow; failures counts failed attempts in a row: a transport")
	f.Comment("error or a 5xx) -> open after maxFailures (requests fail at once) ->")
	f.Comment("half-open once cooldown has passed (one probe request at a time: its")
	f.Comment("success closes the breaker, its failure opens it for another cooldown).")
	f.Comment("maxFailures 0 disables it.")
	f.Type().Id("svcBreaker").Struct(
		jen.Id("maxFailures").Int(),
		jen.Id("cooldown").Add(durType()),
		jen.Line(),
		jen.Id("mu").Qual("sync", "Mutex"),
		jen.Id("failures").Int(),
		jen.Id("openedAt").Qual("time", "Time").Comment("zero while closed"),
		jen.Id("probing").Bool().Comment("half-open: the probe is in flight"),
	)
	f.Line()
	f.Comment("allow reports whether an attempt may be sent now; in half-open it admits")
	f.Comment("the one probe.")
	recv().Id("allow").Params().Error().Block(append(append([]jen.Code{
		jen.If(b("maxFailures").Op("<=").Lit(0)).Block(jen.Return(jen.Nil())),
	}, lock()...),
		jen.If(b("openedAt").Dot("IsZero").Call()).Block(jen.Return(jen.Nil())),
		jen.If(b("probing").Op("||").Qual("time", "Since").Call(b("openedAt")).Op("<").Add(b("cooldown"))).Block(
			jen.Return(jen.Id("svcErrBreakerOpen")),
		),
		b("probing").Op("=").True(),
		jen.Return(jen.Nil()),
	)...)
	f.Line()
	f.Comment("record counts the outcome of an attempt that allow let through.")
	recv().Id("record").Params(jen.Id("ok").Bool()).Block(append(append([]jen.Code{
		jen.If(b("maxFailures").Op("<=").Lit(0)).Block(jen.Return()),
	}, lock()...),
		b("probing").Op("=").False(),
		jen.If(jen.Id("ok")).Block(
			b("failures").Op("=").Lit(0),
			b("openedAt").Op("=").Qual("time", "Time").Values(),
			jen.Return(),
		),
		b("failures").Op("++"),
		jen.Comment("A failure while open or half-open starts a new cooldown."),
		jen.If(b("failures").Op(">=").Add(b("maxFailures")).Op("||").Op("!").Add(b("openedAt")).Dot("IsZero").Call()).Block(
			b("openedAt").Op("=").Qual("time", "Now").Call(),
		),
	)...)
	f.Line()
	f.Comment("release ends an attempt without a verdict (its caller cancelled it).")
	recv().Id("release").Params().Block(append(lock(),
		b("probing").Op("=").False(),
	)...)
	f.Line()
	f.Comment("state is the breaker's state and failure count, for /readyz.")
	recv().Id("state").Params().Params(jen.String(), jen.Int()).Block(append(lock(),
		jen.Switch().Block(
			jen.Case(b("openedAt").Dot("IsZero").Call()).Block(jen.Return(jen.Lit("closed"), b("failures"))),
			jen.Case(b("probing").Op("||").Qual("time", "Since").Call(b("openedAt")).Op(">=").Add(b("cooldown"))).Block(
				jen.Return(jen.Lit("half-open"), b("failures")),
			),
		),
		jen.Return(jen.Lit("open"), b("failures")),
	)...)
}
