package main

import (
	"fmt"
	"net/http"
	"strings"
)

func listProducts(s *Store) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, strings.Join(s.Catalog.SKUs(), ","))
	}
}

func placeOrder(s *Store) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sku := r.PathValue("sku")
		if _, ok := s.Catalog.Get(sku); !ok {
			http.Error(w, "no such product", http.StatusNotFound)
			return
		}
		fmt.Fprintf(w, "order %d: %s\n", s.add(sku), sku)
	}
}
