package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Each combination of the operations tables generates code that vets on
// Linux and Windows: the emitters leave out what a table does not ask for
// (client_golang without [metrics], pprof without metrics, checks without a
// resource that can be checked). lumberjack is always there: a Windows
// service without a file logs to its default rotating file.
func TestOpsVariantsVet(t *testing.T) {
	if testing.Short() {
		t.Skip("vets several generated projects")
	}
	base, err := os.ReadFile("testdata/ops/service.toml")
	if err != nil {
		t.Fatal(err)
	}
	user := map[string]string{}
	for _, f := range []string{"api.go", "probe.go", "hooks.go"} {
		b, err := os.ReadFile("testdata/ops/" + f)
		if err != nil {
			t.Fatal(err)
		}
		user[f] = string(b)
	}
	cut := func(text string, tables ...string) string {
		for _, table := range tables {
			i := strings.Index(text, "["+table+"]")
			if i < 0 {
				t.Fatalf("no [%s] in the spec", table)
			}
			j := strings.Index(text[i+1:], "\n[")
			text = text[:i] + text[i+1+j+1:]
		}
		return text
	}
	variants := map[string]string{
		"json on stderr, no file, no metrics": strings.Replace(cut(string(base), "log", "metrics"), "[runtime]", "[log]\nformat = \"json\"\n\n[runtime]", 1),
		"file only, pprof without metrics":    strings.Replace(cut(string(base), "metrics"), "level = \"debug\"", "level = \"warn\"\nstderr = false", 1),
		// on_failure says what a failing check does; without [watchdog] no
		// check runs, and the spec refuses it.
		"no watchdog, no systemd, no runtime": strings.Replace(cut(string(base), "watchdog", "systemd", "runtime"), "on_failure = \"liveness\"", "", 1),
		"metrics without pprof, absolute log": strings.NewReplacer("pprof = true\n", "", `file = "logs/opsd.log"`, `file = "/var/log/opsd/opsd.log"`).Replace(string(base)),
	}
	for name, spec := range variants {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			p, err := Generate(t.TempDir(), spec, user)
			if err != nil {
				t.Fatalf("%v\nspec:\n%s", err, spec)
			}
			gomod, err := os.ReadFile(filepath.Join(p.Dir, "go.mod"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(gomod), "lumberjack") {
				t.Errorf("go.mod does not require lumberjack (the default Windows service log):\n%s", gomod)
			}
			if want := p.Spec.Metrics.Enabled; strings.Contains(string(gomod), "client_golang") != want {
				t.Errorf("go.mod requires client_golang: %v, want %v:\n%s", !want, want, gomod)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			for _, goos := range []string{"", "windows"} {
				if err := p.Vet(ctx, goos); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
