//go:build !linux

package svcrt

import "os"

// upgrader: a process run from a console or a service manager other than
// systemd upgrades only on Linux (upgrade_linux.go). On Windows the
// service the SCM started upgrades through its supervisor
// (upgrade_windows.go), not the run verb.
type upgrader struct{}

func upgradeDoor(*App) *upgrader { return &upgrader{} }

func upgradeSignals() []os.Signal { return nil }

func (*upgrader) ring() {}

func (*upgrader) exit() {}
