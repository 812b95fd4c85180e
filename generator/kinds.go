package generator

import (
	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// kindEmitter emits what one resource kind contributes to the generated
// service. The node table (svcgen_resources.go, emitted by resources.go)
// builds one svcNode per resource in topological order; the kind supplies
// the bodies of that node's functions. The engine (svcgen_lifecycle.go)
// calls them: it runs every open with the node's open timeout, starts
// serve once every node is ready, drains and closes in reverse DAG order
// with the close timeout, and shows status on /readyz.
//
// A kind's helper code that is the same for every resource of the kind
// (a typed client, a pool warmer) goes into its own generated file,
// emitted by an entry of the artifacts list in generator.go that checks
// whether the spec has a resource of the kind; declare and node are per
// resource.
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
	// node returns the code of the resource's svcNode; see nodeCode for
	// the names in scope.
	node(g *Context, r *spec.Resource, v nodeVars) nodeCode
}

// kinds maps spec.Kind* to its emitter. A kind without an entry makes
// generation fail with a message naming the resource.
// One line per kind; each kind's emitter lives in its own file (http.go,
// worker.go, custom.go, sql.go, redis.go, httpclient.go).
var kinds = map[string]kindEmitter{
	spec.KindHTTP:       httpKind{},
	spec.KindWorker:     workerKind{},
	spec.KindCustom:     customKind{},
	spec.KindSQL:        sqlKind{},
	spec.KindRedis:      redisKind{},
	spec.KindHTTPClient: httpClientKind{},
}

// nodeVars are the expressions a kind uses in its node code.
type nodeVars struct {
	// Value is where open stores the resource's value and where close,
	// status and dependents read it: r.<local name> of the svcResources
	// struct. Nil when valueType is nil.
	Value jen.Code
	// Deps are the values of the depends_on resources that provide one,
	// in depends_on order: the arguments of the user functions.
	Deps []jen.Code
	// Local is the resource's lowerCamel name: a prefix for locals that
	// Pre declares ("api" + "Server"), unique among resources.
	Local string
}

// nodeCode is the generated code of one node: each field is an expression
// of a function value (a func literal, stepFunc(body...), or a method value
// such as apiServer.drain), or nil when the node has no such step. In scope:
// app (*svcApp; app.log is the logger) and r (*svcResources, the values of
// every resource). Signatures:
//
//	Bind:   func() error                      at process start, before any open
//	Open:   func(ctx context.Context) error   open and warm; ctx has the open deadline
//	Serve:  func(ctx context.Context) error   from ready until stop; ctx is cancelled at stop step 4
//	Drain:  func(ctx context.Context) error   stop step 3; ctx has the drain deadline
//	Close:  func(ctx context.Context) error   ctx has the close deadline
//	Status: func() map[string]any             detail shown under the resource on /readyz
//
// Pre holds statements run while the node table is built, before the
// node literal (e.g. declaring a server object the steps share). Errors
// say what failed ("ping: dial tcp ...: refused"); the engine adds the
// resource name and the step.
type nodeCode struct {
	Pre    []jen.Code
	Bind   jen.Code
	Open   jen.Code
	Serve  jen.Code
	Drain  jen.Code
	Close  jen.Code
	Status jen.Code
}

// blockOf is the svcgen_config.go block title of a resource's constants.
func blockOf(r *spec.Resource) string { return "[resource." + r.Name + "]" }

// constName names the constant of a resource's spec key:
// constName(db, "max_open") is svcDBMaxOpen.
func constName(r *spec.Resource, key string) string {
	return "svc" + spec.GoName(r.Name) + spec.GoName(key)
}
