package svcrt

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
	registry "golang.org/x/sys/windows/registry"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
	"golang.org/x/sys/windows/svc/mgr"
)

// verbSlack is added to the start and stop budgets when a verb waits for the
// service: the service ends each phase within its budget; the slack covers
// the process start and the SCM's bookkeeping.
const verbSlack = 5 * time.Second

// verbArgs reads the one flag of the management verbs: -name, the name in
// the SCM (default the spec's name), so one binary can run as several instances.
func (cfg *Config) verbArgs(verb string, args []string) (string, bool) {
	fs := flag.NewFlagSet(cfg.Name+" "+verb, flag.ContinueOnError)
	name := fs.String("name", cfg.Name, "the service's name in the Service Control Manager")
	if err := fs.Parse(args); err != nil {
		return "", false
	}
	if fs.NArg() > 0 || *name == "" {
		fmt.Fprintf(os.Stderr, "usage: %s %s [-name NAME]\n", cfg.Name, verb)
		return "", false
	}
	return *name, true
}

// verbFailed reports a failed verb, with the remedy of the SCM errors an
// operator meets most (scmHint).
func verbFailed(verb, name string, err error) ExitCode {
	fmt.Fprintf(os.Stderr, "%s %s: %v\n", verb, name, err)
	var errno windows.Errno
	if errors.As(err, &errno) {
		if hint := scmHint(uint32(errno)); hint != "" {
			fmt.Fprintln(os.Stderr, hint)
		}
	}
	return ExitVerbFailed
}

// scmConnection is a connection to the SCM that asked only for what a verb
// needs: status reads with SC_MANAGER_CONNECT and SERVICE_QUERY_STATUS |
// SERVICE_QUERY_CONFIG, which every authenticated user has by default, so
// it works without elevation; mgr.Connect and OpenService ask for all access.
type scmConnection struct {
	h windows.Handle
}

func (c *scmConnection) Disconnect() { windows.CloseServiceHandle(c.h) }

// open connects to the SCM and opens the service with access.
func open(name string, access uint32) (*scmConnection, *mgr.Service, error) {
	h, err := windows.OpenSCManager(nil, nil, windows.SC_MANAGER_CONNECT)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to the Service Control Manager: %w", err)
	}
	n, err := windows.UTF16PtrFromString(name)
	if err != nil {
		windows.CloseServiceHandle(h)
		return nil, nil, err
	}
	sh, err := windows.OpenService(h, n, access)
	if err != nil {
		windows.CloseServiceHandle(h)
		if errors.Is(err, windows.ERROR_SERVICE_DOES_NOT_EXIST) {
			return nil, nil, errors.New("not installed")
		}
		return nil, nil, fmt.Errorf("open the service: %w", err)
	}
	return &scmConnection{h: h}, &mgr.Service{Name: name, Handle: sh}, nil
}

// The access each verb opens the service with.
const (
	accessStatus    = windows.SERVICE_QUERY_STATUS | windows.SERVICE_QUERY_CONFIG
	accessStart     = windows.SERVICE_START | windows.SERVICE_QUERY_STATUS
	accessStop      = windows.SERVICE_STOP | windows.SERVICE_QUERY_STATUS
	accessUninstall = windows.SERVICE_STOP | windows.SERVICE_QUERY_STATUS | windows.DELETE
)

// stateName names a state the way sc.exe does.
func scmStateName(s svc.State) string {
	switch s {
	case svc.Stopped:
		return "STOPPED"
	case svc.StartPending:
		return "START_PENDING"
	case svc.StopPending:
		return "STOP_PENDING"
	case svc.Running:
		return "RUNNING"
	case svc.ContinuePending:
		return "CONTINUE_PENDING"
	case svc.PausePending:
		return "PAUSE_PENDING"
	case svc.Paused:
		return "PAUSED"
	}
	return fmt.Sprintf("state %d", s)
}

// exitText describes how a stopped service ended.
func exitText(st svc.Status) string {
	switch {
	case st.Win32ExitCode == uint32(windows.ERROR_SERVICE_SPECIFIC_ERROR):
		return fmt.Sprintf("exit code %d (%s)", st.ServiceSpecificExitCode, ExitCode(st.ServiceSpecificExitCode))
	case st.Win32ExitCode != 0:
		return fmt.Sprintf("error %d (%v)", st.Win32ExitCode, windows.Errno(st.Win32ExitCode))
	}
	return "exit code 0 (clean stop)"
}

// install registers the service, or updates the registration when it is
// installed already. The SCM runs `<this exe> service`. Settings this SCM does
// not implement are warnings (the install still works without them); any
// other failure undoes what the install did.
func (cfg *Config) install(setup Setup, args []string) ExitCode {
	fs := flag.NewFlagSet(cfg.Name+" install", flag.ContinueOnError)
	name := fs.String("name", cfg.Name, "the service's name in the Service Control Manager")
	envFile := fs.String("env-file", "", "store the variables of this file (dotenv syntax) as the service's configuration")
	var pairs envFlags
	fs.Var(&pairs, "env", "store KEY=VALUE in the service's configuration (repeatable; wins over -env-file)")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if fs.NArg() > 0 || *name == "" {
		fmt.Fprintf(os.Stderr, "usage: %s install [-name NAME] [-env KEY=VALUE]... [-env-file PATH]\n", cfg.Name)
		return ExitUsage
	}
	envPath, err := serviceEnvFile(*name, cfg.installAccount(*name))
	if err != nil {
		return verbFailed("install", *name, err)
	}
	var stored *installedEnv
	if *envFile != "" || len(pairs) > 0 {
		if stored, err = readInstallEnv(*envFile, pairs); err != nil {
			fmt.Fprintf(os.Stderr, "install %s: %v\n", *name, err)
			return ExitUsage
		}
		// The overrides are checked before anything is stored: a wrong one
		// would fail every start of the service.
		o := NewOverrides(cfg.Name, stored.env(envPath))
		setup(o)
		if err := o.Err(); err != nil {
			reportOverrides(os.Stderr, "install "+*name, err)
			return ExitStartFailed
		}
	}
	return cfg.installAs(*name, envPath, stored, cfg.listenAddrsWith(setup, envPath, stored))
}

// listenAddrsWith are the listen addresses the firewall rule opens: as the
// service will load them, from the configuration stored (given now, or by
// an earlier install), not from the spec alone.
func (cfg *Config) listenAddrsWith(setup Setup, envPath string, stored *installedEnv) []string {
	if !cfg.Windows.Firewall {
		return nil
	}
	if stored == nil {
		prev, err := readInstallEnv(envPath, nil)
		if err != nil {
			return cfg.Windows.FirewallAddrs // none stored yet
		}
		stored = prev
	}
	eff, _ := setup(NewOverrides(cfg.Name, stored.env(envPath)))
	return eff.Windows.FirewallAddrs
}

// envFlags collects repeated -env KEY=VALUE flags.
type envFlags []string

func (e *envFlags) String() string     { return strings.Join(*e, " ") }
func (e *envFlags) Set(v string) error { *e = append(*e, v); return nil }

// installAs registers the service under name with its env file at envPath,
// storing env there (nil: keep the file an earlier install stored).
func (cfg *Config) installAs(name, envPath string, env *installedEnv, listenAddrs []string) ExitCode {
	exe, err := os.Executable()
	if err != nil {
		return verbFailed("install", name, err)
	}
	password, err := cfg.accountPassword()
	if err != nil {
		return verbFailed("install", name, err)
	}
	m, err := mgr.Connect()
	if err != nil {
		return verbFailed("install", name, err)
	}
	defer m.Disconnect()
	i := &installer{cfg: cfg, name: name, exe: exe, password: password, envPath: envPath, env: env, listenAddrs: listenAddrs}
	i.warnings = checkExeLocation(exe, cfg.installAccount(name))
	err = i.run(m)
	if err != nil {
		if rerr := i.rollback(); rerr != nil {
			fmt.Fprintf(os.Stderr, "install %s: undo: %v\n", name, rerr)
		}
	}
	if i.s != nil {
		i.s.Close()
	}
	if err != nil {
		return verbFailed("install", name, err)
	}
	for _, w := range i.warnings {
		fmt.Fprintf(os.Stderr, "install %s: warning: %s\n", name, w)
	}
	done := "installed"
	if !i.created {
		done = "updated"
	}
	fmt.Printf("%s %s: %s\n", done, name, i.commandLine())
	return ExitOK
}

// installer is one install: what it changed, so a failure can undo it.
type installer struct {
	cfg                 *Config
	name, exe, password string
	s                   *mgr.Service
	created             bool     // the service is new: undo deletes it
	previous            []byte   // QUERY_SERVICE_CONFIG before an update: undo restores it
	createdSource       bool     // the event log source is new: undo removes it
	addedRule           bool     // the firewall rule was added: undo deletes it
	listenAddrs         []string // the service's listen addresses as it will load them (firewall)
	warnings            []string
	// envPath is the service's env file, passed on its command line; env is
	// what to store there (nil: keep what is there).
	envPath string
	env     *installedEnv
	// envBefore is the env file's content before the install (nil: there
	// was none), so undo puts it back or removes the new one.
	envBefore  []byte
	envWritten bool
}

// commandLine is what the SCM runs: `<exe> service -env-file <path>`.
func (in *installer) commandLine() string {
	return syscall.EscapeArg(in.exe) + " service -env-file " + syscall.EscapeArg(in.envPath)
}

// storeEnv writes the service's env file, readable by the service's account
// and administrators only (the file may hold secrets); an existing file is
// kept when install was given no configuration, and an empty one is
// created when there is none, so the service always finds its file.
func (in *installer) storeEnv() error {
	before, err := os.ReadFile(in.envPath)
	switch {
	case err == nil && in.env == nil:
		return nil
	case err == nil:
		in.envBefore = before
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("read %s: %w", in.envPath, err)
	}
	env := in.env
	if env == nil {
		env = &installedEnv{vars: map[string]EnvVar{}}
	}
	trustee, err := envFileTrustee(in.cfg.installAccount(in.name))
	if err != nil {
		return fmt.Errorf("protect the env file: %w", err)
	}
	if err := writeProtected(in.envPath, env.content(in.name), envFileSDDL(trustee)); err != nil {
		return fmt.Errorf("write the env file: %w", err)
	}
	in.envWritten = true
	return nil
}

func (in *installer) run(m *mgr.Mgr) error {
	cfg := in.cfg
	display := instanceDisplayName(cfg.DisplayName, cfg.Name, in.name)
	mc := mgr.Config{
		StartType:        cfg.startType(),
		ErrorControl:     mgr.ErrorNormal,
		Dependencies:     cfg.dependencies(),
		ServiceStartName: cfg.installAccount(in.name),
		Password:         in.password,
		DisplayName:      display,
	}
	if needsLogonRight(mc.ServiceStartName) {
		if err := grantServiceLogon(mc.ServiceStartName); err != nil {
			return fmt.Errorf("grant %s the right \"Log on as a service\" (%s), without which the service cannot start (1069): %w", mc.ServiceStartName, serviceLogonRight, err)
		}
	}
	s, err := m.OpenService(in.name)
	switch {
	case err == nil:
		in.s = s
		if in.previous, err = queryConfig(s); err != nil {
			return fmt.Errorf("read the installed configuration: %w", err)
		}
		if err := updateConfig(s, in.commandLine(), mc); err != nil {
			in.previous = nil // nothing changed
			return fmt.Errorf("update the configuration: %w", err)
		}
	case errors.Is(err, windows.ERROR_SERVICE_DOES_NOT_EXIST):
		// Only the basic configuration here: mgr would apply description,
		// delayed start and SID type inside CreateService and fail it whole on a
		// system that lacks one of them. They follow as steps of their own.
		s, err = m.CreateService(in.name, in.exe, mc, "service", "-env-file", in.envPath)
		if err != nil {
			return fmt.Errorf("create the service: %w", err)
		}
		in.s, in.created = s, true
	default:
		return fmt.Errorf("open the service: %w", err)
	}
	if err := in.storeEnv(); err != nil {
		return err
	}
	h := s.Handle
	if err := in.optional("description", setDescription(h, cfg.Description)); err != nil {
		return err
	}
	// A new service is not delayed; an updated one may have been: set it either way.
	if cfg.Windows.Start == "delayed-auto" || !in.created && cfg.Windows.Start == "auto" {
		if err := in.optional("delayed auto-start", setDelayedStart(h, cfg.Windows.Start == "delayed-auto")); err != nil {
			return err
		}
	}
	if strings.HasPrefix(cfg.Windows.Account, "NT SERVICE\\") {
		// A virtual account is the service's own SID: the SCM must give it one.
		if err := in.optional("service SID for the virtual account", setSidType(h, windows.SERVICE_SID_TYPE_UNRESTRICTED)); err != nil {
			return err
		}
	}
	if slices.ContainsFunc(cfg.Windows.Recovery, func(r RecoveryAction) bool { return r.Action == "reboot" }) {
		if err := enableShutdownPrivilege(); err != nil {
			return fmt.Errorf("a reboot recovery action: %w", err)
		}
	}
	if err := in.optional("recovery actions", cfg.setRecovery(s)); err != nil {
		return err
	}
	// Without this flag recovery fires only when the process dies without
	// reporting STOPPED: an exit code alone (a failed start) would not restart.
	if err := in.optional("recovery on non-crash failures", s.SetRecoveryActionsOnNonCrashFailures(cfg.Windows.RecoveryOnNonCrash)); err != nil {
		return err
	}
	// preshutdown = "0s" is the OS default: nothing is registered (an
	// update leaves what an administrator may have set; the service reads
	// the timeout back at start, osStopBudgets).
	if cfg.Windows.Preshutdown > 0 {
		if err := in.optional("preshutdown timeout", setPreshutdown(h, cfg.Windows.Preshutdown)); err != nil {
			return err
		}
	}
	if err := in.eventSource(); err != nil {
		return err
	}
	if err := in.dataDir(); err != nil {
		return err
	}
	return in.firewall()
}

// dataDir creates the instance's data directory (the default log's) for
// the service account now (serviceDataDirFor): a folder someone made
// before the install is refused here, not at the service's first start.
// An account whose SID cannot be looked up yet leaves it to the first
// start (serviceDataDir).
func (in *installer) dataDir() error {
	if in.cfg.Log.File != "" {
		return nil
	}
	dir, err := serviceDataDirFor(in.name, in.cfg.installAccount(in.name))
	switch {
	case errors.Is(err, errAccountUnknown):
		in.warnings = append(in.warnings, fmt.Sprintf("%s is created at the first start, not now: %v", dir, err))
	case err != nil:
		return fmt.Errorf("the service's data directory: %w", err)
	}
	return nil
}

// firewall adds the inbound rule of windows.firewall.
func (in *installer) firewall() error {
	cfg := in.cfg
	if !cfg.Windows.Firewall {
		return nil
	}
	ports := firewallPorts(in.listenAddrs)
	if ports == "" {
		in.warnings = append(in.warnings, "windows.firewall: no firewall rule added, every http listener is on a loopback address or port 0")
		return nil
	}
	if err := addFirewallRule(in.name, in.exe, ports); err != nil {
		return fmt.Errorf("add the firewall rule: %w", err)
	}
	in.addedRule = true
	return nil
}

// optional judges the result of one setting: ERROR_INVALID_LEVEL means this
// SCM does not implement the setting at all (Wine's, for several). That is
// said as a warning, not hidden and not treated as a failed install.
func (in *installer) optional(what string, err error) error {
	if errors.Is(err, windows.ERROR_INVALID_LEVEL) {
		in.warnings = append(in.warnings, what+" not applied: this Service Control Manager does not implement it (Invalid level)")
		return nil
	}
	if err != nil {
		return fmt.Errorf("set %s: %w", what, err)
	}
	return nil
}

// eventSource registers the service's name as an Application event log source
// when event_log is on, and removes one a former install left when it is off.
func (in *installer) eventSource() error {
	cfg := in.cfg
	exists := eventSourceExists(in.name)
	switch {
	case cfg.Windows.EventLog && !exists:
		err := eventlog.InstallAsEventCreate(in.name, eventlog.Error|eventlog.Warning|eventlog.Info)
		if err != nil {
			return fmt.Errorf("register the event log source: %w", err)
		}
		in.createdSource = true
	case !cfg.Windows.EventLog && exists:
		if err := eventlog.Remove(in.name); err != nil {
			return fmt.Errorf("remove the event log source: %w", err)
		}
	}
	return nil
}

// rollback undoes a failed install: a new service is deleted, an updated one
// gets its former configuration back (all but its password, which Windows
// never hands out).
func (in *installer) rollback() error {
	if in.createdSource {
		eventlog.Remove(in.name)
	}
	if in.envWritten {
		if in.envBefore != nil {
			trustee, _ := envFileTrustee(in.cfg.installAccount(in.name))
			writeProtected(in.envPath, in.envBefore, envFileSDDL(trustee))
		} else {
			os.Remove(in.envPath)
		}
	}
	if in.addedRule {
		deleteFirewallRule(in.name)
	}
	switch {
	case in.s == nil:
		return nil
	case in.created:
		return in.s.Delete()
	case in.previous != nil:
		return restoreConfig(in.s, in.previous)
	}
	return nil
}

// uninstall stops the service, deletes it and removes its event log source.
func (cfg *Config) uninstall(args []string) ExitCode {
	name, ok := cfg.verbArgs("uninstall", args)
	if !ok {
		return ExitUsage
	}
	m, s, err := open(name, accessUninstall)
	if err != nil {
		return verbFailed("uninstall", name, err)
	}
	defer m.Disconnect()
	defer s.Close()
	// Stopped first: Delete only marks a running service, which would then
	// vanish at some later stop. A stop that ends with a non-zero exit code
	// (a step over its budget) or does not end in time is said, and the
	// service is deleted all the same: uninstall is what was asked for.
	marked := false
	if st, err := query(s); err == nil && st.State != svc.Stopped {
		if err := cfg.stopAndWait(s, name); err != nil {
			fmt.Fprintf(os.Stderr, "uninstall %s: %v\n", name, err)
			if st, err := query(s); err == nil && st.State != svc.Stopped {
				marked = true
			}
		}
	}
	if err := s.Delete(); err != nil {
		return verbFailed("uninstall", name, fmt.Errorf("delete the service: %w", err))
	}
	if marked {
		fmt.Fprintf(os.Stderr, "uninstall %s: the service still runs: it is marked for deletion and goes when its process ends\n", name)
	}
	if cfg.Windows.Firewall && firewallPorts(cfg.Windows.FirewallAddrs) != "" {
		if err := deleteFirewallRule(name); err != nil {
			fmt.Fprintf(os.Stderr, "uninstall %s: warning: the firewall rule %q was not deleted: %v\n", name, firewallRuleName(name), err)
		}
	}
	if eventSourceExists(name) {
		if err := eventlog.Remove(name); err != nil {
			return verbFailed("uninstall", name, fmt.Errorf("remove the event log source: %w", err))
		}
	}
	// The configuration install stored (it may hold secrets) goes with the service.
	if base := os.Getenv("ProgramData"); base != "" {
		if err := os.Remove(filepath.Join(base, name, name+".env")); err != nil && !errors.Is(err, os.ErrNotExist) {
			return verbFailed("uninstall", name, fmt.Errorf("remove the env file: %w", err))
		}
	}
	fmt.Printf("uninstalled %s\n", name)
	return ExitOK
}

// startType is the SCM start type of windows.start; delayed-auto is
// automatic plus the delayed flag (a setting of its own).
func (cfg *Config) startType() uint32 {
	switch cfg.Windows.Start {
	case "manual":
		return mgr.StartManual
	case "disabled":
		return mgr.StartDisabled
	}
	return mgr.StartAutomatic
}

// dependencies are the services the SCM starts before this one.
func (cfg *Config) dependencies() []string {
	if cfg.Windows.Dependencies == "" {
		return nil
	}
	return strings.Split(cfg.Windows.Dependencies, "/")
}

// installAccount is the account the service runs as. A virtual account is
// named after the service, so an instance installed with -name gets its own.
func (cfg *Config) installAccount(name string) string {
	if cfg.Windows.Account == "NT SERVICE\\"+cfg.Name {
		return "NT SERVICE\\" + name
	}
	return cfg.Windows.Account
}

// recoveryActions are windows.recovery: the Nth failure takes the Nth
// action, later failures the last one.
func (cfg *Config) recoveryActions() []mgr.RecoveryAction {
	var actions []mgr.RecoveryAction
	for _, r := range cfg.Windows.Recovery {
		actions = append(actions, mgr.RecoveryAction{Type: recoveryType(r.Action), Delay: r.Delay})
	}
	return actions
}

func recoveryType(action string) int {
	switch action {
	case "restart":
		return mgr.ServiceRestart
	case "reboot":
		return mgr.ComputerReboot
	}
	return mgr.NoAction
}

// accountPassword is the password of a DOMAIN\user account: from the
// variable windows.password_env names, else asked on the console. Built-in,
// virtual and managed accounts have none.
func (cfg *Config) accountPassword() (string, error) {
	if cfg.Windows.PasswordEnv == "" {
		return "", nil
	}
	if pw := os.Getenv(cfg.Windows.PasswordEnv); pw != "" {
		return pw, nil
	}
	console := windows.Handle(os.Stdin.Fd())
	var mode uint32
	if err := windows.GetConsoleMode(console, &mode); err != nil {
		return "", fmt.Errorf("the password of %s: set %s (there is no console to ask on)", cfg.Windows.Account, cfg.Windows.PasswordEnv)
	}
	// No echo while the password is typed; the mode comes back either way.
	if err := windows.SetConsoleMode(console, mode&^windows.ENABLE_ECHO_INPUT); err != nil {
		return "", err
	}
	defer windows.SetConsoleMode(console, mode)
	fmt.Fprintf(os.Stderr, "password of %s: ", cfg.Windows.Account)
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	fmt.Fprintln(os.Stderr)
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("no password given for %s: %v", cfg.Windows.Account, err)
	}
	return line, nil
}

func setDescription(h windows.Handle, text string) error {
	p, err := windows.UTF16PtrFromString(text)
	if err != nil {
		return err
	}
	d := windows.SERVICE_DESCRIPTION{Description: p}
	return windows.ChangeServiceConfig2(h, windows.SERVICE_CONFIG_DESCRIPTION, (*byte)(unsafe.Pointer(&d)))
}

func setDelayedStart(h windows.Handle, on bool) error {
	var d windows.SERVICE_DELAYED_AUTO_START_INFO
	if on {
		d.IsDelayedAutoStartUp = 1
	}
	return windows.ChangeServiceConfig2(h, windows.SERVICE_CONFIG_DELAYED_AUTO_START_INFO, (*byte)(unsafe.Pointer(&d)))
}

func setSidType(h windows.Handle, sidType uint32) error {
	return windows.ChangeServiceConfig2(h, windows.SERVICE_CONFIG_SERVICE_SID_INFO, (*byte)(unsafe.Pointer(&sidType)))
}

// setPreshutdown tells the SCM how long to wait for the stop after
// PreShutdown (SERVICE_PRESHUTDOWN_INFO; mgr has no setter).
func setPreshutdown(h windows.Handle, d time.Duration) error {
	info := struct {
		Timeout uint32
	}{uint32(d / time.Millisecond)}
	return windows.ChangeServiceConfig2(h, windows.SERVICE_CONFIG_PRESHUTDOWN_INFO, (*byte)(unsafe.Pointer(&info)))
}

func (cfg *Config) setRecovery(s *mgr.Service) error {
	actions := cfg.recoveryActions()
	if len(actions) == 0 {
		return s.ResetRecoveryActions()
	}
	return s.SetRecoveryActions(actions, uint32(cfg.Windows.RecoveryReset/time.Second))
}

// updateConfig rewrites the basic configuration of an installed service.
// (mgr's UpdateConfig also writes the delayed flag and SID type, and fails
// whole where the SCM lacks those; they are steps of their own here.)
func updateConfig(s *mgr.Service, commandLine string, c mgr.Config) error {
	var p [4]*uint16
	for i, v := range []string{commandLine, c.ServiceStartName, c.Password, c.DisplayName} {
		var err error
		if p[i], err = windows.UTF16PtrFromString(v); err != nil {
			return err
		}
	}
	if nullPassword(c.ServiceStartName) {
		p[2] = nil // a virtual or managed account: NULL, not ""
	}
	// Dependencies as a double-NUL-terminated list; an empty one clears them.
	var deps []uint16
	for _, d := range c.Dependencies {
		deps = append(deps, windows.StringToUTF16(d)...)
	}
	deps = append(deps, 0)
	return windows.ChangeServiceConfig(s.Handle, windows.SERVICE_NO_CHANGE, c.StartType, c.ErrorControl, p[0], nil, nil, &deps[0], p[1], p[2], p[3])
}

// queryConfig returns the service's QUERY_SERVICE_CONFIG with the strings
// it points to, in one buffer.
func queryConfig(s *mgr.Service) ([]byte, error) {
	need := uint32(unsafe.Sizeof(windows.QUERY_SERVICE_CONFIG{}))
	for {
		buf := make([]byte, need)
		err := windows.QueryServiceConfig(s.Handle, (*windows.QUERY_SERVICE_CONFIG)(unsafe.Pointer(&buf[0])), need, &need)
		if !errors.Is(err, windows.ERROR_INSUFFICIENT_BUFFER) {
			return buf, err
		}
	}
}

// restoreConfig puts back a configuration queryConfig read (the
// password stays as it is: nil means unchanged).
func restoreConfig(s *mgr.Service, buf []byte) error {
	c := (*windows.QUERY_SERVICE_CONFIG)(unsafe.Pointer(&buf[0]))
	return windows.ChangeServiceConfig(s.Handle, c.ServiceType, c.StartType, c.ErrorControl, c.BinaryPathName, c.LoadOrderGroup, nil, c.Dependencies, c.ServiceStartName, nil, c.DisplayName)
}

// eventSourceExists reports whether the Application log knows the source.
func eventSourceExists(name string) bool {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, "SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\"+name, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	k.Close()
	return true
}

// start starts the service and waits until it runs, printing each step
// (CheckPoint) of its warmup, for at most the start budget.
func (cfg *Config) start(args []string) ExitCode {
	name, ok := cfg.verbArgs("start", args)
	if !ok {
		return ExitUsage
	}
	m, s, err := open(name, accessStart)
	if err != nil {
		return verbFailed("start", name, err)
	}
	defer m.Disconnect()
	defer s.Close()
	if err := s.Start(); err != nil {
		if errors.Is(err, windows.ERROR_SERVICE_ALREADY_RUNNING) {
			fmt.Printf("%s is already running\n", name)
			return ExitOK
		}
		return verbFailed("start", name, err)
	}
	if _, err := wait(s, name, svc.Running, cfg.Timeouts.Start+verbSlack); err != nil {
		return verbFailed("start", name, err)
	}
	return ExitOK
}

// stopVerb stops the service and waits until it stopped, printing each
// step of its drain, for at most the stop budget.
func (cfg *Config) stopVerb(args []string) ExitCode {
	name, ok := cfg.verbArgs("stop", args)
	if !ok {
		return ExitUsage
	}
	m, s, err := open(name, accessStop)
	if err != nil {
		return verbFailed("stop", name, err)
	}
	defer m.Disconnect()
	defer s.Close()
	if err := cfg.stopAndWait(s, name); err != nil {
		return verbFailed("stop", name, err)
	}
	return ExitOK
}

// stopAndWait sends Stop and waits for STOPPED. A service that ends with
// a non-zero exit code stopped, but not cleanly: that is an error.
func (cfg *Config) stopAndWait(s *mgr.Service, name string) error {
	if _, err := s.Control(svc.Stop); err != nil {
		if errors.Is(err, windows.ERROR_SERVICE_NOT_ACTIVE) {
			fmt.Printf("%s is not running\n", name)
			return nil
		}
		return fmt.Errorf("send stop: %w", err)
	}
	st, err := wait(s, name, svc.Stopped, cfg.Timeouts.Stop+verbSlack)
	if err != nil {
		return err
	}
	if st.Win32ExitCode != 0 {
		return fmt.Errorf("stopped with %s", exitText(st))
	}
	return nil
}

// wait polls the service until it is in state want, printing every new
// state and CheckPoint. STOPPED while waiting for RUNNING is a failed start.
func wait(s *mgr.Service, name string, want svc.State, timeout time.Duration) (svc.Status, error) {
	deadline := time.Now().Add(timeout)
	var last svc.Status
	for first := true; ; first = false {
		st, err := query(s)
		if err != nil {
			return st, fmt.Errorf("query: %w", err)
		}
		if first || st.State != last.State || st.CheckPoint != last.CheckPoint {
			printStatus(name, st)
		}
		last = st
		switch {
		case st.State == want:
			return st, nil
		case st.State == svc.Stopped:
			return st, fmt.Errorf("stopped with %s", exitText(st))
		case time.Now().After(deadline):
			return st, fmt.Errorf("still %s after %s", scmStateName(st.State), timeout)
		}
		// The SCM has no cheap way to wait for a change; a short poll is what sc
		// and the x/sys example do too.
		time.Sleep(100 * time.Millisecond)
	}
}

// query is the service's status with its CheckPoint and WaitHint, the
// progress a verb prints: mgr's Service.Query (which has the process id)
// leaves them out, so they come from QueryServiceStatus.
func query(s *mgr.Service) (svc.Status, error) {
	st, err := s.Query()
	if err != nil {
		return st, err
	}
	var t windows.SERVICE_STATUS
	if err := windows.QueryServiceStatus(s.Handle, &t); err != nil {
		return st, err
	}
	st.State, st.CheckPoint, st.WaitHint = svc.State(t.CurrentState), t.CheckPoint, t.WaitHint
	st.Win32ExitCode, st.ServiceSpecificExitCode = t.Win32ExitCode, t.ServiceSpecificExitCode
	return st, nil
}

func printStatus(name string, st svc.Status) {
	switch st.State {
	case svc.StartPending, svc.StopPending:
		fmt.Printf("%s: %s, step %d (wait hint %s)\n", name, scmStateName(st.State), st.CheckPoint, time.Duration(st.WaitHint)*time.Millisecond)
	case svc.Running:
		fmt.Printf("%s: RUNNING (pid %d)\n", name, st.ProcessId)
	case svc.Stopped:
		fmt.Printf("%s: STOPPED, %s\n", name, exitText(st))
	default:
		fmt.Printf("%s: %s\n", name, scmStateName(st.State))
	}
}

// statusVerb prints the service's state and registered command line.
func (cfg *Config) statusVerb(args []string) ExitCode {
	name, ok := cfg.verbArgs("status", args)
	if !ok {
		return ExitUsage
	}
	m, s, err := open(name, accessStatus)
	if err != nil {
		return verbFailed("status", name, err)
	}
	defer m.Disconnect()
	defer s.Close()
	st, err := query(s)
	if err != nil {
		return verbFailed("status", name, err)
	}
	printStatus(name, st)
	if buf, err := queryConfig(s); err == nil {
		c := (*windows.QUERY_SERVICE_CONFIG)(unsafe.Pointer(&buf[0]))
		fmt.Printf("  command: %s\n  account: %s\n", windows.UTF16PtrToString(c.BinaryPathName), windows.UTF16PtrToString(c.ServiceStartName))
	}
	return ExitOK
}
