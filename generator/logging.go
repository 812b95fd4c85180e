package generator

import (
	"github.com/dave/jennifer/jen"
)

// lumberjackPkg is the rotating file writer the [log] file uses.
const lumberjackPkg = "gopkg.in/natefinch/lumberjack.v2"

// emitLog writes svcgen_log.go: the one place the logger is built, from
// [log]. Without a file the logger writes text or JSON to stderr; with one
// it also writes a size-rotated file through lumberjack, buffered and
// flushed within a second and by the engine's final stop step.
func emitLog(g *Context) error {
	l := g.Spec.Log
	level := map[string]string{"debug": "LevelDebug", "info": "LevelInfo", "warn": "LevelWarn", "error": "LevelError"}[l.Level]
	if level == "" {
		level = "LevelInfo"
	}
	g.Const("[log]", "svcLogFormat", jen.Lit(l.Format), "text | json")
	g.Const("[log]", "svcLogLevel", jen.Qual("log/slog", level), "")
	g.Const("[log]", "svcLogStderr", jen.Lit(*l.Stderr), "")
	file := l.File != ""
	if file {
		g.Require("lumberjack")
		g.Const("[log]", "svcLogFile", jen.Lit(l.File), "a bare name: in svcLogDir; relative: against the executable's directory")
		g.Const("[log]", "svcLogMaxSizeMB", jen.Lit(l.MaxSizeMB), "rotate at this size (0: 100)")
		g.Const("[log]", "svcLogMaxAge", durationCode(l.MaxAge.Duration), "delete rotated files older than this, rounded up to days (0: keep)")
		g.Const("[log]", "svcLogMaxBackups", jen.Lit(l.MaxBackups), "rotated files kept (0: all)")
		g.Const("[log]", "svcLogCompress", jen.Lit(l.Compress), "gzip rotated files")
	}

	f := g.NewFile("svcgen_log.go", "")
	f.Comment("svcNewLogger builds the service's logger from [log]. It is also the default")
	f.Comment("slog logger, so user code logging with slog.Info lands in the same place.")
	f.Comment("The flush it returns is the last thing the service runs, from the reserved")
	f.Comment("stop budget.")
	f.Func().Id("svcNewLogger").Params().Params(jen.Op("*").Qual("log/slog", "Logger"), jen.Func().Params().Error()).BlockFunc(func(b *jen.Group) {
		if !file {
			b.Id("log").Op(":=").Qual("log/slog", "New").Call(jen.Id("svcLogHandler").Call(jen.Qual("os", "Stderr")))
			b.Qual("log/slog", "SetDefault").Call(jen.Id("log"))
			b.Return(jen.Id("log"), jen.Func().Params().Error().Block(jen.Return(jen.Nil())).Comment("stderr is unbuffered"))
			return
		}
		b.Id("w").Op(":=").Op("&").Id("svcLogWriter").Values(jen.Id("stderr").Op(":").Id("svcLogStderr"))
		b.Id("path").Op(":=").Id("svcLogPath").Call(jen.Id("svcLogFile"))
		b.List(jen.Id("file"), jen.Id("err")).Op(":=").Id("svcOpenLogFile").Call(jen.Id("path"))
		b.If(errNotNil()).Block(
			jen.Comment("A log directory that is not writable is no reason to stay down: log to"),
			jen.Comment("stderr (journald, a console) and say why in the first line."),
			jen.Id("w").Dot("stderr").Op("=").True(),
		).Else().Block(jen.Id("w").Dot("file").Op("=").Id("file"))
		b.Id("log").Op(":=").Qual("log/slog", "New").Call(jen.Id("svcLogHandler").Call(jen.Id("w")))
		b.Qual("log/slog", "SetDefault").Call(jen.Id("log"))
		b.If(errNotNil()).Block(
			jen.Id("log").Dot("Error").Call(jen.Lit("log file unavailable, logging to stderr"), jen.Lit("path"), jen.Id("path"), jen.Lit("err"), jen.Err()),
			jen.Return(jen.Id("log"), jen.Func().Params().Error().Block(jen.Return(jen.Nil()))),
		)
		b.Return(jen.Id("log"), jen.Id("file").Dot("flush"))
	})
	f.Line()
	f.Comment("svcLogHandler formats records as [log] format says, at [log] level.")
	f.Func().Id("svcLogHandler").Params(jen.Id("w").Qual("io", "Writer")).Qual("log/slog", "Handler").Block(
		jen.Id("opts").Op(":=").Op("&").Qual("log/slog", "HandlerOptions").Values(jen.Id("Level").Op(":").Id("svcLogLevel")),
		jen.If(jen.Id("svcLogFormat").Op("==").Lit("json")).Block(
			jen.Return(jen.Qual("log/slog", "NewJSONHandler").Call(jen.Id("w"), jen.Id("opts"))),
		),
		jen.Return(jen.Qual("log/slog", "NewTextHandler").Call(jen.Id("w"), jen.Id("opts"))),
	)
	if file {
		logFileCode(f)
	}
	return nil
}

// logFileCode emits the file side of the logger: path resolution, the
// buffered rotating file and the writer that feeds it and stderr.
func logFileCode(f *jen.File) {
	f.Line()
	f.Comment("svcLogWriter writes every record to the file first, then to stderr. Not")
	f.Comment("io.MultiWriter: that stops at the first error, and a Windows service has no")
	f.Comment("stderr (writes to it fail), which must not cost the file its records.")
	f.Type().Id("svcLogWriter").Struct(
		jen.Id("file").Op("*").Id("svcRotatingFile"),
		jen.Id("stderr").Bool(),
	)
	f.Line()
	f.Func().Params(jen.Id("w").Op("*").Id("svcLogWriter")).Id("Write").Params(jen.Id("p").Index().Byte()).Params(jen.Int(), jen.Error()).Block(
		jen.Var().Err().Error(),
		jen.If(jen.Id("w").Dot("file").Op("!=").Nil()).Block(
			jen.List(jen.Id("_"), jen.Err()).Op("=").Id("w").Dot("file").Dot("Write").Call(jen.Id("p")),
		),
		jen.If(jen.Id("w").Dot("stderr")).Block(
			jen.Qual("os", "Stderr").Dot("Write").Call(jen.Id("p")),
		),
		jen.Return(jen.Len(jen.Id("p")), jen.Err()),
	)
	f.Line()
	f.Comment("svcLogDir is where a log file given as a bare name goes: /var/log/<name>")
	f.Comment("(the unit's LogsDirectory=, created by systemd for the unit's user) or")
	f.Comment("%ProgramData%\\<name> on Windows.")
	f.Func().Id("svcLogDir").Params().String().Block(
		jen.If(jen.Qual("runtime", "GOOS").Op("==").Lit("windows")).Block(
			jen.Id("base").Op(":=").Qual("os", "Getenv").Call(jen.Lit("ProgramData")),
			jen.If(jen.Id("base").Op("==").Lit("")).Block(jen.Id("base").Op("=").Lit(`C:\ProgramData`)),
			jen.Return(jen.Qual("path/filepath", "Join").Call(jen.Id("base"), jen.Id("svcServiceName"))),
		),
		jen.Return(jen.Qual("path/filepath", "Join").Call(jen.Lit("/var/log"), jen.Id("svcServiceName"))),
	)
	f.Line()
	f.Comment("svcLogPath resolves [log] file: an absolute path is used as it is; a bare")
	f.Comment("file name goes into svcLogDir; any other relative path is taken against the")
	f.Comment("executable's directory, never the working directory: that is System32 for a")
	f.Comment("Windows service and / for a systemd unit.")
	f.Func().Id("svcLogPath").Params(jen.Id("p").String()).String().Block(
		jen.If(jen.Qual("path/filepath", "IsAbs").Call(jen.Id("p"))).Block(jen.Return(jen.Id("p"))),
		jen.If(jen.Qual("path/filepath", "Base").Call(jen.Id("p")).Op("==").Id("p")).Block(
			jen.Return(jen.Qual("path/filepath", "Join").Call(jen.Id("svcLogDir").Call(), jen.Id("p"))),
		),
		jen.List(jen.Id("exe"), jen.Err()).Op(":=").Qual("os", "Executable").Call(),
		jen.If(errNotNil()).Block(
			jen.Return(jen.Qual("path/filepath", "Join").Call(jen.Id("svcLogDir").Call(), jen.Qual("path/filepath", "Base").Call(jen.Id("p")))),
		),
		jen.If(jen.List(jen.Id("real"), jen.Err()).Op(":=").Qual("path/filepath", "EvalSymlinks").Call(jen.Id("exe")), jen.Err().Op("==").Nil()).Block(
			jen.Id("exe").Op("=").Id("real"),
		),
		jen.Return(jen.Qual("path/filepath", "Join").Call(jen.Qual("path/filepath", "Dir").Call(jen.Id("exe")), jen.Id("p"))),
	)
	f.Line()
	f.Comment("svcRotatingFile buffers records for the rotating file. A record is written")
	f.Comment("to lumberjack whole (it rotates between writes, so a record never straddles")
	f.Comment("two files); a buffered record reaches the file within svcLogFlushEvery, and")
	f.Comment("flush writes the rest when the service stops.")
	f.Type().Id("svcRotatingFile").Struct(
		jen.Id("mu").Qual("sync", "Mutex"),
		jen.Id("buf").Op("*").Qual("bufio", "Writer"),
		jen.Id("lj").Op("*").Qual(lumberjackPkg, "Logger"),
		jen.Id("timer").Op("*").Qual("time", "Timer").Comment("a pending flush; nil when the buffer is empty"),
	)
	f.Line()
	f.Comment("svcLogFlushEvery bounds how long a record waits in the buffer: a tail -f sees")
	f.Comment("it that soon, and a crash loses at most that much.")
	f.Const().Id("svcLogFlushEvery").Op("=").Qual("time", "Second")
	f.Line()
	f.Comment("svcOpenLogFile creates the directory and, when new, the file with mode 0640")
	f.Comment("(lumberjack creates 0600 and keeps the mode of the file it rotates), so the")
	f.Comment("group of the log directory (adm on Debian) can read it.")
	f.Func().Id("svcOpenLogFile").Params(jen.Id("path").String()).Params(jen.Op("*").Id("svcRotatingFile"), jen.Error()).Block(
		jen.If(jen.Err().Op(":=").Qual("os", "MkdirAll").Call(jen.Qual("path/filepath", "Dir").Call(jen.Id("path")), jen.Lit(0o750)), errNotNil()).Block(
			jen.Return(jen.Nil(), jen.Err()),
		),
		jen.List(jen.Id("f"), jen.Err()).Op(":=").Qual("os", "OpenFile").Call(jen.Id("path"), jen.Qual("os", "O_CREATE").Op("|").Qual("os", "O_EXCL").Op("|").Qual("os", "O_WRONLY"), jen.Lit(0o640)),
		jen.Switch().Block(
			jen.Case(jen.Err().Op("==").Nil()).Block(
				jen.Id("f").Dot("Chmod").Call(jen.Lit(0o640)).Comment("whatever the umask"),
				jen.Id("f").Dot("Close").Call(),
			),
			jen.Case(jen.Op("!").Qual("errors", "Is").Call(jen.Err(), jen.Qual("io/fs", "ErrExist"))).Block(
				jen.Return(jen.Nil(), jen.Err()),
			),
		),
		jen.Id("lj").Op(":=").Op("&").Qual(lumberjackPkg, "Logger").ValuesFunc(fields(
			jen.Id("Filename"), jen.Id("path"),
			jen.Id("MaxSize"), jen.Id("svcLogMaxSizeMB"),
			jen.Id("MaxAge"), jen.Int().Call(jen.Parens(jen.Id("svcLogMaxAge").Op("+").Lit(24).Op("*").Qual("time", "Hour").Op("-").Lit(1)).Op("/").Parens(jen.Lit(24).Op("*").Qual("time", "Hour"))),
			jen.Id("MaxBackups"), jen.Id("svcLogMaxBackups"),
			jen.Id("LocalTime"), jen.False(),
			jen.Id("Compress"), jen.Id("svcLogCompress"),
		)),
		jen.Comment("Open now, so a file that cannot be written is reported at start."),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("lj").Dot("Write").Call(jen.Nil()), errNotNil()).Block(
			jen.Return(jen.Nil(), jen.Err()),
		),
		jen.Return(jen.Op("&").Id("svcRotatingFile").Values(
			jen.Id("buf").Op(":").Qual("bufio", "NewWriterSize").Call(jen.Id("lj"), jen.Lit(64<<10)),
			jen.Id("lj").Op(":").Id("lj"),
		), jen.Nil()),
	)
	f.Line()
	recv := func() *jen.Statement { return jen.Params(jen.Id("f").Op("*").Id("svcRotatingFile")) }
	f.Func().Add(recv()).Id("Write").Params(jen.Id("p").Index().Byte()).Params(jen.Int(), jen.Error()).Block(
		jen.Id("f").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("f").Dot("mu").Dot("Unlock").Call(),
		jen.If(jen.Id("f").Dot("buf").Dot("Available").Call().Op("<").Len(jen.Id("p"))).Block(
			jen.If(jen.Err().Op(":=").Id("f").Dot("buf").Dot("Flush").Call(), errNotNil()).Block(jen.Return(jen.Lit(0), jen.Err())),
		),
		jen.If(jen.Len(jen.Id("p")).Op(">").Id("f").Dot("buf").Dot("Size").Call()).Block(
			jen.Return(jen.Id("f").Dot("lj").Dot("Write").Call(jen.Id("p"))),
		),
		jen.If(jen.Id("f").Dot("timer").Op("==").Nil()).Block(
			jen.Id("f").Dot("timer").Op("=").Qual("time", "AfterFunc").Call(jen.Id("svcLogFlushEvery"), jen.Func().Params().Block(
				jen.Id("f").Dot("mu").Dot("Lock").Call(),
				jen.Defer().Id("f").Dot("mu").Dot("Unlock").Call(),
				jen.Id("f").Dot("timer").Op("=").Nil(),
				jen.Id("f").Dot("buf").Dot("Flush").Call(),
			)),
		),
		jen.Return(jen.Id("f").Dot("buf").Dot("Write").Call(jen.Id("p"))),
	)
	f.Line()
	f.Comment("flush writes what is buffered and closes the file (a record logged after it")
	f.Comment("reopens the file).")
	f.Func().Add(recv()).Id("flush").Params().Error().Block(
		jen.Id("f").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("f").Dot("mu").Dot("Unlock").Call(),
		jen.If(jen.Id("f").Dot("timer").Op("!=").Nil()).Block(
			jen.Id("f").Dot("timer").Dot("Stop").Call(),
			jen.Id("f").Dot("timer").Op("=").Nil(),
		),
		jen.Return(jen.Qual("errors", "Join").Call(jen.Id("f").Dot("buf").Dot("Flush").Call(), jen.Id("f").Dot("lj").Dot("Close").Call())),
	)
}
