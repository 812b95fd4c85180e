package generator

import (
	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// redisKind emits redis resources: a go-redis client handed to dependents
// as *redis.Client, with warm connections in its pool before ready.
type redisKind struct{}

// redisPoolFields are the fields of svcRedisPool, in declaration order.
var redisPoolFields = []poolField{
	{"addr", "addr", "string", "host:port or redis:// URL, or"},
	{"addrEnv", "addr_env", "string", "the environment variable holding it"},
	{"passwordEnv", "password_env", "string", "environment variable holding the password"},
	{"db", "db", "int", ""},
	{"poolSize", "pool_size", "int", ""},
	{"minIdle", "min_idle", "int", "go-redis keeps at least this many idle connections"},
	{"warm", "warm", "int", "connections open and idle before ready"},
	{"dialTimeout", "dial_timeout", "duration", "budget of one connection's dial and ping"},
	{"readTimeout", "read_timeout", "duration", "socket read timeout of a command"},
	{"writeTimeout", "write_timeout", "duration", "socket write timeout of a command"},
}

func (redisKind) declare(g *Context, r *spec.Resource) error {
	g.Require("redis")
	c := func(key string, v jen.Code) { g.Const(blockOf(r), constName(r, key), v, "") }
	if r.AddrEnv != "" {
		c("addr_env", jen.Lit(r.AddrEnv))
	} else {
		c("addr", jen.Lit(r.Addr))
	}
	if r.PasswordEnv != "" {
		c("password_env", jen.Lit(r.PasswordEnv))
	}
	c("db", jen.Lit(r.DB))
	c("pool_size", jen.Lit(r.PoolSize))
	c("min_idle", jen.Lit(r.MinIdle))
	c("warm", jen.Lit(r.Warm))
	c("dial_timeout", durationCode(r.DialTimeout.Duration))
	c("read_timeout", durationCode(r.ReadTimeout.Duration))
	c("write_timeout", durationCode(r.WriteTimeout.Duration))
	return nil
}

func (redisKind) valueType(g *Context, r *spec.Resource) jen.Code {
	return jen.Op("*").Qual("github.com/redis/go-redis/v9", "Client")
}

func (redisKind) node(g *Context, r *spec.Resource, v nodeVars) nodeCode {
	pool := jen.Id(poolFunc(r)).Call()
	return nodeCode{
		Open:   stepFunc(openPoolCode("svcOpenRedis", pool, v.Value)...),
		Close:  stepFunc(jen.Return(jen.Id("svcCloseWithin").Call(jen.Id("ctx"), jen.Add(v.Value).Dot("Close")))),
		Status: poolStatusFunc(jen.Return(jen.Id("svcRedisStatus").Call(v.Value, pool))),
	}
}

// emitRedisFile writes svcgen_redis.go: the settings of each redis
// resource and the open, warm and status code of every client.
func emitRedisFile(g *Context) {
	f := g.NewFile("svcgen_redis.go", "")
	poolImportNames(f)
	f.Comment("svcRedisPool is one redis resource's settings (its constants are in svcgen_config.go).")
	f.Type().Id("svcRedisPool").Struct(poolSettingsFields(redisPoolFields)...)
	for _, r := range g.Spec.Resources {
		if r.Kind != spec.KindRedis {
			continue
		}
		f.Line()
		f.Comment(poolFunc(r) + " is [resource." + r.Name + "].")
		f.Func().Id(poolFunc(r)).Params().Id("svcRedisPool").Block(
			jen.Return(jen.Id("svcRedisPool").Add(poolSettingsLiteral(r, redisPoolFields, func(key string) bool {
				switch key {
				case "addr":
					return r.AddrEnv == ""
				case "addr_env":
					return r.AddrEnv != ""
				case "password_env":
					return r.PasswordEnv != ""
				}
				return true
			}))),
		)
	}

	p := func(field string) *jen.Statement { return jen.Id("p").Dot(field) }
	f.Line()
	f.Comment("svcOpenRedis creates the client of p and warms p.warm connections, retrying")
	f.Comment("while ctx (the resource's open timeout) allows.")
	f.Func().Id("svcOpenRedis").Params(
		jen.Id("ctx").Add(ctxType()), jen.Id("log").Add(poolLoggerType()), jen.Id("p").Id("svcRedisPool"),
	).Params(jen.Op("*").Qual("github.com/redis/go-redis/v9", "Client"), jen.Error()).Block(
		jen.List(jen.Id("addr"), jen.Err()).Op(":=").List(p("addr"), jen.Error().Call(jen.Nil())),
		jen.If(p("addrEnv").Op("!=").Lit("")).Block(
			jen.If(jen.List(jen.Id("addr"), jen.Err()).Op("=").Id("svcEnv").Call(p("addrEnv")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("addr: %w"), jen.Err())),
			),
		),
		jen.Id("opt").Op(":=").Op("&").Qual("github.com/redis/go-redis/v9", "Options").Values(jen.Dict{jen.Id("Addr"): jen.Id("addr")}),
		jen.If(jen.Qual("strings", "Contains").Call(jen.Id("addr"), jen.Lit("://"))).Block(
			jen.Comment("redis://[user:password@]host:port[/db], or rediss:// for TLS."),
			jen.If(jen.List(jen.Id("opt"), jen.Err()).Op("=").Qual("github.com/redis/go-redis/v9", "ParseURL").Call(jen.Id("addr")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("addr: %w"), jen.Err())),
			),
		),
		jen.If(p("passwordEnv").Op("!=").Lit("")).Block(
			jen.If(jen.List(jen.Id("opt").Dot("Password"), jen.Err()).Op("=").Id("svcEnv").Call(p("passwordEnv")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("password: %w"), jen.Err())),
			),
		),
		jen.If(p("db").Op("!=").Lit(0)).Block(jen.Id("opt").Dot("DB").Op("=").Add(p("db"))),
		jen.Id("opt").Dot("PoolSize").Op("=").Add(p("poolSize")),
		jen.Id("opt").Dot("MinIdleConns").Op("=").Add(p("minIdle")),
		jen.Id("opt").Dot("DialTimeout").Op("=").Add(p("dialTimeout")),
		jen.Id("opt").Dot("ReadTimeout").Op("=").Add(p("readTimeout")),
		jen.Id("opt").Dot("WriteTimeout").Op("=").Add(p("writeTimeout")),
		jen.Id("c").Op(":=").Qual("github.com/redis/go-redis/v9", "NewClient").Call(jen.Id("opt")),
		jen.Id("log").Dot("Info").Call(jen.Lit("redis pool"), jen.Lit("resource"), p("name"), jen.Lit("addr"), jen.Id("opt").Dot("Addr"), jen.Lit("db"), jen.Id("opt").Dot("DB"), jen.Lit("warm"), p("warm")),
		jen.If(p("warm").Op("==").Lit(0)).Block(
			jen.Comment("warm = 0: the client dials on first use; the start does not wait for redis."),
			jen.Return(jen.Id("c"), jen.Nil()),
		),
		jen.Err().Op("=").Id("svcWarmRetry").Call(jen.Id("ctx"), jen.Id("log"), p("name"),
			jen.Func().Params(jen.Id("ctx").Add(ctxType())).Error().Block(
				jen.Return(jen.Id("svcRedisWarm").Call(jen.Id("ctx"), jen.Id("c"), jen.Id("p"))),
			)),
		poolIfErr(
			jen.Id("c").Dot("Close").Call(),
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("warm %d connections to %s: %w"), p("warm"), jen.Id("opt").Dot("Addr"), jen.Err())),
		),
		jen.Return(jen.Id("c"), jen.Nil()),
	)

	f.Line()
	f.Comment("svcRedisWarm holds p.warm connections of c at once, pings on each, then")
	f.Comment("releases them to the idle pool. Like database/sql, go-redis hands out an")
	f.Comment("idle connection before it dials, so sequential pings would warm one.")
	f.Func().Id("svcRedisWarm").Params(
		jen.Id("ctx").Add(ctxType()), jen.Id("c").Op("*").Qual("github.com/redis/go-redis/v9", "Client"), jen.Id("p").Id("svcRedisPool"),
	).Error().Block(
		jen.Comment("One connection first: go-redis records what the first handshake"),
		jen.Comment("negotiates (RESP3, maintenance notifications) in options that every"),
		jen.Comment("*redis.Conn shares, and handshakes run at once before that race on them."),
		jen.If(jen.Err().Op(":=").Id("svcRedisPing").Call(jen.Id("ctx"), jen.Id("c"), p("dialTimeout")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Err()),
		),
		jen.Id("conns").Op(":=").Make(jen.Index().Op("*").Qual("github.com/redis/go-redis/v9", "Conn"), p("warm")),
		jen.Id("errs").Op(":=").Make(jen.Index().Error(), p("warm")),
		jen.Var().Id("wg").Qual("sync", "WaitGroup"),
		jen.For(jen.Id("i").Op(":=").Range().Add(p("warm"))).Block(
			jen.Id("wg").Dot("Go").Call(jen.Func().Params().Block(
				jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual("context", "WithTimeout").Call(jen.Id("ctx"), p("dialTimeout")),
				jen.Defer().Id("cancel").Call(),
				jen.Comment("A *redis.Conn takes a connection from the pool at its first"),
				jen.Comment("command and keeps it until Close."),
				jen.Id("conns").Index(jen.Id("i")).Op("=").Id("c").Dot("Conn").Call(),
				jen.Id("errs").Index(jen.Id("i")).Op("=").Id("conns").Index(jen.Id("i")).Dot("Ping").Call(jen.Id("ctx")).Dot("Err").Call(),
			)),
		),
		jen.Id("wg").Dot("Wait").Call(),
		jen.For(jen.List(jen.Id("_"), jen.Id("cn")).Op(":=").Range().Id("conns")).Block(
			jen.Id("cn").Dot("Close").Call(),
		),
		jen.Comment("The connections fail alike (redis is down): one error says it."),
		jen.For(jen.List(jen.Id("_"), jen.Err()).Op(":=").Range().Id("errs")).Block(
			poolIfErr(jen.Return(jen.Err())),
		),
		jen.Return(jen.Nil()),
	)

	f.Line()
	f.Comment("svcRedisPing pings redis within timeout.")
	f.Func().Id("svcRedisPing").Params(jen.Id("ctx").Add(ctxType()), jen.Id("c").Op("*").Qual("github.com/redis/go-redis/v9", "Client"), jen.Id("timeout").Add(durType())).Error().Block(
		jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual("context", "WithTimeout").Call(jen.Id("ctx"), jen.Id("timeout")),
		jen.Defer().Id("cancel").Call(),
		jen.Return(jen.Id("c").Dot("Ping").Call(jen.Id("ctx")).Dot("Err").Call()),
	)

	f.Line()
	f.Comment("svcRedisStatus is the /readyz detail of a client: a ping within the dial")
	f.Comment("timeout, so the detail follows the server, and the pool's counts.")
	f.Func().Id("svcRedisStatus").Params(
		jen.Id("c").Op("*").Qual("github.com/redis/go-redis/v9", "Client"), jen.Id("p").Id("svcRedisPool"),
	).Map(jen.String()).Any().Block(
		jen.Err().Op(":=").Id("svcRedisPing").Call(jen.Qual("context", "Background").Call(), jen.Id("c"), p("dialTimeout")),
		jen.Id("s").Op(":=").Id("c").Dot("PoolStats").Call(),
		jen.Id("status").Op(":=").Map(jen.String()).Any().Values(jen.Dict{
			jen.Lit("total"):    jen.Id("s").Dot("TotalConns"),
			jen.Lit("idle"):     jen.Id("s").Dot("IdleConns"),
			jen.Lit("stale"):    jen.Id("s").Dot("StaleConns"),
			jen.Lit("timeouts"): jen.Id("s").Dot("Timeouts"),
			jen.Lit("warm"):     p("warm"),
		}),
		poolIfErr(jen.Id("status").Index(jen.Lit("error")).Op("=").Err().Dot("Error").Call()),
		jen.Return(jen.Id("status")),
	)
}

// poolSettingsFields declares the fields of a settings struct, after the
// resource name every one has.
func poolSettingsFields(fields []poolField) []jen.Code {
	out := []jen.Code{jen.Id("name").String().Comment("resource name, for messages")}
	for _, p := range fields {
		fd := jen.Id(p.field).Add(poolFieldType(p.typ))
		if p.doc != "" {
			fd.Comment(p.doc)
		}
		out = append(out, fd)
	}
	return out
}
