//go:build !linux

package svcrt

import "os"

// upgrader: the upgrade that keeps the listening sockets open across
// processes is Linux's (upgrade_linux.go); Windows has no way to hand a
// socket to a process that Go's net package can take as a listener.
type upgrader struct{}

func upgradeDoor(*App) *upgrader { return &upgrader{} }

func upgradeSignals() []os.Signal { return nil }

func (*upgrader) request() {}

func (*upgrader) exit() {}
