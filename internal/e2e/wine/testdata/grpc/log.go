package main

import (
	"os"
	"path/filepath"
)

// Under the SCM the service has no console: its log goes to service.log
// next to the executable, where the test reads it.
var _ = func() bool {
	if len(os.Args) > 1 && os.Args[1] == "service" {
		if exe, err := os.Executable(); err == nil {
			if f, err := os.OpenFile(filepath.Join(filepath.Dir(exe), "service.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err == nil {
				os.Stderr = f
			}
		}
	}
	return true
}()
