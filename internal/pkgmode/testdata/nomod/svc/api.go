package svc

import "net/http"

// NewAPI serves nothing yet.
func NewAPI() (http.Handler, error) { return http.NewServeMux(), nil }
