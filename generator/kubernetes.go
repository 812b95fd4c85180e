package generator

import (
	"bytes"
	"net"
	"regexp"
	"slices"
	"strconv"
	"text/template"
	"time"

	"github.com/svcgen/svcgen/spec"
	"github.com/svcgen/svcgen/templates"
)

var kubeTemplate = template.Must(template.ParseFS(templates.FS, "kubernetes.yaml.tmpl"))

// kubeMargin is added to the preStop sleep and the stop budget for
// terminationGracePeriodSeconds.
const kubeMargin = 5 * time.Second

// portNameRE is what Kubernetes accepts as a port name (IANA_SVC_NAME).
var portNameRE = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)

type kubePort struct {
	Name string
	Port int
}

// ceilSeconds is d in whole seconds, rounded up.
func ceilSeconds(d time.Duration) int64 {
	return int64((d + time.Second - 1) / time.Second)
}

// emitKubernetes writes deploy/kubernetes.yaml when [kubernetes] is
// enabled. The kubelet probes the pod's IP, so the admin listener must
// listen on every interface with a fixed port: a loopback, a specific
// address or port 0 would give probes that always fail, and spec
// validation rejects it (validateKubernetes) rather than a manifest that
// never turns ready.
func emitKubernetes(g *Context) error {
	s := g.Spec
	k := s.Kubernetes
	if !k.Enabled {
		return nil
	}
	// spec validation rejects a service name or admin address the manifest
	// cannot use, so both are known good here.
	_, portText, _ := net.SplitHostPort(s.Admin.Addr)
	port, _ := strconv.Atoi(portText)
	var ports []kubePort
	for _, r := range s.Resources {
		if r.Kind != spec.KindHTTP && r.Kind != spec.KindGRPC {
			continue
		}
		_, pt, err := net.SplitHostPort(r.Addr)
		p, perr := strconv.Atoi(pt)
		if err != nil || perr != nil || p == 0 {
			continue
		}
		name := ""
		if len(r.Name) <= 15 && portNameRE.MatchString(r.Name) && r.Name != "admin" {
			name = r.Name
		}
		ports = append(ports, kubePort{Name: name, Port: p})
	}
	t := s.Timeouts
	preStop := ceilSeconds(t.DrainDelay.Duration)
	env := kubeEnv(s)
	data := map[string]any{
		"Header":     g.Header(),
		"Name":       s.Service.Name,
		"Namespace":  k.Namespace,
		"Replicas":   k.Replicas,
		"Image":      strconv.Quote(k.Image),
		"AdminAddr":  s.Admin.Addr,
		"AdminPort":  port,
		"Ports":      ports,
		"Stop":       t.Stop.Duration.String(),
		"Grace":      preStop + ceilSeconds(t.Stop.Duration+kubeMargin),
		"PreStop":    preStop,
		"Env":        env,
		"SecretName": s.Service.Name + "-secrets",
	}
	var buf bytes.Buffer
	if err := kubeTemplate.Execute(&buf, data); err != nil {
		return err
	}
	g.AddText("deploy/kubernetes.yaml", buf.Bytes(), Generated)
	return nil
}

// kubeVar is one env entry of the container: a value, or (Value "") a key
// of the service's Secret.
type kubeVar struct {
	Name, Value string
	Optional    bool
}

// kubeEnv is the container's environment: the listen addresses a
// deployment may override, with the spec's values (an operator moving a
// port edits it and containerPort together), and every variable a
// resource reads a secret from, as a reference to the Secret. Variable
// names are validated identifiers and values quoted, so no spec text
// changes the YAML's structure.
func kubeEnv(s *spec.Spec) []kubeVar {
	var out []kubeVar
	if !s.Fixed("admin", "addr") {
		out = append(out, kubeVar{Name: s.OverrideVariable("admin", "addr"), Value: strconv.Quote(s.Admin.Addr)})
	}
	seen := map[string]bool{}
	secret := func(name string, optional bool) {
		if name != "" && !seen[name] {
			seen[name] = true
			out = append(out, kubeVar{Name: name, Optional: optional})
		}
	}
	for _, r := range s.Resources {
		switch r.Kind {
		case spec.KindHTTP, spec.KindGRPC:
			if !s.Fixed("resource."+r.Name, "addr") {
				out = append(out, kubeVar{Name: s.OverrideVariable("resource."+r.Name, "addr"), Value: strconv.Quote(r.Addr)})
			}
		case spec.KindSQL:
			secret(r.DSNEnv, false)
		case spec.KindRedis:
			secret(r.AddrEnv, false)
			secret(r.PasswordEnv, slices.Contains(r.OptionalEnv, "password_env"))
		case spec.KindHTTPClient:
			secret(r.BaseURLEnv, false)
		}
	}
	return out
}
