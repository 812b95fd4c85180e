package svcrt

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// The LSA policy calls x/sys does not wrap.
var (
	advapi32                = windows.NewLazySystemDLL("advapi32.dll")
	procLsaOpenPolicy       = advapi32.NewProc("LsaOpenPolicy")
	procLsaAddAccountRights = advapi32.NewProc("LsaAddAccountRights")
	procLsaClose            = advapi32.NewProc("LsaClose")
	procLsaNtStatusToWinErr = advapi32.NewProc("LsaNtStatusToWinError")
)

// Access rights of LsaOpenPolicy (ntsecapi.h).
const (
	policyCreateAccount = 0x10
	policyLookupNames   = 0x800
)

// serviceLogonRight is the user right a service account needs.
const serviceLogonRight = "SeServiceLogonRight"

// grantServiceLogon gives account the "Log on as a service" right in the
// local security policy (LsaAddAccountRights: granting one it has is not an
// error). A domain policy may take it away again at the next refresh: then
// the start fails with 1069 and the hint says where to look.
func grantServiceLogon(account string) error {
	sid, err := lookupAccount(account)
	if err != nil {
		return err
	}
	var attrs windows.OBJECT_ATTRIBUTES
	attrs.Length = uint32(unsafe.Sizeof(attrs))
	var policy windows.Handle
	if err := lsaCall(procLsaOpenPolicy, 0, uintptr(unsafe.Pointer(&attrs)), policyCreateAccount|policyLookupNames, uintptr(unsafe.Pointer(&policy))); err != nil {
		return fmt.Errorf("open the local security policy: %w", err)
	}
	defer procLsaClose.Call(uintptr(policy))
	right, err := windows.NewNTUnicodeString(serviceLogonRight)
	if err != nil {
		return err
	}
	if err := lsaCall(procLsaAddAccountRights, uintptr(policy), uintptr(unsafe.Pointer(sid)), uintptr(unsafe.Pointer(right)), 1); err != nil {
		return fmt.Errorf("add %s: %w", serviceLogonRight, err)
	}
	return nil
}

// lsaCall calls an LSA function and turns its NTSTATUS into a Win32 error.
func lsaCall(p *windows.LazyProc, args ...uintptr) error {
	if err := p.Find(); err != nil {
		return err
	}
	status, _, _ := p.Call(args...)
	if status == 0 {
		return nil
	}
	code, _, _ := procLsaNtStatusToWinErr.Call(status)
	return windows.Errno(code)
}
