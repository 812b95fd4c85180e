package svcrt

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// On Windows the process the Service Control Manager started stays the
// service for its whole life; an upgrade runs the new binary as a worker
// process that serves the same sockets (upgrade_windows.go,
// worker_windows.go). The two talk over a pair of pipes, a line per
// message:
//
//	service → worker
//	  listener <name> <hex>   a listening socket duplicated for the worker
//	                          (the WSAPROTOCOL_INFOW bytes), before start
//	  start                   every listener is given: warm up
//	  stop <kind> <ms> <why>  the SCM asked to stop (kind: stop, shutdown),
//	                          within the budget of ms milliseconds
//	  handover                a newer worker is ready: drain and exit
//	  reload                  the SCM's ParamChange
//	worker → service
//	  step <what>             a step of the start or the stop (the SCM's
//	                          CheckPoint rises with each)
//	  ready <pid>             ready: the listeners are served
//	  stopping <ms>           the stop began, with that budget
//
// The worker's exit code is the service's when it is the one serving. The
// protocol is platform-neutral text so that it is tested everywhere.
type workerMsg struct {
	verb   string
	name   string        // listener
	data   []byte        // listener
	kind   StopKind      // stop
	budget time.Duration // stop, stopping
	text   string        // stop's reason, step's step
	pid    int           // ready
}

// The message verbs.
const (
	msgListener = "listener"
	msgStart    = "start"
	msgStop     = "stop"
	msgHandover = "handover"
	msgReload   = "reload"
	msgStep     = "step"
	msgReady    = "ready"
	msgStopping = "stopping"
)

// line is m as one line, its text on one line whatever it held.
func (m workerMsg) line() string {
	text := strings.Join(strings.Fields(m.text), " ")
	switch m.verb {
	case msgListener:
		return fmt.Sprintf("%s %s %s\n", m.verb, m.name, hex.EncodeToString(m.data))
	case msgStop:
		return fmt.Sprintf("%s %s %d %s\n", m.verb, m.kind, m.budget.Milliseconds(), text)
	case msgStopping:
		return fmt.Sprintf("%s %d\n", m.verb, m.budget.Milliseconds())
	case msgReady:
		return fmt.Sprintf("%s %d\n", m.verb, m.pid)
	case msgStep:
		return fmt.Sprintf("%s %s\n", m.verb, text)
	}
	return m.verb + "\n"
}

// parseWorkerMsg reads one line (without its end); an error names what is
// wrong with it.
func parseWorkerMsg(line string) (workerMsg, error) {
	line = strings.TrimRight(line, "\r\n")
	verb, rest, _ := strings.Cut(line, " ")
	m := workerMsg{verb: verb}
	bad := func(why string) (workerMsg, error) {
		return workerMsg{}, fmt.Errorf("worker message %q: %s", line, why)
	}
	switch verb {
	case msgStart, msgHandover, msgReload:
		if rest != "" {
			return bad("takes no arguments")
		}
	case msgStep:
		m.text = rest
	case msgListener:
		name, h, ok := strings.Cut(rest, " ")
		if !ok || name == "" || strings.Contains(h, " ") {
			return bad("want listener <name> <hex>")
		}
		data, err := hex.DecodeString(h)
		if err != nil || len(data) == 0 {
			return bad("the socket is not hex")
		}
		m.name, m.data = name, data
	case msgStop:
		fields := strings.SplitN(rest, " ", 3)
		if len(fields) < 2 {
			return bad("want stop <kind> <ms> <reason>")
		}
		switch fields[0] {
		case StopRequested.String():
			m.kind = StopRequested
		case StopShutdown.String():
			m.kind = StopShutdown
		default:
			return bad("unknown stop kind")
		}
		ms, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil || ms <= 0 {
			return bad("the budget is not a positive number of milliseconds")
		}
		m.budget = time.Duration(ms) * time.Millisecond
		if len(fields) == 3 {
			m.text = fields[2]
		}
	case msgStopping:
		ms, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || ms < 0 {
			return bad("the budget is not a number of milliseconds")
		}
		m.budget = time.Duration(ms) * time.Millisecond
	case msgReady:
		pid, err := strconv.Atoi(rest)
		if err != nil || pid <= 0 {
			return bad("the pid is not a positive number")
		}
		m.pid = pid
	default:
		return bad("unknown message")
	}
	return m, nil
}
