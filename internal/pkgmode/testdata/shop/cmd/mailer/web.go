package main

import (
	"fmt"
	"net/http"
)

// NewWeb serves the mailer's status page.
func NewWeb() (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "mailer idle")
	}), nil
}
