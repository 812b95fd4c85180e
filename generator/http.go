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

func (httpKind) wire(g *Context, r *spec.Resource, node jen.Code, deps []jen.Code) jen.Code {
	c := func(key string) jen.Code { return g.val(constName(r, key)) }
	cfg := newLit(rtHTTPConfig).
		set("Addr", c("addr")).
		set("ReadHeaderTimeout", c("read_header_timeout")).
		set("ReadTimeout", c("read_timeout")).
		set("WriteTimeout", c("write_timeout")).
		set("IdleTimeout", c("idle_timeout")).
		set("MaxHeaderBytes", c("max_header_bytes"))
	if r.TLSCertFile != "" {
		cfg.set("CertFile", c("tls_cert_file")).set("KeyFile", c("tls_key_file"))
	}
	// The handler constructor's parameters follow depends_on.
	handler := jen.Func().Params().Params(jen.Qual("net/http", "Handler"), jen.Error()).Block(
		jen.Return(jen.Id(r.Handler).Call(deps...)),
	)
	return g.rt(rtHTTPResource).Call(jen.Id(wireApp), node, cfg.code(g), handler)
}

func (httpKind) feature() string { return "" }

// handlerDoc is the doc comment of a scaffolded handler constructor.
func handlerDoc(r *spec.Resource) []string {
	return []string{
		fmt.Sprintf("%s builds the handler of the %s server. It runs once the resources it", r.Handler, r.Name),
		"depends on are ready; its parameters follow depends_on. A long-lived handler",
		"(server-sent events, a WebSocket loop) selects on svcrt.Draining(r.Context()) and",
		"returns when it closes: at the drain deadline its connection is cut.",
	}
}
