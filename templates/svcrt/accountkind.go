package svcrt

import "strings"

// accountKind sorts a service account by what the SCM needs for it.
type accountKind int

const (
	accountBuiltin accountKind = iota // LocalSystem, NT AUTHORITY\LocalService, NT AUTHORITY\NetworkService
	accountVirtual                    // NT SERVICE\<name>
	accountManaged                    // a (group) managed service account: DOMAIN\name$
	accountUser                       // DOMAIN\user or .\user, with a password
)

func kindOfAccount(account string) accountKind {
	upper := strings.ToUpper(account)
	switch {
	case account == "" || strings.EqualFold(account, "LocalSystem") || strings.HasPrefix(upper, `NT AUTHORITY\`):
		return accountBuiltin
	case strings.HasPrefix(upper, `NT SERVICE\`):
		return accountVirtual
	case strings.HasSuffix(account, "$"):
		return accountManaged
	}
	return accountUser
}

// needsLogonRight: a user or managed account may run a service only with
// the "Log on as a service" right (SeServiceLogonRight). services.msc
// grants it when an account is chosen there; CreateService does not, and
// the start then fails with 1069. Built-in and virtual accounts have it.
func needsLogonRight(account string) bool {
	k := kindOfAccount(account)
	return k == accountUser || k == accountManaged
}

// nullPassword: ChangeServiceConfig and CreateService want a NULL password
// (not an empty one) for a virtual or managed account; Windows manages
// their passwords itself.
func nullPassword(account string) bool {
	k := kindOfAccount(account)
	return k == accountVirtual || k == accountManaged
}
