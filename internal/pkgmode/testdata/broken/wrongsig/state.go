package main

import "context"

type State struct{ hits int }

// OpenState forgot its context parameter.
func OpenState() (*State, error) { return &State{}, nil }

// CloseState takes the value, not the pointer.
func CloseState(ctx context.Context, s State) error { return nil }
