package svcrt

import (
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// stopBudgets are the stop budgets of an OS shutdown, read once at start
// (not when the control comes: the machine is going down then).
type stopBudgets struct {
	preshutdown time.Duration
	shutdown    time.Duration
}

// osStopBudgets reads what Windows allows this service (osbudget.go).
func (cfg *Config) osStopBudgets(name string) stopBudgets {
	var registered time.Duration
	if cfg.Windows.Preshutdown == 0 {
		registered = registeredPreshutdown(name)
	}
	value, present := readWaitToKillService()
	return stopBudgets{
		preshutdown: preshutdownBudget(cfg.Windows.Preshutdown, registered, windows.RtlGetVersion().BuildNumber),
		shutdown:    shutdownBudget(cfg.Timeouts.Shutdown, waitToKillService(value, present)),
	}
}

// registeredPreshutdown is the PreShutdown timeout the SCM holds for the
// service (an administrator may have set one); 0 when it cannot be read,
// as under an SCM that does not implement the query.
func registeredPreshutdown(name string) time.Duration {
	m, err := windows.OpenSCManager(nil, nil, windows.SC_MANAGER_CONNECT)
	if err != nil {
		return 0
	}
	defer windows.CloseServiceHandle(m)
	n, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return 0
	}
	s, err := windows.OpenService(m, n, windows.SERVICE_QUERY_CONFIG)
	if err != nil {
		return 0
	}
	defer windows.CloseServiceHandle(s)
	var info struct{ Timeout uint32 }
	var need uint32
	err = windows.QueryServiceConfig2(s, windows.SERVICE_CONFIG_PRESHUTDOWN_INFO, (*byte)(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info)), &need)
	if err != nil {
		return 0
	}
	return time.Duration(info.Timeout) * time.Millisecond
}

// readWaitToKillService reads HKLM\SYSTEM\CurrentControlSet\Control\WaitToKillServiceTimeout.
func readWaitToKillService() (string, bool) {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, `SYSTEM\CurrentControlSet\Control`, registry.QUERY_VALUE)
	if err != nil {
		return "", false
	}
	defer k.Close()
	v, _, err := k.GetStringValue("WaitToKillServiceTimeout")
	if err != nil { // missing: the default
		return "", false
	}
	return v, true
}
