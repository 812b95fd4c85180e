package generator

import (
	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// This file holds what the pooled kinds (sql, redis, http_client) share:
// the warmup retry loop and the bounded close (svcgen_pools.go) and reading secrets from the
// environment or a file, with redaction of DSN passwords
// (svcgen_secrets.go). Each kind's own code is in sql.go, redis.go and
// httpclient.go.

// poolImportNames sets the local names of the packages pooled files use
// beyond the ones context.go fixes for every file.
func poolImportNames(f *jen.File) {
	f.ImportNames(map[string]string{
		"math/rand/v2":        "rand",
		"net/url":             "url",
		"io":                  "io",
		"regexp":              "regexp",
		"database/sql/driver": "driver",
	})
}

// hasKind reports whether the spec declares a resource of one of kinds.
func poolHasKind(s *spec.Spec, kinds ...string) bool {
	for _, r := range s.Resources {
		for _, k := range kinds {
			if r.Kind == k {
				return true
			}
		}
	}
	return false
}

// emitPools writes the helper files of the pooled kinds the spec uses.
// Per-resource code (the open, close and status of each resource) comes
// from the kind emitters; this writes what they call.
func emitPools(g *Context) error {
	if !poolHasKind(g.Spec, spec.KindSQL, spec.KindRedis, spec.KindHTTPClient) {
		return nil
	}
	// Required here as well as in each kind's declare: go.mod is emitted
	// from the features required before it.
	for _, r := range g.Spec.Resources {
		switch r.Kind {
		case spec.KindSQL:
			if d, ok := sqlDrivers[r.Driver]; ok {
				g.Require(d.feature)
			}
		case spec.KindRedis:
			g.Require("redis")
		}
	}
	emitPoolsFile(g)
	emitSecretsFile(g)
	if poolHasKind(g.Spec, spec.KindSQL) {
		emitSQLFile(g)
	}
	if poolHasKind(g.Spec, spec.KindRedis) {
		emitRedisFile(g)
	}
	if poolHasKind(g.Spec, spec.KindHTTPClient) {
		emitHTTPClientFile(g)
		emitBreakerFile(g)
	}
	return nil
}

// Short forms of the types pooled code mentions everywhere.
// (ctxType and durType are in jenutil.go.)
func poolLoggerType() *jen.Statement { return jen.Op("*").Qual("log/slog", "Logger") }

// ifErr is `if err != nil { body }`.
func poolIfErr(body ...jen.Code) *jen.Statement {
	return jen.If(jen.Err().Op("!=").Nil()).Block(body...)
}

// emitPoolsFile writes svcgen_pools.go: the retry loop every pool's warmup
// runs in, and the close bounded by the close timeout.
func emitPoolsFile(g *Context) {
	f := g.NewFile("svcgen_pools.go", "")
	poolImportNames(f)
	f.Comment("Backoff between the warmup attempts of a pool. A dependency that is still")
	f.Comment("starting (a database coming up next to the service) refuses connections")
	f.Comment("for a while; retrying inside the resource's open timeout rides that out.")
	f.Const().Defs(
		jen.Id("svcWarmRetryFirst").Op("=").Lit(100).Op("*").Qual("time", "Millisecond"),
		jen.Id("svcWarmRetryMax").Op("=").Lit(2).Op("*").Qual("time", "Second"),
	)
	f.Line()
	f.Comment("svcWarmRetry runs warm until it succeeds or ctx (the resource's open")
	f.Comment("timeout) ends. The error keeps the last real cause: \"context deadline")
	f.Comment("exceeded\" alone would not say that the database refused connections.")
	f.Func().Id("svcWarmRetry").Params(
		jen.Id("ctx").Add(ctxType()),
		jen.Id("log").Add(poolLoggerType()),
		jen.Id("resource").String(),
		jen.Id("warm").Func().Params(ctxType()).Error(),
	).Error().Block(
		jen.Id("wait").Op(":=").Id("svcWarmRetryFirst"),
		jen.Var().Id("last").Error(),
		jen.For(jen.Id("attempt").Op(":=").Lit(1), jen.Empty(), jen.Id("attempt").Op("++")).Block(
			jen.Err().Op(":=").Id("warm").Call(jen.Id("ctx")),
			jen.If(jen.Err().Op("==").Nil()).Block(jen.Return(jen.Nil())),
			jen.If(jen.Id("ctx").Dot("Err").Call().Op("!=").Nil()).Block(
				jen.If(jen.Id("last").Op("!=").Nil().Op("&&").Qual("errors", "Is").Call(jen.Err(), jen.Id("ctx").Dot("Err").Call())).Block(
					jen.Err().Op("=").Id("last"),
				),
				jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("gave up after %d attempts: %w"), jen.Id("attempt"), jen.Err())),
			),
			jen.Id("last").Op("=").Err(),
			jen.Comment("Jitter spreads the retries of instances that were started together."),
			jen.Id("sleep").Op(":=").Id("wait").Op("/").Lit(2).Op("+").Qual("math/rand/v2", "N").Call(jen.Id("wait").Op("/").Lit(2).Op("+").Lit(1)),
			jen.If(jen.List(jen.Id("deadline"), jen.Id("ok")).Op(":=").Id("ctx").Dot("Deadline").Call(), jen.Id("ok")).Block(
				jen.Comment("Near the deadline, retry sooner and give up just before it, so the"),
				jen.Comment("error that ends the start is this one, with its cause, not the timeout."),
				jen.Id("left").Op(":=").Qual("time", "Until").Call(jen.Id("deadline")),
				jen.If(jen.Id("left").Op("<").Id("svcWarmRetryFirst")).Block(
					jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("gave up after %d attempts: %w"), jen.Id("attempt"), jen.Err())),
				),
				jen.Id("sleep").Op("=").Min(jen.Id("sleep"), jen.Id("left").Op("/").Lit(2)),
			),
			jen.Id("log").Dot("Warn").Call(jen.Lit("warmup failed, retrying"), jen.Lit("resource"), jen.Id("resource"),
				jen.Lit("attempt"), jen.Id("attempt"), jen.Lit("retry_in"), jen.Id("sleep"), jen.Lit("err"), jen.Err()),
			jen.Id("t").Op(":=").Qual("time", "NewTimer").Call(jen.Id("sleep")),
			jen.Select().Block(
				jen.Case(jen.Op("<-").Id("ctx").Dot("Done").Call()).Block(
					jen.Id("t").Dot("Stop").Call(),
					jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("gave up after %d attempts: %w"), jen.Id("attempt"), jen.Id("last"))),
				),
				jen.Case(jen.Op("<-").Id("t").Dot("C")),
			),
			jen.Id("wait").Op("=").Min(jen.Lit(2).Op("*").Id("wait"), jen.Id("svcWarmRetryMax")),
		),
	)
	f.Line()
	f.Comment("svcCloseWithin runs closeFn and returns when it does or when ctx (the")
	f.Comment("resource's close timeout) ends: (*sql.DB).Close waits for the queries in")
	f.Comment("flight, and the stop must not wait past its budget for one.")
	f.Func().Id("svcCloseWithin").Params(jen.Id("ctx").Add(ctxType()), jen.Id("closeFn").Func().Params().Error()).Error().Block(
		jen.Id("done").Op(":=").Make(jen.Chan().Error(), jen.Lit(1)),
		jen.Go().Func().Params().Block(jen.Id("done").Op("<-").Id("closeFn").Call()).Call(),
		jen.Select().Block(
			jen.Case(jen.Err().Op(":=").Op("<-").Id("done")).Block(jen.Return(jen.Err())),
			jen.Case(jen.Op("<-").Id("ctx").Dot("Done").Call()).Block(jen.Return(jen.Id("ctx").Dot("Err").Call())),
		),
	)
}

// emitSecretsFile writes svcgen_secrets.go: values from the environment or
// a file, and the redaction of DSN passwords in anything printed.
func emitSecretsFile(g *Context) {
	f := g.NewFile("svcgen_secrets.go", "")
	poolImportNames(f)
	f.Comment("svcEnv returns a required environment variable: secrets and addresses come")
	f.Comment("from the environment, never from the spec.")
	f.Func().Id("svcEnv").Params(jen.Id("name").String()).Params(jen.String(), jen.Error()).Block(
		jen.Id("v").Op(":=").Qual("os", "Getenv").Call(jen.Id("name")),
		jen.If(jen.Id("v").Op("==").Lit("")).Block(
			jen.Return(jen.Lit(""), jen.Qual("fmt", "Errorf").Call(jen.Lit("environment variable %s is not set"), jen.Id("name"))),
		),
		jen.Return(jen.Id("v"), jen.Nil()),
	)
	if !poolHasKind(g.Spec, spec.KindSQL) {
		return
	}
	f.Line()
	f.Comment("svcReadSecretFile returns the content of a secret file without its trailing")
	f.Comment("newline (editors and echo add one, Windows editors a CRLF).")
	f.Func().Id("svcReadSecretFile").Params(jen.Id("path").String()).Params(jen.String(), jen.Error()).Block(
		jen.List(jen.Id("b"), jen.Err()).Op(":=").Qual("os", "ReadFile").Call(jen.Id("path")),
		poolIfErr(jen.Return(jen.Lit(""), jen.Err())),
		jen.Id("v").Op(":=").Qual("strings", "TrimRight").Call(jen.String().Call(jen.Id("b")), jen.Lit("\r\n")),
		jen.If(jen.Id("v").Op("==").Lit("")).Block(
			jen.Return(jen.Lit(""), jen.Qual("fmt", "Errorf").Call(jen.Lit("%s is empty"), jen.Id("path"))),
		),
		jen.Return(jen.Id("v"), jen.Nil()),
	)
	f.Line()
	f.Comment("svcDSNKeyPassword finds the password of key=value DSNs: PostgreSQL")
	f.Comment("\"password=...\" (quoted or not), SQL Server \"password=...;\", \"pwd={...}\".")
	f.Var().Id("svcDSNKeyPassword").Op("=").Qual("regexp", "MustCompile").Call(
		jen.Lit(`(?i)\b(?:password|pwd)\s*=\s*('(?:[^'\\]|\\.)*'|"[^"]*"|\{[^}]*\}|[^\s;&]+)`))
	f.Line()
	f.Comment("svcDSNSecrets returns the forms the password of dsn may take in a message:")
	f.Comment("as written and decoded. Drivers may echo either; both are redacted.")
	f.Func().Id("svcDSNSecrets").Params(jen.Id("dsn").String()).Index().String().Block(
		jen.Var().Id("out").Index().String(),
		jen.For(jen.List(jen.Id("_"), jen.Id("m")).Op(":=").Range().Id("svcDSNKeyPassword").Dot("FindAllStringSubmatch").Call(jen.Id("dsn"), jen.Lit(-1))).Block(
			jen.Id("out").Op("=").Append(jen.Id("out"), jen.Id("m").Index(jen.Lit(1)), jen.Qual("strings", "Trim").Call(jen.Id("m").Index(jen.Lit(1)), jen.Lit(`'"{}`))),
		),
		jen.If(jen.List(jen.Id("u"), jen.Err()).Op(":=").Qual("net/url", "Parse").Call(jen.Id("dsn")), jen.Err().Op("==").Nil().Op("&&").Id("u").Dot("User").Op("!=").Nil()).Block(
			jen.Comment("URL form, scheme://user:password@host/...: the password decoded,"),
			jen.Comment("and as written (up to the last \"@\" of the authority)."),
			jen.If(jen.List(jen.Id("p"), jen.Id("ok")).Op(":=").Id("u").Dot("User").Dot("Password").Call(), jen.Id("ok")).Block(
				jen.Id("authority").Op(":=").Id("dsn").Index(jen.Qual("strings", "Index").Call(jen.Id("dsn"), jen.Lit("//")).Op("+").Lit(2), jen.Empty()),
				jen.If(jen.Id("end").Op(":=").Qual("strings", "IndexAny").Call(jen.Id("authority"), jen.Lit("/?#")), jen.Id("end").Op(">=").Lit(0)).Block(
					jen.Id("authority").Op("=").Id("authority").Index(jen.Empty(), jen.Id("end")),
				),
				jen.List(jen.Id("_"), jen.Id("raw"), jen.Id("_")).Op(":=").Qual("strings", "Cut").Call(
					jen.Id("authority").Index(jen.Empty(), jen.Qual("strings", "LastIndex").Call(jen.Id("authority"), jen.Lit("@"))), jen.Lit(":")),
				jen.Id("out").Op("=").Append(jen.Id("out"), jen.Id("p"), jen.Id("raw")),
			),
		).Else().If(jen.Id("slash").Op(":=").Qual("strings", "LastIndex").Call(jen.Id("dsn"), jen.Lit("/")), jen.Id("slash").Op(">").Lit(0)).Block(
			jen.Comment("MySQL form, user:password@protocol(address)/dbname, parsed the"),
			jen.Comment("driver's way: from the last \"/\" and the last \"@\" before it."),
			jen.If(jen.Id("at").Op(":=").Qual("strings", "LastIndex").Call(jen.Id("dsn").Index(jen.Empty(), jen.Id("slash")), jen.Lit("@")), jen.Id("at").Op(">").Lit(0)).Block(
				jen.If(
					jen.List(jen.Id("user"), jen.Id("pw"), jen.Id("ok")).Op(":=").Qual("strings", "Cut").Call(jen.Id("dsn").Index(jen.Empty(), jen.Id("at")), jen.Lit(":")),
					jen.Id("ok").Op("&&").Op("!").Qual("strings", "Contains").Call(jen.Id("user"), jen.Lit("=")),
				).Block(
					jen.Id("out").Op("=").Append(jen.Id("out"), jen.Id("pw")),
				),
			),
		),
		jen.Return(jen.Id("out")),
	)
	f.Line()
	f.Comment("svcRedact replaces every secret in s. Everything printed about a DSN goes")
	f.Comment("through it: logs and readiness output are read by more people than the")
	f.Comment("DSN is meant for.")
	f.Func().Id("svcRedact").Params(jen.Id("s").String(), jen.Id("secrets").Index().String()).String().Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("p")).Op(":=").Range().Id("secrets")).Block(
			jen.If(jen.Id("p").Op("!=").Lit("")).Block(
				jen.Id("s").Op("=").Qual("strings", "ReplaceAll").Call(jen.Id("s"), jen.Id("p"), jen.Lit("xxxxx")),
			),
		),
		jen.Return(jen.Id("s")),
	)
	f.Line()
	f.Comment("svcRedactErr returns err with every secret replaced in its message.")
	f.Func().Id("svcRedactErr").Params(jen.Err().Error(), jen.Id("secrets").Index().String()).Error().Block(
		jen.If(jen.Err().Op("==").Nil()).Block(jen.Return(jen.Nil())),
		jen.If(
			jen.List(jen.Id("msg"), jen.Id("safe")).Op(":=").List(jen.Err().Dot("Error").Call(), jen.Id("svcRedact").Call(jen.Err().Dot("Error").Call(), jen.Id("secrets"))),
			jen.Id("safe").Op("!=").Id("msg"),
		).Block(
			jen.Return(jen.Qual("errors", "New").Call(jen.Id("safe"))),
		),
		jen.Return(jen.Err()),
	)
}
