package svcrt

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
)

// upgradeVerb asks the running service to upgrade (upgradeControl) and
// reports the outcome the service records in its data folder
// (upgradeoutcome.go): 0 once a worker running the executable now at the
// service's path serves. The service process, the one the SCM knows, stays;
// its PID names its outcomes.
func (cfg *Config) upgradeVerb(args []string) ExitCode {
	name, ok := cfg.verbArgs("upgrade", args)
	if !ok {
		return ExitUsage
	}
	fail := func(format string, a ...any) ExitCode {
		fmt.Fprintf(os.Stderr, "upgrade %s: "+format+"\n", append([]any{name}, a...)...)
		return ExitVerbFailed
	}
	m, s, err := open(name, windows.SERVICE_USER_DEFINED_CONTROL|windows.SERVICE_QUERY_STATUS)
	if err != nil {
		return verbFailed("upgrade", name, err)
	}
	defer m.Disconnect()
	defer s.Close()
	st, err := query(s)
	if err != nil {
		return verbFailed("upgrade", name, err)
	}
	if st.State != svc.Running {
		return fail("the service is %s, not RUNNING", scmStateName(st.State))
	}
	pid := int(st.ProcessId)
	dir, err := dataDirPath(name)
	if err != nil {
		return fail("%v", err)
	}
	id, err := askUpgrade(dir, name)
	if err != nil {
		return fail("%v", err)
	}
	if _, err := s.Control(upgradeControl); err != nil {
		withdrawUpgrade(dir, name, id)
		return verbFailed("upgrade", name, err)
	}
	fmt.Printf("%s: service pid %d asked to upgrade\n", name, pid)
	wait := cfg.Timeouts.Start + cfg.Timeouts.Stop + verbSlack
	deadline := time.Now().Add(wait)
	var got outcome
	for {
		var ok bool
		if got, ok = outcomeOf(dir, name, id); ok {
			break
		}
		if st, err := query(s); err != nil || st.State != svc.Running || int(st.ProcessId) != pid {
			withdrawUpgrade(dir, name, id)
			return fail("the service stopped without recording an outcome (see its log)")
		}
		if time.Now().After(deadline) {
			withdrawUpgrade(dir, name, id)
			return fail("no outcome in %s (see the service's log)", wait)
		}
		time.Sleep(upgradePoll)
	}
	if got.result != "ok" {
		return fail("%s: %s (the service is still served as before)", got.result, got.detail)
	}
	fmt.Printf("%s: upgraded: worker pid %d serves; the service (pid %d) is RUNNING throughout\n", name, atoiOr(got.detail), pid)
	return ExitOK
}

// upgradePoll is how often the verb looks at the outcomes and the service.
const upgradePoll = 50 * time.Millisecond

func atoiOr(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}
