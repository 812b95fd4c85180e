package generator

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
	"github.com/svcgen/svcgen/templates"
)

// sqlDrivers maps the spec's driver value to the package whose import
// registers it with database/sql (under that same name) and to the module
// feature that pins it in go.mod.
var sqlDrivers = map[string]struct{ pkg, feature string }{
	"pgx":       {"github.com/jackc/pgx/v5/stdlib", "pgx"},
	"mysql":     {"github.com/go-sql-driver/mysql", "mysql"},
	"sqlserver": {"github.com/microsoft/go-mssqldb", "sqlserver"},
}

// sqlKind emits sql resources: a database/sql pool handed to dependents as
// *sql.DB, warm before the service is ready.
type sqlKind struct{}

func (sqlKind) declare(g *Context, r *spec.Resource) error {
	d, ok := sqlDrivers[r.Driver]
	if !ok {
		return fmt.Errorf("resource %q: unknown sql driver %q", r.Name, r.Driver)
	}
	g.Require(d.feature)
	c := func(key string, v jen.Code) { g.Const(blockOf(r), constName(r, key), v, "") }
	c("driver", jen.Lit(r.Driver))
	switch {
	case r.DSNEnv != "":
		c("dsn_env", jen.Lit(r.DSNEnv))
	case r.DSNFile != "":
		c("dsn_file", jen.Lit(r.DSNFile))
	default:
		c("dsn", jen.Lit(r.DSN))
	}
	c("max_open", jen.Lit(r.MaxOpen))
	c("max_idle", jen.Lit(r.MaxIdle))
	c("conn_max_lifetime", durationCode(r.ConnMaxLifetime.Duration))
	c("conn_max_idle_time", durationCode(r.ConnMaxIdleTime.Duration))
	c("ping_timeout", durationCode(r.PingTimeout.Duration))
	c("warm", jen.Lit(r.Warm))
	if r.WarmQuery != "" {
		c("warm_query", jen.Lit(r.WarmQuery))
	}
	return nil
}

func (sqlKind) valueType(g *Context, r *spec.Resource) jen.Code {
	return jen.Op("*").Qual("database/sql", "DB")
}

func (sqlKind) wire(g *Context, r *spec.Resource, node jen.Code, _ []jen.Code) jen.Code {
	return g.rt(rtSQLResource).Call(jen.Id(wireApp), node, settings(g, rtSQLPool, r, sqlPoolFields))
}

func (sqlKind) feature() string { return templates.FeatureSQL }

// sqlPoolFields are the fields of svcrt.SQLPool and their spec keys.
var sqlPoolFields = []settingsField{
	{"Driver", "driver"}, {"DSN", "dsn"}, {"DSNEnv", "dsn_env"}, {"DSNFile", "dsn_file"},
	{"MaxOpen", "max_open"}, {"MaxIdle", "max_idle"},
	{"ConnMaxLifetime", "conn_max_lifetime"}, {"ConnMaxIdleTime", "conn_max_idle_time"},
	{"PingTimeout", "ping_timeout"}, {"Warm", "warm"}, {"WarmQuery", "warm_query"},
}
