package svcrt

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

var procAdjustTokenPrivileges = advapi32.NewProc("AdjustTokenPrivileges")

// enableShutdownPrivilege enables SeShutdownPrivilege in this process's
// token: ChangeServiceConfig2(SERVICE_CONFIG_FAILURE_ACTIONS) with a reboot
// action fails with access denied unless the caller has it enabled
// (SERVICE_FAILURE_ACTIONS). Administrators hold it, disabled.
func enableShutdownPrivilege() error {
	var token windows.Token
	if err := windows.OpenProcessToken(windows.CurrentProcess(), windows.TOKEN_ADJUST_PRIVILEGES|windows.TOKEN_QUERY, &token); err != nil {
		return err
	}
	defer token.Close()
	var luid windows.LUID
	name, _ := windows.UTF16PtrFromString("SeShutdownPrivilege")
	if err := windows.LookupPrivilegeValue(nil, name, &luid); err != nil {
		return err
	}
	tp := windows.Tokenprivileges{PrivilegeCount: 1}
	tp.Privileges[0] = windows.LUIDAndAttributes{Luid: luid, Attributes: windows.SE_PRIVILEGE_ENABLED}
	// Called directly: AdjustTokenPrivileges succeeds without enabling a
	// privilege the token lacks, and says so only in the last error
	// (ERROR_NOT_ALL_ASSIGNED), which x/sys's wrapper drops.
	ok, _, lastErr := procAdjustTokenPrivileges.Call(uintptr(token), 0, uintptr(unsafe.Pointer(&tp)), 0, 0, 0)
	if ok == 0 {
		return lastErr
	}
	if lastErr == windows.ERROR_NOT_ALL_ASSIGNED {
		return fmt.Errorf("this account does not hold SeShutdownPrivilege (Shut down the system), which a reboot recovery action needs")
	}
	return nil
}
