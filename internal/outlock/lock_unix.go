//go:build unix && !aix

package outlock

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

func lockFile(f *os.File) error {
	err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return errBusy
	}
	return err
}

// removeHeld removes the file while still holding its lock, then unlocks
// by closing it: a process that opened the old file and locks it after
// us sees that it is no longer at path.
func removeHeld(f *os.File, path string) {
	os.Remove(path)
	f.Close()
}
