package generator

import (
	"bytes"
	"text/template"

	"github.com/svcgen/svcgen/templates"
)

var windowsReadmeTemplate = template.Must(template.New("windows-README.md.tmpl").ParseFS(templates.FS, "windows-README.md.tmpl"))

// windowsReadme renders the Windows section of the generated README. It
// names the [windows] keys, not their values: those live once, in
// svcgen_config.go.
func windowsReadme(g *Context) (string, error) {
	var buf bytes.Buffer
	if err := windowsReadmeTemplate.Execute(&buf, map[string]any{"Name": g.Spec.Service.Name}); err != nil {
		return "", err
	}
	return buf.String(), nil
}
