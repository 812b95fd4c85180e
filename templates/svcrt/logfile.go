package svcrt

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"gopkg.in/natefinch/lumberjack.v2"
)

// rotatingFile buffers records for the rotating file. A record is written
// to lumberjack whole (it rotates between writes, so a record never straddles
// two files); a buffered record reaches the file within logFlushEvery, and
// Flush writes the rest when the service stops.
type rotatingFile struct {
	mu    sync.Mutex
	buf   *bufio.Writer
	lj    *lumberjack.Logger
	timer *time.Timer // a pending flush; nil when the buffer is empty
}

// logFlushEvery bounds how long a record waits in the buffer: a tail -f sees
// it that soon, and a crash loses at most that much.
const logFlushEvery = time.Second

// OpenRotatingFile is LogConfig.OpenFile for [log] file: it creates the directory and, when new, the file with mode 0640
// (lumberjack creates 0600 and keeps the mode of the file it rotates), so the
// group of the log directory (adm on Debian) can read it.
func OpenRotatingFile(path string, c LogConfig) (LogFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	switch {
	case err == nil:
		f.Chmod(0o640) // whatever the umask
		f.Close()
	case !errors.Is(err, fs.ErrExist):
		return nil, err
	}
	lj := &lumberjack.Logger{
		Filename:   path,
		MaxSize:    c.MaxSizeMB,
		MaxAge:     int((c.MaxAge + 24*time.Hour - 1) / (24 * time.Hour)),
		MaxBackups: c.MaxBackups,
		LocalTime:  false,
		Compress:   c.Compress,
	}
	// Open now, so a file that cannot be written is reported at start.
	if _, err := lj.Write(nil); err != nil {
		return nil, err
	}
	return &rotatingFile{buf: bufio.NewWriterSize(lj, 65536), lj: lj}, nil
}

func (f *rotatingFile) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.buf.Available() < len(p) {
		if err := f.buf.Flush(); err != nil {
			return 0, err
		}
	}
	if len(p) > f.buf.Size() {
		return f.lj.Write(p)
	}
	if f.timer == nil {
		f.timer = time.AfterFunc(logFlushEvery, func() {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.timer = nil
			f.buf.Flush()
		})
	}
	return f.buf.Write(p)
}

// Flush writes what is buffered and closes the file (a record logged after it
// reopens the file).
func (f *rotatingFile) Flush() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.timer != nil {
		f.timer.Stop()
		f.timer = nil
	}
	return errors.Join(f.buf.Flush(), f.lj.Close())
}
