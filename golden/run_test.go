package golden

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/e2e"
)

// goldenEnv is what each example reads from its environment: real
// PostgreSQL, MariaDB and Redis on this machine, and an upstream the test
// serves for the http_client resources (its /healthz answers 200).
func goldenEnv(upstream string) map[string][]string {
	pg := "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	return map[string][]string{
		"minimal": nil,
		"rpc":     nil,
		"typical": {"ORDERS_DB_DSN=" + pg, "ORDERS_REDIS_ADDR=127.0.0.1:6379", "ORDERS_PAYMENTS_URL=" + upstream},
		"large": {
			"FLEET_PRIMARY_DB_DSN=" + pg, "FLEET_REPLICA_DB_DSN=" + pg,
			"FLEET_AUDIT_DB_DSN=root@tcp(127.0.0.1:3306)/test",
			"FLEET_SESSION_CACHE_ADDR=127.0.0.1:6379", "FLEET_GEO_CACHE_ADDR=127.0.0.1:6379",
			"FLEET_MAPS_API_URL=" + upstream, "FLEET_BILLING_API_URL=" + upstream, "FLEET_SMS_API_URL=" + upstream,
		},
		"hostile": {"HOSTILE_DSN=" + pg, "HOSTILE_UPSTREAM=" + upstream},
	}
}

// TestGoldenRuns starts every committed example as wire's program_out
// does: it answers /readyz with 200 once warm, and a SIGTERM stops it with
// exit code 0. The committed code runs as it is, except that the listen
// addresses of svcgen_config.go are moved to free ports (so the examples
// run side by side and beside other tests).
func TestGoldenRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every example: skipped with -short")
	}
	for _, addr := range []string{"127.0.0.1:5432", "127.0.0.1:3306", "127.0.0.1:6379"} {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			t.Skipf("the examples need PostgreSQL, MariaDB and Redis: %v", err)
		}
		c.Close()
	}
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(upstream.Close) // the subtests run in parallel, after this function returned
	env := goldenEnv(upstream.URL)
	for _, dir := range examples(t) {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			vars, ok := env[dir]
			if !ok {
				t.Fatalf("goldenEnv has no entry for the example %s", dir)
			}
			runExample(t, dir, vars)
		})
	}
}

var addrConst = regexp.MustCompile(`(?m)^(\tsvc\w*Addr\s*= )"([^"]*)"$`)

func runExample(t *testing.T, dir string, vars []string) {
	work := filepath.Join(t.TempDir(), dir)
	if err := os.CopyFS(work, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(work, "svcgen_config.go")
	src, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	admin := ""
	src = addrConst.ReplaceAllFunc(src, func(m []byte) []byte {
		sub := addrConst.FindSubmatch(m)
		addr := e2e.FreePort(t)
		if strings.HasPrefix(strings.TrimSpace(string(sub[1])), "svcAdminAddr ") {
			admin = addr
		}
		return []byte(fmt.Sprintf("%s%q", sub[1], addr))
	})
	if admin == "" {
		t.Fatal("no svcAdminAddr constant in svcgen_config.go")
	}
	if err := os.WriteFile(config, src, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(work, "svc")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = work
	build.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "run")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), vars...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + admin + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("exited before ready: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-done
			t.Fatalf("not ready within 30s\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// SIGHUP without a [hooks] reload: its default action would kill the
	// process; the service says no reload is configured and keeps serving.
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	for !strings.Contains(out.String(), "no [hooks] reload") {
		select {
		case err := <-done:
			t.Fatalf("SIGHUP ended the service: %v\n%s", err, out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no word of the ignored SIGHUP\n%s", out.String())
		}
	}
	if resp, err := http.Get("http://" + admin + "/readyz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("not ready after SIGHUP: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("stop on SIGTERM: %v, want exit 0\n%s", err, out.String())
	}
}

// TestGuardsQuoteTheRemedy: when a function the spec names no longer has
// the signature the wiring calls, `go build` fails on svcgen_guards.go and
// the compiler's message quotes the fix.
func TestGuardsQuoteTheRemedy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an example: skipped with -short")
	}
	work := filepath.Join(t.TempDir(), "minimal")
	if err := os.CopyFS(work, os.DirFS("minimal")); err != nil {
		t.Fatal(err)
	}
	api := filepath.Join(work, "api.go")
	src, err := os.ReadFile(api)
	if err != nil {
		t.Fatal(err)
	}
	src = []byte(strings.Replace(string(src), "func NewAPI() (http.Handler, error) {", "func NewAPI(prefix string) (http.Handler, error) {", 1))
	if err := os.WriteFile(api, src, 0o644); err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-o", os.DevNull, ".")
	build.Dir = work
	build.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOWORK=off")
	out, err := build.CombinedOutput()
	if err == nil {
		t.Fatal("the build of a changed handler signature succeeded")
	}
	for _, want := range []string{"svcgen_guards.go:", "[resource.api] handler NewAPI: keep this signature, or change service.toml and run svcgen generate"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the build output lacks %q:\n%s", want, out)
		}
	}
}

// syncBuffer is the output of a running process, read while it is written.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
