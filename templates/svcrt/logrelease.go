package svcrt

import "sync/atomic"

// releasableLog is a log file that another process comes to write too (a
// Windows upgrade: the worker that serves next logs to the same file).
// Once released it holds the file only while it writes a record, so that
// the other process can rotate it: Windows renames no file another process
// holds open, and a rotation that cannot rename fails the write it was for.
type releasableLog struct {
	LogFile
	released atomic.Bool
}

func (r *releasableLog) Write(p []byte) (int, error) {
	n, err := r.LogFile.Write(p)
	if r.released.Load() {
		// Flush writes the record and closes the file; the next record
		// opens it again (rotatingFile.Flush).
		if ferr := r.LogFile.Flush(); err == nil {
			err = ferr
		}
	}
	return n, err
}

// release lets the file go from now on, except while writing.
func (r *releasableLog) release() {
	if r == nil {
		return
	}
	r.released.Store(true)
	r.LogFile.Flush()
}

// openReleasable wraps open so that the file it opens can be released;
// *into is that file once opened (nil if none was).
func openReleasable(open func(string, LogConfig) (LogFile, error), into **releasableLog) func(string, LogConfig) (LogFile, error) {
	if open == nil {
		return nil
	}
	return func(path string, c LogConfig) (LogFile, error) {
		f, err := open(path, c)
		if err != nil {
			return nil, err
		}
		*into = &releasableLog{LogFile: f}
		return *into, nil
	}
}
