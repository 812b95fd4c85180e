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
package winetest
