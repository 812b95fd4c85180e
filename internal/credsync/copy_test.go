package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestSpecCopyIsCurrent: the spec checker reads credentials exactly as the
// runtime redacts them.
func TestSpecCopyIsCurrent(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", source))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", target))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, Copy(src)) {
		t.Errorf("%s is stale: run go run ./internal/credsync", target)
	}
}
