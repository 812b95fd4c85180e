package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A SIGTERM loses no request that had begun when the drain closed the idle
// connections: headers half sent (on new and on keep-alive connections) are
// answered once the rest arrives, and requests pipelined behind one in
// flight are all answered, the last with Connection: close.
func TestDrainSlowHeadersAndPipeliningLoseNothing(t *testing.T) {
	const slowClients, pipeClients, pipelined = 8, 8, 3
	p := start(t)
	addr, err := p.ListenAddr("api", wait)
	if err != nil {
		t.Fatal(err)
	}
	waitLine(t, p, `msg="service ready"`)
	dial := func() (net.Conn, *bufio.Reader) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetDeadline(time.Now().Add(wait))
		return c, bufio.NewReader(c)
	}
	write := func(c net.Conn, s string) {
		if _, err := io.WriteString(c, s); err != nil {
			t.Fatal(err)
		}
	}
	// read is one answer: its body, whether it said Connection: close.
	read := func(br *bufio.Reader) (string, bool, error) {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return "", false, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		return string(b), resp.Close, err
	}

	// An idle keep-alive connection: the drain closes it once its grace
	// is over, and its EOF says the drain has decided on the others.
	control, controlR := dial()
	write(control, "GET / HTTP/1.1\r\nHost: e2e\r\n\r\n")
	if _, _, err := read(controlR); err != nil {
		t.Fatal(err)
	}

	type slow struct {
		c  net.Conn
		br *bufio.Reader
	}
	var slows []slow
	for i := range slowClients {
		c, br := dial()
		if i%2 == 1 { // idle after one answer: net/http calls it idle, not new
			write(c, "GET / HTTP/1.1\r\nHost: e2e\r\n\r\n")
			if _, _, err := read(br); err != nil {
				t.Fatal(err)
			}
		}
		write(c, "POST /?sleep=1ms HTTP/1.1\r\nHost: e2e\r\nContent-Le")
		slows = append(slows, slow{c, br})
	}

	// Each pipelining client sends a stream, which is in flight until the
	// drain begins, and two POSTs behind it, in one write.
	type pipe struct {
		br     *bufio.Reader
		stream *http.Response
	}
	var pipes []pipe
	post := "POST /?sleep=1ms HTTP/1.1\r\nHost: e2e\r\nContent-Length: 2\r\n\r\nhi"
	for range pipeClients {
		c, br := dial()
		write(c, "GET /stream HTTP/1.1\r\nHost: e2e\r\n\r\n"+strings.Repeat(post, pipelined-1))
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		pipes = append(pipes, pipe{br, resp})
	}
	for _, pp := range pipes {
		if line, err := bufio.NewReader(io.LimitReader(pp.stream.Body, 13)).ReadString('\n'); err != nil || line != "data: hello\n" {
			t.Fatalf("first event %q %v", line, err)
		}
	}

	p.Signal(syscall.SIGTERM)
	if _, err := controlR.ReadByte(); err != io.EOF {
		t.Fatalf("the idle control connection at the drain: %v, want EOF", err)
	}

	lost, answered := 0, 0
	var errs []string
	for i, s := range slows {
		write(s.c, "ngth: 2\r\n\r\nhi")
		body, closing, err := read(s.br)
		if err != nil || body != "ok" {
			lost++
			errs = append(errs, fmt.Sprintf("slow header %d: %q %v", i, body, err))
			continue
		}
		answered++
		if !closing {
			t.Errorf("slow header %d: answered during the drain without Connection: close", i)
		}
	}
	for i, pp := range pipes {
		rest, err := io.ReadAll(pp.stream.Body)
		pp.stream.Body.Close()
		if err != nil || !strings.Contains(string(rest), "data: bye") {
			lost++
			errs = append(errs, fmt.Sprintf("pipelined %d, stream: %q %v", i, rest, err))
			continue
		}
		answered++
		for j := 2; j <= pipelined; j++ {
			body, closing, err := read(pp.br)
			if err != nil || body != "ok" {
				lost++
				errs = append(errs, fmt.Sprintf("pipelined %d, request %d: %q %v", i, j, body, err))
				continue
			}
			answered++
			if closing != (j == pipelined) {
				t.Errorf("pipelined %d, request %d of %d: Connection: close is %v, want it on the last only", i, j, pipelined, closing)
			}
		}
	}
	waitExit(t, p, 0)
	t.Logf("answered %d, lost %d of %d slow headers and %d pipelined requests", answered, lost, slowClients, pipeClients*pipelined)
	if lost != 0 {
		t.Errorf("%d requests lost:\n%s", lost, strings.Join(errs, "\n"))
	}
}
