package golden

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/internal/artifactcheck"
	"github.com/svcgen/svcgen/spec"
)

// TestHostileArtifactsKeepTheirGrammar reads each non-Go file generated
// from the hostile example by its own grammar (artifactcheck.Check): the
// unit file holds exactly the settings its template writes (no [Service]
// or ExecStartPre= from a description) with the description on its
// Description= line, and systemd-analyze accepts it; the manifest parses
// as YAML with exactly the expected scalars, the image among them as the
// spec wrote it; the README renders the display name and description as a
// heading and paragraphs of plain text, and no value anywhere else.
func TestHostileArtifactsKeepTheirGrammar(t *testing.T) {
	s, err := spec.Load(filepath.Join("hostile", "service.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Systemd.Enabled || !s.Kubernetes.Enabled {
		t.Fatal("the hostile example must enable [systemd] and [kubernetes]: their files are checked")
	}
	files := map[string][]byte{}
	for _, f := range generate(t, "hostile") {
		files[f.Path] = f.Content
	}
	for _, err := range artifactcheck.Check(s, files, hostileMarker) {
		t.Error(err)
	}
	unit := string(files["deploy/hostile.service"])
	verifyUnit(t, strings.Replace(unit, "ExecStart=/usr/local/bin/hostile run", "ExecStart=/bin/true run", 1))
}

// verifyUnit runs systemd-analyze verify on the unit, when it is installed:
// systemd itself must load it without a warning.
func verifyUnit(t *testing.T, unit string) {
	t.Helper()
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("no systemd-analyze: the unit is checked by artifactcheck.ParseUnit only")
		return
	}
	path := filepath.Join(t.TempDir(), "hostile.service")
	if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(sa, "verify", "--man=no", path).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s\n%s", err, out, unit)
	}
}

// TestHostileInstallUnit builds the hostile example and runs its install
// verb with -dir, the unit systemd would load: its settings are the
// expected ones and systemd-analyze (when installed) accepts it.
func TestHostileInstallUnit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the hostile example: skipped with -short")
	}
	s, err := spec.Load(filepath.Join("hostile", "service.toml"))
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	bin := filepath.Join(work, "hostile")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = "hostile"
	build.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "install", "-dir", work).CombinedOutput(); err != nil {
		t.Fatalf("install -dir: %v\n%s", err, out)
	}
	unit, err := os.ReadFile(filepath.Join(work, "hostile.service"))
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range artifactcheck.CheckUnit(s, unit) {
		t.Error(err)
	}
	verifyUnit(t, string(unit))
}
