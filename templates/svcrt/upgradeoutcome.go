package svcrt

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The outcomes of upgrade requests, for the upgrade verb: the process that
// serves appends a line per request to <dir>/<name>.upgrades,
//
//	<pid> <attempt> ok <new pid>
//	<pid> <attempt> failed <why>
//	<pid> <attempt> refused <why>
//
// and the verb, which asked, waits for a line of that pid with an attempt
// number above the last one it saw. dir is stateDir on Linux, the
// service's data folder on Windows.

// recordOutcome appends the outcome of attempt by this process.
func recordOutcome(dir, name string, attempt int64, result, detail string) error {
	detail = strings.Join(strings.Fields(detail), " ")
	f, err := os.OpenFile(outcomesFile(dir, name), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "%d %d %s %s\n", os.Getpid(), attempt, result, detail)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func outcomesFile(dir, name string) string { return filepath.Join(dir, name+".upgrades") }

// outcome is one line of the outcomes file.
type outcome struct {
	attempt int64
	result  string
	detail  string
}

// lastOutcome is the latest outcome recorded by pid (attempt 0: none).
func lastOutcome(dir, name string, pid int) outcome {
	var last outcome
	f, err := os.Open(outcomesFile(dir, name))
	if err != nil {
		return last
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.SplitN(sc.Text(), " ", 4)
		if len(fields) < 3 || fields[0] != strconv.Itoa(pid) {
			continue
		}
		n, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil || n <= last.attempt {
			continue
		}
		last = outcome{attempt: n, result: fields[2]}
		if len(fields) == 4 {
			last.detail = fields[3]
		}
	}
	return last
}
