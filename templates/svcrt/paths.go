package svcrt

import (
	"os"
	"path/filepath"
)

// exeRelative resolves a file path of the spec (dsn_file, tls_cert_file,
// tls_key_file, a [log] file with a directory): an absolute path is used as
// it is; a relative one is taken against the executable's directory, never
// the working directory, which is System32 for a Windows service and / for a
// systemd unit, and whatever the shell had for a console run.
func exeRelative(p string) string {
	if p == "" || filepath.IsAbs(p) || filepath.VolumeName(p) != "" || os.IsPathSeparator(p[0]) {
		return p // also \dir\file on Windows: rooted on the current drive
	}
	exe, err := os.Executable()
	if err != nil {
		return p
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	return filepath.Join(filepath.Dir(exe), p)
}
