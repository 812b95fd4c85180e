package generator

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"text/template"
	"time"
	"unicode"

	"github.com/dave/jennifer/jen"

	"github.com/svcgen/svcgen/spec"
	"github.com/svcgen/svcgen/templates"
)

var (
	unitTemplate   = template.Must(template.ParseFS(templates.FS, "systemd.service.tmpl"))
	socketTemplate = template.Must(template.ParseFS(templates.FS, "systemd.socket.tmpl"))
)

// systemdMargin is added to the start and stop budgets for systemd's
// TimeoutStartSec and TimeoutStopSec: the engine keeps its own budgets, and
// systemd's SIGKILL should only ever hit a process that is stuck.
const systemdMargin = 5 * time.Second

// execPlaceholder stands for the binary's path in the unit the binary
// carries; install replaces it with the quoted path of the executable.
const execPlaceholder = "@EXEC@"

// unitPlaceholders stand for the spec values in the unit the binary
// carries, by template field.
var unitPlaceholders = map[string]string{
	"Description":  "@DESCRIPTION@",
	"User":         "@USER@",
	"TimeoutStart": "@TIMEOUT_START@",
	"TimeoutStop":  "@TIMEOUT_STOP@",
	"RestartSec":   "@RESTART_SEC@",
	"Watchdog":     "@WATCHDOG@",
	"EnvFile":      "@ENV_FILE@",
	"RuntimeDir":   "@RUNTIME_DIR@",
}

// systemdDuration renders d in systemd's time syntax ("30s", "1500ms").
func systemdDuration(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%dms", d/time.Millisecond)
}

// unitText writes free text as a unit setting that takes its value as it is
// (Description=): on one line with single spaces, since a line break would
// start a new setting or section; without trailing backslashes, which would
// join the next line to it; and with % doubled, since % starts a specifier.
// The runtime's unitText does the same for the unit install writes.
func unitText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimRight(strings.Join(strings.Fields(s), " "), " \\")
	return strings.ReplaceAll(s, "%", "%%")
}

// renderUnit renders the systemd unit with exec as the binary's path. With
// placeholders, every value of the spec is a @NAME@ placeholder instead:
// the unit the binary carries, which install fills from the constants of
// svcgen_config.go, so a spec value lives in one place of the Go code.
func renderUnit(g *Context, exec string, placeholders bool) ([]byte, error) {
	s := g.Spec
	desc := s.Service.DisplayName
	if desc == "" {
		desc = s.Service.Name
	}
	if s.Service.Description != "" {
		desc += ": " + s.Service.Description
	}
	data := map[string]any{
		"Header":       g.Header(),
		"Name":         s.Service.Name,
		"Description":  unitText(desc),
		"Exec":         exec,
		"Reload":       s.Hooks.Reload != "",
		"User":         s.Systemd.User,
		"TimeoutStart": systemdDuration(s.Timeouts.Start.Duration + systemdMargin),
		"TimeoutStop":  systemdDuration(s.Timeouts.Stop.Duration + systemdMargin),
		"RestartSec":   systemdDuration(s.Systemd.RestartSec.Duration),
		"Watchdog":     "",
		"Sockets":      "",
		"EnvFile":      "/etc/" + s.Service.Name + "/" + s.Service.Name + ".env",
		"RuntimeDir":   s.Service.Name,
	}
	// The unit install writes has no Sockets=: install writes no .socket
	// units (they ship in deploy/, for packages and images).
	if s.Systemd.SocketActivation && !placeholders {
		var names []string
		for _, l := range socketListeners(s) {
			names = append(names, socketUnitName(s, l.fdName))
		}
		data["Sockets"] = strings.Join(names, " ")
	}
	if w := s.Systemd.Watchdog.Duration; w > 0 {
		data["Watchdog"] = systemdDuration(w)
	}
	if placeholders {
		for key, ph := range unitPlaceholders {
			if v, _ := data[key].(string); v != "" || key == "Description" {
				data[key] = ph
			}
		}
	}
	var buf bytes.Buffer
	if err := unitTemplate.Execute(&buf, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// emitSystemd writes deploy/<name>.service ([systemd] enabled) and
// svcgen_systemd.go: the unit the binary carries for its install verb, with
// a @NAME@ placeholder for each spec value, which the runtime fills from
// svcrt.Config, so a spec value lives in one place of the Go code.
func emitSystemd(g *Context) error {
	s := g.Spec
	if s.Systemd.Enabled {
		unit, err := renderUnit(g, "/usr/local/bin/"+s.Service.Name, false)
		if err != nil {
			return err
		}
		g.AddText("deploy/"+s.Service.Name+".service", unit, Generated)
		if s.Systemd.SocketActivation {
			for _, l := range socketListeners(s) {
				unit, err := renderSocket(g, l)
				if err != nil {
					return err
				}
				g.AddText("deploy/"+socketUnitName(s, l.fdName), unit, Generated)
			}
		}
	}
	unit, err := renderUnit(g, execPlaceholder, true)
	if err != nil {
		return err
	}
	f := g.NewFile("svcgen_systemd.go", "")
	f.Comment("svcSystemdUnit is the systemd unit `" + s.Service.Name + " install` writes on Linux.")
	lines := strings.SplitAfter(string(unit), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	var parts []jen.Code
	for i, l := range lines {
		if i > 0 {
			parts = append(parts, jen.Op("+").Line())
		}
		parts = append(parts, jen.Lit(l))
	}
	f.Const().Id("svcSystemdUnit").Op("=").Add(parts...)
	return nil
}

// socketListener is one listening socket of [systemd] socket_activation.
type socketListener struct {
	what   string // "the admin listener", "http resource api"
	fdName string // FileDescriptorName=, the name the runtime takes it by
	addr   string // the spec's listen address
}

// socketListeners are the admin listener and every http and grpc resource, with
// the names the runtime looks them up by (svcrt's adminFDName and the
// resource's name).
func socketListeners(s *spec.Spec) []socketListener {
	out := []socketListener{{what: "the admin listener", fdName: "svc-admin", addr: s.Admin.Addr}}
	for _, r := range s.Resources {
		if r.Kind == spec.KindHTTP || r.Kind == spec.KindGRPC {
			out = append(out, socketListener{what: r.Kind + " resource " + r.Name, fdName: r.Name, addr: r.Addr})
		}
	}
	return out
}

// socketUnitName is the .socket unit of one listener.
func socketUnitName(s *spec.Spec, fdName string) string {
	return s.Service.Name + "-" + fdName + ".socket"
}

// listenStream writes a Go listen address as ListenStream= reads it: a
// port alone for every address (Go's ":8080", systemd's "8080", both
// dual-stack), localhost as 127.0.0.1, an IPv6 host in brackets, % doubled
// (an IPv6 zone; % starts a specifier).
func listenStream(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr // the spec checked it; not reached
	}
	switch {
	case host == "":
		return port
	case strings.EqualFold(host, "localhost"):
		host = "127.0.0.1"
	}
	return strings.ReplaceAll(net.JoinHostPort(host, port), "%", "%%")
}

// renderSocket renders the .socket unit of one listener.
func renderSocket(g *Context, l socketListener) ([]byte, error) {
	s := g.Spec
	var buf bytes.Buffer
	err := socketTemplate.Execute(&buf, map[string]any{
		"Header":      g.Header(),
		"Name":        s.Service.Name,
		"What":        l.what,
		"Description": unitText(s.Service.Name + ": listening socket of " + l.what),
		"Listen":      listenStream(l.addr),
		"FDName":      l.fdName,
	})
	return buf.Bytes(), err
}
