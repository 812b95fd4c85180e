package svcrt

import (
	"os"
	"runtime"
	"runtime/debug"
)

// applyRuntime applies [runtime] before anything starts; a zero setting leaves
// Go's default. A setting whose environment variable is set is left alone:
// the runtime read the variable at process start, and the operator who set it
// meant it.
func applyRuntime(c RuntimeConfig) {
	if c.GOMAXPROCS > 0 && os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(c.GOMAXPROCS)
	}
	if c.SetGC && os.Getenv("GOGC") == "" {
		debug.SetGCPercent(c.GCPercent)
	}
	if c.MemoryLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(c.MemoryLimit)
	}
}
