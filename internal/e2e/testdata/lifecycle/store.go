package main

import "context"

type Store struct{}

func OpenStore(ctx context.Context) (*Store, error) {
	if err := act(ctx, "store", "open"); err != nil {
		return nil, err
	}
	return &Store{}, nil
}

func CloseStore(ctx context.Context, v *Store) error {
	return act(ctx, "store", "close")
}
