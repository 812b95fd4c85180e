package generator

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/templates"
)

var unitTemplate = template.Must(template.ParseFS(templates.FS, "systemd.service.tmpl"))

// systemdMargin is added to the start and stop budgets for systemd's
// TimeoutStartSec and TimeoutStopSec: the engine keeps its own budgets, and
// systemd's SIGKILL should only ever hit a process that is stuck.
const systemdMargin = 5 * time.Second

// execPlaceholder stands for the binary's path in the unit the binary
// carries; install replaces it with the quoted path of the executable.
const execPlaceholder = "@EXEC@"

// unitPlaceholders stand for the spec values in the unit the binary
// carries, by template field.
var unitPlaceholders = map[string]string{
	"Description":  "@DESCRIPTION@",
	"User":         "@USER@",
	"TimeoutStart": "@TIMEOUT_START@",
	"TimeoutStop":  "@TIMEOUT_STOP@",
	"RestartSec":   "@RESTART_SEC@",
	"Watchdog":     "@WATCHDOG@",
}

// systemdDuration renders d in systemd's time syntax ("30s", "1500ms").
func systemdDuration(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%dms", d/time.Millisecond)
}

// unitEscape escapes a value for a unit file: % starts a specifier.
func unitEscape(s string) string { return strings.ReplaceAll(s, "%", "%%") }

// renderUnit renders the systemd unit with exec as the binary's path. With
// placeholders, every value of the spec is a @NAME@ placeholder instead:
// the unit the binary carries, which install fills from the constants of
// svcgen_config.go, so a spec value lives in one place of the Go code.
func renderUnit(g *Context, exec string, placeholders bool) ([]byte, error) {
	s := g.Spec
	desc := s.Service.DisplayName
	if desc == "" {
		desc = s.Service.Name
	}
	if s.Service.Description != "" {
		desc += ": " + s.Service.Description
	}
	data := map[string]any{
		"Header":       g.Header(),
		"Name":         s.Service.Name,
		"Description":  unitEscape(desc),
		"Exec":         exec,
		"Reload":       s.Hooks.Reload != "",
		"User":         s.Systemd.User,
		"TimeoutStart": systemdDuration(s.Timeouts.Start.Duration + systemdMargin),
		"TimeoutStop":  systemdDuration(s.Timeouts.Stop.Duration + systemdMargin),
		"RestartSec":   systemdDuration(s.Systemd.RestartSec.Duration),
		"Watchdog":     "",
	}
	if w := s.Systemd.Watchdog.Duration; w > 0 {
		data["Watchdog"] = systemdDuration(w)
	}
	if placeholders {
		for key, ph := range unitPlaceholders {
			if v, _ := data[key].(string); v != "" || key == "Description" {
				data[key] = ph
			}
		}
	}
	var buf bytes.Buffer
	if err := unitTemplate.Execute(&buf, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// emitSystemd writes deploy/<name>.service ([systemd] enabled) and the
// systemd side of the service: svcgen_systemd_linux.go (sd_notify over
// $NOTIFY_SOCKET, the WATCHDOG=1 pings, install and uninstall) and
// svcgen_systemd_other.go (nothing to tell elsewhere).
func emitSystemd(g *Context) error {
	s := g.Spec
	if s.Systemd.Enabled {
		unit, err := renderUnit(g, "/usr/local/bin/"+s.Service.Name, false)
		if err != nil {
			return err
		}
		g.AddText("deploy/"+s.Service.Name+".service", unit, Generated)
	}
	g.DurationConst("[systemd]", "svcSystemdRestartSec", s.Systemd.RestartSec, "RestartSec= of the unit")
	if s.Systemd.Watchdog.Duration > 0 {
		g.DurationConst("[systemd]", "svcSystemdWatchdog", s.Systemd.Watchdog, "WatchdogSec= of the unit")
	}
	if s.Systemd.User != "" {
		g.Const("[systemd]", "svcSystemdUser", jen.Lit(s.Systemd.User), "User= of the unit")
	}
	unit, err := renderUnit(g, execPlaceholder, true)
	if err != nil {
		return err
	}
	systemdUnitFunc(g, systemdLinux(g, string(unit)))
	systemdOther(g)
	return nil
}

func systemdOther(g *Context) {
	f := g.NewFile("svcgen_systemd_other.go", "!linux")
	f.Comment("svcSystemdDoor: there is no systemd here to tell anything.")
	f.Func().Id("svcSystemdDoor").Params(jen.Op("*").Id("svcApp")).Block()
	f.Line()
	f.Comment("svcSystemdVerb: install and uninstall are the platform's own here.")
	f.Func().Id("svcSystemdVerb").Params(jen.String(), jen.Index().String()).Params(jen.Int(), jen.Bool()).Block(
		jen.Return(jen.Lit(0), jen.False()),
	)
	f.Line()
	f.Func().Id("svcSystemdUsage").Params().String().Block(jen.Return(jen.Lit("")))
}

func systemdLinux(g *Context, unit string) *jen.File {
	f := g.NewFile("svcgen_systemd_linux.go", "")
	f.Comment("svcSystemdUnit is deploy/" + g.Spec.Service.Name + ".service with a @NAME@ placeholder for each")
	f.Comment("value, which svcUnit fills from svcgen_config.go.")
	lines := strings.SplitAfter(unit, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	val := jen.Null()
	for i, l := range lines {
		if i > 0 {
			val.Op("+").Line()
		}
		val.Lit(l)
	}
	f.Const().Id("svcSystemdUnit").Op("=").Add(val)
	f.Line()
	f.Comment("svcExitVerbFailed is the exit code of a management verb that could not do")
	f.Comment("its job (the service's own codes are in svcgen_lifecycle.go).")
	f.Const().Id("svcExitVerbFailed").Op("=").Lit(1)
	f.Line()
	f.Comment("svcNotify sends one sd_notify(3) message to systemd over the datagram socket")
	f.Comment("named by $NOTIFY_SOCKET; outside systemd (no variable) it does nothing. A")
	f.Comment("name starting with @ is an abstract socket: Go's net package turns the @")
	f.Comment("into the leading NUL byte the kernel expects.")
	f.Func().Id("svcNotify").Params(jen.Id("state").String()).Error().Block(
		jen.Id("name").Op(":=").Qual("os", "Getenv").Call(jen.Lit("NOTIFY_SOCKET")),
		jen.If(jen.Id("name").Op("==").Lit("")).Block(jen.Return(jen.Nil())),
		jen.List(jen.Id("c"), jen.Err()).Op(":=").Qual("net", "DialUnix").Call(jen.Lit("unixgram"), jen.Nil(), jen.Op("&").Qual("net", "UnixAddr").Values(jen.Id("Name").Op(":").Id("name"), jen.Id("Net").Op(":").Lit("unixgram"))),
		ifErrReturn(jen.Err()),
		jen.Defer().Id("c").Dot("Close").Call(),
		jen.List(jen.Id("_"), jen.Err()).Op("=").Id("c").Dot("Write").Call(jen.Index().Byte().Parens(jen.Id("state"))),
		jen.Return(jen.Err()),
	)
	f.Line()
	f.Comment("svcSystemdDoor tells systemd what the engine does, through its callbacks:")
	f.Comment("READY=1 once every resource is warm (Type=notify: `systemctl start` returns")
	f.Comment("then, and units ordered After= this one start only then), STOPPING=1 when")
	f.Comment("the stop begins, and EXTEND_TIMEOUT_USEC with each real step of the warmup")
	f.Comment("and the stop, so a slow but moving start is not killed by TimeoutStartSec.")
	f.Comment("Under WatchdogSec it sends WATCHDOG=1 at half the interval while the service")
	f.Comment("is live: when a [watchdog] check keeps failing the pings stop and systemd")
	f.Comment("restarts the service.")
	f.Func().Id("svcSystemdDoor").Params(jen.Id("app").Op("*").Id("svcApp")).Block(
		jen.If(jen.Qual("os", "Getenv").Call(jen.Lit("NOTIFY_SOCKET")).Op("==").Lit("")).Block(jen.Return()),
		jen.List(jen.Id("ready"), jen.Id("stopping"), jen.Id("progress")).Op(":=").List(jen.Id("app").Dot("ready"), jen.Id("app").Dot("stopping"), jen.Id("app").Dot("progress")),
		jen.Comment("extend is the budget of the current phase: a step may take all of it."),
		jen.Var().Id("extend").Qual("sync/atomic", "Int64"),
		jen.Id("extend").Dot("Store").Call(jen.Int64().Call(jen.Id("svcTimeoutStart"))),
		jen.Id("app").Dot("progress").Op("=").Func().Params(jen.Id("step").String()).Block(
			jen.Id("progress").Call(jen.Id("step")),
			jen.Id("svcNotify").Call(jen.Qual("fmt", "Sprintf").Call(jen.Lit("EXTEND_TIMEOUT_USEC=%d\nSTATUS=%s"), jen.Qual("time", "Duration").Call(jen.Id("extend").Dot("Load").Call()).Dot("Microseconds").Call(), jen.Id("step"))),
		),
		jen.Id("app").Dot("ready").Op("=").Func().Params().Block(
			jen.Id("ready").Call(),
			jen.Id("svcNotify").Call(jen.Lit("READY=1\nSTATUS=ready")),
		),
		jen.Id("app").Dot("stopping").Op("=").Func().Params(jen.Id("budget").Qual("time", "Duration")).Block(
			jen.Id("extend").Dot("Store").Call(jen.Int64().Call(jen.Id("budget"))),
			jen.Id("stopping").Call(jen.Id("budget")),
			jen.Id("svcNotify").Call(jen.Qual("fmt", "Sprintf").Call(jen.Lit("STOPPING=1\nEXTEND_TIMEOUT_USEC=%d\nSTATUS=stopping"), jen.Id("budget").Dot("Microseconds").Call())),
		),
		jen.If(jen.Id("every").Op(":=").Id("svcWatchdogEvery").Call(), jen.Id("every").Op(">").Lit(0)).Block(
			jen.Go().Func().Params().Block(
				jen.Comment("Pings end with the process; a stuck engine stops nothing here, but a"),
				jen.Comment("process that stops scheduling goroutines stops pinging."),
				jen.For(jen.Range().Qual("time", "Tick").Call(jen.Id("every"))).Block(
					jen.If(jen.Op("!").Id("app").Dot("failing").Dot("Load").Call()).Block(
						jen.Id("svcNotify").Call(jen.Lit("WATCHDOG=1")),
					),
				),
			).Call(),
		),
	)
	f.Line()
	f.Comment("svcWatchdogEvery is half of systemd's WatchdogSec ($WATCHDOG_USEC), or 0 when")
	f.Comment("systemd expects no pings from this process.")
	f.Func().Id("svcWatchdogEvery").Params().Qual("time", "Duration").Block(
		jen.If(jen.Id("pid").Op(":=").Qual("os", "Getenv").Call(jen.Lit("WATCHDOG_PID")), jen.Id("pid").Op("!=").Lit("").Op("&&").Id("pid").Op("!=").Qual("strconv", "Itoa").Call(jen.Qual("os", "Getpid").Call())).Block(
			jen.Return(jen.Lit(0)),
		),
		jen.List(jen.Id("usec"), jen.Err()).Op(":=").Qual("strconv", "ParseInt").Call(jen.Qual("os", "Getenv").Call(jen.Lit("WATCHDOG_USEC")), jen.Lit(10), jen.Lit(64)),
		jen.If(jen.Err().Op("!=").Nil().Op("||").Id("usec").Op("<=").Lit(0)).Block(jen.Return(jen.Lit(0))),
		jen.Return(jen.Qual("time", "Duration").Call(jen.Id("usec")).Op("*").Qual("time", "Microsecond").Op("/").Lit(2)),
	)
	systemdVerbs(f)
	return f
}

func systemdVerbs(f *jen.File) {
	f.Line()
	f.Comment("svcSystemdVerb handles install and uninstall: registration with systemd.")
	f.Func().Id("svcSystemdVerb").Params(jen.Id("verb").String(), jen.Id("args").Index().String()).Params(jen.Int(), jen.Bool()).Block(
		jen.Switch(jen.Id("verb")).Block(
			jen.Case(jen.Lit("install")).Block(jen.Return(jen.Id("svcInstallUnit").Call(jen.Id("args")), jen.True())),
			jen.Case(jen.Lit("uninstall")).Block(jen.Return(jen.Id("svcUninstallUnit").Call(jen.Id("args")), jen.True())),
		),
		jen.Return(jen.Lit(0), jen.False()),
	)
	f.Line()
	f.Func().Id("svcSystemdUsage").Params().String().Block(
		jen.Return(jen.Lit("  install  write the systemd unit to /etc/systemd/system, reload systemd and enable it\n" +
			"           (-dir DIR: only write the unit into DIR, for packages and images)\n" +
			"  uninstall stop and disable the unit and remove it\n")),
	)
	f.Line()
	f.Comment("svcUnitDir is where units of the local administrator live.")
	f.Const().Id("svcUnitDir").Op("=").Lit("/etc/systemd/system")
	f.Line()
	f.Comment("svcInstallUnit writes the unit with ExecStart set to this executable, reloads")
	f.Comment("systemd and enables the unit; a failure after the write removes it again.")
	f.Func().Id("svcInstallUnit").Params(jen.Id("args").Index().String()).Int().Block(
		jen.Id("fs").Op(":=").Qual("flag", "NewFlagSet").Call(jen.Id("svcServiceName").Op("+").Lit(" install"), jen.Qual("flag", "ContinueOnError")),
		jen.Id("dir").Op(":=").Id("fs").Dot("String").Call(jen.Lit("dir"), jen.Lit(""), jen.Lit("only write the unit into this directory (no systemctl)")),
		jen.If(jen.Err().Op(":=").Id("fs").Dot("Parse").Call(jen.Id("args")), jen.Err().Op("!=").Nil().Op("||").Id("fs").Dot("NArg").Call().Op(">").Lit(0)).Block(
			jen.Return(jen.Id("svcExitUsage")),
		),
		jen.Id("fail").Op(":=").Func().Params(jen.Err().Error()).Int().Block(
			jen.Qual("fmt", "Fprintf").Call(jen.Qual("os", "Stderr"), jen.Lit("%s: install: %v\n"), jen.Id("svcServiceName"), jen.Err()),
			jen.Return(jen.Id("svcExitVerbFailed")),
		),
		jen.List(jen.Id("exe"), jen.Err()).Op(":=").Qual("os", "Executable").Call(),
		jen.If(errNotNil()).Block(jen.Return(jen.Id("fail").Call(jen.Err()))),
		jen.If(jen.List(jen.Id("real"), jen.Err()).Op(":=").Qual("path/filepath", "EvalSymlinks").Call(jen.Id("exe")), jen.Err().Op("==").Nil()).Block(
			jen.Id("exe").Op("=").Id("real"),
		),
		jen.Id("unit").Op(":=").Id("svcUnit").Call(jen.Id("exe")),
		jen.Id("target").Op(":=").Id("svcUnitDir"),
		jen.If(jen.Op("*").Id("dir").Op("!=").Lit("")).Block(jen.Id("target").Op("=").Op("*").Id("dir")),
		jen.Id("path").Op(":=").Qual("path/filepath", "Join").Call(jen.Id("target"), jen.Id("svcServiceName").Op("+").Lit(".service")),
		jen.Comment("Written to a temporary file and renamed: systemd never reads half a unit."),
		jen.Id("tmp").Op(":=").Id("path").Op("+").Lit(".tmp"),
		jen.If(jen.Err().Op(":=").Qual("os", "WriteFile").Call(jen.Id("tmp"), jen.Index().Byte().Parens(jen.Id("unit")), jen.Lit(0o644)), errNotNil()).Block(
			jen.Return(jen.Id("fail").Call(jen.Err())),
		),
		jen.If(jen.Err().Op(":=").Qual("os", "Rename").Call(jen.Id("tmp"), jen.Id("path")), errNotNil()).Block(
			jen.Qual("os", "Remove").Call(jen.Id("tmp")),
			jen.Return(jen.Id("fail").Call(jen.Err())),
		),
		jen.If(jen.Op("*").Id("dir").Op("!=").Lit("")).Block(
			jen.Qual("fmt", "Println").Call(jen.Lit("wrote"), jen.Id("path")),
			jen.Return(jen.Id("svcExitOK")),
		),
		jen.For(jen.List(jen.Id("_"), jen.Id("cmd")).Op(":=").Range().Index().Index().String().Values(
			jen.Values(jen.Lit("daemon-reload")),
			jen.Values(jen.Lit("enable"), jen.Id("svcServiceName").Op("+").Lit(".service")),
		)).Block(
			jen.If(jen.Err().Op(":=").Id("svcSystemctl").Call(jen.Id("cmd").Op("...")), errNotNil()).Block(
				jen.Qual("os", "Remove").Call(jen.Id("path")),
				jen.Id("svcSystemctl").Call(jen.Lit("daemon-reload")),
				jen.Return(jen.Id("fail").Call(jen.Err())),
			),
		),
		jen.Qual("fmt", "Printf").Call(jen.Lit("installed %s (enabled); start it with: systemctl start %s\n"), jen.Id("path"), jen.Id("svcServiceName")),
		jen.Return(jen.Id("svcExitOK")),
	)
	f.Line()
	f.Comment("svcUninstallUnit stops and disables the unit, removes it and reloads systemd.")
	f.Func().Id("svcUninstallUnit").Params(jen.Id("args").Index().String()).Int().Block(
		jen.If(jen.Len(jen.Id("args")).Op(">").Lit(0)).Block(
			jen.Qual("fmt", "Fprintf").Call(jen.Qual("os", "Stderr"), jen.Lit("%s: uninstall takes no arguments, got %q\n"), jen.Id("svcServiceName"), jen.Id("args")),
			jen.Return(jen.Id("svcExitUsage")),
		),
		jen.Id("path").Op(":=").Qual("path/filepath", "Join").Call(jen.Id("svcUnitDir"), jen.Id("svcServiceName").Op("+").Lit(".service")),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Qual("os", "Stat").Call(jen.Id("path")), errNotNil()).Block(
			jen.Qual("fmt", "Fprintf").Call(jen.Qual("os", "Stderr"), jen.Lit("%s: uninstall: %v\n"), jen.Id("svcServiceName"), jen.Err()),
			jen.Return(jen.Id("svcExitVerbFailed")),
		),
		jen.Comment("disable --now stops the service first: in order, through SIGTERM."),
		jen.If(jen.Err().Op(":=").Id("svcSystemctl").Call(jen.Lit("disable"), jen.Lit("--now"), jen.Id("svcServiceName").Op("+").Lit(".service")), errNotNil()).Block(
			jen.Qual("fmt", "Fprintf").Call(jen.Qual("os", "Stderr"), jen.Lit("%s: uninstall: %v\n"), jen.Id("svcServiceName"), jen.Err()),
			jen.Return(jen.Id("svcExitVerbFailed")),
		),
		jen.If(jen.Err().Op(":=").Qual("os", "Remove").Call(jen.Id("path")), errNotNil()).Block(
			jen.Qual("fmt", "Fprintf").Call(jen.Qual("os", "Stderr"), jen.Lit("%s: uninstall: %v\n"), jen.Id("svcServiceName"), jen.Err()),
			jen.Return(jen.Id("svcExitVerbFailed")),
		),
		jen.If(jen.Err().Op(":=").Id("svcSystemctl").Call(jen.Lit("daemon-reload")), errNotNil()).Block(
			jen.Qual("fmt", "Fprintf").Call(jen.Qual("os", "Stderr"), jen.Lit("%s: uninstall: %v\n"), jen.Id("svcServiceName"), jen.Err()),
			jen.Return(jen.Id("svcExitVerbFailed")),
		),
		jen.Qual("fmt", "Println").Call(jen.Lit("removed"), jen.Id("path")),
		jen.Return(jen.Id("svcExitOK")),
	)
	f.Line()
	f.Func().Id("svcSystemctl").Params(jen.Id("args").Op("...").String()).Error().Block(
		jen.List(jen.Id("out"), jen.Err()).Op(":=").Qual("os/exec", "Command").Call(jen.Lit("systemctl"), jen.Id("args").Op("...")).Dot("CombinedOutput").Call(),
		jen.If(errNotNil()).Block(
			jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("systemctl %s: %v: %s"), jen.Qual("strings", "Join").Call(jen.Id("args"), jen.Lit(" ")), jen.Err(), jen.Qual("strings", "TrimSpace").Call(jen.String().Call(jen.Id("out"))))),
		),
		jen.Return(jen.Nil()),
	)
	f.Line()
	f.Comment("svcUnitQuote quotes a path for ExecStart: % starts a specifier, $ a variable,")
	f.Comment("and quotes keep a path with spaces one argument.")
	f.Func().Id("svcUnitQuote").Params(jen.Id("p").String()).String().Block(
		jen.Id("r").Op(":=").Qual("strings", "NewReplacer").Call(jen.Lit(`\`), jen.Lit(`\\`), jen.Lit(`"`), jen.Lit(`\"`), jen.Lit("%"), jen.Lit("%%"), jen.Lit("$"), jen.Lit("$$")),
		jen.Return(jen.Lit(`"`).Op("+").Id("r").Dot("Replace").Call(jen.Id("p")).Op("+").Lit(`"`)),
	)
}

// systemdUnitFunc emits svcUnit: the unit with the placeholders filled.
func systemdUnitFunc(g *Context, f *jen.File) {
	s := g.Spec
	pairs := []jen.Code{
		jen.Lit(execPlaceholder), jen.Id("svcUnitQuote").Call(jen.Id("exe")),
		jen.Lit("@DESCRIPTION@"), jen.Qual("strings", "ReplaceAll").Call(jen.Id("desc"), jen.Lit("%"), jen.Lit("%%")),
		jen.Lit("@TIMEOUT_START@"), jen.Id("svcUnitDuration").Call(jen.Id("svcTimeoutStart").Op("+").Id("svcSystemdMargin")),
		jen.Lit("@TIMEOUT_STOP@"), jen.Id("svcUnitDuration").Call(jen.Id("svcTimeoutStop").Op("+").Id("svcSystemdMargin")),
		jen.Lit("@RESTART_SEC@"), jen.Id("svcUnitDuration").Call(jen.Id("svcSystemdRestartSec")),
	}
	if s.Systemd.Watchdog.Duration > 0 {
		pairs = append(pairs, jen.Lit("@WATCHDOG@"), jen.Id("svcUnitDuration").Call(jen.Id("svcSystemdWatchdog")))
	}
	if s.Systemd.User != "" {
		pairs = append(pairs, jen.Lit("@USER@"), jen.Id("svcSystemdUser"))
	}
	f.Line()
	f.Comment("svcSystemdMargin is added to the start and stop budgets for TimeoutStartSec and")
	f.Comment("TimeoutStopSec: the engine keeps its own budgets, and systemd's SIGKILL should")
	f.Comment("only ever hit a process that is stuck.")
	f.Const().Id("svcSystemdMargin").Op("=").Add(durationCode(systemdMargin))
	f.Line()
	f.Comment("svcUnit is the unit install writes, with ExecStart set to exe.")
	f.Func().Id("svcUnit").Params(jen.Id("exe").String()).String().Block(
		jen.Id("desc").Op(":=").Id("svcDisplayName"),
		jen.If(jen.Id("desc").Op("==").Lit("")).Block(jen.Id("desc").Op("=").Id("svcServiceName")),
		jen.If(jen.Id("svcDescription").Op("!=").Lit("")).Block(jen.Id("desc").Op("+=").Lit(": ").Op("+").Id("svcDescription")),
		jen.Return(jen.Qual("strings", "NewReplacer").CallFunc(func(c *jen.Group) {
			for i := 0; i+1 < len(pairs); i += 2 {
				c.Line().Add(pairs[i]).Op(",").Add(pairs[i+1])
			}
			c.Line()
		}).Dot("Replace").Call(jen.Id("svcSystemdUnit"))),
	)
	f.Line()
	f.Comment("svcUnitDuration writes d in systemd's time syntax: whole seconds, else")
	f.Comment("milliseconds.")
	f.Func().Id("svcUnitDuration").Params(jen.Id("d").Qual("time", "Duration")).String().Block(
		jen.If(jen.Id("d").Op("%").Qual("time", "Second").Op("==").Lit(0)).Block(
			jen.Return(jen.Qual("strconv", "FormatInt").Call(jen.Int64().Call(jen.Id("d").Op("/").Qual("time", "Second")), jen.Lit(10)).Op("+").Lit("s")),
		),
		jen.Return(jen.Qual("strconv", "FormatInt").Call(jen.Int64().Call(jen.Id("d").Op("/").Qual("time", "Millisecond")), jen.Lit(10)).Op("+").Lit("ms")),
	)
}
