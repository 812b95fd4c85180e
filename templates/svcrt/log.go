package svcrt

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
)

// newLogger builds the service's logger from [log]. It is also the default
// slog logger, so user code logging with slog.Info lands in the same place.
// The flush it returns is the last thing the service runs, from the reserved
// stop budget. path is the file to log to ("": none), open opens it; the
// error it returns is why the file could not be opened (the logger then
// writes to stderr), for the caller to log where an operator looks.
func newLogger(cfg *Config, path string, open func(string, LogConfig) (LogFile, error)) (*slog.Logger, func() error, error) {
	w := &logWriter{stderr: cfg.Log.Stderr}
	if path == "" || open == nil {
		w.stderr = true
		log := slog.New(logHandler(cfg.Log, w))
		slog.SetDefault(log)
		return log, func() error { return nil }, nil // stderr is unbuffered
	}
	file, err := open(path, cfg.Log)
	if err != nil {
		// A log directory that is not writable is no reason to stay down: log to
		// stderr (journald, a console) and say why in the first line.
		w.stderr = true
	} else {
		w.file = file
	}
	log := slog.New(logHandler(cfg.Log, w))
	slog.SetDefault(log)
	if err != nil {
		return log, func() error { return nil }, err
	}
	return log, file.Flush, nil
}

// configuredLogPath is where [log] file says to log ("": no file); a bare
// name goes into the directory of the instance (the name install gave it).
func configuredLogPath(cfg *Config, instance string) string {
	if cfg.Log.File == "" {
		return ""
	}
	return logPath(instance, cfg.Log.File)
}

// logHandler formats records as [log] format says, at [log] level.
func logHandler(c LogConfig, w io.Writer) slog.Handler {
	opts := &slog.HandlerOptions{Level: c.Level}
	if c.Format == "json" {
		opts.ReplaceAttr = durationAsString
		return slog.NewJSONHandler(w, opts)
	}
	return slog.NewTextHandler(w, opts)
}

// durationAsString writes a duration as text ("8ms", as the text format
// does) instead of the JSON handler's nanoseconds, which a reader has to
// divide and a log query has to know about.
func durationAsString(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.String(a.Key, a.Value.Duration().String())
	}
	return a
}

// logWriter writes every record to the file first, then to stderr. Not
// io.MultiWriter: that stops at the first error, and a Windows service has no
// stderr (writes to it fail), which must not cost the file its records.
type logWriter struct {
	file   LogFile
	stderr bool
}

func (w *logWriter) Write(p []byte) (int, error) {
	var err error
	if w.file != nil {
		_, err = w.file.Write(p)
	}
	if w.stderr {
		os.Stderr.Write(p)
	}
	return len(p), err
}

// logDir is where a log file given as a bare name goes: /var/log/<name>
// (the unit's LogsDirectory=, created by systemd for the unit's user) or
// %ProgramData%\<name> on Windows.
func logDir(name string) string {
	if runtime.GOOS == "windows" {
		base := os.Getenv("ProgramData")
		if base == "" {
			base = "C:\\ProgramData"
		}
		return filepath.Join(base, name)
	}
	return filepath.Join("/var/log", name)
}

// logPath resolves [log] file: an absolute path is used as it is; a bare
// file name goes into logDir; any other relative path is taken against the
// executable's directory (exeRelative).
func logPath(name, p string) string {
	if !filepath.IsAbs(p) && filepath.Base(p) == p {
		return filepath.Join(logDir(name), p)
	}
	return exeRelative(p)
}
