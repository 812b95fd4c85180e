package main

import "os"

//go:generate svcgen generate

func main() { os.Exit(svcMain(os.Args[1:])) }
