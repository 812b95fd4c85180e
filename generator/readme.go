package generator

import (
	"bytes"
	"strings"
	"text/template"
	"time"

	"github.com/svcgen/svcgen/spec"
	"github.com/svcgen/svcgen/templates"
)

var readmeTemplate = template.Must(template.New("service-README.md.tmpl").
	Funcs(template.FuncMap{"inc": func(i int) int { return i + 1 }}).
	ParseFS(templates.FS, "service-README.md.tmpl"))

// readmeResource is one row of the generated README's resource table.
type readmeResource struct {
	Name, Kind, DependsOn string
	Critical              bool
}

// emitReadme writes the service's README: how to run it, the start and
// stop order, the budgets and the exit codes, so a reviewer sees the
// lifecycle without reading code. It names budgets by spec key and
// constant but holds no values: each value lives once, in
// svcgen_config.go, so a one-value spec change is a one-line diff.
func emitReadme(g *Context) error {
	s := g.Spec
	data := map[string]any{
		// Free text is escaped for Markdown (markdown.go): a value shows as it
		// is and never opens a heading, code, a link or HTML.
		"SpecFileComment": htmlCommentText(s.File),
		"SpecFileCode":    codeSpan(s.File),
		"Name":            s.Service.Name,
		"DisplayName":     markdownText(firstNonEmpty(s.Service.DisplayName, s.Service.Name)),
		"Description":     markdownText(s.Service.Description),
		"BeforeDrain":     codeList(s.Hooks.BeforeDrain),
	}
	var rows []readmeResource
	for _, r := range s.Resources {
		rows = append(rows, readmeResource{
			Name:      r.Name,
			Kind:      r.Kind,
			DependsOn: codeList(r.DependsOn),
			Critical:  r.Critical,
		})
	}
	data["Resources"] = rows
	// Stop levels are labelled with their start level number, not counted
	// down: a new level then adds a line instead of renumbering the list.
	type stopLevel struct {
		Level int
		Names string
	}
	var levels []string
	var stopLevels []stopLevel
	if s.Graph != nil {
		for _, l := range s.Graph.Levels {
			levels = append(levels, resourceList(l))
		}
		for i := len(s.Graph.Levels) - 1; i >= 0; i-- {
			stopLevels = append(stopLevels, stopLevel{i + 1, resourceList(s.Graph.Levels[i])})
		}
	}
	if s.Graph != nil {
		data["Mermaid"] = GraphMermaid(s, false)
	}
	data["Levels"] = levels
	ops, err := opsReadme(g) // opsreadme.go: logs, runtime, systemd, metrics, kubernetes
	if err != nil {
		return err
	}
	data["Ops"] = ops
	if data["Windows"], err = windowsReadme(g); err != nil { // scm.go
		return err
	}
	data["StopLevels"] = stopLevels
	var buf bytes.Buffer
	if err := readmeTemplate.Execute(&buf, data); err != nil {
		return err
	}
	g.AddText("README.md", buf.Bytes(), Generated)
	return nil
}

func resourceList(level []*spec.Resource) string {
	names := make([]string, len(level))
	for i, r := range level {
		names[i] = r.Name
	}
	return codeList(names)
}

// codeList renders names as `a`, `b`; "-" when empty. Names are
// identifiers (validated), hook names too, so they need no escaping.
func codeList(names []string) string {
	if len(names) == 0 {
		return "-"
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "`" + n + "`"
	}
	return strings.Join(quoted, ", ")
}

// formatDuration prints a duration the way a spec writes it ("1m30s",
// "250ms", "0s").
func formatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	s := d.String()
	// time.Duration prints "1m0s"; a spec author writes "1m".
	for _, unit := range []string{"h0m0s", "m0s"} {
		if strings.HasSuffix(s, unit) {
			s = strings.TrimSuffix(s, unit) + unit[:1]
		}
	}
	return s
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
