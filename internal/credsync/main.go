// Command credsync writes spec/credentials.go, the spec checker's copy of
// the runtime's description of where a connection string holds a
// credential (templates/svcrt/credentials.go): the runtime is copied into
// generated projects and cannot be imported by the generator, and one
// description keeps the checker and the redaction in agreement.
//
//	go run ./internal/credsync          # rewrite spec/credentials.go
//	go run ./internal/credsync -check   # fail if it is stale
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
)

const (
	source = "templates/svcrt/credentials.go"
	target = "spec/credentials.go"
)

func main() {
	check := flag.Bool("check", false, "report a stale copy instead of writing it")
	flag.Parse()
	src, err := os.ReadFile(source)
	if err != nil {
		fail(err)
	}
	want := Copy(src)
	if *check {
		got, err := os.ReadFile(target)
		if err != nil || !bytes.Equal(got, want) {
			fail(fmt.Errorf("%s is stale: run go run ./internal/credsync", target))
		}
		return
	}
	if err := os.WriteFile(target, want, 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "credsync:", err)
	os.Exit(1)
}
