package svcrt

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/windows"
)

// workerVerb is `<exe> worker -name NAME [-env-file PATH]`: the engine of
// an upgraded service, which only the service process starts
// (upgrade_windows.go). It reads the listening sockets it is given, then
// runs the engine as the service verb does (the instance's log file, crash
// output and event source, the same configuration) with the SCM's part
// played by the service process over the pipes of workerproto.go: the
// start's steps and ready go out, stop, hand-over and reload come in. Its
// exit code is the service's when it is the one serving.
func workerVerb(name string, setup Setup, args []string) ExitCode {
	fs := flag.NewFlagSet(name+" worker", flag.ContinueOnError)
	instance := fs.String("name", name, "the service's name in the Service Control Manager")
	envFile := fs.String("env-file", "", "read variables from this file (install writes it)")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	cmds, reports, err := workerPipes(os.Getenv(workerPipesEnv))
	if fs.NArg() > 0 || err != nil {
		fmt.Fprintf(os.Stderr, "%s: worker is started by the service process during an upgrade, not by hand (use %s upgrade)\n", name, name)
		return ExitUsage
	}
	os.Unsetenv(workerPipesEnv)
	in := bufio.NewScanner(cmds)
	if err := readListeners(in); err != nil {
		fmt.Fprintf(os.Stderr, "%s: worker: %v\n", name, err)
		return ExitStartFailed
	}

	cfg, wire, err := setupUnattended(name, setup, *envFile)
	// Its lines share the service's log with the process that served
	// before it: each says whose it is. The file is released once a newer
	// worker serves.
	logging := cfg.openServiceLogging(*instance, "worker", os.Getpid())
	defer logging.events.close()
	if err != nil {
		logging.configurationFailed(err)
		return ExitStartFailed
	}
	applyRuntime(cfg.Runtime)

	app := New(cfg, logging.log, logging.flush)
	wire(app)
	out := &reportPipe{w: reports}
	app.progress = func(step string) { out.send(workerMsg{verb: msgStep, text: step}) }
	ready := app.ready
	app.ready = func() {
		ready()
		// The sockets are this worker's alone now (the service process
		// lets its handles go before a stop): its own stop takes their
		// queues as any stop does. Until now the engine that served did.
		for _, l := range app.listeners() {
			l.shared.Store(false)
		}
		out.send(workerMsg{verb: msgReady, pid: os.Getpid()})
	}
	app.stopping = func(budget time.Duration) { out.send(workerMsg{verb: msgStopping, budget: budget}) }
	go obey(app, in, logging.log, logging.flush, logging.file)
	return app.Run()
}

// readListeners takes the listener messages up to start.
func readListeners(in *bufio.Scanner) error {
	for in.Scan() {
		m, err := parseWorkerMsg(in.Text())
		if err != nil {
			return err
		}
		switch m.verb {
		case msgStart:
			return nil
		case msgListener:
			if err := handSocket(m.name, m.data); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%q before start", m.verb)
		}
	}
	return fmt.Errorf("the service process closed the pipe before start")
}

// obey runs the service process's commands until its pipe closes. A
// closed pipe with no stop asked means the service process is gone: the
// worker stops in order rather than serve on unsupervised.
func obey(app *App, in *bufio.Scanner, log *slog.Logger, flush func() error, logFile *releasableLog) {
	asked := false
	for in.Scan() {
		m, err := parseWorkerMsg(in.Text())
		if err != nil {
			log.Warn("service process", "err", err)
			continue
		}
		switch m.verb {
		case msgStop:
			if m.kind == StopShutdown {
				app.mu.Lock()
				app.shutdownBudget = m.budget
				app.mu.Unlock()
			}
			asked = true
			if app.Stop(m.kind, m.text) {
				// A second stop: exit now, as the service verb does.
				log.Error("stopped", "code", int(ExitForced), "reason", "second stop request: "+m.text)
				flush()
				os.Exit(int(ExitForced))
			}
		case msgHandover:
			asked = true
			logFile.release()
			app.handOver("a newer worker took over", nil)
		case msgReload:
			go app.Reload()
		default:
			log.Warn("service process: unexpected message", "verb", m.verb)
		}
	}
	if !asked {
		app.Stop(StopRequested, "the service process is gone")
	}
}

// reportPipe writes the worker's reports; once the service process is gone
// they are dropped.
type reportPipe struct {
	mu sync.Mutex
	w  io.Writer
}

func (p *reportPipe) send(m workerMsg) {
	p.mu.Lock()
	defer p.mu.Unlock()
	io.WriteString(p.w, m.line())
}

// workerPipes are the pipes named by workerPipesEnv: "<in>,<out>", the
// handles the service process let this one inherit.
func workerPipes(v string) (in, out *os.File, err error) {
	a, b, ok := strings.Cut(v, ",")
	if !ok {
		return nil, nil, fmt.Errorf("%s is not set", workerPipesEnv)
	}
	hin, err1 := strconv.ParseUint(a, 10, 64)
	hout, err2 := strconv.ParseUint(b, 10, 64)
	if err1 != nil || err2 != nil {
		return nil, nil, fmt.Errorf("%s=%q: not two handles", workerPipesEnv, v)
	}
	for _, h := range []uint64{hin, hout} {
		if t, err := windows.GetFileType(windows.Handle(h)); err != nil || t != windows.FILE_TYPE_PIPE {
			return nil, nil, fmt.Errorf("%s=%q: handle %d is not a pipe", workerPipesEnv, v, h)
		}
	}
	return os.NewFile(uintptr(hin), "commands"), os.NewFile(uintptr(hout), "reports"), nil
}
