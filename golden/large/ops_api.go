package main

import (
	"fmt"
	"net/http"
)

// NewOpsAPI builds the handler of the ops_api server. It runs once the resources it
// depends on are ready; its parameters follow depends_on. A long-lived handler
// (server-sent events, a WebSocket loop) selects on svcrt.Draining(r.Context()) and
// returns when it closes: at the drain deadline its connection is cut.
func NewOpsAPI(auditLog *AuditLog) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		fmt.Fprintln(w, "hello from fleet")
	})
	return mux, nil
}
