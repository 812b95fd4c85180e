package svcrt

import (
	"path/filepath"

	"golang.org/x/sys/windows"
)

// checkExeLocation looks at where the executable install registers is:
// on a network drive, under the user profiles folder (exeLocationWarnings).
func checkExeLocation(exe, account string) []string {
	remote := false
	if vol := filepath.VolumeName(exe); len(vol) == 2 && vol[1] == ':' {
		root, err := windows.UTF16PtrFromString(vol + `\`)
		remote = err == nil && windows.GetDriveType(root) == windows.DRIVE_REMOTE
	}
	profiles, err := windows.KnownFolderPath(windows.FOLDERID_UserProfiles, 0)
	if err != nil {
		profiles = `C:\Users`
	}
	return exeLocationWarnings(exe, remote, profiles, account)
}
