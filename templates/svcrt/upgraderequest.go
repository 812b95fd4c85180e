package svcrt

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// How the upgrade verb and the running service talk, on every platform.
// The verb writes a request file, <dir>/<name>.upgrade-request.<id>, then
// rings (SIGUSR2 on Linux, a service control on Windows), which carries
// nothing. The service takes every request file there is, so each ring
// answers each request that came, and appends a line per request to
// <dir>/<name>.upgrades:
//
//	<pid> <id> ok <new pid>
//	<pid> <id> failed <why>
//	<pid> <id> refused <why>
//
// The verb waits for the line with its own id: two verbs run at once each
// learn their own outcome (one upgrades, the other is refused), not the
// other's. A ring with no request file (a bare `kill -USR2`) is answered
// under an id of the service's own. dir is stateDir on Linux, the
// service's data folder on Windows.

const requestPrefix = ".upgrade-request."

// askUpgrade writes a request and returns its id.
func askUpgrade(dir, name string) (string, error) {
	id := fmt.Sprintf("%d-%d", os.Getpid(), time.Now().UnixNano())
	f, err := os.OpenFile(filepath.Join(dir, name+requestPrefix+id), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("the request cannot be written: %w", err)
	}
	return id, f.Close()
}

// withdrawUpgrade removes a request the service has not taken (the verb
// gives up).
func withdrawUpgrade(dir, name, id string) {
	os.Remove(filepath.Join(dir, name+requestPrefix+id))
}

// takeUpgradeRequests removes the requests waiting and returns their ids,
// oldest first; with none, one id of its own from seq.
func takeUpgradeRequests(dir, name string, seq *atomic.Int64) []string {
	entries, _ := os.ReadDir(dir)
	type request struct {
		id   string
		when time.Time
	}
	var reqs []request
	for _, e := range entries {
		id, ok := strings.CutPrefix(e.Name(), name+requestPrefix)
		if !ok || id == "" {
			continue
		}
		info, err := e.Info()
		// Removed by this process, or it is not its to answer (another
		// process took it first).
		if err != nil || os.Remove(filepath.Join(dir, e.Name())) != nil {
			continue
		}
		reqs = append(reqs, request{id, info.ModTime()})
	}
	sort.SliceStable(reqs, func(i, j int) bool { return reqs[i].when.Before(reqs[j].when) })
	ids := make([]string, 0, len(reqs)+1)
	for _, r := range reqs {
		ids = append(ids, r.id)
	}
	if len(ids) == 0 {
		ids = append(ids, "signal-"+strconv.FormatInt(seq.Add(1), 10))
	}
	return ids
}

// recordOutcome appends the outcome of request id, answered by this process.
func recordOutcome(dir, name, id, result, detail string) error {
	detail = strings.Join(strings.Fields(detail), " ")
	f, err := os.OpenFile(outcomesFile(dir, name), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "%d %s %s %s\n", os.Getpid(), id, result, detail)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func outcomesFile(dir, name string) string { return filepath.Join(dir, name+".upgrades") }

// outcome is one line of the outcomes file.
type outcome struct {
	pid    int // the process that answered
	result string
	detail string
}

// outcomeOf is the outcome of request id; false while there is none.
func outcomeOf(dir, name, id string) (outcome, bool) {
	f, err := os.Open(outcomesFile(dir, name))
	if err != nil {
		return outcome{}, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.SplitN(sc.Text(), " ", 4)
		if len(fields) < 3 || fields[1] != id {
			continue
		}
		pid, _ := strconv.Atoi(fields[0])
		o := outcome{pid: pid, result: fields[2]}
		if len(fields) == 4 {
			o.detail = fields[3]
		}
		return o, true
	}
	return outcome{}, false
}
