// Command scctl sends one control code to a service through the SCM:
// `scctl NAME CODE`. Wine 8's sc.exe has no "control" command; the tests
// send ParamChange (6) with it.
package main

import (
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/mgr"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: scctl NAME CODE")
		os.Exit(2)
	}
	code, err := strconv.Atoi(os.Args[2])
	if err != nil {
		fail(err)
	}
	m, err := mgr.Connect()
	if err != nil {
		fail(err)
	}
	defer m.Disconnect()
	s, err := m.OpenService(os.Args[1])
	if err != nil {
		fail(err)
	}
	defer s.Close()
	if _, err := s.Control(svc.Cmd(code)); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "scctl:", err)
	os.Exit(1)
}
