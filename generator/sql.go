package generator

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
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

func (sqlKind) node(g *Context, r *spec.Resource, v nodeVars) nodeCode {
	pool := jen.Id(poolFunc(r)).Call()
	return nodeCode{
		Open:   stepFunc(openPoolCode("svcOpenSQL", pool, v.Value)...),
		Close:  stepFunc(jen.Return(jen.Id("svcCloseWithin").Call(jen.Id("ctx"), jen.Add(v.Value).Dot("Close")))),
		Status: poolStatusFunc(jen.Return(jen.Id("svcSQLStatus").Call(v.Value, pool))),
	}
}

// poolFunc names the generated function returning a pooled resource's
// settings: svcDBPool for [resource.db].
func poolFunc(r *spec.Resource) string { return "svc" + r.GoName() + "Pool" }

// poolStatusFunc renders the literal of a Status step: func() map[string]any.
func poolStatusFunc(body ...jen.Code) *jen.Statement {
	return jen.Func().Params().Map(jen.String()).Any().Block(body...)
}

// openPoolCode is the Open body of a pooled resource:
//
//	v, err := open(ctx, app.log, svcDBPool())
//	if err != nil { return err }
//	r.db = v
//	return nil
func openPoolCode(open string, pool, value jen.Code) []jen.Code {
	return []jen.Code{
		jen.List(jen.Id("v"), jen.Err()).Op(":=").Id(open).Call(jen.Id("ctx"), jen.Id("app").Dot("log"), pool),
		poolIfErr(jen.Return(jen.Err())),
		jen.Add(value).Op("=").Id("v"),
		jen.Return(jen.Nil()),
	}
}

// sqlPoolFields are the fields of svcSQLPool and the spec key it comes from.
var sqlPoolFields = []poolField{
	{"driver", "driver", "string", "database/sql driver name"},
	{"dsn", "dsn", "string", "the DSN (without a password), or"},
	{"dsnEnv", "dsn_env", "string", "the environment variable holding it, or"},
	{"dsnFile", "dsn_file", "string", "the file holding it"},
	{"maxOpen", "max_open", "int", ""},
	{"maxIdle", "max_idle", "int", ""},
	{"connMaxLifetime", "conn_max_lifetime", "duration", ""},
	{"connMaxIdleTime", "conn_max_idle_time", "duration", ""},
	{"pingTimeout", "ping_timeout", "duration", "budget of one connection's dial, ping and warm query"},
	{"warm", "warm", "int", "connections open and idle before ready"},
	{"warmQuery", "warm_query", "string", "run once on each warm connection"},
}

// emitSQLFile writes svcgen_sql.go: the driver imports, the settings of
// each sql resource, and the open, warm and status code of every pool.
func emitSQLFile(g *Context) {
	f := g.NewFile("svcgen_sql.go", "")
	poolImportNames(f)
	drivers := map[string]bool{}
	for _, r := range g.Spec.Resources {
		if d, ok := sqlDrivers[r.Driver]; r.Kind == spec.KindSQL && ok && !drivers[d.pkg] {
			drivers[d.pkg] = true
			// A driver registers itself with database/sql when imported.
			f.Anon(d.pkg)
		}
	}

	f.Comment("svcSQLPool is one sql resource's settings (its constants are in svcgen_config.go).")
	f.Type().Id("svcSQLPool").Struct(poolSettingsFields(sqlPoolFields)...)

	for _, r := range g.Spec.Resources {
		if r.Kind != spec.KindSQL {
			continue
		}
		f.Line()
		f.Comment(poolFunc(r) + " is [resource." + r.Name + "].")
		f.Func().Id(poolFunc(r)).Params().Id("svcSQLPool").Block(
			jen.Return(jen.Id("svcSQLPool").Add(poolSettingsLiteral(r, sqlPoolFields, func(key string) bool {
				switch key {
				case "dsn":
					return r.DSNEnv == "" && r.DSNFile == ""
				case "dsn_env":
					return r.DSNEnv != ""
				case "dsn_file":
					return r.DSNEnv == "" && r.DSNFile != ""
				case "warm_query":
					return r.WarmQuery != ""
				}
				return true
			}))),
		)
	}

	f.Line()
	f.Comment("svcOpenSQL opens the pool of p and warms p.warm connections, retrying while")
	f.Comment("ctx (the resource's open timeout) allows. The DSN is never printed as is:")
	f.Comment("messages carry it with its password redacted.")
	f.Func().Id("svcOpenSQL").Params(
		jen.Id("ctx").Add(ctxType()), jen.Id("log").Add(poolLoggerType()), jen.Id("p").Id("svcSQLPool"),
	).Params(jen.Op("*").Qual("database/sql", "DB"), jen.Error()).Block(
		jen.List(jen.Id("dsn"), jen.Err()).Op(":=").List(jen.Id("p").Dot("dsn"), jen.Error().Call(jen.Nil())),
		jen.Switch().Block(
			jen.Case(jen.Id("p").Dot("dsnEnv").Op("!=").Lit("")).Block(
				jen.List(jen.Id("dsn"), jen.Err()).Op("=").Id("svcEnv").Call(jen.Id("p").Dot("dsnEnv")),
			),
			jen.Case(jen.Id("p").Dot("dsnFile").Op("!=").Lit("")).Block(
				jen.List(jen.Id("dsn"), jen.Err()).Op("=").Id("svcReadSecretFile").Call(jen.Id("p").Dot("dsnFile")),
			),
		),
		poolIfErr(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("dsn: %w"), jen.Err()))),
		jen.Id("secrets").Op(":=").Id("svcDSNSecrets").Call(jen.Id("dsn")),
		jen.List(jen.Id("db"), jen.Err()).Op(":=").Qual("database/sql", "Open").Call(jen.Id("p").Dot("driver"), jen.Id("dsn")),
		poolIfErr(jen.Return(jen.Nil(), jen.Id("svcRedactErr").Call(jen.Err(), jen.Id("secrets")))),
		jen.Id("db").Dot("SetMaxOpenConns").Call(jen.Id("p").Dot("maxOpen")),
		jen.Comment("database/sql keeps 2 idle connections unless told otherwise: every warm"),
		jen.Comment("connection beyond them would be closed the moment it is released."),
		jen.Id("db").Dot("SetMaxIdleConns").Call(jen.Id("p").Dot("maxIdle")),
		jen.Id("db").Dot("SetConnMaxLifetime").Call(jen.Id("p").Dot("connMaxLifetime")),
		jen.Id("db").Dot("SetConnMaxIdleTime").Call(jen.Id("p").Dot("connMaxIdleTime")),
		jen.Id("log").Dot("Info").Call(jen.Lit("sql pool"), jen.Lit("resource"), jen.Id("p").Dot("name"),
			jen.Lit("driver"), jen.Id("p").Dot("driver"), jen.Lit("dsn"), jen.Id("svcRedact").Call(jen.Id("dsn"), jen.Id("secrets")),
			jen.Lit("warm"), jen.Id("p").Dot("warm")),
		jen.If(jen.Id("p").Dot("warm").Op("==").Lit(0)).Block(
			jen.Comment("warm = 0: the pool dials on first use; the start does not wait for the database."),
			jen.Return(jen.Id("db"), jen.Nil()),
		),
		jen.Err().Op("=").Id("svcWarmRetry").Call(jen.Id("ctx"), jen.Id("log"), jen.Id("p").Dot("name"),
			jen.Func().Params(jen.Id("ctx").Add(ctxType())).Error().Block(
				jen.Comment("Redacted here: the retry loop logs each failure."),
				jen.Return(jen.Id("svcRedactErr").Call(jen.Id("svcSQLWarm").Call(jen.Id("ctx"), jen.Id("db"), jen.Id("p")), jen.Id("secrets"))),
			)),
		poolIfErr(
			jen.Id("db").Dot("Close").Call(),
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("warm %d connections: %w"), jen.Id("p").Dot("warm"), jen.Err())),
		),
		jen.Return(jen.Id("db"), jen.Nil()),
	)

	f.Line()
	f.Comment("svcSQLWarm holds p.warm connections of db at once, pings each (and runs the")
	f.Comment("warm query on it), then releases them all to the idle pool.")
	f.Comment("")
	f.Comment("Holding them at once is the point: database/sql hands out an idle connection")
	f.Comment("before it dials a new one, so a loop of sequential pings reuses one")
	f.Comment("connection and leaves ONE connection warm.")
	f.Func().Id("svcSQLWarm").Params(
		jen.Id("ctx").Add(ctxType()), jen.Id("db").Op("*").Qual("database/sql", "DB"), jen.Id("p").Id("svcSQLPool"),
	).Error().Block(
		jen.Id("conns").Op(":=").Make(jen.Index().Op("*").Qual("database/sql", "Conn"), jen.Id("p").Dot("warm")),
		jen.Id("errs").Op(":=").Make(jen.Index().Error(), jen.Id("p").Dot("warm")),
		jen.Var().Id("wg").Qual("sync", "WaitGroup"),
		jen.For(jen.Id("i").Op(":=").Range().Id("p").Dot("warm")).Block(
			jen.Id("wg").Dot("Go").Call(jen.Func().Params().Block(
				jen.List(jen.Id("conns").Index(jen.Id("i")), jen.Id("errs").Index(jen.Id("i"))).Op("=").Id("svcSQLWarmConn").Call(jen.Id("ctx"), jen.Id("db"), jen.Id("p")),
			)),
		),
		jen.Id("wg").Dot("Wait").Call(),
		jen.Comment("Released only once all are held: a connection released early would be"),
		jen.Comment("handed to the next db.Conn instead of a new dial."),
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("conns")).Block(
			jen.If(jen.Id("c").Op("!=").Nil()).Block(jen.Id("c").Dot("Close").Call()),
		),
		jen.Comment("The connections fail alike (the database is down): one error says it."),
		jen.For(jen.List(jen.Id("_"), jen.Err()).Op(":=").Range().Id("errs")).Block(
			poolIfErr(jen.Return(jen.Err())),
		),
		jen.Return(jen.Nil()),
	)

	f.Line()
	f.Comment("svcSQLWarmConn takes one connection (a new dial while the others are held)")
	f.Comment("and checks it within the ping timeout.")
	f.Func().Id("svcSQLWarmConn").Params(
		jen.Id("ctx").Add(ctxType()), jen.Id("db").Op("*").Qual("database/sql", "DB"), jen.Id("p").Id("svcSQLPool"),
	).Params(jen.Op("*").Qual("database/sql", "Conn"), jen.Error()).Block(
		jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual("context", "WithTimeout").Call(jen.Id("ctx"), jen.Id("p").Dot("pingTimeout")),
		jen.Defer().Id("cancel").Call(),
		jen.List(jen.Id("c"), jen.Err()).Op(":=").Id("db").Dot("Conn").Call(jen.Id("ctx")),
		poolIfErr(jen.Return(jen.Nil(), jen.Err())),
		jen.If(jen.Err().Op("=").Id("c").Dot("PingContext").Call(jen.Id("ctx")), jen.Err().Op("==").Nil().Op("&&").Id("p").Dot("warmQuery").Op("!=").Lit("")).Block(
			jen.List(jen.Id("_"), jen.Err()).Op("=").Id("c").Dot("ExecContext").Call(jen.Id("ctx"), jen.Id("p").Dot("warmQuery")),
		),
		poolIfErr(
			jen.Id("c").Dot("Close").Call(),
			jen.Return(jen.Nil(), jen.Err()),
		),
		jen.Return(jen.Id("c"), jen.Nil()),
	)

	f.Line()
	f.Comment("svcSQLStatus is the /readyz detail of a pool. It pings within the ping")
	f.Comment("timeout, so the detail follows the database, and warms the pool again when")
	f.Comment("it holds fewer than p.warm connections (lost to a database restart, or")
	f.Comment("closed by their lifetime), so the next burst does not pay for the dials.")
	f.Func().Id("svcSQLStatus").Params(
		jen.Id("db").Op("*").Qual("database/sql", "DB"), jen.Id("p").Id("svcSQLPool"),
	).Map(jen.String()).Any().Block(
		jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual("context", "WithTimeout").Call(jen.Qual("context", "Background").Call(), jen.Id("p").Dot("pingTimeout")),
		jen.Defer().Id("cancel").Call(),
		jen.Err().Op(":=").Id("svcSQLPing").Call(jen.Id("ctx"), jen.Id("db")),
		jen.If(jen.Err().Op("==").Nil().Op("&&").Id("db").Dot("Stats").Call().Dot("OpenConnections").Op("<").Id("p").Dot("warm")).Block(
			jen.Err().Op("=").Id("svcSQLWarm").Call(jen.Id("ctx"), jen.Id("db"), jen.Id("p")),
		),
		jen.Id("s").Op(":=").Id("db").Dot("Stats").Call(),
		jen.Id("status").Op(":=").Map(jen.String()).Any().Values(jen.Dict{
			jen.Lit("open"):       jen.Id("s").Dot("OpenConnections"),
			jen.Lit("idle"):       jen.Id("s").Dot("Idle"),
			jen.Lit("in_use"):     jen.Id("s").Dot("InUse"),
			jen.Lit("max_open"):   jen.Id("s").Dot("MaxOpenConnections"),
			jen.Lit("wait_count"): jen.Id("s").Dot("WaitCount"),
			jen.Lit("warm"):       jen.Id("p").Dot("warm"),
		}),
		poolIfErr(jen.Id("status").Index(jen.Lit("error")).Op("=").Err().Dot("Error").Call()),
		jen.Return(jen.Id("status")),
	)

	f.Line()
	f.Comment("svcSQLPing pings db until a connection answers or the database does not.")
	f.Comment("After a database restart every idle connection is dead, and a ping")
	f.Comment("discards only the one it took (driver.ErrBadConn): one ping would report a")
	f.Comment("failure while the database is up. Liveness checks use it too.")
	f.Func().Id("svcSQLPing").Params(jen.Id("ctx").Add(ctxType()), jen.Id("db").Op("*").Qual("database/sql", "DB")).Error().Block(
		jen.Var().Err().Error(),
		jen.For(jen.Range().Id("db").Dot("Stats").Call().Dot("Idle").Op("+").Lit(1)).Block(
			jen.If(jen.Err().Op("=").Id("db").Dot("PingContext").Call(jen.Id("ctx")), jen.Op("!").Qual("errors", "Is").Call(jen.Err(), jen.Qual("database/sql/driver", "ErrBadConn"))).Block(
				jen.Return(jen.Err()),
			),
		),
		jen.Return(jen.Err()),
	)
}

// poolFieldType is the Go type of a settings field.
func poolFieldType(typ string) jen.Code {
	if typ == "duration" {
		return durType()
	}
	return jen.Id(typ)
}

// poolField is one field of a settings struct (svcSQLPool, ...) and the
// spec key whose constant fills it.
type poolField struct{ field, key, typ, doc string }

// poolSettingsLiteral is the composite literal of a resource's settings, one
// field per line in declaration order, each set from its constant in
// svcgen_config.go; has says whether the spec gave a key a constant.
func poolSettingsLiteral(r *spec.Resource, fields []poolField, has func(key string) bool) jen.Code {
	items := []jen.Code{jen.Id("name").Op(":").Lit(r.Name)}
	for _, p := range fields {
		if has(p.key) {
			items = append(items, jen.Id(p.field).Op(":").Id(constName(r, p.key)))
		}
	}
	return jen.Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}, items...)
}
