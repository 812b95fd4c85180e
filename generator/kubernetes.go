package generator

import (
	"bytes"
	"net"
	"regexp"
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
	data := map[string]any{
		"Header":    g.Header(),
		"Name":      s.Service.Name,
		"Namespace": k.Namespace,
		"Replicas":  k.Replicas,
		"Image":     strconv.Quote(k.Image),
		"AdminAddr": s.Admin.Addr,
		"AdminPort": port,
		"Ports":     ports,
		"Stop":      t.Stop.Duration.String(),
		"Grace":     preStop + ceilSeconds(t.Stop.Duration+kubeMargin),
		"PreStop":   preStop,
	}
	var buf bytes.Buffer
	if err := kubeTemplate.Execute(&buf, data); err != nil {
		return err
	}
	g.AddText("deploy/kubernetes.yaml", buf.Bytes(), Generated)
	return nil
}
