package gocheck

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// GoBuild builds and vets the project at dir for goos (GOARCH amd64) with
// the real go command, as a user would right after generation: `go build
// ./...` (discarding the output), then `go vet ./...`. env is added to the
// go command's environment (GOFLAGS, GOPROXY); go.work files above dir are
// ignored. The error holds the go command's output.
func GoBuild(dir, goos string, env ...string) error {
	for _, args := range [][]string{{"build", "-o", os.DevNull, "./..."}, {"vet", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "GOWORK=off")
		cmd.Env = append(cmd.Env, env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("GOOS=%s go %s: %v\n%s", goos, strings.Join(args, " "), err, out)
		}
	}
	return nil
}
