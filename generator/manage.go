package generator

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
)

// Packages the management verbs use.
const (
	pkgWindows  = "golang.org/x/sys/windows"
	pkgSvc      = "golang.org/x/sys/windows/svc"
	pkgMgr      = "golang.org/x/sys/windows/svc/mgr"
	pkgEventlog = "golang.org/x/sys/windows/svc/eventlog"
	pkgRegistry = "golang.org/x/sys/windows/registry"
)

func winQ(name string) *jen.Statement { return jen.Qual(pkgWindows, name) }
func svcQ(name string) *jen.Statement { return jen.Qual(pkgSvc, name) }
func mgrQ(name string) *jen.Statement { return jen.Qual(pkgMgr, name) }

// emitManage writes svcgen_manage_windows.go: the verbs install, uninstall,
// start, stop and status through svc/mgr, with the [windows] settings of
// the spec as constants in svcgen_config.go.
func emitManage(g *Context) error {
	s := g.Spec
	w := s.Windows
	g.Const("[service]", "svcDisplayName", jen.Lit(s.Service.DisplayName), "the SCM's display name (empty: the service name)")
	g.Const("[service]", "svcDescription", jen.Lit(s.Service.Description), "")
	g.Const("[windows]", "svcWindowsStart", jen.Lit(w.Start), "auto | delayed-auto | manual | disabled")
	g.Const("[windows]", "svcWindowsAccount", jen.Lit(s.ServiceAccount()), "windows.account as CreateService spells it (virtual: NT SERVICE\\<name>)")
	g.Const("[windows]", "svcWindowsPasswordEnv", jen.Lit(w.PasswordEnv), "install reads the account's password from it (never from the spec)")
	g.Const("[windows]", "svcWindowsDependencies", jen.Lit(strings.Join(w.Dependencies, "/")), "joined by / (no service name has one)")
	for i, a := range w.Recovery {
		n := fmt.Sprintf("svcWindowsRecovery%d", i+1)
		g.Const("[windows]", n, jen.Lit(a.Action), fmt.Sprintf("failure %d; later ones repeat the last action", i+1))
		g.Const("[windows]", n+"Delay", durationCode(a.Delay.Duration), "")
	}
	g.DurationConst("[windows]", "svcWindowsRecoveryReset", w.RecoveryReset, "failure count resets after this long without one")
	nonCrash := w.RecoveryOnNonCrash == nil || *w.RecoveryOnNonCrash
	g.Const("[windows]", "svcWindowsRecoveryOnNonCrash", jen.Lit(nonCrash), "recovery also when the service stops with a non-zero exit code")

	f := g.NewFile("svcgen_manage_windows.go", "")
	manageShared(f)
	manageInstall(f, len(w.Recovery))
	manageSettings(f)
	manageControl(f)
	return nil
}

// manageShared emits argument parsing, failures and state names.
func manageShared(f *jen.File) {
	f.Comment("svcExitVerbFailed is the exit code of a management verb that could not do")
	f.Comment("its job (the service's own codes are in svcgen_lifecycle.go).")
	f.Const().Id("svcExitVerbFailed").Op("=").Lit(1)
	f.Line()
	f.Comment("svcVerbSlack is added to the start and stop budgets when a verb waits for the")
	f.Comment("service: the service ends each phase within its budget; the slack covers")
	f.Comment("the process start and the SCM's bookkeeping.")
	f.Const().Id("svcVerbSlack").Op("=").Lit(5).Op("*").Qual("time", "Second")
	f.Line()
	f.Comment("svcVerbArgs reads the one flag of the management verbs: -name, the name in")
	f.Comment("the SCM (default the spec's name), so one binary can run as several instances.")
	f.Func().Id("svcVerbArgs").Params(jen.Id("verb").String(), jen.Id("args").Index().String()).Params(jen.String(), jen.Bool()).Block(
		jen.Id("fs").Op(":=").Qual("flag", "NewFlagSet").Call(jen.Id("svcServiceName").Op("+").Lit(" ").Op("+").Id("verb"), jen.Qual("flag", "ContinueOnError")),
		jen.Id("name").Op(":=").Id("fs").Dot("String").Call(jen.Lit("name"), jen.Id("svcServiceName"), jen.Lit("the service's name in the Service Control Manager")),
		jen.If(jen.Err().Op(":=").Id("fs").Dot("Parse").Call(jen.Id("args")), errNotNil()).Block(jen.Return(jen.Lit(""), jen.False())),
		jen.If(jen.Id("fs").Dot("NArg").Call().Op(">").Lit(0).Op("||").Op("*").Id("name").Op("==").Lit("")).Block(
			jen.Qual("fmt", "Fprintf").Call(jen.Qual("os", "Stderr"), jen.Lit("usage: %s %s [-name NAME]\n"), jen.Id("svcServiceName"), jen.Id("verb")),
			jen.Return(jen.Lit(""), jen.False()),
		),
		jen.Return(jen.Op("*").Id("name"), jen.True()),
	)
	f.Line()
	f.Comment("svcVerbFailed reports a failed verb. Access denied is the usual reason on a")
	f.Comment("machine: managing services needs an administrator's token.")
	f.Func().Id("svcVerbFailed").Params(jen.List(jen.Id("verb"), jen.Id("name")).String(), jen.Err().Error()).Int().Block(
		jen.Qual("fmt", "Fprintf").Call(jen.Qual("os", "Stderr"), jen.Lit("%s %s: %v\n"), jen.Id("verb"), jen.Id("name"), jen.Err()),
		jen.If(jen.Qual("errors", "Is").Call(jen.Err(), winQ("ERROR_ACCESS_DENIED"))).Block(
			jen.Qual("fmt", "Fprintln").Call(jen.Qual("os", "Stderr"), jen.Lit("access denied: run this from an elevated prompt (Run as administrator)")),
		),
		jen.Return(jen.Id("svcExitVerbFailed")),
	)
	f.Line()
	f.Comment("svcOpen connects to the SCM and opens the service.")
	f.Func().Id("svcOpen").Params(jen.Id("name").String()).Params(jen.Op("*").Add(mgrQ("Mgr")), jen.Op("*").Add(mgrQ("Service")), jen.Error()).Block(
		jen.List(jen.Id("m"), jen.Err()).Op(":=").Add(mgrQ("Connect")).Call(),
		ifErrReturn(jen.Nil(), jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("connect to the Service Control Manager: %w"), jen.Err())),
		jen.List(jen.Id("s"), jen.Err()).Op(":=").Id("m").Dot("OpenService").Call(jen.Id("name")),
		jen.If(errNotNil()).Block(
			jen.Id("m").Dot("Disconnect").Call(),
			jen.If(jen.Qual("errors", "Is").Call(jen.Err(), winQ("ERROR_SERVICE_DOES_NOT_EXIST"))).Block(
				jen.Return(jen.Nil(), jen.Nil(), jen.Qual("errors", "New").Call(jen.Lit("not installed"))),
			),
			jen.Return(jen.Nil(), jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("open the service: %w"), jen.Err())),
		),
		jen.Return(jen.Id("m"), jen.Id("s"), jen.Nil()),
	)
	f.Line()
	f.Comment("svcStateName names a state the way sc.exe does.")
	f.Func().Id("svcSCMStateName").Params(jen.Id("s").Add(svcQ("State"))).String().Block(
		jen.Switch(jen.Id("s")).BlockFunc(func(sg *jen.Group) {
			for _, st := range [][2]string{{"Stopped", "STOPPED"}, {"StartPending", "START_PENDING"}, {"StopPending", "STOP_PENDING"}, {"Running", "RUNNING"}, {"ContinuePending", "CONTINUE_PENDING"}, {"PausePending", "PAUSE_PENDING"}, {"Paused", "PAUSED"}} {
				sg.Case(svcQ(st[0])).Block(jen.Return(jen.Lit(st[1])))
			}
		}),
		jen.Return(jen.Qual("fmt", "Sprintf").Call(jen.Lit("state %d"), jen.Id("s"))),
	)
	f.Line()
	f.Comment("svcExitMeaning explains a service-specific exit code of this service.")
	f.Func().Id("svcExitMeaning").Params(jen.Id("code").Uint32()).String().Block(
		jen.Switch(jen.Id("code")).BlockFunc(func(sg *jen.Group) {
			for _, c := range [][2]string{
				{"svcExitOK", "clean stop"}, {"svcExitUsage", "usage"}, {"svcExitStartFailed", "start failed"},
				{"svcExitStopTimeout", "a stop step missed its budget"}, {"svcExitForced", "forced stop"},
				{"svcExitPanic", "panic"}, {"svcExitWorker", "a worker or server failed"}, {"svcExitLiveness", "liveness failed"},
			} {
				sg.Case(jen.Id(c[0])).Block(jen.Return(jen.Lit(c[1])))
			}
		}),
		jen.Return(jen.Lit("unknown")),
	)
	f.Line()
	f.Comment("svcExitText describes how a stopped service ended.")
	f.Func().Id("svcExitText").Params(jen.Id("st").Add(svcQ("Status"))).String().Block(
		jen.Switch().Block(
			jen.Case(jen.Id("st").Dot("Win32ExitCode").Op("==").Uint32().Call(winQ("ERROR_SERVICE_SPECIFIC_ERROR"))).Block(
				jen.Return(jen.Qual("fmt", "Sprintf").Call(jen.Lit("exit code %d (%s)"), jen.Id("st").Dot("ServiceSpecificExitCode"), jen.Id("svcExitMeaning").Call(jen.Id("st").Dot("ServiceSpecificExitCode")))),
			),
			jen.Case(jen.Id("st").Dot("Win32ExitCode").Op("!=").Lit(0)).Block(
				jen.Return(jen.Qual("fmt", "Sprintf").Call(jen.Lit("error %d (%v)"), jen.Id("st").Dot("Win32ExitCode"), winQ("Errno").Call(jen.Id("st").Dot("Win32ExitCode")))),
			),
		),
		jen.Return(jen.Lit("exit code 0 (clean stop)")),
	)
}

// manageInstall emits svcInstall, the installer with its rollback, and
// uninstall.
func manageInstall(f *jen.File, recoveryN int) {
	in := jen.Id("in").Op("*").Id("svcInstaller")
	f.Line()
	f.Comment("svcInstall registers the service, or updates the registration when it is")
	f.Comment("installed already. The SCM runs `<this exe> service`. Settings this SCM does")
	f.Comment("not implement are warnings (the install still works without them); any")
	f.Comment("other failure undoes what the install did.")
	f.Func().Id("svcInstall").Params(jen.Id("args").Index().String()).Int().Block(
		jen.List(jen.Id("name"), jen.Id("ok")).Op(":=").Id("svcVerbArgs").Call(jen.Lit("install"), jen.Id("args")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Id("svcExitUsage"))),
		jen.List(jen.Id("exe"), jen.Err()).Op(":=").Qual("os", "Executable").Call(),
		jen.If(errNotNil()).Block(jen.Return(jen.Id("svcVerbFailed").Call(jen.Lit("install"), jen.Id("name"), jen.Err()))),
		jen.List(jen.Id("password"), jen.Err()).Op(":=").Id("svcAccountPassword").Call(),
		jen.If(errNotNil()).Block(jen.Return(jen.Id("svcVerbFailed").Call(jen.Lit("install"), jen.Id("name"), jen.Err()))),
		jen.List(jen.Id("m"), jen.Err()).Op(":=").Add(mgrQ("Connect")).Call(),
		jen.If(errNotNil()).Block(jen.Return(jen.Id("svcVerbFailed").Call(jen.Lit("install"), jen.Id("name"), jen.Err()))),
		jen.Defer().Id("m").Dot("Disconnect").Call(),
		jen.Id("i").Op(":=").Op("&").Id("svcInstaller").Values(jen.Id("name").Op(":").Id("name"), jen.Id("exe").Op(":").Id("exe"), jen.Id("password").Op(":").Id("password")),
		jen.Err().Op("=").Id("i").Dot("run").Call(jen.Id("m")),
		jen.If(errNotNil()).Block(
			jen.If(jen.Id("rerr").Op(":=").Id("i").Dot("rollback").Call(), jen.Id("rerr").Op("!=").Nil()).Block(
				jen.Qual("fmt", "Fprintf").Call(jen.Qual("os", "Stderr"), jen.Lit("install %s: undo: %v\n"), jen.Id("name"), jen.Id("rerr")),
			),
		),
		jen.If(jen.Id("i").Dot("s").Op("!=").Nil()).Block(jen.Id("i").Dot("s").Dot("Close").Call()),
		jen.If(errNotNil()).Block(jen.Return(jen.Id("svcVerbFailed").Call(jen.Lit("install"), jen.Id("name"), jen.Err()))),
		jen.For(jen.List(jen.Id("_"), jen.Id("w")).Op(":=").Range().Id("i").Dot("warnings")).Block(
			jen.Qual("fmt", "Fprintf").Call(jen.Qual("os", "Stderr"), jen.Lit("install %s: warning: %s\n"), jen.Id("name"), jen.Id("w")),
		),
		jen.Id("done").Op(":=").Lit("installed"),
		jen.If(jen.Op("!").Id("i").Dot("created")).Block(jen.Id("done").Op("=").Lit("updated")),
		jen.Qual("fmt", "Printf").Call(jen.Lit("%s %s: %s service\n"), jen.Id("done"), jen.Id("name"), jen.Qual("syscall", "EscapeArg").Call(jen.Id("exe"))),
		jen.Return(jen.Id("svcExitOK")),
	)
	f.Line()
	f.Comment("svcInstaller is one install: what it changed, so a failure can undo it.")
	f.Type().Id("svcInstaller").Struct(
		jen.List(jen.Id("name"), jen.Id("exe"), jen.Id("password")).String(),
		jen.Id("s").Op("*").Add(mgrQ("Service")),
		jen.Id("created").Bool().Comment("the service is new: undo deletes it"),
		jen.Id("previous").Index().Byte().Comment("QUERY_SERVICE_CONFIG before an update: undo restores it"),
		jen.Id("createdSource").Bool().Comment("the event log source is new: undo removes it"),
		jen.Id("warnings").Index().String(),
	)
	f.Line()
	f.Func().Params(in).Id("run").Params(jen.Id("m").Op("*").Add(mgrQ("Mgr"))).Error().Block(
		jen.Id("display").Op(":=").Id("svcDisplayName"),
		jen.If(jen.Id("display").Op("==").Lit("")).Block(
			jen.Id("display").Op("=").Id("in").Dot("name").Comment("what services.msc shows otherwise"),
		),
		jen.Id("cfg").Op(":=").Add(mgrQ("Config")).ValuesFunc(fields(
			jen.Id("StartType"), jen.Id("svcStartType").Call(),
			jen.Id("ErrorControl"), mgrQ("ErrorNormal"),
			jen.Id("Dependencies"), jen.Id("svcDependencies").Call(),
			jen.Id("ServiceStartName"), jen.Id("svcInstallAccount").Call(jen.Id("in").Dot("name")),
			jen.Id("Password"), jen.Id("in").Dot("password"),
			jen.Id("DisplayName"), jen.Id("display"),
		)),
		jen.List(jen.Id("s"), jen.Err()).Op(":=").Id("m").Dot("OpenService").Call(jen.Id("in").Dot("name")),
		jen.Switch().Block(
			jen.Case(jen.Err().Op("==").Nil()).Block(
				jen.Id("in").Dot("s").Op("=").Id("s"),
				jen.If(jen.List(jen.Id("in").Dot("previous"), jen.Err()).Op("=").Id("svcQueryConfig").Call(jen.Id("s")), errNotNil()).Block(
					jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("read the installed configuration: %w"), jen.Err())),
				),
				jen.If(jen.Err().Op(":=").Id("svcUpdateConfig").Call(jen.Id("s"), jen.Id("in").Dot("exe"), jen.Id("cfg")), errNotNil()).Block(
					jen.Id("in").Dot("previous").Op("=").Nil().Comment("nothing changed"),
					jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("update the configuration: %w"), jen.Err())),
				),
			),
			jen.Case(jen.Qual("errors", "Is").Call(jen.Err(), winQ("ERROR_SERVICE_DOES_NOT_EXIST"))).Block(
				jen.Comment("Only the basic configuration here: mgr would apply description,"),
				jen.Comment("delayed start and SID type inside CreateService and fail it whole on a"),
				jen.Comment("system that lacks one of them. They follow as steps of their own."),
				jen.List(jen.Id("s"), jen.Err()).Op("=").Id("m").Dot("CreateService").Call(jen.Id("in").Dot("name"), jen.Id("in").Dot("exe"), jen.Id("cfg"), jen.Lit("service")),
				ifErrReturn(jen.Qual("fmt", "Errorf").Call(jen.Lit("create the service: %w"), jen.Err())),
				jen.List(jen.Id("in").Dot("s"), jen.Id("in").Dot("created")).Op("=").List(jen.Id("s"), jen.True()),
			),
			jen.Default().Block(
				jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("open the service: %w"), jen.Err())),
			),
		),
		jen.Id("h").Op(":=").Id("s").Dot("Handle"),
		jen.If(jen.Err().Op(":=").Id("in").Dot("optional").Call(jen.Lit("description"), jen.Id("svcSetDescription").Call(jen.Id("h"), jen.Id("svcDescription"))), errNotNil()).Block(jen.Return(jen.Err())),
		jen.Comment("A new service is not delayed; an updated one may have been: set it either way."),
		jen.If(jen.Id("svcWindowsStart").Op("==").Lit("delayed-auto").Op("||").Op("!").Id("in").Dot("created").Op("&&").Id("svcWindowsStart").Op("==").Lit("auto")).Block(
			jen.If(jen.Err().Op(":=").Id("in").Dot("optional").Call(jen.Lit("delayed auto-start"), jen.Id("svcSetDelayedStart").Call(jen.Id("h"), jen.Id("svcWindowsStart").Op("==").Lit("delayed-auto"))), errNotNil()).Block(jen.Return(jen.Err())),
		),
		jen.If(jen.Qual("strings", "HasPrefix").Call(jen.Id("svcWindowsAccount"), jen.Lit(`NT SERVICE\`))).Block(
			jen.Comment("A virtual account is the service's own SID: the SCM must give it one."),
			jen.If(jen.Err().Op(":=").Id("in").Dot("optional").Call(jen.Lit("service SID for the virtual account"), jen.Id("svcSetSidType").Call(jen.Id("h"), winQ("SERVICE_SID_TYPE_UNRESTRICTED"))), errNotNil()).Block(jen.Return(jen.Err())),
		),
		jen.If(jen.Err().Op(":=").Id("in").Dot("optional").Call(jen.Lit("recovery actions"), jen.Id("svcSetRecovery").Call(jen.Id("s"))), errNotNil()).Block(jen.Return(jen.Err())),
		jen.Comment("Without this flag recovery fires only when the process dies without"),
		jen.Comment("reporting STOPPED: an exit code alone (a failed start) would not restart."),
		jen.If(jen.Err().Op(":=").Id("in").Dot("optional").Call(jen.Lit("recovery on non-crash failures"), jen.Id("s").Dot("SetRecoveryActionsOnNonCrashFailures").Call(jen.Id("svcWindowsRecoveryOnNonCrash"))), errNotNil()).Block(jen.Return(jen.Err())),
		jen.If(jen.Err().Op(":=").Id("in").Dot("optional").Call(jen.Lit("preshutdown timeout"), jen.Id("svcSetPreshutdown").Call(jen.Id("h"), jen.Id("svcWindowsPreshutdown"))), errNotNil()).Block(jen.Return(jen.Err())),
		jen.Return(jen.Id("in").Dot("eventSource").Call()),
	)
	f.Line()
	f.Comment("optional judges the result of one setting: ERROR_INVALID_LEVEL means this")
	f.Comment("SCM does not implement the setting at all (Wine's, for several). That is")
	f.Comment("said as a warning, not hidden and not treated as a failed install.")
	f.Func().Params(in).Id("optional").Params(jen.Id("what").String(), jen.Err().Error()).Error().Block(
		jen.If(jen.Qual("errors", "Is").Call(jen.Err(), winQ("ERROR_INVALID_LEVEL"))).Block(
			jen.Id("in").Dot("warnings").Op("=").Append(jen.Id("in").Dot("warnings"), jen.Id("what").Op("+").Lit(" not applied: this Service Control Manager does not implement it (Invalid level)")),
			jen.Return(jen.Nil()),
		),
		ifErrReturn(jen.Qual("fmt", "Errorf").Call(jen.Lit("set %s: %w"), jen.Id("what"), jen.Err())),
		jen.Return(jen.Nil()),
	)
	f.Line()
	f.Comment("eventSource registers the service's name as an Application event log source")
	f.Comment("when event_log is on, and removes one a former install left when it is off.")
	f.Func().Params(in).Id("eventSource").Params().Error().Block(
		jen.Id("exists").Op(":=").Id("svcEventSourceExists").Call(jen.Id("in").Dot("name")),
		jen.Switch().Block(
			jen.Case(jen.Id("svcWindowsEventLog").Op("&&").Op("!").Id("exists")).Block(
				jen.Err().Op(":=").Qual(pkgEventlog, "InstallAsEventCreate").Call(jen.Id("in").Dot("name"), jen.Qual(pkgEventlog, "Error").Op("|").Qual(pkgEventlog, "Warning").Op("|").Qual(pkgEventlog, "Info")),
				ifErrReturn(jen.Qual("fmt", "Errorf").Call(jen.Lit("register the event log source: %w"), jen.Err())),
				jen.Id("in").Dot("createdSource").Op("=").True(),
			),
			jen.Case(jen.Op("!").Id("svcWindowsEventLog").Op("&&").Id("exists")).Block(
				jen.If(jen.Err().Op(":=").Qual(pkgEventlog, "Remove").Call(jen.Id("in").Dot("name")), errNotNil()).Block(
					jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("remove the event log source: %w"), jen.Err())),
				),
			),
		),
		jen.Return(jen.Nil()),
	)
	f.Line()
	f.Comment("rollback undoes a failed install: a new service is deleted, an updated one")
	f.Comment("gets its former configuration back (all but its password, which Windows")
	f.Comment("never hands out).")
	f.Func().Params(in).Id("rollback").Params().Error().Block(
		jen.If(jen.Id("in").Dot("createdSource")).Block(jen.Qual(pkgEventlog, "Remove").Call(jen.Id("in").Dot("name"))),
		jen.Switch().Block(
			jen.Case(jen.Id("in").Dot("s").Op("==").Nil()).Block(jen.Return(jen.Nil())),
			jen.Case(jen.Id("in").Dot("created")).Block(jen.Return(jen.Id("in").Dot("s").Dot("Delete").Call())),
			jen.Case(jen.Id("in").Dot("previous").Op("!=").Nil()).Block(jen.Return(jen.Id("svcRestoreConfig").Call(jen.Id("in").Dot("s"), jen.Id("in").Dot("previous")))),
		),
		jen.Return(jen.Nil()),
	)

	f.Line()
	f.Comment("svcUninstall stops the service, deletes it and removes its event log source.")
	f.Func().Id("svcUninstall").Params(jen.Id("args").Index().String()).Int().Block(
		jen.List(jen.Id("name"), jen.Id("ok")).Op(":=").Id("svcVerbArgs").Call(jen.Lit("uninstall"), jen.Id("args")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Id("svcExitUsage"))),
		jen.List(jen.Id("m"), jen.Id("s"), jen.Err()).Op(":=").Id("svcOpen").Call(jen.Id("name")),
		jen.If(errNotNil()).Block(jen.Return(jen.Id("svcVerbFailed").Call(jen.Lit("uninstall"), jen.Id("name"), jen.Err()))),
		jen.Defer().Id("m").Dot("Disconnect").Call(),
		jen.Defer().Id("s").Dot("Close").Call(),
		jen.Comment("Stopped first: Delete only marks a running service, which would then"),
		jen.Comment("vanish at some later stop."),
		jen.If(jen.List(jen.Id("st"), jen.Err()).Op(":=").Id("svcQuery").Call(jen.Id("s")), jen.Err().Op("==").Nil().Op("&&").Id("st").Dot("State").Op("!=").Add(svcQ("Stopped"))).Block(
			jen.If(jen.Err().Op(":=").Id("svcStopAndWait").Call(jen.Id("s"), jen.Id("name")), errNotNil()).Block(
				jen.Return(jen.Id("svcVerbFailed").Call(jen.Lit("uninstall"), jen.Id("name"), jen.Err())),
			),
		),
		jen.If(jen.Err().Op(":=").Id("s").Dot("Delete").Call(), errNotNil()).Block(
			jen.Return(jen.Id("svcVerbFailed").Call(jen.Lit("uninstall"), jen.Id("name"), jen.Qual("fmt", "Errorf").Call(jen.Lit("delete the service: %w"), jen.Err()))),
		),
		jen.If(jen.Id("svcEventSourceExists").Call(jen.Id("name"))).Block(
			jen.If(jen.Err().Op(":=").Qual(pkgEventlog, "Remove").Call(jen.Id("name")), errNotNil()).Block(
				jen.Return(jen.Id("svcVerbFailed").Call(jen.Lit("uninstall"), jen.Id("name"), jen.Qual("fmt", "Errorf").Call(jen.Lit("remove the event log source: %w"), jen.Err()))),
			),
		),
		jen.Qual("fmt", "Printf").Call(jen.Lit("uninstalled %s\n"), jen.Id("name")),
		jen.Return(jen.Id("svcExitOK")),
	)

	f.Line()
	f.Comment("svcStartType is the SCM start type of windows.start; delayed-auto is")
	f.Comment("automatic plus the delayed flag (a setting of its own).")
	f.Func().Id("svcStartType").Params().Uint32().Block(
		jen.Switch(jen.Id("svcWindowsStart")).Block(
			jen.Case(jen.Lit("manual")).Block(jen.Return(mgrQ("StartManual"))),
			jen.Case(jen.Lit("disabled")).Block(jen.Return(mgrQ("StartDisabled"))),
		),
		jen.Return(mgrQ("StartAutomatic")),
	)
	f.Line()
	f.Comment("svcDependencies are the services the SCM starts before this one.")
	f.Func().Id("svcDependencies").Params().Index().String().Block(
		jen.If(jen.Id("svcWindowsDependencies").Op("==").Lit("")).Block(jen.Return(jen.Nil())),
		jen.Return(jen.Qual("strings", "Split").Call(jen.Id("svcWindowsDependencies"), jen.Lit("/"))),
	)
	f.Line()
	f.Comment("svcInstallAccount is the account the service runs as. A virtual account is")
	f.Comment("named after the service, so an instance installed with -name gets its own.")
	f.Func().Id("svcInstallAccount").Params(jen.Id("name").String()).String().Block(
		jen.If(jen.Id("svcWindowsAccount").Op("==").Lit(`NT SERVICE\`).Op("+").Id("svcServiceName")).Block(
			jen.Return(jen.Lit(`NT SERVICE\`).Op("+").Id("name")),
		),
		jen.Return(jen.Id("svcWindowsAccount")),
	)
	f.Line()
	f.Comment("svcRecoveryActions are windows.recovery: the Nth failure takes the Nth")
	f.Comment("action, later failures the last one.")
	f.Func().Id("svcRecoveryActions").Params().Index().Add(mgrQ("RecoveryAction")).Block(
		jen.Return(jen.Index().Add(mgrQ("RecoveryAction")).ValuesFunc(func(lg *jen.Group) {
			for i := 1; i <= recoveryN; i++ {
				n := fmt.Sprintf("svcWindowsRecovery%d", i)
				lg.Line().Values(jen.Id("Type").Op(":").Id("svcRecoveryType").Call(jen.Id(n)), jen.Id("Delay").Op(":").Id(n+"Delay"))
			}
			if recoveryN > 0 {
				lg.Line()
			}
		})),
	)
	f.Line()
	f.Func().Id("svcRecoveryType").Params(jen.Id("action").String()).Int().Block(
		jen.Switch(jen.Id("action")).Block(
			jen.Case(jen.Lit("restart")).Block(jen.Return(mgrQ("ServiceRestart"))),
			jen.Case(jen.Lit("reboot")).Block(jen.Return(mgrQ("ComputerReboot"))),
		),
		jen.Return(mgrQ("NoAction")),
	)
	f.Line()
	f.Comment("svcAccountPassword is the password of a DOMAIN\\user account: from the")
	f.Comment("variable windows.password_env names, else asked on the console. Built-in,")
	f.Comment("virtual and managed accounts have none.")
	f.Func().Id("svcAccountPassword").Params().Params(jen.String(), jen.Error()).Block(
		jen.If(jen.Id("svcWindowsPasswordEnv").Op("==").Lit("")).Block(jen.Return(jen.Lit(""), jen.Nil())),
		jen.If(jen.Id("pw").Op(":=").Qual("os", "Getenv").Call(jen.Id("svcWindowsPasswordEnv")), jen.Id("pw").Op("!=").Lit("")).Block(jen.Return(jen.Id("pw"), jen.Nil())),
		jen.Id("console").Op(":=").Add(winQ("Handle")).Call(jen.Qual("os", "Stdin").Dot("Fd").Call()),
		jen.Var().Id("mode").Uint32(),
		jen.If(jen.Err().Op(":=").Add(winQ("GetConsoleMode")).Call(jen.Id("console"), jen.Op("&").Id("mode")), errNotNil()).Block(
			jen.Return(jen.Lit(""), jen.Qual("fmt", "Errorf").Call(jen.Lit("the password of %s: set %s (there is no console to ask on)"), jen.Id("svcWindowsAccount"), jen.Id("svcWindowsPasswordEnv"))),
		),
		jen.Comment("No echo while the password is typed; the mode comes back either way."),
		jen.If(jen.Err().Op(":=").Add(winQ("SetConsoleMode")).Call(jen.Id("console"), jen.Id("mode").Op("&^").Add(winQ("ENABLE_ECHO_INPUT"))), errNotNil()).Block(
			jen.Return(jen.Lit(""), jen.Err()),
		),
		jen.Defer().Add(winQ("SetConsoleMode")).Call(jen.Id("console"), jen.Id("mode")),
		jen.Qual("fmt", "Fprintf").Call(jen.Qual("os", "Stderr"), jen.Lit("password of %s: "), jen.Id("svcWindowsAccount")),
		jen.List(jen.Id("line"), jen.Err()).Op(":=").Qual("bufio", "NewReader").Call(jen.Qual("os", "Stdin")).Dot("ReadString").Call(jen.LitRune('\n')),
		jen.Qual("fmt", "Fprintln").Call(jen.Qual("os", "Stderr")),
		jen.Id("line").Op("=").Qual("strings", "TrimRight").Call(jen.Id("line"), jen.Lit("\r\n")),
		jen.If(jen.Id("line").Op("==").Lit("")).Block(
			jen.Return(jen.Lit(""), jen.Qual("fmt", "Errorf").Call(jen.Lit("no password given for %s: %v"), jen.Id("svcWindowsAccount"), jen.Err())),
		),
		jen.Return(jen.Id("line"), jen.Nil()),
	)
}

// manageSettings emits the ChangeServiceConfig(2) helpers.
func manageSettings(f *jen.File) {
	config2 := func(level string, ptr jen.Code) jen.Code {
		return jen.Return(winQ("ChangeServiceConfig2").Call(jen.Id("h"), winQ(level), jen.Parens(jen.Op("*").Byte()).Call(jen.Qual("unsafe", "Pointer").Call(ptr))))
	}
	h := jen.Id("h").Add(winQ("Handle"))
	f.Line()
	f.Func().Id("svcSetDescription").Params(h, jen.Id("text").String()).Error().Block(
		jen.List(jen.Id("p"), jen.Err()).Op(":=").Add(winQ("UTF16PtrFromString")).Call(jen.Id("text")),
		ifErrReturn(jen.Err()),
		jen.Id("d").Op(":=").Add(winQ("SERVICE_DESCRIPTION")).Values(jen.Id("Description").Op(":").Id("p")),
		config2("SERVICE_CONFIG_DESCRIPTION", jen.Op("&").Id("d")),
	)
	f.Line()
	f.Func().Id("svcSetDelayedStart").Params(jen.Id("h").Add(winQ("Handle")), jen.Id("on").Bool()).Error().Block(
		jen.Var().Id("d").Add(winQ("SERVICE_DELAYED_AUTO_START_INFO")),
		jen.If(jen.Id("on")).Block(jen.Id("d").Dot("IsDelayedAutoStartUp").Op("=").Lit(1)),
		config2("SERVICE_CONFIG_DELAYED_AUTO_START_INFO", jen.Op("&").Id("d")),
	)
	f.Line()
	f.Func().Id("svcSetSidType").Params(jen.Id("h").Add(winQ("Handle")), jen.Id("sidType").Uint32()).Error().Block(
		config2("SERVICE_CONFIG_SERVICE_SID_INFO", jen.Op("&").Id("sidType")),
	)
	f.Line()
	f.Comment("svcSetPreshutdown tells the SCM how long to wait for the stop after")
	f.Comment("PreShutdown (SERVICE_PRESHUTDOWN_INFO; mgr has no setter).")
	f.Func().Id("svcSetPreshutdown").Params(jen.Id("h").Add(winQ("Handle")), jen.Id("d").Add(durType())).Error().Block(
		jen.Id("info").Op(":=").Struct(jen.Id("Timeout").Uint32()).Values(jen.Uint32().Call(jen.Id("d").Op("/").Qual("time", "Millisecond"))),
		config2("SERVICE_CONFIG_PRESHUTDOWN_INFO", jen.Op("&").Id("info")),
	)
	f.Line()
	f.Func().Id("svcSetRecovery").Params(jen.Id("s").Op("*").Add(mgrQ("Service"))).Error().Block(
		jen.Id("actions").Op(":=").Id("svcRecoveryActions").Call(),
		jen.If(jen.Len(jen.Id("actions")).Op("==").Lit(0)).Block(jen.Return(jen.Id("s").Dot("ResetRecoveryActions").Call())),
		jen.Return(jen.Id("s").Dot("SetRecoveryActions").Call(jen.Id("actions"), jen.Uint32().Call(jen.Id("svcWindowsRecoveryReset").Op("/").Qual("time", "Second")))),
	)
	f.Line()
	f.Comment("svcUpdateConfig rewrites the basic configuration of an installed service.")
	f.Comment("(mgr's UpdateConfig also writes the delayed flag and SID type, and fails")
	f.Comment("whole where the SCM lacks those; they are steps of their own here.)")
	f.Func().Id("svcUpdateConfig").Params(jen.Id("s").Op("*").Add(mgrQ("Service")), jen.Id("exe").String(), jen.Id("c").Add(mgrQ("Config"))).Error().Block(
		jen.Var().Id("p").Index(jen.Lit(4)).Op("*").Uint16(),
		jen.For(jen.List(jen.Id("i"), jen.Id("v")).Op(":=").Range().Index().String().Values(
			jen.Qual("syscall", "EscapeArg").Call(jen.Id("exe")).Op("+").Lit(" service"),
			jen.Id("c").Dot("ServiceStartName"), jen.Id("c").Dot("Password"), jen.Id("c").Dot("DisplayName"),
		)).Block(
			jen.Var().Err().Error(),
			jen.If(jen.List(jen.Id("p").Index(jen.Id("i")), jen.Err()).Op("=").Add(winQ("UTF16PtrFromString")).Call(jen.Id("v")), errNotNil()).Block(jen.Return(jen.Err())),
		),
		jen.Comment("Dependencies as a double-NUL-terminated list; an empty one clears them."),
		jen.Var().Id("deps").Index().Uint16(),
		jen.For(jen.List(jen.Id("_"), jen.Id("d")).Op(":=").Range().Id("c").Dot("Dependencies")).Block(
			jen.Id("deps").Op("=").Append(jen.Id("deps"), winQ("StringToUTF16").Call(jen.Id("d")).Op("...")),
		),
		jen.Id("deps").Op("=").Append(jen.Id("deps"), jen.Lit(0)),
		jen.Return(winQ("ChangeServiceConfig").Call(
			jen.Id("s").Dot("Handle"), winQ("SERVICE_NO_CHANGE"), jen.Id("c").Dot("StartType"), jen.Id("c").Dot("ErrorControl"),
			jen.Id("p").Index(jen.Lit(0)), jen.Nil(), jen.Nil(), jen.Op("&").Id("deps").Index(jen.Lit(0)),
			jen.Id("p").Index(jen.Lit(1)), jen.Id("p").Index(jen.Lit(2)), jen.Id("p").Index(jen.Lit(3)),
		)),
	)
	f.Line()
	f.Comment("svcQueryConfig returns the service's QUERY_SERVICE_CONFIG with the strings")
	f.Comment("it points to, in one buffer.")
	f.Func().Id("svcQueryConfig").Params(jen.Id("s").Op("*").Add(mgrQ("Service"))).Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Id("need").Op(":=").Uint32().Call(jen.Qual("unsafe", "Sizeof").Call(winQ("QUERY_SERVICE_CONFIG").Values())),
		jen.For().Block(
			jen.Id("buf").Op(":=").Make(jen.Index().Byte(), jen.Id("need")),
			jen.Err().Op(":=").Add(winQ("QueryServiceConfig")).Call(jen.Id("s").Dot("Handle"), jen.Parens(jen.Op("*").Add(winQ("QUERY_SERVICE_CONFIG"))).Call(jen.Qual("unsafe", "Pointer").Call(jen.Op("&").Id("buf").Index(jen.Lit(0)))), jen.Id("need"), jen.Op("&").Id("need")),
			jen.If(jen.Op("!").Qual("errors", "Is").Call(jen.Err(), winQ("ERROR_INSUFFICIENT_BUFFER"))).Block(jen.Return(jen.Id("buf"), jen.Err())),
		),
	)
	f.Line()
	f.Comment("svcRestoreConfig puts back a configuration svcQueryConfig read (the")
	f.Comment("password stays as it is: nil means unchanged).")
	f.Func().Id("svcRestoreConfig").Params(jen.Id("s").Op("*").Add(mgrQ("Service")), jen.Id("buf").Index().Byte()).Error().Block(
		jen.Id("c").Op(":=").Parens(jen.Op("*").Add(winQ("QUERY_SERVICE_CONFIG"))).Call(jen.Qual("unsafe", "Pointer").Call(jen.Op("&").Id("buf").Index(jen.Lit(0)))),
		jen.Return(winQ("ChangeServiceConfig").Call(
			jen.Id("s").Dot("Handle"), jen.Id("c").Dot("ServiceType"), jen.Id("c").Dot("StartType"), jen.Id("c").Dot("ErrorControl"),
			jen.Id("c").Dot("BinaryPathName"), jen.Id("c").Dot("LoadOrderGroup"), jen.Nil(), jen.Id("c").Dot("Dependencies"),
			jen.Id("c").Dot("ServiceStartName"), jen.Nil(), jen.Id("c").Dot("DisplayName"),
		)),
	)
	f.Line()
	f.Comment("svcEventSourceExists reports whether the Application log knows the source.")
	f.Func().Id("svcEventSourceExists").Params(jen.Id("name").String()).Bool().Block(
		jen.List(jen.Id("k"), jen.Err()).Op(":=").Qual(pkgRegistry, "OpenKey").Call(jen.Qual(pkgRegistry, "LOCAL_MACHINE"), jen.Lit(`SYSTEM\CurrentControlSet\Services\EventLog\Application\`).Op("+").Id("name"), jen.Qual(pkgRegistry, "QUERY_VALUE")),
		jen.If(errNotNil()).Block(jen.Return(jen.False())),
		jen.Id("k").Dot("Close").Call(),
		jen.Return(jen.True()),
	)
}

// manageControl emits start, stop, status and the wait between.
func manageControl(f *jen.File) {
	f.Line()
	f.Comment("svcStart starts the service and waits until it runs, printing each step")
	f.Comment("(CheckPoint) of its warmup, for at most the start budget.")
	f.Func().Id("svcStart").Params(jen.Id("args").Index().String()).Int().Block(
		jen.List(jen.Id("name"), jen.Id("ok")).Op(":=").Id("svcVerbArgs").Call(jen.Lit("start"), jen.Id("args")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Id("svcExitUsage"))),
		jen.List(jen.Id("m"), jen.Id("s"), jen.Err()).Op(":=").Id("svcOpen").Call(jen.Id("name")),
		jen.If(errNotNil()).Block(jen.Return(jen.Id("svcVerbFailed").Call(jen.Lit("start"), jen.Id("name"), jen.Err()))),
		jen.Defer().Id("m").Dot("Disconnect").Call(),
		jen.Defer().Id("s").Dot("Close").Call(),
		jen.If(jen.Err().Op(":=").Id("s").Dot("Start").Call(), errNotNil()).Block(
			jen.If(jen.Qual("errors", "Is").Call(jen.Err(), winQ("ERROR_SERVICE_ALREADY_RUNNING"))).Block(
				jen.Qual("fmt", "Printf").Call(jen.Lit("%s is already running\n"), jen.Id("name")),
				jen.Return(jen.Id("svcExitOK")),
			),
			jen.Return(jen.Id("svcVerbFailed").Call(jen.Lit("start"), jen.Id("name"), jen.Err())),
		),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("svcWait").Call(jen.Id("s"), jen.Id("name"), svcQ("Running"), jen.Id("svcTimeoutStart").Op("+").Id("svcVerbSlack")), errNotNil()).Block(
			jen.Return(jen.Id("svcVerbFailed").Call(jen.Lit("start"), jen.Id("name"), jen.Err())),
		),
		jen.Return(jen.Id("svcExitOK")),
	)
	f.Line()
	f.Comment("svcStopVerb stops the service and waits until it stopped, printing each")
	f.Comment("step of its drain, for at most the stop budget.")
	f.Func().Id("svcStopVerb").Params(jen.Id("args").Index().String()).Int().Block(
		jen.List(jen.Id("name"), jen.Id("ok")).Op(":=").Id("svcVerbArgs").Call(jen.Lit("stop"), jen.Id("args")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Id("svcExitUsage"))),
		jen.List(jen.Id("m"), jen.Id("s"), jen.Err()).Op(":=").Id("svcOpen").Call(jen.Id("name")),
		jen.If(errNotNil()).Block(jen.Return(jen.Id("svcVerbFailed").Call(jen.Lit("stop"), jen.Id("name"), jen.Err()))),
		jen.Defer().Id("m").Dot("Disconnect").Call(),
		jen.Defer().Id("s").Dot("Close").Call(),
		jen.If(jen.Err().Op(":=").Id("svcStopAndWait").Call(jen.Id("s"), jen.Id("name")), errNotNil()).Block(
			jen.Return(jen.Id("svcVerbFailed").Call(jen.Lit("stop"), jen.Id("name"), jen.Err())),
		),
		jen.Return(jen.Id("svcExitOK")),
	)
	f.Line()
	f.Comment("svcStopAndWait sends Stop and waits for STOPPED. A service that ends with")
	f.Comment("a non-zero exit code stopped, but not cleanly: that is an error.")
	f.Func().Id("svcStopAndWait").Params(jen.Id("s").Op("*").Add(mgrQ("Service")), jen.Id("name").String()).Error().Block(
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("s").Dot("Control").Call(svcQ("Stop")), errNotNil()).Block(
			jen.If(jen.Qual("errors", "Is").Call(jen.Err(), winQ("ERROR_SERVICE_NOT_ACTIVE"))).Block(
				jen.Qual("fmt", "Printf").Call(jen.Lit("%s is not running\n"), jen.Id("name")),
				jen.Return(jen.Nil()),
			),
			jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("send stop: %w"), jen.Err())),
		),
		jen.List(jen.Id("st"), jen.Err()).Op(":=").Id("svcWait").Call(jen.Id("s"), jen.Id("name"), svcQ("Stopped"), jen.Id("svcTimeoutStop").Op("+").Id("svcVerbSlack")),
		ifErrReturn(jen.Err()),
		jen.If(jen.Id("st").Dot("Win32ExitCode").Op("!=").Lit(0)).Block(
			jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("stopped with %s"), jen.Id("svcExitText").Call(jen.Id("st")))),
		),
		jen.Return(jen.Nil()),
	)
	f.Line()
	f.Comment("svcWait polls the service until it is in state want, printing every new")
	f.Comment("state and CheckPoint. STOPPED while waiting for RUNNING is a failed start.")
	f.Func().Id("svcWait").Params(jen.Id("s").Op("*").Add(mgrQ("Service")), jen.Id("name").String(), jen.Id("want").Add(svcQ("State")), jen.Id("timeout").Add(durType())).Params(svcQ("Status"), jen.Error()).Block(
		jen.Id("deadline").Op(":=").Qual("time", "Now").Call().Dot("Add").Call(jen.Id("timeout")),
		jen.Var().Id("last").Add(svcQ("Status")),
		jen.For(jen.Id("first").Op(":=").True(), jen.Empty(), jen.Id("first").Op("=").False()).Block(
			jen.List(jen.Id("st"), jen.Err()).Op(":=").Id("svcQuery").Call(jen.Id("s")),
			ifErrReturn(jen.Id("st"), jen.Qual("fmt", "Errorf").Call(jen.Lit("query: %w"), jen.Err())),
			jen.If(jen.Id("first").Op("||").Id("st").Dot("State").Op("!=").Id("last").Dot("State").Op("||").Id("st").Dot("CheckPoint").Op("!=").Id("last").Dot("CheckPoint")).Block(
				jen.Id("svcPrintStatus").Call(jen.Id("name"), jen.Id("st")),
			),
			jen.Id("last").Op("=").Id("st"),
			jen.Switch().Block(
				jen.Case(jen.Id("st").Dot("State").Op("==").Id("want")).Block(jen.Return(jen.Id("st"), jen.Nil())),
				jen.Case(jen.Id("st").Dot("State").Op("==").Add(svcQ("Stopped"))).Block(
					jen.Return(jen.Id("st"), jen.Qual("fmt", "Errorf").Call(jen.Lit("stopped with %s"), jen.Id("svcExitText").Call(jen.Id("st")))),
				),
				jen.Case(jen.Qual("time", "Now").Call().Dot("After").Call(jen.Id("deadline"))).Block(
					jen.Return(jen.Id("st"), jen.Qual("fmt", "Errorf").Call(jen.Lit("still %s after %s"), jen.Id("svcSCMStateName").Call(jen.Id("st").Dot("State")), jen.Id("timeout"))),
				),
			),
			jen.Comment("The SCM has no cheap way to wait for a change; a short poll is what sc"),
			jen.Comment("and the x/sys example do too."),
			jen.Qual("time", "Sleep").Call(jen.Lit(100).Op("*").Qual("time", "Millisecond")),
		),
	)
	f.Line()
	f.Comment("svcQuery is the service's status with its CheckPoint and WaitHint, the")
	f.Comment("progress a verb prints: mgr's Service.Query (which has the process id)")
	f.Comment("leaves them out, so they come from QueryServiceStatus.")
	f.Func().Id("svcQuery").Params(jen.Id("s").Op("*").Add(mgrQ("Service"))).Params(svcQ("Status"), jen.Error()).Block(
		jen.List(jen.Id("st"), jen.Err()).Op(":=").Id("s").Dot("Query").Call(),
		ifErrReturn(jen.Id("st"), jen.Err()),
		jen.Var().Id("t").Add(winQ("SERVICE_STATUS")),
		jen.If(jen.Err().Op(":=").Add(winQ("QueryServiceStatus")).Call(jen.Id("s").Dot("Handle"), jen.Op("&").Id("t")), errNotNil()).Block(
			jen.Return(jen.Id("st"), jen.Err()),
		),
		jen.List(jen.Id("st").Dot("State"), jen.Id("st").Dot("CheckPoint"), jen.Id("st").Dot("WaitHint")).Op("=").List(svcQ("State").Call(jen.Id("t").Dot("CurrentState")), jen.Id("t").Dot("CheckPoint"), jen.Id("t").Dot("WaitHint")),
		jen.List(jen.Id("st").Dot("Win32ExitCode"), jen.Id("st").Dot("ServiceSpecificExitCode")).Op("=").List(jen.Id("t").Dot("Win32ExitCode"), jen.Id("t").Dot("ServiceSpecificExitCode")),
		jen.Return(jen.Id("st"), jen.Nil()),
	)
	f.Line()
	f.Func().Id("svcPrintStatus").Params(jen.Id("name").String(), jen.Id("st").Add(svcQ("Status"))).Block(
		jen.Switch(jen.Id("st").Dot("State")).Block(
			jen.Case(svcQ("StartPending"), svcQ("StopPending")).Block(
				jen.Qual("fmt", "Printf").Call(jen.Lit("%s: %s, step %d (wait hint %s)\n"), jen.Id("name"), jen.Id("svcSCMStateName").Call(jen.Id("st").Dot("State")), jen.Id("st").Dot("CheckPoint"), jen.Qual("time", "Duration").Call(jen.Id("st").Dot("WaitHint")).Op("*").Qual("time", "Millisecond")),
			),
			jen.Case(svcQ("Running")).Block(
				jen.Qual("fmt", "Printf").Call(jen.Lit("%s: RUNNING (pid %d)\n"), jen.Id("name"), jen.Id("st").Dot("ProcessId")),
			),
			jen.Case(svcQ("Stopped")).Block(
				jen.Qual("fmt", "Printf").Call(jen.Lit("%s: STOPPED, %s\n"), jen.Id("name"), jen.Id("svcExitText").Call(jen.Id("st"))),
			),
			jen.Default().Block(
				jen.Qual("fmt", "Printf").Call(jen.Lit("%s: %s\n"), jen.Id("name"), jen.Id("svcSCMStateName").Call(jen.Id("st").Dot("State"))),
			),
		),
	)
	f.Line()
	f.Comment("svcStatusVerb prints the service's state and registered command line.")
	f.Func().Id("svcStatusVerb").Params(jen.Id("args").Index().String()).Int().Block(
		jen.List(jen.Id("name"), jen.Id("ok")).Op(":=").Id("svcVerbArgs").Call(jen.Lit("status"), jen.Id("args")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Id("svcExitUsage"))),
		jen.List(jen.Id("m"), jen.Id("s"), jen.Err()).Op(":=").Id("svcOpen").Call(jen.Id("name")),
		jen.If(errNotNil()).Block(jen.Return(jen.Id("svcVerbFailed").Call(jen.Lit("status"), jen.Id("name"), jen.Err()))),
		jen.Defer().Id("m").Dot("Disconnect").Call(),
		jen.Defer().Id("s").Dot("Close").Call(),
		jen.List(jen.Id("st"), jen.Err()).Op(":=").Id("svcQuery").Call(jen.Id("s")),
		jen.If(errNotNil()).Block(jen.Return(jen.Id("svcVerbFailed").Call(jen.Lit("status"), jen.Id("name"), jen.Err()))),
		jen.Id("svcPrintStatus").Call(jen.Id("name"), jen.Id("st")),
		jen.If(jen.List(jen.Id("buf"), jen.Err()).Op(":=").Id("svcQueryConfig").Call(jen.Id("s")), jen.Err().Op("==").Nil()).Block(
			jen.Id("c").Op(":=").Parens(jen.Op("*").Add(winQ("QUERY_SERVICE_CONFIG"))).Call(jen.Qual("unsafe", "Pointer").Call(jen.Op("&").Id("buf").Index(jen.Lit(0)))),
			jen.Qual("fmt", "Printf").Call(jen.Lit("  command: %s\n  account: %s\n"), winQ("UTF16PtrToString").Call(jen.Id("c").Dot("BinaryPathName")), winQ("UTF16PtrToString").Call(jen.Id("c").Dot("ServiceStartName"))),
		),
		jen.Return(jen.Id("svcExitOK")),
	)
}
