package main

import "context"

type Cache struct{}

func OpenCache(ctx context.Context, store *Store) (*Cache, error) {
	if err := act(ctx, "cache", "open"); err != nil {
		return nil, err
	}
	return &Cache{}, nil
}

func CloseCache(ctx context.Context, v *Cache) error {
	return act(ctx, "cache", "close")
}
