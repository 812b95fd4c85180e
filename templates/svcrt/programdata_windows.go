package svcrt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// serviceDataDir is %ProgramData%\<instance>, the directory of the
// instance's default log, crash output and files install writes for it,
// created if it does not exist with a DACL that lets only SYSTEM,
// Administrators and the service account (the account of this process) in.
// One that exists already is used only if nobody else owns or may write it
// (dataDirRefusal): C:\ProgramData lets every user create a folder, so a
// folder with the service's name may have been planted.
func serviceDataDir(instance string) (string, error) {
	dir, err := dataDirPath(instance)
	if err != nil {
		return "", err
	}
	account, err := processAccount()
	if err != nil {
		return "", fmt.Errorf("the service account's SID: %w", err)
	}
	return dir, ensureDataDir(dir, account, "")
}

// dataDirPath is %ProgramData%\<instance>.
func dataDirPath(instance string) (string, error) {
	if instance == "" || instance == "." || instance == ".." || strings.ContainsAny(instance, `\/:*?"<>|`) {
		return "", fmt.Errorf("service name %q cannot name a directory", instance)
	}
	base, err := programData()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, instance), nil
}

// serviceDataDirFor is serviceDataDir for install, which runs as an
// administrator: the directory is made for the account the service will
// run as (as install names it: LocalSystem, NT AUTHORITY\LocalService,
// NT SERVICE\<name>, DOMAIN\user), so it exists before any other user
// could create a folder of that name, and one someone made earlier is
// reported where an operator reads it. An account whose SID cannot be
// looked up yet returns an error wrapping errAccountUnknown.
func serviceDataDirFor(instance, account string) (string, error) {
	dir, err := dataDirPath(instance)
	if err != nil {
		return "", err
	}
	sid := sidSystem
	if !strings.EqualFold(account, "LocalSystem") && account != "" {
		s, err := lookupAccount(account)
		if err != nil {
			return dir, fmt.Errorf("%w: %w", errAccountUnknown, err)
		}
		sid = s.String()
	}
	installer, err := processAccount()
	if err != nil {
		return dir, fmt.Errorf("the installing account's SID: %w", err)
	}
	return dir, ensureDataDir(dir, sid, installer)
}

// errAccountUnknown: the service account has no SID this system can look
// up (yet).
var errAccountUnknown = errors.New("the service account is unknown")

// lookupAccount is the SID of a service account as install names it
// (".\user" is a local account: the machine's name is its domain).
func lookupAccount(account string) (*windows.SID, error) {
	name := account
	if rest, ok := strings.CutPrefix(account, `.\`); ok {
		host, err := windows.ComputerName()
		if err != nil {
			return nil, err
		}
		name = host + `\` + rest
	}
	sid, _, _, err := windows.LookupSID("", name)
	if err == nil {
		return sid, nil
	}
	// A virtual account's SID follows from the service's name, and the
	// account may not exist yet (install, before CreateService; Wine).
	if svcName, ok := strings.CutPrefix(account, `NT SERVICE\`); ok {
		if vsid, verr := windows.StringToSid(serviceSID(svcName)); verr == nil {
			return vsid, nil
		}
	}
	return nil, fmt.Errorf("look up the account %s: %w", account, err)
}

// programData is the ProgramData known folder (C:\ProgramData unless moved),
// from the shell's known-folder table, else from the environment.
func programData() (string, error) {
	if p, err := windows.KnownFolderPath(windows.FOLDERID_ProgramData, 0); err == nil && p != "" {
		return p, nil
	}
	if p := os.Getenv("ProgramData"); p != "" {
		return p, nil
	}
	return "", errors.New("no ProgramData folder (neither the known folder nor %ProgramData%)")
}

// processAccount is the SID of the account this process runs as: the
// service account when the SCM started it.
func processAccount() (string, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return "", err
	}
	return u.User.Sid.String(), nil
}

// ensureDataDir creates dir with dataDirSDDL, or checks the one there.
func ensureDataDir(dir, account, installer string) error {
	sd, err := windows.SecurityDescriptorFromString(dataDirSDDL(account))
	if err != nil {
		return fmt.Errorf("security descriptor for %s: %w", dir, err)
	}
	sa := &windows.SecurityAttributes{SecurityDescriptor: sd}
	sa.Length = uint32(unsafe.Sizeof(*sa))
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return err
	}
	err = windows.CreateDirectory(p, sa)
	if err == nil || !errors.Is(err, windows.ERROR_ALREADY_EXISTS) {
		if err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
		return nil
	}
	return checkDataDir(dir, account, installer)
}

// checkDataDir reads the owner and DACL of an existing dir and judges them.
// A reparse point (a junction or a symbolic link to elsewhere) is refused
// whatever its security: the files would land where it points.
func checkDataDir(dir, account, installer string) error {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return err
	}
	attrs, err := windows.GetFileAttributes(p)
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	if attrs&windows.FILE_ATTRIBUTE_DIRECTORY == 0 {
		return fmt.Errorf("%s exists and is not a directory", dir)
	}
	if attrs&windows.FILE_ATTRIBUTE_REPARSE_POINT != 0 {
		return fmt.Errorf("%s is a junction or symbolic link: refusing it; delete it and start the service again", dir)
	}
	sd, err := windows.GetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return fmt.Errorf("read the security of %s: %w", dir, err)
	}
	owner, _, err := sd.Owner()
	if err != nil {
		return fmt.Errorf("read the owner of %s: %w", dir, err)
	}
	dacl, _, err := sd.DACL()
	if err != nil && !errors.Is(err, windows.ERROR_OBJECT_NOT_FOUND) {
		return fmt.Errorf("read the access list of %s: %w", dir, err)
	}
	var aces []dirACE
	if dacl != nil {
		for i := range uint32(dacl.AceCount) {
			var ace *windows.ACCESS_ALLOWED_ACE
			if err := windows.GetAce(dacl, i, &ace); err != nil {
				return fmt.Errorf("read the access list of %s: %w", dir, err)
			}
			switch ace.Header.AceType {
			case windows.ACCESS_ALLOWED_ACE_TYPE, windows.ACCESS_DENIED_ACE_TYPE:
				sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
				aces = append(aces, dirACE{Allow: ace.Header.AceType == windows.ACCESS_ALLOWED_ACE_TYPE, SID: sid.String(), Mask: uint32(ace.Mask)})
			default:
				// An object or callback entry this judge cannot read: refuse rather
				// than guess what it allows.
				return fmt.Errorf("%s has an access entry of type %d: refusing it; delete it and start the service again", dir, ace.Header.AceType)
			}
		}
	}
	return dataDirRefusal(dir, owner.String(), dacl == nil, aces, account, installer)
}
