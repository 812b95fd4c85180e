package svcrt

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/internal/artifactcheck"
)

// TestUnitDescriptionStaysOneSetting: the unit install writes holds the
// display name and description on its Description= line whatever they
// hold (line breaks, a section header, a trailing backslash, specifiers),
// and the executable's path, however odd (the same texts), on ExecStart=.
func TestUnitDescriptionStaysOneSetting(t *testing.T) {
	texts := []string{
		"PWNED\n[Service]\nExecStartPre=+/bin/sh -c 'id > /tmp/PWNED'",
		"PWNED\r\n[Service]\rExecStartPre=+/bin/true\x00[Install]",
		"PWNED\u2028[Service]\u2029ExecStartPre=+/bin/true",
		"PWNED ends in a backslash\\", "PWNED\\\n[Service]", "PWNED\\\\\\",
		"PWNED %n %i %% %", "  PWNED  \t spaces \x1b[2J ",
	}
	const tmpl = "[Unit]\nDescription=@DESCRIPTION@\nWants=network-online.target\n\n[Service]\nExecStart=@EXEC@ run\n"
	for i, display := range append(texts, "") {
		for _, desc := range texts {
			cfg := &Config{Name: "svc", DisplayName: display, Description: desc, Systemd: SystemdConfig{Unit: tmpl}}
			exe := "/opt/my svc/%n$HOME\\\"bin\"/" + texts[i%len(texts)]
			u := unit(cfg, exe, false)
			settings, err := artifactcheck.ParseUnit([]byte(u))
			if err != nil {
				t.Fatalf("%q, %q: %v\n%s", display, desc, err, u)
			}
			if got := artifactcheck.Keys(settings); !slices.Equal(got, []string{"Unit.Description", "Unit.Wants", "Service.ExecStart"}) {
				t.Fatalf("%q, %q: settings %q\n%s", display, desc, got, u)
			}
			if got := execPath(t, settings[2].Value); got != exe {
				t.Errorf("ExecStart= runs %q, want %q", got, exe)
			}
			got, err := artifactcheck.ExpandPercent(settings[0].Value)
			if err != nil {
				t.Error(err)
			}
			title := display
			if title == "" {
				title = cfg.Name
			}
			want := strings.TrimRight(strings.Join(strings.Fields(strings.Map(func(r rune) rune {
				if r < 0x20 || r == '\u2028' || r == '\u2029' {
					return ' '
				}
				return r
			}, title+": "+desc)), " "), " \\")
			if got != want {
				t.Errorf("Description=\n got %q\nwant %q", got, want)
			}
		}
	}
}

// execPath decodes the first word of an ExecStart= value as systemd does: a
// double-quoted word with C escapes, %% and $$ for % and $.
func execPath(t *testing.T, v string) string {
	t.Helper()
	if !strings.HasPrefix(v, `"`) {
		t.Fatalf("ExecStart=%s: the path is not quoted", v)
	}
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '"':
			if rest := v[i+1:]; rest != " run" {
				t.Errorf("ExecStart= continues %q after the path, want \" run\"", rest)
			}
			return b.String()
		case c == '\\' && i+1 < len(v) && v[i+1] == 'x' && i+3 < len(v):
			n, err := strconv.ParseUint(v[i+2:i+4], 16, 8)
			if err != nil {
				t.Fatalf("bad escape in %q", v)
			}
			b.WriteByte(byte(n))
			i += 3
		case c == '\\' && i+1 < len(v):
			b.WriteByte(v[i+1])
			i++
		case (c == '%' || c == '$') && i+1 < len(v) && v[i+1] == c:
			b.WriteByte(c)
			i++
		case c == '%' || c == '$':
			t.Fatalf("ExecStart=%s: a lone %c", v, c)
		default:
			b.WriteByte(c)
		}
	}
	t.Fatalf("ExecStart=%s: unterminated quote", v)
	return ""
}

// install creates the env file 0600 and refuses one any user may read: it
// holds secrets.
func TestEnvFilesPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "orders")
	cfg := &Config{Name: "orders"}
	if err := checkEnvFiles(cfg, dir); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "orders.env"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("env file: %v %v", fi, err)
	}
	if vars, err := ParseDotenv("orders.env", mustRead(t, filepath.Join(dir, "orders.env"))); err != nil || len(vars) != 0 {
		t.Errorf("the new env file is not an empty dotenv file: %v %v", vars, err)
	}
	os.WriteFile(filepath.Join(dir, "orders.env"), []byte("ORDERS_API_ADDR=:9000\n"), 0o600)
	if err := checkEnvFiles(cfg, dir); err != nil {
		t.Fatal(err)
	}
	if b := mustRead(t, filepath.Join(dir, "orders.env")); string(b) != "ORDERS_API_ADDR=:9000\n" {
		t.Errorf("install rewrote an existing env file: %q", b)
	}
	os.WriteFile(filepath.Join(dir, "b.env"), nil, 0o644)
	os.Chmod(filepath.Join(dir, "b.env"), 0o644)
	if err := checkEnvFiles(cfg, dir); err == nil || !strings.Contains(err.Error(), "b.env is readable or writable by every user (mode 0644)") {
		t.Errorf("a world-readable instance env file: %v", err)
	}
	os.Chmod(filepath.Join(dir, "b.env"), 0o640)
	if err := checkEnvFiles(cfg, dir); err != nil {
		t.Errorf("0640: %v", err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
