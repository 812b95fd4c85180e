//go:build linux

package wine

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/winetest"
)

// TestSocketDuplicationUnderWine is the feasibility check of a Windows
// upgrade that keeps its listening sockets: a parent process listens with
// Go's net package, duplicates the socket for a child with
// WSADuplicateSocketW, closes its own, and the child, from
// WSASocketW(FROM_PROTOCOL_INFO), accepts and answers one HTTP request sent
// from Linux. Each Winsock step reports itself (testdata/sockdup), so a
// failure names the call and its error.
func TestSocketDuplicationUnderWine(t *testing.T) {
	p := winetest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	exe := filepath.Join(t.TempDir(), "sockdup.exe")
	build := exec.CommandContext(ctx, "go", "build", "-o", exe, "./testdata/sockdup")
	build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := p.Command(ctx, exe, "parent")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var steps []string
	answer := ""
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		t.Log(line)
		steps = append(steps, line)
		if addr, ok := strings.CutPrefix(line, "ADDR "); ok {
			resp, err := (&http.Client{Timeout: 30 * time.Second}).Get("http://" + addr + "/")
			if err != nil {
				t.Errorf("GET after the parent closed its socket: %v", err)
				continue
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			answer = string(b)
			t.Logf("answer: %q", answer)
		}
	}
	err = cmd.Wait()
	for _, s := range steps {
		if strings.Contains(s, " failed: ") {
			t.Fatalf("under Wine %s", strings.TrimPrefix(s, "STEP "))
		}
	}
	if err != nil {
		t.Fatalf("sockdup parent: %v", err)
	}
	if !strings.HasPrefix(answer, "child ") {
		t.Fatalf("the request was not answered by the child: %q", answer)
	}
}
