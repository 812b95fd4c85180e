//go:build windows

// Command sockdup is the feasibility check of handing a listening socket
// from one process to another on Windows, the way a supervisor would hand
// its listeners to a new worker: the parent listens (Go's net.Listen, an
// overlapped socket on the runtime's completion port), starts a child,
// duplicates the socket for the child's PID with WSADuplicateSocketW and
// sends it the WSAPROTOCOL_INFOW; the child makes its own socket from it
// with WSASocketW(FROM_PROTOCOL_INFO) and serves one HTTP request with it.
// Every step prints one line "STEP <name> ok|failed: <error>", so a test
// (internal/e2e/wine) reports exactly which call fails, if one does.
//
// With "http", the child wraps the socket as a net.Listener (an accept
// loop on the raw SOCKET, each connection made an overlapped file on
// go-winio's completion port, with its deadlines) and serves two requests
// with net/http: what a worker of a Windows supervisor would run.
//
// With "queue", the parent prints its address first and waits for a line
// on stdin (the test has then queued eight requests nobody accepted), and
// the child, with net/http as above, answers those eight: closing the
// parent's descriptor left the accept queue to the child's.
//
//	sockdup parent [http|queue]   prints "ADDR <host:port>" once the child
//	                              accepts (queue: at once)
package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// fromProtocolInfo is FROM_PROTOCOL_INFO of winsock2.h: take the address
// family, type and protocol from the WSAPROTOCOL_INFOW.
const fromProtocolInfo = -1

var (
	ws2         = windows.NewLazySystemDLL("ws2_32.dll")
	procAccept  = ws2.NewProc("accept")
	procRecv    = ws2.NewProc("recv")
	procSend    = ws2.NewProc("send")
	invalidSock = ^uintptr(0)
)

func step(name string, err error) bool {
	if err != nil {
		fmt.Printf("STEP %s failed: %v\n", name, err)
		return false
	}
	fmt.Printf("STEP %s ok\n", name)
	return true
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		mode := ""
		if len(os.Args) > 2 {
			mode = os.Args[2]
		}
		child(mode)
		return
	}
	parent()
}

func parent() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if !step("listen", err) {
		os.Exit(1)
	}
	var sock windows.Handle
	raw, err := ln.(*net.TCPListener).SyscallConn()
	if !step("syscallconn", err) {
		os.Exit(1)
	}
	raw.Control(func(fd uintptr) { sock = windows.Handle(fd) })

	args := []string{"child"}
	mode := ""
	if len(os.Args) > 2 {
		mode = os.Args[2]
		args = append(args, mode)
	}
	if mode == "queue" {
		// Connections queue on the socket while nobody accepts.
		fmt.Println("ADDR", ln.Addr().String())
		bufio.NewReader(os.Stdin).ReadString('\n')
	}
	cmd := exec.Command(os.Args[0], args...)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if !step("start-child", cmd.Start()) {
		os.Exit(1)
	}
	var info windows.WSAProtocolInfo
	err = windows.WSADuplicateSocket(sock, uint32(cmd.Process.Pid), &info)
	if !step("WSADuplicateSocketW", err) {
		cmd.Process.Kill()
		os.Exit(1)
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&info)), unsafe.Sizeof(info))
	fmt.Fprintln(stdin, hex.EncodeToString(b))
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		fmt.Println(line) // the child's steps, relayed
		if line == "STEP child-waiting ok" {
			// Queue mode: the child holds its socket and accepts nothing
			// until the parent's descriptor is closed.
			step("parent-close", ln.Close())
			fmt.Fprintln(stdin, "closed")
		}
		if line == "STEP child-accepting ok" && mode != "queue" {
			// The parent lets its own socket go: the child's must be a
			// socket of its own, not a borrowed handle.
			step("parent-close", ln.Close())
			fmt.Println("ADDR", ln.Addr().String())
		}
	}
	err = cmd.Wait()
	step("child-exit", err)
	if err != nil {
		os.Exit(1)
	}
}

func child(mode string) {
	in := bufio.NewReader(os.Stdin)
	line, err := in.ReadString('\n')
	if !step("child-read-info", err) {
		os.Exit(1)
	}
	b, err := hex.DecodeString(strings.TrimSpace(line))
	var info windows.WSAProtocolInfo
	if err == nil && len(b) != int(unsafe.Sizeof(info)) {
		err = fmt.Errorf("%d bytes, want %d", len(b), unsafe.Sizeof(info))
	}
	if !step("child-decode-info", err) {
		os.Exit(1)
	}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&info)), unsafe.Sizeof(info)), b)
	var d windows.WSAData
	if !step("child-WSAStartup", windows.WSAStartup(uint32(0x202), &d)) {
		os.Exit(1)
	}
	s, err := windows.WSASocket(fromProtocolInfo, fromProtocolInfo, fromProtocolInfo, &info, 0, windows.WSA_FLAG_OVERLAPPED)
	if !step("child-WSASocketW", err) {
		os.Exit(1)
	}
	// Go has no net.FileListener on Windows (golang/go#9503): say so, from
	// the call itself.
	_, err = net.FileListener(os.NewFile(uintptr(s), "dup"))
	fmt.Printf("NOTE net.FileListener: %v\n", err)
	switch mode {
	case "http":
		serveHTTP(s, 2)
		return
	case "queue":
		step("child-waiting", nil)
		_, err := in.ReadString('\n')
		if !step("child-told-parent-closed", err) {
			os.Exit(1)
		}
		serveHTTP(s, 8)
		return
	}
	step("child-accepting", nil)
	c, _, errno := procAccept.Call(uintptr(s), 0, 0)
	if c == invalidSock {
		step("child-accept", errno)
		os.Exit(1)
	}
	step("child-accept", nil)
	buf := make([]byte, 4096)
	var req []byte
	for !strings.Contains(string(req), "\r\n\r\n") {
		n, _, errno := procRecv.Call(c, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0)
		if int32(n) <= 0 {
			step("child-recv", errno)
			os.Exit(1)
		}
		req = append(req, buf[:n]...)
	}
	step("child-recv", nil)
	body := fmt.Sprintf("child %d", os.Getpid())
	resp := []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body))
	n, _, errno := procSend.Call(c, uintptr(unsafe.Pointer(&resp[0])), uintptr(len(resp)), 0)
	if int(n) != len(resp) {
		step("child-send", errno)
		os.Exit(1)
	}
	step("child-send", nil)
	windows.Closesocket(windows.Handle(c))
	windows.Closesocket(s)
}
