package svcrt

import (
	"os"
	"os/signal"
)

// runConsole runs the service in the foreground: a stop signal stops it in
// order, a second one exits at once with ExitForced, flushing what it can.
func runConsole(cfg *Config, wire func(*App)) ExitCode {
	path := configuredLogPath(cfg, cfg.Name)
	log, flush, err := newLogger(cfg, path, cfg.Log.OpenFile)
	if err != nil {
		log.Error("log file unavailable, logging to stderr", "path", path, "err", err)
	}
	app := New(cfg, log, flush)
	// Only Windows maps a signal to an OS shutdown (stopKindOf): a closed
	// console window, a logoff or a shutdown, after which Windows kills the
	// process within 5 s. The stop plans to end before that.
	app.shutdownBudget = consoleShutdownBudget(cfg.Timeouts.Shutdown)
	wire(app)
	systemdDoor(app)       // READY=1, STOPPING=1, WATCHDOG=1 under systemd (systemd_*.go)
	up := upgradeDoor(app) // SIGUSR2 on Linux (upgrade_*.go)
	defer up.exit()
	// Buffered: a signal that arrives while the previous one is handled is
	// kept, not dropped (os/signal does not block to deliver).
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, stopSignals()...)
	defer signal.Stop(sigs)
	// The reload hook runs on its own goroutine: a stop signal during a
	// reload is still served.
	reload := make(chan os.Signal, 1)
	// Guarded: signal.Notify with no signals would relay every signal.
	if rs := reloadSignals(); len(rs) > 0 {
		signal.Notify(reload, rs...)
	}
	defer signal.Stop(reload)
	upgrades := make(chan os.Signal, 1)
	if us := upgradeSignals(); len(us) > 0 {
		signal.Notify(upgrades, us...)
	}
	defer signal.Stop(upgrades)
	done := make(chan ExitCode, 1)
	go func() {
		done <- app.Run()
	}()
	for {
		select {
		case code := <-done:
			return code
		case <-reload:
			go app.Reload()
		case <-upgrades:
			go up.ring()
		case sig := <-sigs:
			if app.Stop(stopKindOf(sig), "signal "+sig.String()) {
				log.Error("stopped", "code", int(ExitForced), "reason", "second stop signal "+sig.String())
				flush()
				return ExitForced
			}
		}
	}
}
