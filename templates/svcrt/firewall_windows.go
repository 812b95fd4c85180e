package svcrt

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/windows"
)

// netsh runs System32's netsh.exe with args (firewall.go) and returns its
// output as the error when it fails.
func netsh(args []string) error {
	dir, err := windows.GetSystemDirectory()
	if err != nil {
		return err
	}
	exe := filepath.Join(dir, "netsh.exe")
	line, err := netshCommandLine(exe, args)
	if err != nil {
		return err
	}
	cmd := exec.Command(exe)
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: line}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("netsh %s: %v: %s", strings.Join(args[:4], " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// addFirewallRule replaces the instance's rule with one for ports.
func addFirewallRule(instance, exe, ports string) error {
	_ = netsh(firewallDeleteArgs(instance)) // none yet: "No rules match"
	return netsh(firewallAddArgs(instance, exe, ports))
}

func deleteFirewallRule(instance string) error {
	return netsh(firewallDeleteArgs(instance))
}
