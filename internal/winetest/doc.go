// Package winetest runs Windows builds of services under Wine's Service
// Control Manager (services.exe, sc.exe, net.exe), so that tests can drive a
// real SCM from Linux: create, start, query, stop and delete services, and
// watch the states, checkpoints and exit codes a service reports.
//
// A test calls New, which skips (or fails when CI=true) if Wine or the
// MinGW compiler is missing, prepares a private WINEPREFIX shared by all test
// binaries of this machine, and shuts the Wine session down at the end of the
// test. Services are created with CreateService or registered with Track so
// that no test leaves a service behind.
//
// On Windows the package drives the machine's own SCM instead (see
// native_windows.go): the same tests, with sc.exe and reg.exe run directly,
// no Wine and no MinGW; New skips unless the process is elevated. The
// workflow .github/workflows/windows.yml runs them on a Windows Server
// runner.
package winetest
