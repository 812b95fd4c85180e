package svcrt

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The drain's edge cases: connections net/http calls new or idle while a
// request on them has begun. Each test stops the service at the moment the
// old drain would have closed such a connection and checks that every
// request sent is answered.

// rawConn dials addr; the connection closes with the test.
func rawConn(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(waitLimit))
	return c
}

// send writes s on c.
func send(t *testing.T, c net.Conn, s string) {
	t.Helper()
	if _, err := io.WriteString(c, s); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// rawAnswer is one response read off a raw connection.
type rawAnswer struct {
	code  int
	body  string
	close bool
	err   error
}

func readAnswer(br *bufio.Reader) rawAnswer {
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return rawAnswer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return rawAnswer{code: resp.StatusCode, body: string(b), close: resp.Close, err: err}
}

// idleControl opens a keep-alive connection, has one request answered on it
// and returns its reader: the connection is idle, with nothing pending, and
// the drain closes it once its grace is over. Its EOF tells the test that
// the drain has decided on every connection whose grace ended with it.
func idleControl(t *testing.T, addr string) *bufio.Reader {
	t.Helper()
	c := rawConn(t, addr)
	send(t, c, "GET /control HTTP/1.1\r\nHost: svc\r\n\r\n")
	br := bufio.NewReader(c)
	if got := readAnswer(br); got.err != nil || got.code != http.StatusOK || got.close {
		t.Fatalf("the control request: %+v", got)
	}
	return br
}

// waitClosedByDrain waits for the drain to close the control connection.
func waitClosedByDrain(t *testing.T, control *bufio.Reader) {
	t.Helper()
	if _, err := control.ReadByte(); err != io.EOF {
		t.Fatalf("the idle control connection at the drain: %v, want EOF", err)
	}
}

// waitConns waits until the server tracks n connections (accepted, not in
// the accept queue).
func waitConns(t *testing.T, s *HTTPServer, n int) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		s.mu.Lock()
		got := len(s.conns)
		s.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server has %d connections, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// echoPath answers with the request's path and the body it read.
var echoPath = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	fmt.Fprintf(w, "%s%s", r.URL.Path, b)
})

// TestHTTPDrainSlowHeader: a request whose header is half read when the
// drain begins is answered with Connection: close once the rest arrives,
// on a new connection and on an idle keep-alive one; net/http reports both
// as not active until the header is whole.
func TestHTTPDrainSlowHeader(t *testing.T) {
	const clients = 8
	h := newHarness(t, testConfig())
	api := httpResource(h, node("api"), echoPath)
	h.run()
	h.waitReady()
	addr := addrOf(api)
	control := idleControl(t, addr)
	conns := make([]net.Conn, clients)
	for i := range conns {
		conns[i] = rawConn(t, addr)
		if i%2 == 1 { // a keep-alive connection, idle after one answer
			send(t, conns[i], "GET /first HTTP/1.1\r\nHost: svc\r\n\r\n")
			if got := readAnswer(bufio.NewReader(conns[i])); got.err != nil || got.body != "/first" {
				t.Fatalf("client %d, first request: %+v", i, got)
			}
		}
		send(t, conns[i], fmt.Sprintf("POST /slow%d HTTP/1.1\r\nHost: svc\r\nConte", i))
	}
	waitConns(t, api.Value, clients+1)
	if h.app.Stop(StopRequested, "test") {
		t.Fatal("the first Stop reported forced")
	}
	waitClosedByDrain(t, control)
	for i, c := range conns {
		send(t, c, "nt-Length: 4\r\n\r\nbody")
		got := readAnswer(bufio.NewReader(c))
		if got.err != nil || got.code != http.StatusOK || got.body != fmt.Sprintf("/slow%dbody", i) || !got.close {
			t.Errorf("client %d, its header finished during the drain: %+v (%v)", i, got, got.err)
		}
	}
	expectCode(t, h.wait(), ExitOK)
}

// TestHTTPDrainKeepAliveRace: a client sends its next request on an idle
// keep-alive connection exactly as the drain decides to close it (the hook
// runs at that instant): the request is answered, not dropped.
func TestHTTPDrainKeepAliveRace(t *testing.T) {
	const clients = 4
	h := newHarness(t, testConfig())
	api := httpResource(h, node("api"), echoPath)
	byAddr := map[string]net.Conn{}
	conns := make([]net.Conn, clients)
	var sent sync.Map
	api.Value.beforeIdleClose = func(wc *wireConn) {
		c := byAddr[wc.RemoteAddr().String()]
		if _, again := sent.LoadOrStore(c, true); again || c == nil {
			return
		}
		send(t, c, "POST /late HTTP/1.1\r\nHost: svc\r\nContent-Length: 4\r\n\r\nbody")
		// On loopback the bytes are in the server's socket once the write
		// returns; wait for them so the drain decides with them there.
		deadline := time.Now().Add(waitLimit)
		for !wc.pending() && !wc.requestBegun() && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	}
	h.run()
	h.waitReady()
	for i := range conns {
		conns[i] = rawConn(t, addrOf(api))
		byAddr[conns[i].LocalAddr().String()] = conns[i]
		send(t, conns[i], "GET /first HTTP/1.1\r\nHost: svc\r\n\r\n")
	}
	readers := make([]*bufio.Reader, clients)
	for i, c := range conns {
		readers[i] = bufio.NewReader(c)
		if got := readAnswer(readers[i]); got.err != nil || got.body != "/first" || got.close {
			t.Fatalf("client %d, first request: %+v", i, got)
		}
	}
	if h.app.Stop(StopRequested, "test") {
		t.Fatal("the first Stop reported forced")
	}
	for i := range conns {
		got := readAnswer(readers[i])
		if got.err != nil || got.code != http.StatusOK || got.body != "/latebody" || !got.close {
			t.Errorf("client %d, a request sent as the drain closed idle connections: %+v", i, got)
		}
	}
	expectCode(t, h.wait(), ExitOK)
}

// TestHTTPDrainPipelined: requests a client pipelined in one write, read
// ahead by net/http when the drain begins during the first one's handler,
// are all answered; only the last answer says Connection: close.
func TestHTTPDrainPipelined(t *testing.T) {
	for _, tc := range []struct {
		name, request string // request has a %d for its number
	}{
		{"get", "GET /p%d HTTP/1.1\r\nHost: svc\r\n\r\n"},
		{"content-length", "POST /p%d HTTP/1.1\r\nHost: svc\r\nContent-Length: 5\r\n\r\nhello"},
		{"chunked", "POST /p%d HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\nhe\r\n3\r\nllo\r\n0\r\nTrailer: t\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			in, release := newLatch(), make(chan struct{})
			api := httpResource(h, node("api"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/p1" {
					in.fire()
					<-release
				}
				echoPath.ServeHTTP(w, r)
			}))
			h.run()
			h.waitReady()
			c := rawConn(t, addrOf(api))
			send(t, c, fmt.Sprintf(tc.request, 1)+fmt.Sprintf(tc.request, 2)+fmt.Sprintf(tc.request, 3))
			recv(t, in.ch, "the first request in its handler")
			if h.app.Stop(StopRequested, "test") {
				t.Fatal("the first Stop reported forced")
			}
			recv(t, api.Value.drainCh, "Draining closed")
			close(release)
			br := bufio.NewReader(c)
			body := ""
			if tc.name != "get" {
				body = "hello"
			}
			for i := 1; i <= 3; i++ {
				got := readAnswer(br)
				if got.err != nil || got.code != http.StatusOK || got.body != fmt.Sprintf("/p%d%s", i, body) || got.close != (i == 3) {
					t.Errorf("pipelined request %d of 3: %+v (want Connection: close on the last only)", i, got)
				}
			}
			expectCode(t, h.wait(), ExitOK)
		})
	}
}

// TestHTTPDrainTLSHandshake: a TLS connection whose handshake is in
// progress when the drain decides is kept, and its request answered.
func TestHTTPDrainTLSHandshake(t *testing.T) {
	cert, key := selfSigned(t)
	h := newHarness(t, testConfig())
	api := HTTPResource(h.app, node("api"), HTTPConfig{
		Addr:              "127.0.0.1:0",
		ReadHeaderTimeout: waitLimit,
		IdleTimeout:       waitLimit,
		CertFile:          cert,
		KeyFile:           key,
	}, func() (http.Handler, error) { return echoPath, nil })
	h.run()
	h.waitReady()
	addr := addrOf(api)
	client := &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}}

	// The control: an idle TLS keep-alive connection.
	cc := tls.Client(rawConn(t, addr), client)
	send(t, cc, "GET /control HTTP/1.1\r\nHost: svc\r\n\r\n")
	control := bufio.NewReader(cc)
	if got := readAnswer(control); got.err != nil || got.code != http.StatusOK {
		t.Fatalf("the control request: %+v", got)
	}
	// The client's second flight (its Finished) waits: the server has read
	// the ClientHello and answered it, and waits for the rest.
	gate := &gatedConn{Conn: rawConn(t, addr), blocked: make(chan struct{}), release: make(chan struct{})}
	tc := tls.Client(gate, client)
	answered := make(chan rawAnswer, 1)
	go func() {
		if _, err := io.WriteString(tc, "GET /tls HTTP/1.1\r\nHost: svc\r\n\r\n"); err != nil {
			answered <- rawAnswer{err: err}
			return
		}
		answered <- readAnswer(bufio.NewReader(tc))
	}()
	recv(t, gate.blocked, "the client's second flight")
	waitConns(t, api.Value, 2)
	if h.app.Stop(StopRequested, "test") {
		t.Fatal("the first Stop reported forced")
	}
	waitClosedByDrain(t, control)
	close(gate.release)
	if got := recv(t, answered, "the answer"); got.err != nil || got.code != http.StatusOK || got.body != "/tls" || !got.close {
		t.Errorf("a request whose TLS handshake was in progress at the drain: %+v", got)
	}
	expectCode(t, h.wait(), ExitOK)
}

// gatedConn lets its first write through and holds the others until
// release.
type gatedConn struct {
	net.Conn
	writes  int
	blocked chan struct{}
	release chan struct{}
}

func (c *gatedConn) Write(p []byte) (int, error) {
	c.writes++
	if c.writes == 2 {
		close(c.blocked)
		<-c.release
	}
	return c.Conn.Write(p)
}

// selfSigned writes a certificate for 127.0.0.1 and its key and returns
// their paths.
func selfSigned(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "svc"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kd, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	for _, f := range []struct {
		path, typ string
		der       []byte
	}{{certFile, "CERTIFICATE", der}, {keyFile, "EC PRIVATE KEY", kd}} {
		if err := os.WriteFile(f.path, pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: f.der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return certFile, keyFile
}

// TestHTTPDrainGeneralOptions: "OPTIONS *", which net/http answers without
// the server's handler, is answered as before and does not hold the drain.
func TestHTTPDrainGeneralOptions(t *testing.T) {
	h := newHarness(t, testConfig())
	api := httpResource(h, node("api"), http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Error("OPTIONS * reached the service's handler")
	}))
	h.run()
	h.waitReady()
	c := rawConn(t, addrOf(api))
	send(t, c, "OPTIONS * HTTP/1.1\r\nHost: svc\r\n\r\n")
	br := bufio.NewReader(c)
	if got := readAnswer(br); got.err != nil || got.code != http.StatusOK || got.body != "" || got.close {
		t.Fatalf("OPTIONS *: %+v", got)
	}
	expectCode(t, h.stop(StopRequested), ExitOK)
	waitClosedByDrain(t, br)
}

// TestRequestFraming: the count of requests begun follows the requests of a
// stream however it is cut into reads.
func TestRequestFraming(t *testing.T) {
	reqs := []string{
		"GET /a HTTP/1.1\r\nHost: svc\r\n\r\n",
		"POST /b HTTP/1.1\r\nHost: svc\r\ncontent-length:  11\r\n\r\nhello\r\n\r\nGE",
		"POST /c HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n3;ext\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n",
		"\r\nGET /d HTTP/1.0\n\n",
		"PUT /e HTTP/1.1\r\nContent-Length: 0\r\nX-Long: " + strings.Repeat("x", 200) + "\r\n\r\n",
	}
	stream := strings.Join(reqs, "")
	// starts[i] is the offset of request i's first byte (after the CR LF
	// that may precede it).
	var starts []int
	off := 0
	for _, r := range reqs {
		starts = append(starts, off+len(r)-len(strings.TrimLeft(r, "\r\n")))
		off += len(r)
	}
	for cut := 0; cut <= len(stream); cut++ {
		var f requestFraming
		f.feed([]byte(stream[:cut]))
		want := 0
		for _, s := range starts {
			if s < cut {
				want++
			}
		}
		if f.started != int64(want) {
			t.Fatalf("after %d bytes (%q): %d requests begun, want %d", cut, stream[max(0, cut-20):cut], f.started, want)
		}
		f.feed([]byte(stream[cut:]))
		if f.started != int64(len(reqs)) || f.state != framingBetween {
			t.Fatalf("cut at %d: %d requests, state %d at the end", cut, f.started, f.state)
		}
	}
}

// TestHTTPDrainBodyArriving: a request whose body is still arriving when the
// drain begins, its handler reading it, is answered once the body is whole;
// so is one whose client waits for 100 Continue before sending its body.
func TestHTTPDrainBodyArriving(t *testing.T) {
	for _, tc := range []struct {
		name, head, rest string
		continued        bool // the client waits for 100 Continue before rest
	}{
		{"body half sent", "POST /half HTTP/1.1\r\nHost: svc\r\nContent-Length: 8\r\n\r\nbod", "y-end", false},
		{"100-continue", "POST /expect HTTP/1.1\r\nHost: svc\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n", "body", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			in := newLatch()
			api := httpResource(h, node("api"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				in.fire()
				echoPath.ServeHTTP(w, r)
			}))
			h.run()
			h.waitReady()
			c := rawConn(t, addrOf(api))
			send(t, c, tc.head)
			recv(t, in.ch, "the request in its handler")
			if h.app.Stop(StopRequested, "test") {
				t.Fatal("the first Stop reported forced")
			}
			recv(t, api.Value.drainCh, "Draining closed")
			br := bufio.NewReader(c)
			if tc.continued {
				if line, err := br.ReadString('\n'); err != nil || !strings.HasPrefix(line, "HTTP/1.1 100 ") {
					t.Fatalf("waiting for 100 Continue: %q %v", line, err)
				}
				if line, err := br.ReadString('\n'); err != nil || line != "\r\n" {
					t.Fatalf("after 100 Continue: %q %v", line, err)
				}
			}
			send(t, c, tc.rest)
			body := strings.TrimSuffix(strings.SplitN(tc.head, " ", 3)[1], " ") + strings.SplitN(tc.head, "\r\n\r\n", 2)[1] + tc.rest
			if got := readAnswer(br); got.err != nil || got.code != http.StatusOK || got.body != body || !got.close {
				t.Errorf("answer: %+v, want %q with Connection: close", got, body)
			}
			expectCode(t, h.wait(), ExitOK)
		})
	}
}
