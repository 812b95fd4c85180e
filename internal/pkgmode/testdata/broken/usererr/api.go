package main

import "net/http"

// NewAPI is right; the helper below is not.
func NewAPI() (http.Handler, error) { return http.NewServeMux(), nil }

func helper() int { return "not an int" }

// svcWire collides with a name the generated code declares.
type svcWire struct{}
