package svcrt

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
)

// notify sends one sd_notify(3) message to systemd over the datagram socket
// named by $NOTIFY_SOCKET; outside systemd (no variable) it does nothing. A
// name starting with @ is an abstract socket: Go's net package turns the @
// into the leading NUL byte the kernel expects.
func notify(state string) error {
	name := os.Getenv("NOTIFY_SOCKET")
	if name == "" || notifyHandedOver.Load() {
		return nil
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Write([]byte(state))
	return err
}

// notifyHandedOver: an upgrade made another process the service's main
// process (notifyMainPID); what this one says from then on (STOPPING=1 as
// it drains) would be taken as the service's state, so it says nothing.
var notifyHandedOver atomic.Bool

// notifyMainPID tells systemd that pid is the service's main process from
// now on, and silences this process. The unit's NotifyAccess=all lets the
// new process's notifications through before and after.
func notifyMainPID(pid int) error {
	err := notify(fmt.Sprintf("MAINPID=%d\nSTATUS=upgraded", pid))
	notifyHandedOver.Store(true)
	return err
}

// systemdDoor tells systemd what the engine does, through its callbacks:
// READY=1 once every resource is warm (Type=notify: `systemctl start` returns
// then, and units ordered After= this one start only then), STOPPING=1 when
// the stop begins, and EXTEND_TIMEOUT_USEC with each real step of the warmup
// and the stop, so a slow but moving start is not killed by TimeoutStartSec.
// Under WatchdogSec it sends WATCHDOG=1 at half the interval while the service
// is live: when the check of an on_failure = liveness resource keeps failing
// the pings stop and systemd restarts the service.
func systemdDoor(app *App) {
	if os.Getenv("NOTIFY_SOCKET") == "" {
		return
	}
	ready, stopping, progress := app.ready, app.stopping, app.progress
	// extend is the budget of the current phase: a step may take all of it.
	var extend atomic.Int64
	extend.Store(int64(app.cfg.Timeouts.Start))
	app.progress = func(step string) {
		progress(step)
		notify(fmt.Sprintf("EXTEND_TIMEOUT_USEC=%d\nSTATUS=%s", time.Duration(extend.Load()).Microseconds(), step))
	}
	app.ready = func() {
		ready()
		notify("READY=1\nSTATUS=ready")
	}
	app.stopping = func(budget time.Duration) {
		extend.Store(int64(budget))
		stopping(budget)
		notify(fmt.Sprintf("STOPPING=1\nEXTEND_TIMEOUT_USEC=%d\nSTATUS=stopping", budget.Microseconds()))
	}
	if every := watchdogEvery(); every > 0 {
		go func() {
			// Pings end with the process; a stuck engine stops nothing here, but a
			// process that stops scheduling goroutines stops pinging.
			for range time.Tick(every) {
				if !app.failing.Load() {
					notify("WATCHDOG=1")
				}
			}
		}()
	}
}

// watchdogEvery is half of systemd's WatchdogSec ($WATCHDOG_USEC), or 0 when
// systemd expects no pings from this process.
func watchdogEvery() time.Duration {
	if pid := os.Getenv("WATCHDOG_PID"); pid != "" && pid != strconv.Itoa(os.Getpid()) {
		return 0
	}
	usec, err := strconv.ParseInt(os.Getenv("WATCHDOG_USEC"), 10, 64)
	if err != nil || usec <= 0 {
		return 0
	}
	return time.Duration(usec) * time.Microsecond / 2
}

// systemdVerb handles install and uninstall: registration with systemd.
func systemdVerb(cfg *Config, verb string, args []string) (ExitCode, bool) {
	switch verb {
	case "install":
		return installUnit(cfg, args), true
	case "uninstall":
		return uninstallUnit(cfg, args), true
	case "upgrade":
		return upgradeVerb(cfg, args), true
	}
	return 0, false
}

func systemdUsage() string {
	return "  install  write the systemd unit and its instance template (NAME@.service) to /etc/systemd/system,\n           create /etc/NAME/NAME.env (0600), reload systemd and enable the unit\n           (-dir DIR: only write the units into DIR, for packages and images)\n  uninstall stop and disable the unit and remove the units (the env files stay)\n  upgrade  replace the running process by the binary now at its path without refusing a connection\n           (SIGUSR2 to the process; -pid N, else the PID file, else systemd's MainPID); 0 once the new one serves\n"
}

// envDir is where the units' env files live: /etc/<name>/<name>.env for the
// unit, /etc/<name>/<instance>.env for each instance of the template unit.
func envDir(cfg *Config) string { return filepath.Join("/etc", cfg.Name) }

// checkEnvFiles creates the env file directory (0750) and the unit's env
// file (0600, root's: systemd reads it before dropping to User=), and refuses
// an env file in it that other users may read or write: it holds secrets.
func checkEnvFiles(cfg *Config, dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	main := filepath.Join(dir, cfg.Name+".env")
	if _, err := os.Lstat(main); errors.Is(err, os.ErrNotExist) {
		f, err := os.OpenFile(main, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		fmt.Fprintf(f, "# %s: the deployment's configuration, read by systemd (EnvironmentFile=).\n# <SERVICE>_<TABLE>_<KEY>=value overrides a value of the spec; see `%s config`.\n", cfg.Name, cfg.Name)
		if err := f.Close(); err != nil {
			return err
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".env") {
			continue
		}
		if err := privateEnvFile(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// privateEnvFile refuses an env file that users other than its owner and
// group may read or write, or that is not a regular file.
func privateEnvFile(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Mode().Perm()&0o007 != 0 {
		return fmt.Errorf("%s is readable or writable by every user (mode %04o) and may hold secrets: chmod 600 %s (or 640 with the service's group)", path, fi.Mode().Perm(), path)
	}
	return nil
}

// unitDir is where units of the local administrator live.
const unitDir = "/etc/systemd/system"

// installUnit writes the unit with ExecStart set to this executable, reloads
// systemd and enables the unit; a failure after the write removes it again.
func installUnit(cfg *Config, args []string) ExitCode {
	fs := flag.NewFlagSet(cfg.Name+" install", flag.ContinueOnError)
	dir := fs.String("dir", "", "only write the unit into this directory (no systemctl)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return ExitUsage
	}
	fail := func(err error) ExitCode {
		fmt.Fprintf(os.Stderr, "%s: install: %v\n", cfg.Name, err)
		return ExitVerbFailed
	}
	exe, err := os.Executable()
	if err != nil {
		return fail(err)
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	target := unitDir
	if *dir != "" {
		target = *dir
	} else if err := checkEnvFiles(cfg, envDir(cfg)); err != nil {
		return fail(err)
	}
	path := filepath.Join(target, cfg.Name+".service")
	template := filepath.Join(target, cfg.Name+"@.service")
	for _, u := range []struct{ path, text string }{{path, unit(cfg, exe, false)}, {template, unit(cfg, exe, true)}} {
		// Written to a temporary file and renamed: systemd never reads half a unit.
		tmp := u.path + ".tmp"
		if err := os.WriteFile(tmp, []byte(u.text), 0o644); err != nil {
			os.Remove(path)
			return fail(err)
		}
		if err := os.Rename(tmp, u.path); err != nil {
			os.Remove(tmp)
			os.Remove(path)
			return fail(err)
		}
	}
	if *dir != "" {
		fmt.Println("wrote", path, template)
		return ExitOK
	}
	for _, cmd := range [][]string{{"daemon-reload"}, {"enable", cfg.Name + ".service"}} {
		if err := systemctl(cmd...); err != nil {
			os.Remove(path)
			os.Remove(template)
			systemctl("daemon-reload")
			return fail(err)
		}
	}
	fmt.Printf("installed %s (enabled); start it with: systemctl start %s\n", path, cfg.Name)
	fmt.Printf("configuration: %s; an instance NAME: %s with its own %s, systemctl enable --now %s@NAME\n",
		filepath.Join(envDir(cfg), cfg.Name+".env"), template, filepath.Join(envDir(cfg), "NAME.env"), cfg.Name)
	return ExitOK
}

// uninstallUnit stops and disables the unit, removes it and reloads systemd.
func uninstallUnit(cfg *Config, args []string) ExitCode {
	if len(args) > 0 {
		fmt.Fprintf(os.Stderr, "%s: uninstall takes no arguments, got %q\n", cfg.Name, args)
		return ExitUsage
	}
	path := filepath.Join(unitDir, cfg.Name+".service")
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(os.Stderr, "%s: uninstall: %v\n", cfg.Name, err)
		return ExitVerbFailed
	}
	// disable --now stops the service first: in order, through SIGTERM.
	if err := systemctl("disable", "--now", cfg.Name+".service"); err != nil {
		fmt.Fprintf(os.Stderr, "%s: uninstall: %v\n", cfg.Name, err)
		return ExitVerbFailed
	}
	if err := os.Remove(path); err != nil {
		fmt.Fprintf(os.Stderr, "%s: uninstall: %v\n", cfg.Name, err)
		return ExitVerbFailed
	}
	// The template unit; its instances (NAME@x) are the administrator's to stop.
	if err := os.Remove(filepath.Join(unitDir, cfg.Name+"@.service")); err != nil && !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(os.Stderr, "%s: uninstall: %v\n", cfg.Name, err)
		return ExitVerbFailed
	}
	if err := systemctl("daemon-reload"); err != nil {
		fmt.Fprintf(os.Stderr, "%s: uninstall: %v\n", cfg.Name, err)
		return ExitVerbFailed
	}
	fmt.Println("removed", path)
	return ExitOK
}

func systemctl(args ...string) error {
	out, err := exec.Command("systemctl", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("systemctl %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// unitQuote quotes a path for ExecStart: % starts a specifier, $ a variable,
// quotes keep a path with spaces one argument, and a control character (a
// line break would end the setting) is written as a C escape, which
// ExecStart= decodes.
func unitQuote(p string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range []byte(p) {
		switch {
		case c == '\\' || c == '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '%' || c == '$':
			b.WriteByte(c)
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, "\\x%02x", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// unitText writes free text as a unit setting that takes its value as it is
// (Description=): on one line with single spaces, since a line break would
// start a new setting or section; without trailing backslashes, which would
// join the next line to it; and with % doubled, since % starts a specifier.
func unitText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimRight(strings.Join(strings.Fields(s), " "), " \\")
	return strings.ReplaceAll(s, "%", "%%")
}

// systemdMargin is added to the start and stop budgets for TimeoutStartSec and
// TimeoutStopSec: the engine keeps its own budgets, and systemd's SIGKILL should
// only ever hit a process that is stuck.
const systemdMargin = 5 * time.Second

// unit is the unit install writes, with ExecStart set to exe; instance: the
// template unit NAME@.service, whose instance %i reads /etc/NAME/%i.env.
func unit(cfg *Config, exe string, instance bool) string {
	desc := cfg.DisplayName
	if desc == "" {
		desc = cfg.Name
	}
	if cfg.Description != "" {
		desc += ": " + cfg.Description
	}
	envFile := filepath.Join(envDir(cfg), cfg.Name+".env")
	instanceDesc, runtimeDir := "", cfg.Name
	if instance {
		// %i is the instance name, as systemd expands it; the path part is
		// the unit's own, free of specifiers (the service name has none).
		// Each instance has its own runtime directory: systemd removes it
		// when the unit stops, and it holds the instance's PID file.
		envFile = filepath.Join(envDir(cfg), "%i.env")
		instanceDesc, runtimeDir = " (instance %i)", cfg.Name+"-%i"
	}
	return strings.NewReplacer(
		"@EXEC@", unitQuote(exe),
		"@DESCRIPTION@", unitText(desc)+instanceDesc,
		"@ENV_FILE@", envFile,
		"@RUNTIME_DIR@", runtimeDir,
		"@TIMEOUT_START@", unitDuration(cfg.Timeouts.Start+systemdMargin),
		"@TIMEOUT_STOP@", unitDuration(cfg.Timeouts.Stop+systemdMargin),
		"@RESTART_SEC@", unitDuration(cfg.Systemd.RestartSec),
		"@WATCHDOG@", unitDuration(cfg.Systemd.Watchdog),
		"@USER@", cfg.Systemd.User,
	).Replace(cfg.Systemd.Unit)
}

// unitDuration writes d in systemd's time syntax: whole seconds, else
// milliseconds.
func unitDuration(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
}
