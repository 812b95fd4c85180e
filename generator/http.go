package generator

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// httpKind is the http server resource: a listener bound at process start,
// a handler built from the user's constructor once its dependencies are
// ready, served once the whole service is ready, drained at stop step 3.
type httpKind struct{}

func (httpKind) declare(g *Context, r *spec.Resource) error {
	b := blockOf(r)
	g.Const(b, constName(r, "addr"), jen.Lit(r.Addr), "")
	g.Const(b, constName(r, "read_header_timeout"), durationCode(r.ReadHeaderTimeout.Duration), "")
	g.Const(b, constName(r, "read_timeout"), durationCode(r.ReadTimeout.Duration), "0: none")
	g.Const(b, constName(r, "write_timeout"), durationCode(r.WriteTimeout.Duration), "0: none")
	g.Const(b, constName(r, "idle_timeout"), durationCode(r.IdleTimeout.Duration), "")
	g.Const(b, constName(r, "max_header_bytes"), jen.Lit(r.MaxHeaderBytes), "")
	if r.TLSCertFile != "" {
		g.Const(b, constName(r, "tls_cert_file"), jen.Lit(r.TLSCertFile), "")
		g.Const(b, constName(r, "tls_key_file"), jen.Lit(r.TLSKeyFile), "")
	}
	return nil
}

func (httpKind) valueType(*Context, *spec.Resource) jen.Code { return nil }

func (httpKind) node(g *Context, r *spec.Resource, v nodeVars) nodeCode {
	srv := v.Local + "Server"
	pre := []jen.Code{
		jen.Id(srv).Op(":=").Id("svcNewHTTPServer").Call(
			jen.Id("app").Dot("log"), jen.Lit(r.Name), jen.Id(constName(r, "addr")),
			jen.Op("&").Qual("net/http", "Server").ValuesFunc(fields(
				jen.Id("ReadHeaderTimeout"), jen.Id(constName(r, "read_header_timeout")),
				jen.Id("ReadTimeout"), jen.Id(constName(r, "read_timeout")),
				jen.Id("WriteTimeout"), jen.Id(constName(r, "write_timeout")),
				jen.Id("IdleTimeout"), jen.Id(constName(r, "idle_timeout")),
				jen.Id("MaxHeaderBytes"), jen.Id(constName(r, "max_header_bytes")),
			)),
		),
	}
	if r.TLSCertFile != "" {
		pre = append(pre, jen.List(jen.Id(srv).Dot("certFile"), jen.Id(srv).Dot("keyFile")).Op("=").List(
			jen.Id(constName(r, "tls_cert_file")), jen.Id(constName(r, "tls_key_file"))))
	}
	return nodeCode{
		Pre:  pre,
		Bind: jen.Id(srv).Dot("bind"),
		Open: stepFunc(
			jen.Comment(r.Handler+"'s parameters follow depends_on."),
			jen.List(jen.Id("h"), jen.Err()).Op(":=").Id(r.Handler).Call(v.Deps...),
			ifErrReturn(jen.Err()),
			jen.Return(jen.Id(srv).Dot("open").Call(jen.Id("h"))),
		),
		Serve:  jen.Id(srv).Dot("serve"),
		Drain:  jen.Id(srv).Dot("drain"),
		Close:  jen.Id(srv).Dot("close"),
		Status: jen.Id(srv).Dot("status"),
	}
}

// hasKind reports whether the spec declares a resource of kind.
func hasKind(s *spec.Spec, kind string) bool {
	for _, r := range s.Resources {
		if r.Kind == kind {
			return true
		}
	}
	return false
}

// emitHTTP writes svcgen_http.go (the server every http resource uses) and
// the per-OS halves of closing a listener without resetting the
// connections in its accept queue.
func emitHTTP(g *Context) error {
	if !hasKind(g.Spec, spec.KindHTTP) {
		return nil
	}
	f := g.NewFile("svcgen_http.go", "")
	httpServerType(f)
	httpLifecycle(f)
	httpDrain(f)
	httpTracking(f)
	httpHandler(f)
	httpListener(f)
	emitBacklog(g)
	return nil
}

func httpServerType(f *jen.File) {
	f.Comment("svcDrainIdleGrace is how long a connection with no request in flight stays")
	f.Comment("open once the drain began. Its client may have sent a request that is still")
	f.Comment("on the wire: closing at once would lose it (the keep-alive race of")
	f.Comment("HTTP/1.1, which Server.Shutdown loses). A request that arrives in time is")
	f.Comment("served with Connection: close.")
	f.Const().Id("svcDrainIdleGrace").Op("=").Lit(100).Op("*").Qual("time", "Millisecond")
	f.Line()
	f.Comment("svcHTTPServer is one http resource. It tracks every connection's state")
	f.Comment("itself, so the drain ends the moment the last in-flight response is written")
	f.Comment("instead of on Server.Shutdown's polling tick (1 ms doubling to 500 ms).")
	f.Type().Id("svcHTTPServer").Struct(
		jen.Id("name").String(),
		jen.Id("log").Op("*").Qual("log/slog", "Logger"),
		jen.Id("addr").String(),
		jen.Id("certFile").String(),
		jen.Id("keyFile").String(),
		jen.Id("srv").Op("*").Qual("net/http", "Server"),
		jen.Id("handler").Qual("net/http", "Handler"),
		jen.Id("ln").Op("*").Id("svcListener"),
		jen.Line(),
		jen.Id("draining").Qual("sync/atomic", "Bool"),
		jen.Id("drainCh").Chan().Struct().Comment("closed when the drain begins: see svcDraining"),
		jen.Line(),
		jen.Id("mu").Qual("sync", "Mutex"),
		jen.Id("conns").Map(jen.Qual("net", "Conn")).Op("*").Id("svcConnInfo").Comment("by the accepted (not TLS) connection"),
		jen.Id("hijacked").Map(jen.Qual("net", "Conn")).Struct(),
		jen.Id("active").Int().Comment("connections reading or answering a request"),
		jen.Id("handlers").Int().Comment("handler calls in flight, hijacked ones included"),
		jen.Id("drainStart").Qual("time", "Time"),
		jen.Id("closedLn").Bool().Comment("the listener is closed and its accept queue tracked"),
		jen.Id("quiet").Chan().Struct().Comment("closed when the drain has nothing left in flight"),
		jen.Id("quietDone").Bool(),
		jen.Id("grace").Op("*").Qual("time", "Timer"),
	)
	f.Line()
	f.Comment("svcConnInfo is the state net/http last reported for a connection.")
	f.Type().Id("svcConnInfo").Struct(
		jen.Id("state").Qual("net/http", "ConnState"),
		jen.Id("since").Qual("time", "Time"),
		jen.Id("closing").Bool(),
		jen.Comment("queued: taken from the accept queue by the drain and not yet handed"),
		jen.Comment("to net/http. Its client sent a request already, so the idle grace"),
		jen.Comment("does not apply to it: the drain waits until net/http has it."),
		jen.Id("queued").Bool(),
	)
	f.Line()
	f.Comment("svcNewHTTPServer wraps srv (timeouts set from the spec) with the engine's")
	f.Comment("connection tracking, panic recovery and drain notification.")
	f.Func().Id("svcNewHTTPServer").Params(
		jen.Id("log").Op("*").Qual("log/slog", "Logger"), jen.Id("name"), jen.Id("addr").String(), jen.Id("srv").Op("*").Qual("net/http", "Server"),
	).Op("*").Id("svcHTTPServer").Block(
		jen.Id("s").Op(":=").Op("&").Id("svcHTTPServer").ValuesFunc(fields(
			jen.Id("name"), jen.Id("name"),
			jen.Id("log"), jen.Id("log"),
			jen.Id("addr"), jen.Id("addr"),
			jen.Id("srv"), jen.Id("srv"),
			jen.Id("drainCh"), jen.Make(jen.Chan().Struct()),
			jen.Id("conns"), jen.Map(jen.Qual("net", "Conn")).Op("*").Id("svcConnInfo").Values(),
			jen.Id("hijacked"), jen.Map(jen.Qual("net", "Conn")).Struct().Values(),
			jen.Id("quiet"), jen.Make(jen.Chan().Struct()),
		)),
		jen.Id("srv").Dot("Handler").Op("=").Id("s"),
		jen.Id("srv").Dot("ConnState").Op("=").Id("s").Dot("connState"),
		jen.Id("srv").Dot("BaseContext").Op("=").Func().Params(jen.Qual("net", "Listener")).Qual("context", "Context").Block(
			jen.Return(jen.Qual("context", "WithValue").Call(jen.Qual("context", "Background").Call(), jen.Id("svcDrainKey").Values(), jen.Id("s").Dot("drainCh"))),
		),
		jen.Id("srv").Dot("ErrorLog").Op("=").Qual("log/slog", "NewLogLogger").Call(
			jen.Id("log").Dot("With").Call(jen.Lit("resource"), jen.Id("name")).Dot("Handler").Call(), jen.Qual("log/slog", "LevelWarn")),
		jen.Comment("HTTP/1.1 only: the drain follows each connection's state, and HTTP/2"),
		jen.Comment("multiplexes requests out of its view (its graceful GOAWAY runs only"),
		jen.Comment("inside Server.Shutdown). A non-nil empty map turns HTTP/2 off."),
		jen.Id("srv").Dot("TLSNextProto").Op("=").Map(jen.String()).Func().Params(
			jen.Op("*").Qual("net/http", "Server"), jen.Op("*").Qual("crypto/tls", "Conn"), jen.Qual("net/http", "Handler"),
		).Values(),
		jen.Return(jen.Id("s")),
	)
	f.Line()
	f.Comment("svcDrainKey is the context key of a server's drain channel.")
	f.Type().Id("svcDrainKey").Struct()
	f.Line()
	f.Comment("svcDraining returns a channel that is closed when the server handling the")
	f.Comment("request of ctx begins to drain (stop step 3). A long-lived handler")
	f.Comment("(server-sent events, a WebSocket loop) selects on it, says goodbye to its")
	f.Comment("client and returns: at the drain deadline its connection is closed by force.")
	f.Comment("Outside a request the channel is nil and never closes.")
	f.Func().Id("svcDraining").Params(ctxParam()).Op("<-").Chan().Struct().Block(
		jen.List(jen.Id("ch"), jen.Id("_")).Op(":=").Id("ctx").Dot("Value").Call(jen.Id("svcDrainKey").Values()).Assert(jen.Chan().Struct()),
		jen.Return(jen.Id("ch")),
	)
}

func httpLifecycle(f *jen.File) {
	s := func() *jen.Statement { return jen.Id("s").Op("*").Id("svcHTTPServer") }
	f.Line()
	f.Comment("bind holds the port from the start of the process: connections made during")
	f.Comment("warmup wait in the kernel's accept queue and are served once ready.")
	f.Func().Params(s()).Id("bind").Params().Error().Block(
		jen.List(jen.Id("ln"), jen.Err()).Op(":=").Qual("net", "Listen").Call(jen.Lit("tcp"), jen.Id("s").Dot("addr")),
		ifErrReturn(jen.Qual("fmt", "Errorf").Call(jen.Lit("listen %s: %w"), jen.Id("s").Dot("addr"), jen.Err())),
		jen.Id("s").Dot("ln").Op("=").Op("&").Id("svcListener").Values(jen.Id("Listener").Op(":").Id("ln"), jen.Id("s").Op(":").Id("s"), jen.Id("stopped").Op(":").Make(jen.Chan().Struct())),
		jen.Id("s").Dot("log").Dot("Info").Call(jen.Lit("listening"), jen.Lit("resource"), jen.Id("s").Dot("name"), jen.Lit("addr"), jen.Id("ln").Dot("Addr").Call().Dot("String").Call()),
		jen.Return(jen.Nil()),
	)
	f.Line()
	f.Comment("open installs the handler the user's constructor built and loads the TLS")
	f.Comment("key pair, so a bad certificate fails the start, not the first request.")
	f.Func().Params(s()).Id("open").Params(jen.Id("h").Qual("net/http", "Handler")).Error().Block(
		jen.If(jen.Id("h").Op("==").Nil()).Block(
			jen.Return(jen.Qual("errors", "New").Call(jen.Lit("the handler constructor returned a nil handler"))),
		),
		jen.If(jen.Id("s").Dot("certFile").Op("!=").Lit("")).Block(
			jen.List(jen.Id("cert"), jen.Err()).Op(":=").Qual("crypto/tls", "LoadX509KeyPair").Call(jen.Id("s").Dot("certFile"), jen.Id("s").Dot("keyFile")),
			ifErrReturn(jen.Qual("fmt", "Errorf").Call(jen.Lit("load TLS key pair: %w"), jen.Err())),
			jen.Id("s").Dot("srv").Dot("TLSConfig").Op("=").Op("&").Qual("crypto/tls", "Config").ValuesFunc(fields(
				jen.Id("Certificates"), jen.Index().Qual("crypto/tls", "Certificate").Values(jen.Id("cert")),
				jen.Id("MinVersion"), jen.Qual("crypto/tls", "VersionTLS12"),
				jen.Id("NextProtos"), jen.Index().String().Values(jen.Lit("http/1.1")),
			)),
		),
		jen.Id("s").Dot("handler").Op("=").Id("h"),
		jen.Return(jen.Nil()),
	)
	f.Line()
	f.Comment("serve accepts from the listener bound at the start until the drain closes it.")
	f.Func().Params(s()).Id("serve").Params(ctxType()).Error().Block(
		jen.Var().Id("ln").Qual("net", "Listener").Op("=").Id("s").Dot("ln"),
		jen.If(jen.Id("s").Dot("srv").Dot("TLSConfig").Op("!=").Nil()).Block(
			jen.Id("ln").Op("=").Qual("crypto/tls", "NewListener").Call(jen.Id("ln"), jen.Id("s").Dot("srv").Dot("TLSConfig")),
		),
		jen.Err().Op(":=").Id("s").Dot("srv").Dot("Serve").Call(jen.Id("ln")),
		jen.If(jen.Id("s").Dot("draining").Dot("Load").Call()).Block(
			jen.Return(jen.Nil()).Comment("the drain closed the listener"),
		),
		jen.Return(jen.Err()),
	)
	f.Line()
	f.Comment("status is the server's detail on /readyz.")
	f.Func().Params(s()).Id("status").Params().Map(jen.String()).Any().Block(
		jen.Id("s").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("s").Dot("mu").Dot("Unlock").Call(),
		jen.Return(jen.Map(jen.String()).Any().ValuesFunc(fields(
			jen.Lit("addr"), jen.Id("s").Dot("ln").Dot("Addr").Call().Dot("String").Call(),
			jen.Lit("connections"), jen.Len(jen.Id("s").Dot("conns")).Op("+").Len(jen.Id("s").Dot("hijacked")),
			jen.Lit("in_flight"), jen.Id("s").Dot("handlers"),
		))),
	)
	f.Line()
	f.Comment("close releases whatever is left after the drain (stop step 4).")
	f.Func().Params(s()).Id("close").Params(ctxType()).Error().Block(
		jen.If(jen.Id("s").Dot("ln").Op("!=").Nil()).Block(
			jen.Id("s").Dot("ln").Dot("Listener").Dot("Close").Call(),
		),
		jen.Id("s").Dot("srv").Dot("Close").Call(),
		jen.Id("s").Dot("closeHijacked").Call(),
		jen.Return(jen.Nil()),
	)
}

func httpDrain(f *jen.File) {
	s := func() *jen.Statement { return jen.Id("s").Op("*").Id("svcHTTPServer") }
	f.Line()
	f.Comment("drain is stop step 3: stop accepting, answer what is in flight with")
	f.Comment("Connection: close, and return the moment nothing is left; at the deadline,")
	f.Comment("close what remains (Server.Shutdown would leave it open).")
	f.Func().Params(s()).Id("drain").Params(ctxParam()).Error().Block(
		jen.Id("s").Dot("mu").Dot("Lock").Call(),
		jen.Id("s").Dot("drainStart").Op("=").Qual("time", "Now").Call(),
		jen.Id("s").Dot("draining").Dot("Store").Call(jen.True()),
		jen.Close(jen.Id("s").Dot("drainCh")),
		jen.Id("s").Dot("mu").Dot("Unlock").Call(),
		jen.Id("s").Dot("ln").Dot("stop").Call(jen.Id("ctx")),
		jen.Id("s").Dot("mu").Dot("Lock").Call(),
		jen.Id("s").Dot("closedLn").Op("=").True(),
		jen.Id("s").Dot("settleLocked").Call(),
		jen.Id("s").Dot("mu").Dot("Unlock").Call(),
		jen.Defer().Id("s").Dot("closeHijacked").Call(),
		jen.Select().Block(
			jen.Case(jen.Op("<-").Id("s").Dot("quiet")).Block(
				jen.Return(jen.Nil()),
			),
			jen.Case(jen.Op("<-").Id("ctx").Dot("Done").Call()).Block(
				jen.Id("s").Dot("mu").Dot("Lock").Call(),
				jen.Id("busy").Op(":=").Id("s").Dot("handlers"),
				jen.Id("s").Dot("mu").Dot("Unlock").Call(),
				jen.Id("s").Dot("srv").Dot("Close").Call(),
				jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("closed with %d requests in flight: %w"), jen.Id("busy"), jen.Qual("context", "Cause").Call(jen.Id("ctx")))),
			),
		),
	)
	f.Line()
	f.Func().Params(s()).Id("settle").Params().Block(
		jen.Id("s").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("s").Dot("mu").Dot("Unlock").Call(),
		jen.Id("s").Dot("settleLocked").Call(),
	)
	f.Line()
	f.Comment("settleLocked runs on every change during the drain. Nothing is in flight when")
	f.Comment("the listener is closed (its accept queue tracked: those connections carry")
	f.Comment("requests), no handler runs and no connection is reading or answering; then")
	f.Comment("each new or idle connection that had its grace is closed, and the drain")
	f.Comment("waits for the grace of the others on a timer.")
	f.Func().Params(s()).Id("settleLocked").Params().Block(
		jen.If(jen.Id("s").Dot("quietDone").Op("||").Op("!").Id("s").Dot("closedLn").Op("||").Id("s").Dot("handlers").Op(">").Lit(0).Op("||").Id("s").Dot("active").Op(">").Lit(0)).Block(
			jen.Return(),
		),
		jen.Id("now").Op(":=").Qual("time", "Now").Call(),
		jen.Var().Id("wait").Add(durType()),
		jen.Id("queued").Op(":=").False(),
		jen.For(jen.List(jen.Id("c"), jen.Id("info")).Op(":=").Range().Id("s").Dot("conns")).Block(
			jen.If(jen.Id("info").Dot("queued")).Block(
				jen.Id("queued").Op("=").True(),
				jen.Continue(),
			),
			jen.If(jen.Id("info").Dot("closing")).Block(jen.Continue()),
			jen.Id("since").Op(":=").Id("info").Dot("since"),
			jen.If(jen.Id("since").Dot("Before").Call(jen.Id("s").Dot("drainStart"))).Block(
				jen.Id("since").Op("=").Id("s").Dot("drainStart"),
			),
			jen.If(jen.Id("left").Op(":=").Id("svcDrainIdleGrace").Op("-").Id("now").Dot("Sub").Call(jen.Id("since")), jen.Id("left").Op(">").Lit(0)).Block(
				jen.If(jen.Id("wait").Op("==").Lit(0).Op("||").Id("left").Op("<").Id("wait")).Block(
					jen.Id("wait").Op("=").Id("left"),
				),
				jen.Continue(),
			),
			jen.Comment("net/http sees the close and reports StateClosed."),
			jen.Id("info").Dot("closing").Op("=").True(),
			jen.Id("c").Dot("Close").Call(),
		),
		jen.If(jen.Id("queued")).Block(
			jen.Comment("net/http reports each queued connection as new when it takes it,"),
			jen.Comment("which runs this again."),
			jen.Return(),
		),
		jen.If(jen.Id("wait").Op(">").Lit(0)).Block(
			jen.If(jen.Id("s").Dot("grace").Op("==").Nil()).Block(
				jen.Id("s").Dot("grace").Op("=").Qual("time", "AfterFunc").Call(jen.Id("wait"), jen.Id("s").Dot("settle")),
			).Else().Block(
				jen.Id("s").Dot("grace").Dot("Reset").Call(jen.Id("wait")),
			),
			jen.Return(),
		),
		jen.Id("s").Dot("quietDone").Op("=").True(),
		jen.Close(jen.Id("s").Dot("quiet")),
	)
	f.Line()
	f.Comment("closeHijacked closes the connections handlers took over (WebSocket): they")
	f.Comment("were told through svcDraining and their handlers have returned or run out")
	f.Comment("of time.")
	f.Func().Params(s()).Id("closeHijacked").Params().Block(
		jen.Id("s").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("s").Dot("mu").Dot("Unlock").Call(),
		jen.For(jen.Id("c").Op(":=").Range().Id("s").Dot("hijacked")).Block(
			jen.Id("c").Dot("Close").Call(),
			jen.Delete(jen.Id("s").Dot("hijacked"), jen.Id("c")),
		),
	)
}

func httpTracking(f *jen.File) {
	s := func() *jen.Statement { return jen.Id("s").Op("*").Id("svcHTTPServer") }
	f.Line()
	f.Comment("track records a connection the moment it is accepted, before net/http")
	f.Comment("reports it, so the drain never misses one.")
	f.Func().Params(s()).Id("track").Params(jen.Id("c").Qual("net", "Conn")).Block(
		jen.Id("s").Dot("mu").Dot("Lock").Call(),
		jen.Id("s").Dot("conns").Index(jen.Id("c")).Op("=").Op("&").Id("svcConnInfo").Values(
			jen.Id("state").Op(":").Qual("net/http", "StateNew"), jen.Id("since").Op(":").Qual("time", "Now").Call()),
		jen.Id("s").Dot("mu").Dot("Unlock").Call(),
	)
	f.Line()
	f.Comment("trackQueued records a connection the drain took from the accept queue;")
	f.Comment("see svcConnInfo.queued.")
	f.Func().Params(s()).Id("trackQueued").Params(jen.Id("c").Qual("net", "Conn")).Block(
		jen.Id("s").Dot("mu").Dot("Lock").Call(),
		jen.Id("s").Dot("conns").Index(jen.Id("c")).Op("=").Op("&").Id("svcConnInfo").Values(
			jen.Id("state").Op(":").Qual("net/http", "StateNew"), jen.Id("since").Op(":").Qual("time", "Now").Call(), jen.Id("queued").Op(":").True()),
		jen.Id("s").Dot("mu").Dot("Unlock").Call(),
	)
	f.Line()
	f.Comment("connState follows net/http's view of each connection (Server.ConnState).")
	f.Func().Params(s()).Id("connState").Params(jen.Id("c").Qual("net", "Conn"), jen.Id("st").Qual("net/http", "ConnState")).Block(
		jen.If(jen.List(jen.Id("tc"), jen.Id("ok")).Op(":=").Id("c").Assert(jen.Op("*").Qual("crypto/tls", "Conn")), jen.Id("ok")).Block(
			jen.Id("c").Op("=").Id("tc").Dot("NetConn").Call(),
		),
		jen.Id("s").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("s").Dot("mu").Dot("Unlock").Call(),
		jen.Id("info").Op(":=").Id("s").Dot("conns").Index(jen.Id("c")),
		jen.If(jen.Id("info").Op("==").Nil()).Block(
			jen.Id("info").Op("=").Op("&").Id("svcConnInfo").Values(),
			jen.Id("s").Dot("conns").Index(jen.Id("c")).Op("=").Id("info"),
		),
		jen.If(jen.Id("info").Dot("state").Op("==").Qual("net/http", "StateActive")).Block(
			jen.Id("s").Dot("active").Op("--"),
		),
		jen.Switch(jen.Id("st")).Block(
			jen.Case(jen.Qual("net/http", "StateActive")).Block(
				jen.Id("s").Dot("active").Op("++"),
			),
			jen.Case(jen.Qual("net/http", "StateHijacked")).Block(
				jen.Delete(jen.Id("s").Dot("conns"), jen.Id("c")),
				jen.Id("s").Dot("hijacked").Index(jen.Id("c")).Op("=").Struct().Values(),
			),
			jen.Case(jen.Qual("net/http", "StateClosed")).Block(
				jen.Delete(jen.Id("s").Dot("conns"), jen.Id("c")),
			),
		),
		jen.List(jen.Id("info").Dot("state"), jen.Id("info").Dot("since")).Op("=").List(jen.Id("st"), jen.Qual("time", "Now").Call()),
		jen.If(jen.Id("s").Dot("draining").Dot("Load").Call()).Block(
			jen.Id("s").Dot("settleLocked").Call(),
		),
	)
}

func httpHandler(f *jen.File) {
	s := func() *jen.Statement { return jen.Id("s").Op("*").Id("svcHTTPServer") }
	f.Line()
	f.Comment("ServeHTTP counts the request in flight and recovers a panic of the user's")
	f.Comment("handler into a 500 for that request alone.")
	f.Func().Params(s()).Id("ServeHTTP").Params(
		jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("req").Op("*").Qual("net/http", "Request"),
	).Block(
		jen.Id("s").Dot("mu").Dot("Lock").Call(),
		jen.Id("s").Dot("handlers").Op("++"),
		jen.Id("s").Dot("mu").Dot("Unlock").Call(),
		jen.Defer().Id("s").Dot("leave").Call(),
		jen.Id("rw").Op(":=").Op("&").Id("svcResponse").Values(jen.Id("ResponseWriter").Op(":").Id("w"), jen.Id("s").Op(":").Id("s")),
		jen.Defer().Id("s").Dot("recover").Call(jen.Id("rw"), jen.Id("req")),
		jen.Id("s").Dot("handler").Dot("ServeHTTP").Call(jen.Id("rw"), jen.Id("req")),
		jen.If(jen.Op("!").Id("rw").Dot("wrote").Op("&&").Op("!").Id("rw").Dot("hijacked").Op("&&").Id("s").Dot("draining").Dot("Load").Call()).Block(
			jen.Comment("An empty answer still needs its Connection: close, or the client sends"),
			jen.Comment("its next request on a connection that is about to close."),
			jen.Id("rw").Dot("WriteHeader").Call(jen.Qual("net/http", "StatusOK")),
		),
	)
	f.Line()
	f.Func().Params(s()).Id("leave").Params().Block(
		jen.Id("s").Dot("mu").Dot("Lock").Call(),
		jen.Id("s").Dot("handlers").Op("--"),
		jen.If(jen.Id("s").Dot("draining").Dot("Load").Call()).Block(
			jen.Id("s").Dot("settleLocked").Call(),
		),
		jen.Id("s").Dot("mu").Dot("Unlock").Call(),
	)
	f.Line()
	f.Comment("recover turns a handler panic into a 500 and a log line with the stack;")
	f.Comment("the service keeps running. If the response had begun, the only honest")
	f.Comment("signal left is to cut the connection (http.ErrAbortHandler).")
	f.Func().Params(s()).Id("recover").Params(jen.Id("rw").Op("*").Id("svcResponse"), jen.Id("req").Op("*").Qual("net/http", "Request")).Block(
		jen.Id("p").Op(":=").Recover(),
		jen.If(jen.Id("p").Op("==").Nil()).Block(jen.Return()),
		jen.If(jen.Id("p").Op("==").Qual("net/http", "ErrAbortHandler")).Block(
			jen.Panic(jen.Id("p")).Comment("the handler's own way to abort: net/http closes quietly"),
		),
		jen.Id("s").Dot("log").Dot("Error").Call(jen.Lit("handler panic"), jen.Lit("resource"), jen.Id("s").Dot("name"),
			jen.Lit("method"), jen.Id("req").Dot("Method"), jen.Lit("path"), jen.Id("req").Dot("URL").Dot("Path"),
			jen.Lit("err"), jen.Id("p"), jen.Lit("stack"), jen.String().Call(jen.Qual("runtime/debug", "Stack").Call())),
		jen.Switch().Block(
			jen.Case(jen.Id("rw").Dot("hijacked")).Block(),
			jen.Case(jen.Id("rw").Dot("wrote")).Block(jen.Panic(jen.Qual("net/http", "ErrAbortHandler"))),
			jen.Default().Block(
				jen.Qual("net/http", "Error").Call(jen.Id("rw"), jen.Qual("net/http", "StatusText").Call(jen.Qual("net/http", "StatusInternalServerError")), jen.Qual("net/http", "StatusInternalServerError")),
			),
		),
	)
	f.Line()
	f.Comment("svcResponse notes whether the response has begun, and adds Connection: close")
	f.Comment("to responses that begin during the drain. It keeps the optional interfaces")
	f.Comment("of the writer it wraps (Flusher, Hijacker, ReaderFrom, Unwrap for")
	f.Comment("http.ResponseController).")
	f.Type().Id("svcResponse").Struct(
		jen.Qual("net/http", "ResponseWriter"),
		jen.Id("s").Op("*").Id("svcHTTPServer"),
		jen.Id("wrote").Bool(),
		jen.Id("hijacked").Bool(),
	)
	w := func() *jen.Statement { return jen.Id("w").Op("*").Id("svcResponse") }
	f.Line()
	f.Func().Params(w()).Id("begin").Params().Block(
		jen.If(jen.Id("w").Dot("wrote")).Block(jen.Return()),
		jen.Id("w").Dot("wrote").Op("=").True(),
		jen.If(jen.Id("w").Dot("s").Dot("draining").Dot("Load").Call()).Block(
			jen.Id("w").Dot("Header").Call().Dot("Set").Call(jen.Lit("Connection"), jen.Lit("close")),
		),
	)
	f.Line()
	f.Func().Params(w()).Id("WriteHeader").Params(jen.Id("code").Int()).Block(
		jen.If(jen.Id("code").Op(">=").Lit(200)).Block(
			jen.Id("w").Dot("begin").Call().Comment("1xx responses are not the answer"),
		),
		jen.Id("w").Dot("ResponseWriter").Dot("WriteHeader").Call(jen.Id("code")),
	)
	f.Line()
	f.Func().Params(w()).Id("Write").Params(jen.Id("b").Index().Byte()).Params(jen.Int(), jen.Error()).Block(
		jen.Id("w").Dot("begin").Call(),
		jen.Return(jen.Id("w").Dot("ResponseWriter").Dot("Write").Call(jen.Id("b"))),
	)
	f.Line()
	f.Func().Params(w()).Id("ReadFrom").Params(jen.Id("src").Qual("io", "Reader")).Params(jen.Int64(), jen.Error()).Block(
		jen.Id("w").Dot("begin").Call(),
		jen.Return(jen.Qual("io", "Copy").Call(jen.Id("w").Dot("ResponseWriter"), jen.Id("src"))),
	)
	f.Line()
	f.Func().Params(w()).Id("Flush").Params().Block(
		jen.Id("w").Dot("begin").Call(),
		jen.Qual("net/http", "NewResponseController").Call(jen.Id("w").Dot("ResponseWriter")).Dot("Flush").Call(),
	)
	f.Line()
	f.Func().Params(w()).Id("Hijack").Params().Params(jen.Qual("net", "Conn"), jen.Op("*").Qual("bufio", "ReadWriter"), jen.Error()).Block(
		jen.List(jen.Id("c"), jen.Id("brw"), jen.Err()).Op(":=").Qual("net/http", "NewResponseController").Call(jen.Id("w").Dot("ResponseWriter")).Dot("Hijack").Call(),
		jen.If(jen.Err().Op("==").Nil()).Block(
			jen.Id("w").Dot("hijacked").Op("=").True(),
		),
		jen.Return(jen.Id("c"), jen.Id("brw"), jen.Err()),
	)
	f.Line()
	f.Func().Params(w()).Id("Unwrap").Params().Qual("net/http", "ResponseWriter").Block(
		jen.Return(jen.Id("w").Dot("ResponseWriter")),
	)
}

func httpListener(f *jen.File) {
	f.Line()
	f.Comment("svcListener hands the server, after the drain closed the socket, the")
	f.Comment("connections taken from the kernel's accept queue (see stop).")
	f.Type().Id("svcListener").Struct(
		jen.Qual("net", "Listener"),
		jen.Id("s").Op("*").Id("svcHTTPServer"),
		jen.Id("mu").Qual("sync", "Mutex"),
		jen.Id("backlog").Index().Qual("net", "Conn"),
		jen.Id("stopped").Chan().Struct().Comment("closed once stop has queued the backlog"),
	)
	l := func() *jen.Statement { return jen.Id("l").Op("*").Id("svcListener") }
	f.Line()
	f.Func().Params(l()).Id("Accept").Params().Params(jen.Qual("net", "Conn"), jen.Error()).Block(
		jen.List(jen.Id("c"), jen.Err()).Op(":=").Id("l").Dot("Listener").Dot("Accept").Call(),
		jen.If(jen.Err().Op("==").Nil()).Block(
			jen.Id("l").Dot("s").Dot("track").Call(jen.Id("c")),
			jen.Return(jen.Id("c"), jen.Nil()),
		),
		jen.If(jen.Id("l").Dot("s").Dot("draining").Dot("Load").Call()).Block(
			jen.Comment("The drain shut the socket: wait for the connections it took from"),
			jen.Comment("the accept queue before reporting the listener closed."),
			jen.Op("<-").Id("l").Dot("stopped"),
		),
		jen.Id("l").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("l").Dot("mu").Dot("Unlock").Call(),
		jen.If(jen.Len(jen.Id("l").Dot("backlog")).Op("==").Lit(0)).Block(
			jen.Return(jen.Nil(), jen.Err()),
		),
		jen.List(jen.Id("c"), jen.Id("l").Dot("backlog")).Op("=").List(jen.Id("l").Dot("backlog").Index(jen.Lit(0)), jen.Id("l").Dot("backlog").Index(jen.Lit(1), jen.Empty())),
		jen.Comment("Handed to net/http now: its idle grace starts here."),
		jen.Id("l").Dot("s").Dot("track").Call(jen.Id("c")),
		jen.Return(jen.Id("c"), jen.Nil()),
	)
	f.Line()
	f.Comment("stop closes the listening socket without losing a connection: closing it")
	f.Comment("resets every connection the kernel completed but the server has not")
	f.Comment("accepted yet, whose clients already sent a request. Those are taken first")
	f.Comment("(where the OS allows it, see svcAcceptBacklog) and served like the others;")
	f.Comment("ctx bounds the taking by the drain's deadline.")
	f.Func().Params(l()).Id("stop").Params(jen.Id("ctx").Qual("context", "Context")).Block(
		jen.Id("conns").Op(":=").Id("svcAcceptBacklog").Call(jen.Id("ctx"), jen.Id("l").Dot("Listener")),
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("conns")).Block(
			jen.Id("l").Dot("s").Dot("trackQueued").Call(jen.Id("c")),
		),
		jen.Id("l").Dot("mu").Dot("Lock").Call(),
		jen.Id("l").Dot("backlog").Op("=").Append(jen.Id("l").Dot("backlog"), jen.Id("conns").Op("...")),
		jen.Id("l").Dot("mu").Dot("Unlock").Call(),
		jen.Id("l").Dot("Listener").Dot("Close").Call(),
		jen.Close(jen.Id("l").Dot("stopped")),
		jen.If(jen.Len(jen.Id("conns")).Op(">").Lit(0)).Block(
			jen.Id("l").Dot("s").Dot("log").Dot("Info").Call(jen.Lit("accept queue taken over"), jen.Lit("resource"), jen.Id("l").Dot("s").Dot("name"), jen.Lit("connections"), jen.Len(jen.Id("conns"))),
		),
	)
}

// emitBacklog writes svcAcceptBacklog for Linux, where a listening socket's
// accept queue can be emptied without blocking, and a no-op elsewhere.
func emitBacklog(g *Context) {
	f := g.NewFile("svcgen_backlog_linux.go", "")
	f.Comment("svcAcceptBacklog accepts, without blocking, every connection waiting in the")
	f.Comment("accept queue of ln, then shuts the socket down for new connections in the")
	f.Comment("same breath: a connection the kernel completes between the last accept and")
	f.Comment("the close would be reset, and under load there are many (the conversion")
	f.Comment("below takes long enough). The socket is already non-blocking (Go's poller),")
	f.Comment("so accept4 returns EAGAIN once the queue is empty: nothing here blocks, so")
	f.Comment("the drain's deadline is not needed.")
	f.Func().Id("svcAcceptBacklog").Params(jen.Id("_").Qual("context", "Context"), jen.Id("ln").Qual("net", "Listener")).Index().Qual("net", "Conn").Block(
		jen.List(jen.Id("sc"), jen.Id("ok")).Op(":=").Id("ln").Assert(jen.Qual("syscall", "Conn")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Nil())),
		jen.List(jen.Id("raw"), jen.Err()).Op(":=").Id("sc").Dot("SyscallConn").Call(),
		ifErrReturn(jen.Nil()),
		jen.Var().Id("fds").Index().Int(),
		jen.Id("raw").Dot("Control").Call(jen.Func().Params(jen.Id("fd").Uintptr()).Block(
			jen.For().Block(
				jen.List(jen.Id("nfd"), jen.Id("_"), jen.Err()).Op(":=").Qual("syscall", "Accept4").Call(
					jen.Int().Call(jen.Id("fd")), jen.Qual("syscall", "SOCK_NONBLOCK").Op("|").Qual("syscall", "SOCK_CLOEXEC")),
				jen.If(jen.Err().Op("==").Qual("syscall", "EINTR")).Block(jen.Continue()),
				jen.If(errNotNil()).Block(jen.Break().Comment("EAGAIN: the queue is empty")),
				jen.Id("fds").Op("=").Append(jen.Id("fds"), jen.Id("nfd")),
			),
			jen.Comment("Later connection attempts are refused: their clients know nothing"),
			jen.Comment("was sent. The caller closes the listener."),
			jen.Qual("syscall", "Shutdown").Call(jen.Int().Call(jen.Id("fd")), jen.Qual("syscall", "SHUT_RD")),
		)),
		jen.Var().Id("conns").Index().Qual("net", "Conn"),
		jen.For(jen.List(jen.Id("_"), jen.Id("fd")).Op(":=").Range().Id("fds")).Block(
			jen.Id("file").Op(":=").Qual("os", "NewFile").Call(jen.Uintptr().Call(jen.Id("fd")), jen.Lit("")),
			jen.Comment("FileConn duplicates the descriptor; the file's copy is closed here."),
			jen.List(jen.Id("c"), jen.Err()).Op(":=").Qual("net", "FileConn").Call(jen.Id("file")),
			jen.Id("file").Dot("Close").Call(),
			jen.If(jen.Err().Op("==").Nil()).Block(
				jen.Id("conns").Op("=").Append(jen.Id("conns"), jen.Id("c")),
			),
		),
		jen.Return(jen.Id("conns")),
	)

	emitBacklogWindows(g) // scm.go: Windows takes the queue with short accept deadlines
	o := g.NewFile("svcgen_backlog_other.go", "!linux && !windows")
	o.Comment("svcAcceptBacklog takes nothing here: the accept queue cannot be read without")
	o.Comment("blocking through the standard library, so closing the listener is a plain")
	o.Comment("close.")
	o.Func().Id("svcAcceptBacklog").Params(jen.Qual("context", "Context"), jen.Qual("net", "Listener")).Index().Qual("net", "Conn").Block(
		jen.Return(jen.Nil()),
	)
}

// handlerDoc is the doc comment of a scaffolded handler constructor.
func handlerDoc(r *spec.Resource) []string {
	return []string{
		fmt.Sprintf("%s builds the handler of the %s server. It runs once the resources it", r.Handler, r.Name),
		"depends on are ready; its parameters follow depends_on. A long-lived handler",
		"(server-sent events, a WebSocket loop) selects on svcDraining(r.Context()) and",
		"returns when it closes: at the drain deadline its connection is cut.",
	}
}
