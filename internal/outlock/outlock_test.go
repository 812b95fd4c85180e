package outlock

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A second Lock of a locked directory, even from the same process (the
// lock belongs to the open file), is refused naming the holder's pid;
// after release the file is gone and the lock can be taken again.
func TestLockIsExclusive(t *testing.T) {
	dir := t.TempDir()
	release, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Lock(dir)
	var busy *BusyError
	if !errors.As(err, &busy) || busy.PID != os.Getpid() || busy.Dir != dir {
		t.Fatalf("second Lock: %v, want a BusyError naming pid %d", err, os.Getpid())
	}
	release()
	if _, err := os.Stat(filepath.Join(dir, Name)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock file is still there after release: %v", err)
	}
	release, err = Lock(dir)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	release()
}
