package main

import "context"

type Idx struct{}

func OpenIdx(ctx context.Context, store *Store) (*Idx, error) {
	if err := act(ctx, "idx", "open"); err != nil {
		return nil, err
	}
	return &Idx{}, nil
}

func CloseIdx(ctx context.Context, v *Idx) error {
	return act(ctx, "idx", "close")
}
