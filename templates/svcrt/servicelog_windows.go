package svcrt

import (
	"os"
	"path/filepath"
	"runtime/debug"
)

// A service started by the SCM has no console: what it writes to stderr
// goes nowhere, records and runtime crashes alike. So a service without
// [log] file logs to %ProgramData%\<instance>\<instance>.log, and Go's crash
// output (an unrecovered panic, a fatal error) goes to <instance>.crash.log
// next to its log.

// serviceLogTarget is the file the service logs to and how it is opened:
// [log] file when the spec has one (a bare name in the instance's own
// directory), else the instance's default log in serviceDataDir. The error
// is why there is no default log (the data directory was refused or cannot
// be created): the service then logs to stderr and says why.
func serviceLogTarget(cfg *Config, instance string) (string, func(string, LogConfig) (LogFile, error), error) {
	if cfg.Log.File != "" {
		return configuredLogPath(cfg, instance), cfg.Log.OpenFile, nil
	}
	dir, err := serviceDataDir(instance)
	if err != nil {
		return "", nil, err
	}
	return filepath.Join(dir, instance+".log"), openDefaultServiceLog, nil
}

// openDefaultServiceLog opens the default log rotated as [log]'s defaults
// say (100 MB, 5 files kept): the spec has no file, so no rotation settings.
func openDefaultServiceLog(path string, c LogConfig) (LogFile, error) {
	c.MaxSizeMB, c.MaxAge, c.MaxBackups, c.Compress = 100, 0, 5, false
	return OpenRotatingFile(path, c)
}

// crashOutputPath is where Go's crash output goes: next to the log.
func crashOutputPath(logPath, instance string) string {
	return filepath.Join(filepath.Dir(logPath), instance+".crash.log")
}

// sendCrashOutput makes the runtime write a crash (an unrecovered panic on
// any goroutine, a fatal error, with every goroutine's stack) to the crash
// file as well as to the stderr that does not exist. The file is appended
// to: a crash loop keeps each crash. The runtime keeps its own descriptor.
func sendCrashOutput(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	defer f.Close()
	return debug.SetCrashOutput(f, debug.CrashOptions{})
}
