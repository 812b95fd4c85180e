package svcrt

import "golang.org/x/sys/windows/svc"

// platformVerb handles the Service Control Manager's verbs. The SCM starts
// the binary as `<exe> service`, the command line install registers: the mode
// is explicit because svc.IsWindowsService can be wrong (it is false under
// Wine, and a service that never calls svc.Run fails to start with 1053).
func platformVerb(cfg *Config, name string, setup Setup, verb string, args []string) (code ExitCode, handled bool) {
	switch verb {
	case "service":
		return serviceVerb(name, setup, args), true
	case "install":
		return cfg.install(setup, args), true
	case "uninstall":
		return cfg.uninstall(args), true
	case "start":
		return cfg.start(args), true
	case "stop":
		return cfg.stopVerb(args), true
	case "status":
		return cfg.statusVerb(args), true
	case "upgrade":
		return cfg.upgradeVerb(args), true
	case "worker":
		return workerVerb(name, setup, args), true
	}
	return 0, false
}

// scmStarted reports whether the Service Control Manager started the process:
// for a binary registered by hand without the service argument.
// svc.IsWindowsService is the fallback, not the rule.
func scmStarted() bool {
	is, err := svc.IsWindowsService()
	return err == nil && is
}

// platformUsage lists the Service Control Manager verbs for help.
func platformUsage() string {
	return "  service    run under the Service Control Manager (the command line install registers) [-env-file PATH]\n  install    register the service with the SCM, or update its registration [-name NAME] [-env KEY=VALUE]... [-env-file PATH]\n  uninstall  stop and remove the service and its event log source [-name NAME]\n  start      start the service and wait until it runs [-name NAME]\n  stop       stop the service and wait until it stopped [-name NAME]\n  status     print the service's state [-name NAME]\n  upgrade    run the executable now at the service's path as its new worker, with no connection refused or lost [-name NAME]\n"
}
