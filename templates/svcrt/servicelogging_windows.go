package svcrt

import (
	"log/slog"
)

// serviceLogging is the logging of a process with no console, which the
// service process and a worker share: the instance's log file (the
// default one in its data folder without [log] file), error records
// copied to the event log, and Go's crash output beside the log file. A
// log file that cannot be had is said, the logger then writing to stderr.
// The file can be released (logrelease.go) once another process serves.
type serviceLogging struct {
	log    *slog.Logger
	flush  func() error
	events *events
	file   *releasableLog
}

func (cfg *Config) openServiceLogging(instance string, with ...any) *serviceLogging {
	s := &serviceLogging{}
	path, open, dirErr := serviceLogTarget(cfg, instance)
	log, flush, fileErr := newLogger(cfg, path, openReleasable(open, &s.file))
	s.events = cfg.openEvents(instance)
	// Said after the tee, so that the event log has it too when the log file
	// is what is missing.
	s.log, s.flush = s.events.tee(log).With(with...), flush
	switch {
	case dirErr != nil:
		s.log.Error("no log file, logging to stderr", "err", dirErr)
	case fileErr != nil:
		s.log.Error("log file unavailable, logging to stderr", "path", path, "err", fileErr)
	default:
		if err := sendCrashOutput(crashOutputPath(path, instance)); err != nil {
			s.log.Error("crash output not redirected: a crash will not be recorded", "path", crashOutputPath(path, instance), "err", err)
		}
	}
	return s
}

// configurationFailed logs why the configuration cannot be used (every
// wrong override) and the failed start, and flushes.
func (s *serviceLogging) configurationFailed(err error) {
	if oe, ok := err.(*OverrideError); ok {
		for _, p := range oe.Problems {
			s.log.Error("configuration", "problem", p)
		}
	} else {
		s.log.Error("configuration", "error", err.Error())
	}
	s.log.Error("start failed", "code", int(ExitStartFailed), "reason", "configuration")
	s.flush()
}
