package generator

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
)

// emitScaffold writes the user-owned files: <resource>.go with the user
// functions a resource names, and hooks.go with the hook functions. They
// compile as scaffolded, are the user's from then on and are never
// overwritten (the writer skips a user file that exists). A function the
// target package already declares is not scaffolded again.
func emitScaffold(g *Context) error {
	s := g.Spec
	byName := map[string]*spec.Resource{}
	for _, r := range s.Resources {
		byName[r.Name] = r
	}
	done := map[string]bool{} // names declared by an earlier scaffold
	need := func(name string) bool {
		if name == "" || done[name] || g.Declared(name) {
			return false
		}
		done[name] = true
		return true
	}
	for _, r := range s.Resources {
		params := depParams(g, r, byName)
		var decls []jen.Code
		switch r.Kind {
		case spec.KindHTTP:
			if need(r.Handler) {
				decls = append(decls, comments(handlerDoc(r)...).Line().
					Func().Id(r.Handler).Params(params...).Params(jen.Qual("net/http", "Handler"), jen.Error()).Block(
					jen.Id("mux").Op(":=").Qual("net/http", "NewServeMux").Call(),
					jen.Id("mux").Dot("HandleFunc").Call(jen.Lit("/"), jen.Func().Params(
						jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("req").Op("*").Qual("net/http", "Request"),
					).Block(
						jen.Qual("fmt", "Fprintln").Call(jen.Id("w"), jen.Lit("hello from "+s.Service.Name)),
					)),
					jen.Return(jen.Id("mux"), jen.Nil()),
				))
			}
		case spec.KindGRPC:
			if need(r.Register) {
				decls = append(decls, comments(registerDoc(r)...).Line().
					Func().Id(r.Register).Params(append([]jen.Code{jen.Id("s").Qual(grpcPath, "ServiceRegistrar")}, params...)...).Error().Block(
					jen.Return(jen.Nil()),
				))
			}
		case spec.KindWorker:
			if need(r.Run) {
				decls = append(decls, comments(
					fmt.Sprintf("%s is the %s worker. It starts once the service is ready and runs", r.Run, r.Name),
					"until ctx is cancelled (stop step 4); then it has its close timeout to",
					"return nil. Returning an error earlier stops the service (exit code 7);",
					"returning nil earlier just ends the worker.",
				).Line().Func().Id(r.Run).Params(append([]jen.Code{ctxParam()}, params...)...).Error().Block(
					jen.Op("<-").Id("ctx").Dot("Done").Call(),
					jen.Return(jen.Nil()),
				))
			}
		case spec.KindCustom:
			typ := customType(r)
			if err := renamedCustom(g, r, typ); err != nil {
				return err
			}
			// The open scaffold's body names the type: no parameter may be
			// named like it.
			openCtx, openParams := ctxParam(), depParamsAvoiding(g, r, byName, typ)
			if typ == "ctx" {
				openCtx = jen.Id("c").Qual("context", "Context")
			}
			if need(typ) {
				decls = append(decls, comments(
					fmt.Sprintf("%s is the value of the %s resource, handed to the functions of the", typ, r.Name),
					"resources that depend on it.",
				).Line().Type().Id(typ).Struct())
			}
			if need(r.Open) {
				decls = append(decls, comments(
					fmt.Sprintf("%s opens and warms the %s resource; the service is not ready before it", r.Open, r.Name),
					"returns. ctx carries the open timeout; its parameters follow depends_on.",
				).Line().Func().Id(r.Open).Params(append([]jen.Code{openCtx}, openParams...)...).Params(jen.Op("*").Id(typ), jen.Error()).Block(
					jen.Return(jen.Op("&").Id(typ).Values(), jen.Nil()),
				))
			}
			if need(r.Close) {
				doc := []string{
					fmt.Sprintf("%s closes the %s resource once everything that depends on it has closed.", r.Close, r.Name),
					"ctx carries the close timeout.",
				}
				if r.Critical {
					doc = append(doc, "The resource is critical: this runs from the reserved share of the stop",
						"budget even when the steps before it overran.")
				}
				decls = append(decls, comments(doc...).Line().
					Func().Id(r.Close).Params(ctxParam(), jen.Id("v").Op("*").Id(typ)).Error().Block(
					jen.Return(jen.Nil()),
				))
			}
			if need(r.Check) {
				decls = append(decls, comments(
					fmt.Sprintf("%s is the liveness check of the %s resource: [watchdog] calls it while", r.Check, r.Name),
					"the service is ready; ctx carries the check interval. An error counts as a",
					"failed check.",
				).Line().Func().Id(r.Check).Params(ctxParam(), jen.Id("v").Op("*").Id(typ)).Error().Block(
					jen.Return(jen.Nil()),
				))
			}
		}
		if len(decls) == 0 {
			continue
		}
		f := g.NewUserFile(userFileName(r.Name))
		for i, d := range decls {
			if i > 0 {
				f.Line()
			}
			f.Add(d)
		}
	}
	scaffoldHooks(g, need)
	return nil
}

// renamedCustom refuses to scaffold a custom resource whose functions a
// user file other than its own already declares while nothing declares its
// type: the resource was renamed (its type follows the name), and a
// scaffold declaring the new type beside the old file's functions, which
// return the old one, does not compile. The error names the file that
// holds the functions and what to rename.
func renamedCustom(g *Context, r *spec.Resource, typ string) error {
	if g.Declared(typ) || g.Opt.DeclaredIn == nil {
		return nil
	}
	own := userFileName(r.Name)
	var funcs []string
	files := map[string]bool{}
	for _, fn := range []string{r.Open, r.Close, r.Check} {
		if in := g.Opt.DeclaredIn[fn]; fn != "" && in != "" && in != own {
			funcs = append(funcs, fn)
			files[in] = true
		}
	}
	if len(funcs) == 0 {
		return nil
	}
	var in []string
	for f := range files {
		in = append(in, f)
	}
	sort.Strings(in)
	return &ConflictError{Problems: []string{fmt.Sprintf(
		"%s: not scaffolded: %s already declares %s of [resource.%s], but no file declares its type %s. "+
			"If the resource was renamed, rename %s to %s and its type to %s, or set type in [resource.%s] to the type %s returns",
		own, strings.Join(in, ", "), strings.Join(funcs, ", "), r.Name, typ,
		strings.Join(in, ", "), own, typ, r.Name, r.Open)}}
}

func scaffoldHooks(g *Context, need func(string) bool) {
	h := g.Spec.Hooks
	var decls []jen.Code
	add := func(name string, doc ...string) {
		if !need(name) {
			return
		}
		decls = append(decls, comments(doc...).Line().Func().Id(name).Params(ctxParam()).Error().Block(jen.Return(jen.Nil())))
	}
	for _, n := range h.AfterReady {
		add(n, n+" runs once the service is ready (after_ready), within the start budget.",
			"An error stops the service with the start-failure code.")
	}
	for _, n := range h.BeforeDrain {
		add(n, n+" runs when the stop begins, after /readyz turned 503 and before the",
			"drain (before_drain). ctx carries the stop deadline.")
	}
	add(h.Reload, h.Reload+" reloads configuration on request (reload).")
	if r := g.Spec.Metrics.Register; g.Spec.Metrics.Enabled && need(r) {
		decls = append(decls, comments(
			r+" adds the service's own collectors to the registry /metrics serves",
			"([metrics] register), once at the start, before any resource opens: keep",
			"them in package variables that handlers update. An error fails the start.",
		).Line().Func().Id(r).Params(jen.Id("reg").Qual(prometheusPath, "Registerer")).Error().Block(jen.Return(jen.Nil())))
	}
	if len(decls) == 0 {
		return
	}
	f := g.NewUserFile("hooks.go")
	for i, d := range decls {
		if i > 0 {
			f.Line()
		}
		f.Add(d)
	}
}

// depParams are the parameters of a user function of r: one per depends_on
// resource that provides a value, named after it.
func depParams(g *Context, r *spec.Resource, byName map[string]*spec.Resource) []jen.Code {
	return depParamsAvoiding(g, r, byName, "")
}

// depParamsAvoiding is depParams with one more name no parameter may take
// (the type a scaffold's body names).
func depParamsAvoiding(g *Context, r *spec.Resource, byName map[string]*spec.Resource, avoid string) []jen.Code {
	names, types := valueDeps(g, r, byName)
	out := make([]jen.Code, len(names))
	for i, d := range names {
		name := spec.GoLocal(d)
		if scaffoldReserved[name] || name == avoid {
			name += "Res"
		}
		out[i] = jen.Id(name).Add(types[i])
	}
	return out
}

// scaffoldReserved are names the scaffolded bodies use; a parameter with
// one of them would shadow it.
var scaffoldReserved = map[string]bool{
	"ctx": true, "context": true, "http": true, "fmt": true, "mux": true,
	"w": true, "req": true, "v": true, "sql": true, "redis": true, "svcrt": true,
	"s": true, "grpc": true,
}

// userFileName is the user file of a resource: <name>.go, unless the name
// ends like a build-constrained or test file ("cache_windows",
// "state_test"), which would change what the file is.
func userFileName(name string) string {
	i := strings.LastIndexAny(name, "_")
	if i >= 0 {
		suffix := name[i+1:]
		if suffix == "test" || knownOS[suffix] || knownArch[suffix] {
			name += "_resource"
		}
	}
	return name + ".go"
}

// knownOS and knownArch are the GOOS and GOARCH values a file name suffix
// constrains the build to (go/build's lists).
var (
	knownOS = map[string]bool{
		"aix": true, "android": true, "darwin": true, "dragonfly": true, "freebsd": true,
		"hurd": true, "illumos": true, "ios": true, "js": true, "linux": true, "nacl": true,
		"netbsd": true, "openbsd": true, "plan9": true, "solaris": true, "wasip1": true,
		"windows": true, "zos": true,
	}
	knownArch = map[string]bool{
		"386": true, "amd64": true, "amd64p32": true, "arm": true, "armbe": true, "arm64": true,
		"arm64be": true, "loong64": true, "mips": true, "mipsle": true, "mips64": true,
		"mips64le": true, "mips64p32": true, "mips64p32le": true, "ppc": true, "ppc64": true,
		"ppc64le": true, "riscv": true, "riscv64": true, "s390": true, "s390x": true,
		"sparc": true, "sparc64": true, "wasm": true,
	}
)
