//go:build !windows

package svcrt

import "path/filepath"

// instanceEnvFile is the env file an installed instance reads: the systemd
// template unit's /etc/<name>/<instance>.env (the unit's own for the
// service's name).
func instanceEnvFile(service, instance string) string {
	return filepath.Join("/etc", service, instance+".env")
}
