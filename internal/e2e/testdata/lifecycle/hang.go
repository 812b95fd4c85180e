package main

import "context"

type Hang struct{}

func OpenHang(ctx context.Context, store *Store) (*Hang, error) {
	if err := act(ctx, "hang", "open"); err != nil {
		return nil, err
	}
	return &Hang{}, nil
}

func CloseHang(ctx context.Context, v *Hang) error {
	return act(ctx, "hang", "close")
}
