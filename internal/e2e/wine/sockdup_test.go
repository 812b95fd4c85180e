//go:build linux

package wine

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/svcgen/svcgen/internal/winetest"
)

// TestSocketDuplicationUnderWine is the feasibility check of a Windows
// upgrade that keeps its listening sockets: a parent process listens with
// Go's net package, duplicates the socket for a child with
// WSADuplicateSocketW, closes its own, and the child, from
// WSASocketW(FROM_PROTOCOL_INFO), accepts and answers HTTP requests sent
// from Linux: "raw" answers one with accept, recv and send; "http" wraps
// the socket as a net.Listener whose connections are go-winio overlapped
// files and serves two requests on one keep-alive connection with
// net/http; "queue" sends eight requests on new connections before the
// parent starts the child, nobody accepting them, and the child answers
// all eight after the parent closed its descriptor: the accept queue
// outlives it, which a handover that loses nothing needs. Each Winsock
// step reports itself (testdata/sockdup, a module
// of its own so that go-winio stays out of svcgen's go.mod), so a failure
// names the call and its error.
func TestSocketDuplicationUnderWine(t *testing.T) {
	p := winetest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	exe := filepath.Join(t.TempDir(), "sockdup.exe")
	if err := winetest.BuildWindows(ctx, "testdata/sockdup", exe); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"raw", "http", "queue"} {
		t.Run(mode, func(t *testing.T) { sockdup(ctx, t, p, exe, mode) })
	}
}

func sockdup(ctx context.Context, t *testing.T, p *winetest.Prefix, exe, mode string) {
	args := []string{exe, "parent"}
	if mode != "raw" {
		args = append(args, mode)
	}
	requests := map[string]int{"raw": 1, "http": 2, "queue": 8}[mode]
	want := map[string]string{"raw": "child ", "http": "child-http ", "queue": "child-http "}[mode]
	cmd := p.Command(ctx, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var steps, answers []string
	client := &http.Client{Timeout: 30 * time.Second}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		t.Log(line)
		steps = append(steps, line)
		if addr, ok := strings.CutPrefix(line, "ADDR "); ok && mode == "queue" {
			answers = queued(t, addr, requests, stdin)
			continue
		}
		if addr, ok := strings.CutPrefix(line, "ADDR "); ok {
			for range requests {
				resp, err := client.Get("http://" + addr + "/")
				if err != nil {
					t.Errorf("GET after the parent closed its socket: %v", err)
					break
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				answers = append(answers, string(b))
				t.Logf("answer: %q", b)
			}
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
	if len(answers) != requests {
		t.Fatalf("%d answers, want %d", len(answers), requests)
	}
	for _, a := range answers {
		if !strings.HasPrefix(a, want) {
			t.Fatalf("a request was not answered by the child: %q", a)
		}
	}
}

// queued sends n requests to addr, each on its own connection, waits until
// every one is written (the connections wait in the accept queue: nobody
// accepts yet), tells the parent to go on, and returns the answers.
func queued(t *testing.T, addr string, n int, goOn io.WriteCloser) []string {
	var written sync.WaitGroup
	written.Add(n)
	results := make(chan string, n)
	for range n {
		go func() {
			var once sync.Once
			trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { once.Do(written.Done) }}
			req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", "http://"+addr+"/", nil)
			resp, err := (&http.Client{Timeout: time.Minute, Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
			once.Do(written.Done)
			if err != nil {
				results <- "error: " + err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			results <- string(b)
		}()
	}
	written.Wait()
	io.WriteString(goOn, "go\n")
	goOn.Close()
	var out []string
	for range n {
		a := <-results
		t.Logf("answer: %q", a)
		out = append(out, a)
	}
	return out
}
