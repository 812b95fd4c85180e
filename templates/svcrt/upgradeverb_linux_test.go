package svcrt

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLastOutcome: the verb reads the latest outcome of the process it
// signalled, by attempt, ignoring other processes' lines and malformed
// ones (a line cut short by a crash).
func TestLastOutcome(t *testing.T) {
	dir := t.TempDir()
	if got := lastOutcome(dir, "orders", 7); got.attempt != 0 {
		t.Errorf("no file: %+v", got)
	}
	lines := "7 1 failed new process 9 exited with code 1 before it was ready\n" +
		"8 5 ok 10\n" +
		"7 2 refused an upgrade is under way\n" +
		"7 x ok 11\n" +
		"7\n" +
		"7 3 ok 12\n" +
		"7 2 ok 13\n"
	if err := os.WriteFile(filepath.Join(dir, "orders.upgrades"), []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := lastOutcome(dir, "orders", 7); got.attempt != 3 || got.result != "ok" || got.detail != "12" {
		t.Errorf("pid 7: %+v, want attempt 3 ok 12", got)
	}
	if got := lastOutcome(dir, "orders", 8); got.attempt != 5 || got.detail != "10" {
		t.Errorf("pid 8: %+v", got)
	}
}
