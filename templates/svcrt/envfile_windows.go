package svcrt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/windows"
)

// serviceEnvFile is where install stores an instance's configuration:
// %ProgramData%\<instance>\<instance>.env. A service started by the SCM gets
// the environment services.exe captured at boot, so variables an operator
// sets later never reach it; the registered command line passes this file
// with -env-file instead. The per-service Environment registry value would
// work too, but the Services key is readable by every user: no place for a
// secret.
// The folder is made for the account the service will run as, as install
// names it (serviceDataDirFor), not for the administrator running install.
func serviceEnvFile(instance, account string) (string, error) {
	dir, err := serviceDataDirFor(instance, account)
	if err != nil {
		return "", fmt.Errorf("the service's data folder: %w", err)
	}
	return filepath.Join(dir, instance+".env"), nil
}

// writeProtected writes content to path through a new file created with
// the security descriptor sddl (so the secret is never readable by anyone
// else, not even for an instant), then moved over path; a moved file keeps
// its own protected DACL.
func writeProtected(path string, content []byte, sddl string) error {
	sd, err := windows.SecurityDescriptorFromString(sddl)
	if err != nil {
		return fmt.Errorf("security descriptor %s: %w", sddl, err)
	}
	sa := &windows.SecurityAttributes{Length: uint32(unsafe.Sizeof(windows.SecurityAttributes{})), SecurityDescriptor: sd}
	tmp := path + ".tmp"
	os.Remove(tmp)
	p, err := windows.UTF16PtrFromString(tmp)
	if err != nil {
		return err
	}
	h, err := windows.CreateFile(p, windows.GENERIC_WRITE, 0, sa, windows.CREATE_NEW, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return fmt.Errorf("create %s: %w", tmp, err)
	}
	f := os.NewFile(uintptr(h), tmp)
	_, werr := f.Write(content)
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// envFileTrustee is the service account's SDDL trustee: an alias for the
// built-in accounts, the SID of any other (lookupAccount, which computes a
// virtual account's).
func envFileTrustee(account string) (string, error) {
	if t := accountTrustee(account); t != "" {
		return t, nil
	}
	sid, err := lookupAccount(account)
	if err != nil {
		return "", err
	}
	return sid.String(), nil
}

// instanceEnvFile is the env file install stored for an instance.
func instanceEnvFile(_, instance string) string {
	return filepath.Join(os.Getenv("ProgramData"), instance, instance+".env")
}
