package artifactcheck

import (
	"net"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/svcgen/svcgen/spec"
)

// UnitKeys lists the settings ("Section.Key", in order) of the unit
// generated for s in deploy/: the ones its template writes and nothing a
// value adds.
func UnitKeys(s *spec.Spec) []string {
	keys := []string{"Unit.Description", "Unit.Wants", "Unit.After", "Service.Type", "Service.NotifyAccess", "Service.ExecStart"}
	if s.Systemd.SocketActivation {
		keys = append(keys, "Service.Sockets")
	}
	keys = append(keys, "Service.EnvironmentFile")
	if s.Hooks.Reload != "" {
		keys = append(keys, "Service.ExecReload")
	}
	if s.Systemd.User != "" {
		keys = append(keys, "Service.User")
	}
	keys = append(keys, "Service.LogsDirectory", "Service.LogsDirectoryMode", "Service.RuntimeDirectory", "Service.KillMode",
		"Service.TimeoutStartSec", "Service.TimeoutStopSec", "Service.Restart", "Service.RestartSec",
		"Service.RestartPreventExitStatus")
	if s.Systemd.Watchdog.Duration > 0 {
		keys = append(keys, "Service.WatchdogSec")
	}
	return append(keys, "Install.WantedBy")
}

// UnitDescription is the Description= the unit of s must have once its
// %% are expanded: display name (or name), ": " and description, on one
// line with each run of spaces and line breaks one space, without the
// trailing backslashes that would continue the line.
func UnitDescription(s *spec.Spec) string {
	d := s.Service.DisplayName
	if d == "" {
		d = s.Service.Name
	}
	if s.Service.Description != "" {
		d += ": " + s.Service.Description
	}
	d = strings.Join(strings.FieldsFunc(d, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
	}), " ")
	return strings.TrimRight(d, " \\")
}

// ManifestValues is every scalar of the Kubernetes manifest generated for
// s, by path (see FlattenYAML); "" stands for a number the test does not
// compute.
func ManifestValues(s *spec.Spec) map[string]string {
	const label = "app.kubernetes.io/name"
	c := "spec.template.spec.containers[0]."
	_, adminPort, _ := net.SplitHostPort(s.Admin.Addr)
	v := map[string]string{
		"apiVersion":                             "apps/v1",
		"kind":                                   "Deployment",
		"metadata.name":                          s.Service.Name,
		"metadata.namespace":                     s.Kubernetes.Namespace,
		"metadata.labels." + label:               s.Service.Name,
		"spec.replicas":                          strconv.Itoa(s.Kubernetes.Replicas),
		"spec.selector.matchLabels." + label:     s.Service.Name,
		"spec.template.metadata.labels." + label: s.Service.Name,
		"spec.template.spec.terminationGracePeriodSeconds": "",
		c + "name":                            s.Service.Name,
		c + "image":                           s.Kubernetes.Image,
		c + "args[0]":                         "run",
		c + "ports[0].name":                   "admin",
		c + "ports[0].containerPort":          adminPort,
		c + "readinessProbe.httpGet.path":     "/readyz",
		c + "readinessProbe.httpGet.port":     "admin",
		c + "readinessProbe.periodSeconds":    "2",
		c + "readinessProbe.failureThreshold": "1",
		c + "livenessProbe.httpGet.path":      "/healthz",
		c + "livenessProbe.httpGet.port":      "admin",
		c + "livenessProbe.periodSeconds":     "10",
		c + "livenessProbe.failureThreshold":  "3",
	}
	i := 1
	for _, r := range s.Resources {
		if r.Kind != spec.KindHTTP && r.Kind != spec.KindGRPC {
			continue
		}
		_, port, err := net.SplitHostPort(r.Addr)
		if err != nil || port == "0" {
			continue
		}
		p := c + "ports[" + strconv.Itoa(i) + "]."
		if len(r.Name) <= 15 && r.Name != "admin" && isPortName(r.Name) {
			v[p+"name"] = r.Name
		}
		v[p+"containerPort"] = port
		i++
	}
	if s.Timeouts.DrainDelay.Duration > 0 {
		v[c+"lifecycle.preStop.sleep.seconds"] = ""
	}
	// env: the listen addresses, then the secrets' variables from the Secret.
	n := 0
	add := func(name, value string) {
		e := c + "env[" + strconv.Itoa(n) + "]."
		v[e+"name"] = name
		if value != "" {
			v[e+"value"] = value
		} else {
			v[e+"valueFrom.secretKeyRef.name"] = s.Service.Name + "-secrets"
			v[e+"valueFrom.secretKeyRef.key"] = name
		}
		n++
	}
	if !s.Fixed("admin", "addr") {
		add(s.OverrideVariable("admin", "addr"), s.Admin.Addr)
	}
	seen := map[string]bool{}
	for _, r := range s.Resources {
		if (r.Kind == spec.KindHTTP || r.Kind == spec.KindGRPC) && !s.Fixed("resource."+r.Name, "addr") {
			add(s.OverrideVariable("resource."+r.Name, "addr"), r.Addr)
		}
		for _, name := range []string{r.DSNEnv, r.AddrEnv, r.PasswordEnv, r.BaseURLEnv} {
			if name != "" && !seen[name] && r.Kind != spec.KindHTTP && r.Kind != spec.KindGRPC {
				seen[name] = true
				add(name, "")
				if name == r.PasswordEnv && slices.Contains(r.OptionalEnv, "password_env") {
					v[c+"env["+strconv.Itoa(n-1)+"].valueFrom.secretKeyRef.optional"] = "true"
				}
			}
		}
	}
	return v
}

func isPortName(n string) bool {
	if n == "" || n[0] < 'a' || n[0] > 'z' || strings.HasSuffix(n, "-") {
		return false
	}
	return strings.Trim(n, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
}

// ReadmeValueHTML is how the README of s must render its display name and
// description: an h1 of the display name (or name), then one paragraph
// per block of the description's non-blank lines, each line trimmed; all
// of it plain text, nothing a value opens (code, link, list, HTML).
func ReadmeValueHTML(s *spec.Spec) string {
	title := s.Service.DisplayName
	if title == "" {
		title = s.Service.Name
	}
	out := "<h1>" + EscapeHTML(strings.TrimSpace(title)) + "</h1>\n"
	var para []string
	flush := func() {
		if len(para) > 0 {
			out += "<p>" + EscapeHTML(strings.Join(para, "\n")) + "</p>\n"
			para = nil
		}
	}
	for _, line := range strings.Split(s.Service.Description, "\n") {
		if line = strings.TrimSpace(line); line == "" {
			flush()
			continue
		}
		para = append(para, line)
	}
	flush()
	return out
}
