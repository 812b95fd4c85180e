package generator

import (
	"bytes"
	"text/template"

	"github.com/svcgen/svcgen/templates"
)

var opsReadmeTemplate = template.Must(template.ParseFS(templates.FS, "ops-README.md.tmpl"))

// opsReadme renders the Operations section of the generated README: logs,
// runtime settings and their environment overrides, systemd, reload,
// liveness, metrics and Kubernetes, each as the spec enables it. Like the
// rest of the README it names spec keys, not values.
func opsReadme(g *Context) (string, error) {
	s := g.Spec
	data := map[string]any{
		"Name":     s.Service.Name,
		"Stderr":   *s.Log.Stderr,
		"File":     s.Log.File,
		"Unit":     s.Systemd.Enabled,
		"Sockets":  s.Systemd.Enabled && s.Systemd.SocketActivation,
		"Reload":   s.Hooks.Reload != "",
		"Watchdog": s.Watchdog.Enabled,
		"Metrics":  s.Metrics.Enabled,
		"Register": s.Metrics.Register != "",
		"Pprof":    s.Admin.Pprof,
		"Kube":     s.Kubernetes.Enabled,
	}
	var buf bytes.Buffer
	if err := opsReadmeTemplate.Execute(&buf, data); err != nil {
		return "", err
	}
	return buf.String(), nil
}
