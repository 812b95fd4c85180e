package svcrt

import (
	"strconv"
	"strings"
	"time"
)

// How long Windows waits for a stopping service before it goes on without
// it (and kills the process), per Microsoft's documentation:
//   - PreShutdown: the timeout registered with SERVICE_PRESHUTDOWN_INFO; its
//     default is 10 s since Windows 10 build 15063 (Creators Update) and 3
//     minutes before (SERVICE_PRESHUTDOWN_INFO, Remarks).
//   - Shutdown without PreShutdown: all services together get
//     HKLM\SYSTEM\CurrentControlSet\Control\WaitToKillServiceTimeout
//     milliseconds (a REG_SZ), 5 s on current builds when it is missing.
//   - A console window closed, a logoff or a shutdown of a console process:
//     the handler gets 5 s (HandlerRoutine, CTRL_CLOSE_EVENT).
//
// A stop planned to end exactly at that limit loses its last steps (the
// critical closes, the log flush) to the kill: every budget keeps a margin.
const (
	preshutdownDefault       = 10 * time.Second
	preshutdownDefaultBefore = 3 * time.Minute
	preshutdownDefaultSince  = 15063 // the Windows build that changed it
	waitToKillServiceDefault = 5 * time.Second
	consoleCloseLimit        = 5 * time.Second
)

// withMargin is the part of an OS limit the stop plans to use: a fifth is
// kept back, at least 1 s and at most 10 s, and the result is never zero
// (a limit of 2 s or less keeps half).
func withMargin(limit time.Duration) time.Duration {
	if limit <= 2*time.Second {
		return limit / 2
	}
	return limit - min(max(limit/5, time.Second), 10*time.Second)
}

// osDefaultPreshutdown is the PreShutdown timeout Windows applies to a
// service that registered none, by the Windows build number.
func osDefaultPreshutdown(build uint32) time.Duration {
	if build >= preshutdownDefaultSince {
		return preshutdownDefault
	}
	return preshutdownDefaultBefore
}

// preshutdownBudget is the stop's budget on PreShutdown. windows.preshutdown
// = "0s" registers nothing, so the limit is what the SCM has for the service
// (registered, read back at start; 0 when it could not be read) or else
// the OS default of this build.
func preshutdownBudget(configured, registered time.Duration, build uint32) time.Duration {
	limit := configured
	if limit == 0 {
		limit = registered
	}
	if limit == 0 {
		limit = osDefaultPreshutdown(build)
	}
	return withMargin(limit)
}

// waitToKillService reads the WaitToKillServiceTimeout value (milliseconds
// as text); missing, empty or unreadable means the default.
func waitToKillService(value string, present bool) time.Duration {
	ms, err := strconv.ParseUint(strings.TrimSpace(value), 10, 32)
	if !present || err != nil || ms == 0 {
		return waitToKillServiceDefault
	}
	return time.Duration(ms) * time.Millisecond
}

// shutdownBudget is the stop's budget on a Shutdown control:
// timeouts.shutdown, within what WaitToKillServiceTimeout leaves.
func shutdownBudget(configured, waitToKill time.Duration) time.Duration {
	return min(configured, withMargin(waitToKill))
}

// consoleShutdownBudget is the budget of a console process stopped by a
// closed window, a logoff or a shutdown: timeouts.shutdown, within 5 s.
func consoleShutdownBudget(configured time.Duration) time.Duration {
	return min(configured, withMargin(consoleCloseLimit))
}
