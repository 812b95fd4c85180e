package svcrt

import (
	"fmt"
	"slices"
)

// Well-known SIDs the service's data directory may be owned by and written
// by, besides the service account itself.
const (
	sidSystem         = "S-1-5-18"     // NT AUTHORITY\SYSTEM
	sidAdministrators = "S-1-5-32-544" // BUILTIN\Administrators
	sidCreatorOwner   = "S-1-3-0"      // CREATOR OWNER: stands for whoever creates a child, who already had write
)

// dirACE is one access control entry of a directory's DACL, as the judge
// below needs it: allow or deny, the trustee's SID as text, the access mask.
type dirACE struct {
	Allow bool
	SID   string
	Mask  uint32
}

// dirWriteMask is every right that lets a trustee change what is in the
// directory or who may: write or append data (create files, subdirectories),
// delete children or the directory, change its DACL or owner, and the generic
// rights that include them.
const dirWriteMask = 0x2 | 0x4 | 0x40 | 0x10000 | 0x40000 | 0x80000 | 0x40000000 | 0x10000000

// dataDirRefusal judges a data directory that exists already: it is used
// only when its owner is SYSTEM, Administrators or the service account and
// no other trustee may write to it. A folder someone else created before the
// service (C:\ProgramData lets every user create one) could hold a planted
// log or configuration file, or be read by its creator: it is refused, with
// the reason. nilDACL is a directory without a DACL: everyone has every right.
//
// installer is the account running install (an administrator), trusted as
// well when install judges the folder: what it made is not planted. Empty
// at the service's start.
func dataDirRefusal(dir, owner string, nilDACL bool, aces []dirACE, account, installer string) error {
	trusted := []string{sidSystem, sidAdministrators, account}
	if installer != "" {
		trusted = append(trusted, installer)
	}
	if !slices.Contains(trusted, owner) {
		return fmt.Errorf("%s exists and is owned by %s, not by SYSTEM, Administrators or the service account (%s): refusing a folder another account created; delete it and start the service again", dir, owner, account)
	}
	if nilDACL {
		return fmt.Errorf("%s exists with no access control list (everyone may write it): refusing it; delete it and start the service again", dir)
	}
	for _, a := range aces {
		if a.Allow && a.Mask&dirWriteMask != 0 && !slices.Contains(trusted, a.SID) && a.SID != sidCreatorOwner {
			return fmt.Errorf("%s exists and lets %s write to it (access mask %#x): refusing it; delete it and start the service again", dir, a.SID, a.Mask)
		}
	}
	return nil
}

// dataDirSDDL is the security descriptor of a new data directory: a
// protected DACL (no inherited entries, so not the Users' "create files"
// right C:\ProgramData passes down) giving full control to SYSTEM,
// Administrators and the service account, inherited by every file and
// folder created in it. Nobody else may read it either: the log and a
// configuration file may hold what only operators should see.
func dataDirSDDL(account string) string {
	return "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;" + account + ")"
}
