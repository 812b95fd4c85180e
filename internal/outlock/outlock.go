// Package outlock keeps two svcgen generate runs out of one output
// directory at the same time. Each stages its files beside their targets
// and renames them into place; two at once would remove each other's
// temporary files and leave a tree neither of them planned.
//
// The lock is an operating-system lock on a file in the directory (flock
// on Unix, LockFileEx on Windows). The system drops it when the process
// ends however it ends, so a killed run never blocks the next one; the
// file records the holder's pid only for the message.
package outlock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Name is the lock file in the output directory. It exists only while a
// run holds it (and after a killed run, until the next run takes it).
const Name = ".svcgen.lock"

// BusyError says that another process holds the lock.
type BusyError struct {
	Dir string
	PID int // 0 when the holder has not written it yet
}

func (e *BusyError) Error() string {
	holder := ""
	if e.PID > 0 {
		holder = fmt.Sprintf(" (pid %d)", e.PID)
	}
	return fmt.Sprintf("another svcgen generate is running in %s%s; wait for it to finish, then run this one again", e.Dir, holder)
}

// errBusy is what the system's lock call reports for a lock held elsewhere.
var errBusy = errors.New("lock held by another process")

// Lock takes the lock of dir, which must exist, without waiting: if
// another process holds it, the error is a *BusyError. release unlocks
// and removes the file.
func Lock(dir string) (release func(), err error) {
	path := filepath.Join(dir, Name)
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", dir, err)
		}
		if err := lockFile(f); err != nil {
			f.Close()
			if errors.Is(err, errBusy) {
				return nil, &BusyError{Dir: dir, PID: holder(path)}
			}
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		// The holder before us removes the file before it unlocks: if
		// the file we locked is no longer the one at path, we hold a
		// lock nobody else will look at. Open the new one.
		if !samePath(f, path) {
			f.Close()
			continue
		}
		if err := f.Truncate(0); err == nil {
			f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		}
		return func() {
			removeHeld(f, path)
		}, nil
	}
}

// samePath reports whether f is still the file at path.
func samePath(f *os.File, path string) bool {
	held, err := f.Stat()
	if err != nil {
		return false
	}
	now, err := os.Stat(path)
	return err == nil && os.SameFile(held, now)
}

// holder reads the pid a lock file records; 0 when there is none yet.
func holder(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
