package generator

import (
	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// kindEmitter is what one resource kind contributes to the generated
// service. Its behaviour is in the runtime package (templates/svcrt: one
// <Kind>Resource constructor per kind); the kind's emitter only records the
// resource's constants and writes the call that adds it to the engine, in
// svcWire (wire.go).
type kindEmitter interface {
	// declare records what the resource needs before code is emitted:
	// one constant per spec value through g.Const(blockOf(r),
	// constName(r, "max_open"), ...) and module features through
	// g.Require. An error is reported with the spec position by the
	// caller's message.
	declare(g *Context, r *spec.Resource) error
	// valueType is the type handed to the user functions of dependents
	// (*sql.DB, *redis.Client, *State) or nil when the kind provides no
	// value (http, worker: depends_on on them only orders).
	valueType(g *Context, r *spec.Resource) jen.Code
	// wire is the expression that adds the resource to the engine: a call
	// of the kind's runtime constructor with node, the *svcrt.Node literal
	// the caller built, and deps, the values of the resource's depends_on
	// that provide one (the arguments of its user functions).
	wire(g *Context, r *spec.Resource, node jen.Code, deps []jen.Code) jen.Code
	// feature is the runtime feature the kind needs (templates.Feature*),
	// or "" for the core.
	feature() string
}

// kinds maps spec.Kind* to its emitter. A kind without an entry makes
// generation fail with a message naming the resource.
// One line per kind; each kind's emitter lives in its own file (http.go,
// grpc.go, worker.go, custom.go, sql.go, redis.go, httpclient.go).
var kinds = map[string]kindEmitter{
	spec.KindHTTP:       httpKind{},
	spec.KindGRPC:       grpcKind{},
	spec.KindWorker:     workerKind{},
	spec.KindCustom:     customKind{},
	spec.KindSQL:        sqlKind{},
	spec.KindRedis:      redisKind{},
	spec.KindHTTPClient: httpClientKind{},
}

// blockOf is the svcgen_config.go block title of a resource's constants.
func blockOf(r *spec.Resource) string { return "[resource." + r.Name + "]" }

// constName names the constant of a resource's spec key:
// constName(db, "max_open") is svcDBMaxOpen. A resource named like a table
// whose constants share the svc<Table> prefix gets "Res" after its name
// (svcTimeoutResCritical), so [resource.timeout] critical and [timeouts]
// critical are two constants.
func constName(r *spec.Resource, key string) string {
	name := spec.GoName(r.Name)
	if tableWords[name] {
		name += "Res"
	}
	return "svc" + name + spec.GoName(key)
}

// tableWords are the words that begin the constants of the spec's tables
// (declareConstants): svcService*, svcTimeout*, svcAdmin*, ...
var tableWords = map[string]bool{
	"Service": true, "Version": true, "Display": true, "Description": true,
	"Log": true, "Runtime": true, "Systemd": true, "Watchdog": true,
	"Metrics": true, "Admin": true, "Timeout": true, "Windows": true,
}

// settings is the composite literal of a runtime settings struct
// (svcrt.SQLPool, ...): Name is the resource's name, every other field the
// constant of a spec key, for the keys declare gave a constant.
func settings(g *Context, typ rtRef, r *spec.Resource, fields []settingsField) jen.Code {
	l := newLit(typ).set("Name", jen.Lit(r.Name))
	for _, f := range fields {
		l.setIf(g.hasConst(constName(r, f.key)), f.field, g.val(constName(r, f.key)))
	}
	return l.code(g)
}

// settingsField is one field of a runtime settings struct and the spec key
// whose constant fills it.
type settingsField struct{ field, key string }
