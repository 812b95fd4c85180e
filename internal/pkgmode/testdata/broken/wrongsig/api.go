package main

import "net/http"

// NewAPI returns no error.
func NewAPI(s *State) http.Handler { return http.NewServeMux() }
