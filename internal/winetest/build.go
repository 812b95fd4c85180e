package winetest

import (
	"context"
	"fmt"
	"os"
)

// BuildWindows builds the Go main package in dir as a windows/amd64
// executable at out. dir is its own module (GOWORK is off).
func BuildWindows(ctx context.Context, dir, out string) error {
	cmd := commandContext(ctx, "go", "build", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("GOOS=windows go build in %s: %w\n%s", dir, err, b)
	}
	return nil
}
