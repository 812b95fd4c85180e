// Command orders serves the shop's orders API.
//
// The service's lifecycle (start order, readiness, drain, Windows service
// glue) is generated from service.toml into the svcgen_*.go files of this
// package; main only adds what is the shop's own and hands over.
package main

import (
	"fmt"
	"os"
)

//go:generate svcgen generate

func main() {
	if len(os.Args) > 1 && os.Args[1] == "about" {
		fmt.Println("orders: the shop's orders API")
		return
	}
	os.Exit(svcMain(os.Args[1:]))
}
