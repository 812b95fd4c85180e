package svcrt

import (
	"os"
	"path/filepath"
	"testing"
)

// openHere reports whether this process holds path open.
func openHere(t *testing.T, path string) bool {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	for _, fd := range fds {
		if target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && target == path {
			return true
		}
	}
	return false
}

// A released log holds its file only while it writes, and every record
// still reaches the file, in order.
func TestReleasedLogHoldsNoFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "svc.log")
	var rl *releasableLog
	f, err := openReleasable(OpenRotatingFile, &rl)(path, LogConfig{MaxSizeMB: 1, MaxBackups: 1})
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("before\n"))
	if !openHere(t, path) {
		t.Fatal("the file is not held before the release: the test sees nothing")
	}
	rl.release()
	for _, line := range []string{"one\n", "two\n"} {
		if _, err := f.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
		if openHere(t, path) {
			t.Fatalf("after writing %q the released file is still open", line)
		}
	}
	b, _ := os.ReadFile(path)
	if got := string(b); got != "before\none\ntwo\n" {
		t.Errorf("the file holds %q", got)
	}
	if openReleasable(nil, &rl) != nil {
		t.Error("no open function: no releasable opener")
	}
}
