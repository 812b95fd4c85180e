package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/internal/pkgmode"
	"github.com/svcgen/svcgen/spec"
)

// Package mode writes a service's lifecycle files into a package of an
// existing module instead of a new project. A line in that package
//
//	//go:generate go run github.com/svcgen/svcgen/cmd/svcgen generate
//
// (or `go tool svcgen generate` with a tool directive in go.mod) runs it:
// go generate sets GOFILE and GOPACKAGE and runs the command in the
// package's directory, so the spec defaults to service.toml beside the
// file and the output to that directory. Elsewhere, -package selects it.
//
// When the package declares func main, no main.go is generated and the
// user's main hands over with os.Exit(svcMain(os.Args[1:])).

// underGoGenerate reports whether go generate runs the command.
func underGoGenerate() bool {
	return os.Getenv("GOFILE") != "" && os.Getenv("GOPACKAGE") != ""
}

// generatePackage generates the files of s for the package in the output
// directory, after resolving the functions the spec names in it.
func (t target) generatePackage(s *spec.Spec) ([]generator.File, error) {
	res, err := pkgmode.Generate(s, t.outDir)
	if res != nil && t.verbose {
		var how []string
		for i, goos := range res.GOOS {
			how = append(how, goos+" from "+res.How[i])
		}
		fmt.Fprintf(t.log, "svcgen: loaded %s: %s\n", res.PkgPath, strings.Join(how, "; "))
	}
	if err != nil {
		return nil, err
	}
	return res.Files, nil
}
