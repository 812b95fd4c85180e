package main

import (
	"context"
	"sync"

	"example.com/shop/internal/catalog"
)

// Store holds the orders taken so far.
type Store struct {
	Catalog *catalog.Catalog

	mu     sync.Mutex
	orders []string
}

// OpenStore loads the catalog.
func OpenStore(ctx context.Context) (*Store, error) {
	return &Store{Catalog: catalog.New(
		catalog.Item{SKU: "apple", Price: 50},
		catalog.Item{SKU: "pear", Price: 70},
	)}, nil
}

// CloseStore is called once nothing uses the store any more.
func CloseStore(ctx context.Context, s *Store) error { return nil }

func (s *Store) add(sku string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orders = append(s.orders, sku)
	return len(s.orders)
}
