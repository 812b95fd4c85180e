//go:build !(unix && !aix) && !windows

package outlock

import (
	"errors"
	"os"
	"runtime"
)

// lockFile: this system has no file lock svcgen uses, and a generate that
// cannot keep a concurrent one out does not run.
func lockFile(*os.File) error {
	return errors.New("svcgen cannot lock files on " + runtime.GOOS)
}

func removeHeld(f *os.File, path string) {
	f.Close()
	os.Remove(path)
}
