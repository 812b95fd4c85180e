//go:build windows

package outlock

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockOffset is the byte range locked: far past the pid the file holds,
// since a LockFileEx lock also keeps other processes from reading the
// range, and the pid must stay readable for the busy message.
const lockOffset = 1 << 30

func lockFile(f *os.File) error {
	ol := windows.Overlapped{Offset: lockOffset}
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
		return errBusy
	}
	return err
}

// removeHeld unlocks by closing the file, then removes it. Windows does
// not remove a file another process has open, so a run that opened it in
// between keeps a file that is still at path; the removal then fails and
// is not needed.
func removeHeld(f *os.File, path string) {
	f.Close()
	os.Remove(path)
}
