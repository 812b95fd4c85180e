package generator

import (
	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
	"github.com/svcgen/svcgen/templates"
)

// redisKind emits redis resources: a go-redis client handed to dependents
// as *redis.Client, with warm connections in its pool before ready.
type redisKind struct{}

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
		if slicesContains(r.OptionalEnv, "password_env") {
			c("password_optional", jen.True())
		}
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

func (redisKind) wire(g *Context, r *spec.Resource, node jen.Code, _ []jen.Code) jen.Code {
	return g.rt(rtRedisResource).Call(jen.Id(wireApp), node, settings(g, rtRedisPool, r, redisPoolFields))
}

func (redisKind) feature() string { return templates.FeatureRedis }

// redisPoolFields are the fields of svcrt.RedisPool and their spec keys.
var redisPoolFields = []settingsField{
	{"Addr", "addr"}, {"AddrEnv", "addr_env"}, {"PasswordEnv", "password_env"}, {"PasswordOptional", "password_optional"}, {"DB", "db"},
	{"PoolSize", "pool_size"}, {"MinIdle", "min_idle"}, {"Warm", "warm"},
	{"DialTimeout", "dial_timeout"}, {"ReadTimeout", "read_timeout"}, {"WriteTimeout", "write_timeout"},
}
