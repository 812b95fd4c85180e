package svcrt

import "context"

// Resource is a node of the engine and the value its open produced: the
// *sql.DB, *redis.Client, *HTTPClient or user type that the functions of its
// dependents receive. Open sets Value before any dependent opens (the engine
// orders them), and nothing writes it afterwards.
type Resource[T any] struct {
	Node  *Node
	Value T
}

// WorkerResource adds a worker: run starts once the service is ready, its
// context is cancelled at stop step 4, and it has the close timeout to
// return. A worker that returns an error early stops the service (exit 7).
func WorkerResource(app *App, n *Node, run func(context.Context) error) *Node {
	n.Kind = "worker"
	n.Serve = run
	app.Add(n)
	return n
}

// CustomResource adds a resource the user's functions open and close; check,
// when not nil, is its liveness check for [watchdog].
func CustomResource[T any](app *App, n *Node, open func(context.Context) (*T, error), close func(context.Context, *T) error, check func(context.Context, *T) error) *Resource[*T] {
	r := &Resource[*T]{Node: n}
	n.Kind = "custom"
	n.Open = func(ctx context.Context) (err error) {
		r.Value, err = open(ctx)
		return err
	}
	if close != nil {
		n.Close = func(ctx context.Context) error { return close(ctx, r.Value) }
	}
	if check != nil {
		n.Check = func(ctx context.Context) error { return check(ctx, r.Value) }
	}
	app.Add(n)
	return r
}
