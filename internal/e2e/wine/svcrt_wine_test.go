//go:build linux

package wine

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/winetest"
)

// svcrtWineTests selects the runtime's Windows-only tests that run under
// Wine: the listener over a socket handed from another process
// (templates/svcrt/socketlistener_windows_test.go).
const svcrtWineTests = "^TestSocketListener"

// TestSvcrtUnderWine builds the runtime package's tests for Windows and runs
// svcrtWineTests under Wine: code that only compiles for Windows is
// unit-tested on a Winsock, not only vetted.
func TestSvcrtUnderWine(t *testing.T) {
	p := winetest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(t.TempDir(), "svcrt.test.exe")
	build := exec.CommandContext(ctx, "go", "test", "-c", "-o", exe, "./templates/svcrt")
	build.Dir = root
	build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=windows go test -c ./templates/svcrt: %v\n%s", err, out)
	}
	stdout, stderr, err := p.Run(ctx, exe, "-test.run", svcrtWineTests, "-test.v", "-test.count=1")
	t.Logf("under Wine:\n%s", stdout)
	if err != nil {
		t.Fatalf("svcrt tests under Wine: %v\n%s", err, stderr)
	}
	passed := regexp.MustCompile(`(?m)^--- PASS: (TestSocketListener\w*)`).FindAllStringSubmatch(stdout, -1)
	if len(passed) == 0 || !strings.Contains(stdout, "\nPASS") {
		t.Fatalf("no test of %s passed under Wine:\n%s\n%s", svcrtWineTests, stdout, stderr)
	}
	t.Logf("%d tests passed under Wine", len(passed))
}
