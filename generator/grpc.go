package generator

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
	"github.com/svcgen/svcgen/templates"
)

// grpcPath is grpc-go's import path, for the register function's
// grpc.ServiceRegistrar.
const grpcPath = "google.golang.org/grpc"

// grpcKind is the grpc server resource: a listener bound and served at
// process start (health NOT_SERVING, the user's calls held), the user's
// register function run once its dependencies are ready, calls answered
// once the whole service is ready, drained at stop step 3.
type grpcKind struct{}

func (grpcKind) declare(g *Context, r *spec.Resource) error {
	g.Require("grpc")
	b := blockOf(r)
	g.Const(b, constName(r, "addr"), jen.Lit(r.Addr), "")
	if r.TLSCertFile != "" {
		g.Const(b, constName(r, "tls_cert_file"), jen.Lit(r.TLSCertFile), "")
		g.Const(b, constName(r, "tls_key_file"), jen.Lit(r.TLSKeyFile), "")
	}
	g.Const(b, constName(r, "max_recv_msg_size"), jen.Lit(r.MaxRecvMsgSize), "bytes")
	g.Const(b, constName(r, "max_send_msg_size"), jen.Lit(r.MaxSendMsgSize), "bytes")
	g.Const(b, constName(r, "max_concurrent_streams"), jen.Lit(r.MaxConcurrentStreams), "per connection; 0: no limit")
	g.Const(b, constName(r, "keepalive_min_time"), durationCode(r.KeepaliveMinTime.Duration), "")
	g.Const(b, constName(r, "keepalive_permit_without_stream"), jen.Lit(r.KeepalivePermitWithoutStream), "")
	g.Const(b, constName(r, "keepalive_time"), durationCode(r.KeepaliveTime.Duration), "")
	g.Const(b, constName(r, "keepalive_timeout"), durationCode(r.KeepaliveTimeout.Duration), "")
	g.Const(b, constName(r, "max_connection_age"), durationCode(r.MaxConnectionAge.Duration), "0: none")
	g.Const(b, constName(r, "max_connection_age_grace"), durationCode(r.MaxConnectionAgeGrace.Duration), "0: none")
	g.Const(b, constName(r, "reflection"), jen.Lit(r.Reflection), "")
	return nil
}

func (grpcKind) valueType(*Context, *spec.Resource) jen.Code { return nil }

func (grpcKind) wire(g *Context, r *spec.Resource, node jen.Code, deps []jen.Code) jen.Code {
	c := func(key string) jen.Code { return g.val(constName(r, key)) }
	cfg := newLit(rtGRPCConfig).set("Addr", c("addr"))
	if r.TLSCertFile != "" {
		cfg.set("CertFile", c("tls_cert_file")).set("KeyFile", c("tls_key_file"))
	}
	cfg.set("MaxRecvMsgSize", c("max_recv_msg_size")).
		set("MaxSendMsgSize", c("max_send_msg_size")).
		set("MaxConcurrentStreams", c("max_concurrent_streams")).
		set("KeepaliveMinTime", c("keepalive_min_time")).
		set("KeepalivePermitWithoutStream", c("keepalive_permit_without_stream")).
		set("KeepaliveTime", c("keepalive_time")).
		set("KeepaliveTimeout", c("keepalive_timeout")).
		set("MaxConnectionAge", c("max_connection_age")).
		set("MaxConnectionAgeGrace", c("max_connection_age_grace")).
		set("Reflection", c("reflection"))
	// The register function's parameters: the registrar, then depends_on.
	register := jen.Func().Params(jen.Id(wireRegistrar).Qual(grpcPath, "ServiceRegistrar")).Error().Block(
		jen.Return(jen.Id(r.Register).Call(append([]jen.Code{jen.Id(wireRegistrar)}, deps...)...)),
	)
	return g.rt(rtGRPCResource).Call(jen.Id(wireApp), node, cfg.code(g), register)
}

func (grpcKind) feature() string { return templates.FeatureGRPC }

// registerDoc is the doc comment of a scaffolded grpc register function.
func registerDoc(r *spec.Resource) []string {
	return []string{
		fmt.Sprintf("%s registers the services of the %s server, e.g.", r.Register, r.Name),
		"pb.RegisterOrdersServer(s, &orders{}). It runs once the resources it depends",
		"on are ready; its parameters follow depends_on. Calls wait until the whole",
		"service is ready. A long-lived stream selects on svcrt.Draining(ctx) and",
		"returns when it closes: at the drain deadline its context is cancelled and",
		"the client gets Unavailable.",
	}
}
