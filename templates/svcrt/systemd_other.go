//go:build !linux

package svcrt

// systemdDoor: there is no systemd here to tell anything.
func systemdDoor(*App) {}

// systemdVerb: install and uninstall are the platform's own here.
func systemdVerb(*Config, string, []string) (ExitCode, bool) {
	return 0, false
}

func systemdUsage() string {
	return ""
}
