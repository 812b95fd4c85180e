package main

import "net/http"

// NewAPI builds the orders API on the store.
func NewAPI(store *Store) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /products", listProducts(store))
	mux.HandleFunc("POST /orders/{sku}", placeOrder(store))
	return mux, nil
}
