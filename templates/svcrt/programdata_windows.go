package svcrt

import (
	"errors"
	"os"
	"path/filepath"
)

// serviceDataDir is %ProgramData%\<instance>, created when missing: where an
// instance keeps what install stores for it (its env file). The files in it
// carry their own protected ACLs.
func serviceDataDir(instance string) (string, error) {
	base := os.Getenv("ProgramData")
	if base == "" {
		return "", errors.New("%ProgramData% is not set")
	}
	dir := filepath.Join(base, instance)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	return dir, nil
}
