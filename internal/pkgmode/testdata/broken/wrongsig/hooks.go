package main

import "context"

// Reload is a variable, not a function; that is fine for Go, and the
// generated code only calls it.
var Reload = func(ctx context.Context) error { return nil }

// Drain is a type by mistake.
type Drain struct{}
