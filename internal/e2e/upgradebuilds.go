package e2e

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sync"
	"testing"
	"time"
)

// UpgradeBuilds are the two versions of the upgrade service
// (internal/e2e/upgrade/testdata/upgrade), 1.0.0 and 2.0.0, built once per test binary: the
// binary a test starts and the one it swaps in at the same path.
type UpgradeBuilds struct {
	// GOOS is the OS to build for ("": this one).
	GOOS   string
	once   sync.Once
	v1, v2 string
	err    error
}

// Binaries returns the paths of version 1.0.0 and 2.0.0, built with the
// race detector when race. testdata is the directory of the service.
func (b *UpgradeBuilds) Binaries(t testing.TB, testdata string, race bool) (v1, v2 string) {
	t.Helper()
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "svcgen-e2e-upgrade-")
		if err != nil {
			b.err = err
			return
		}
		p, err := GenerateDir(dir, testdata)
		if err != nil {
			b.err = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		b.v1, b.v2 = filepath.Join(dir, "upg-1"), filepath.Join(dir, "upg-2")
		if b.err = p.Build(ctx, b.GOOS, b.v1, race); b.err != nil {
			return
		}
		// The same project with another version constant: a rebuilt binary.
		cfg := filepath.Join(dir, "svcgen_config.go")
		src, err := os.ReadFile(cfg)
		if err != nil {
			b.err = err
			return
		}
		re := regexp.MustCompile(`(svcVersion\s*=\s*)"1\.0\.0"`)
		if !re.Match(src) {
			b.err = fmt.Errorf("no svcVersion = \"1.0.0\" in %s", cfg)
			return
		}
		if b.err = os.WriteFile(cfg, re.ReplaceAll(src, []byte(`${1}"2.0.0"`)), 0o644); b.err != nil {
			return
		}
		b.err = p.Build(ctx, b.GOOS, b.v2, race)
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.v1, b.v2
}

// Install copies the binary src to path the way a deployment does: written
// beside it, then renamed over it, so a process running the old file keeps
// it and the next exec of path runs the new one.
func Install(src, path string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if runtime.GOOS == "windows" {
		// Windows replaces no running executable, but renames one: set the
		// running binary aside, as a deployment there does.
		if _, err := os.Stat(path); err == nil {
			if err := os.Rename(path, fmt.Sprintf("%s.old-%d", path, time.Now().UnixNano())); err != nil {
				return err
			}
		}
	}
	tmp := path + ".new"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
