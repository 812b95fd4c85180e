package main

import (
	"os"
	"testing"
)

// TestMain points svcgen's dependency cache (package mode) at a directory
// of this run, for the tests that run svcgen in process and the
// processes they start: a test leaves nothing in the user's cache.
func TestMain(m *testing.M) {
	cache, err := os.MkdirTemp("", "svcgen-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv("SVCGEN_CACHE", cache)
	code := m.Run()
	os.RemoveAll(cache)
	os.Exit(code)
}
