//go:build linux

package winetest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Environment variables the package reads.
const (
	// EnvWine names the 64-bit Wine loader to use instead of searching for it.
	EnvWine = "SVCGEN_WINE"
	// EnvPrefix names the WINEPREFIX to use instead of <user cache>/svcgen-wine.
	EnvPrefix = "SVCGEN_WINEPREFIX"
)

// mingwGCC is the cross compiler that builds the ProcessPrng shim DLL
// (Debian package gcc-mingw-w64-x86-64).
const mingwGCC = "x86_64-w64-mingw32-gcc"

// wineLoaderPaths are the places distributions install the 64-bit loader.
// Debian's wine64 package puts it in /usr/lib/wine and leaves it off PATH:
// /usr/bin/wine prefers a 32-bit loader and prints hints when it is absent.
var wineLoaderPaths = []string{
	"/usr/lib/wine/wine64",
	"/usr/lib64/wine/wine64",
	"/usr/lib/x86_64-linux-gnu/wine/wine64",
	"/opt/wine-stable/bin/wine64",
}

// tools are the host programs the package runs.
type tools struct {
	wine       string // 64-bit loader
	wineserver string
	gcc        string
}

// findTools locates the loader, the matching wineserver and the MinGW
// compiler; its error names everything that is missing and how to get it.
func findTools() (tools, error) {
	var t tools
	var missing []string
	if w, err := findWine(); err != nil {
		missing = append(missing, err.Error())
	} else {
		t.wine = w
		if s, err := findWineserver(w); err != nil {
			missing = append(missing, err.Error())
		} else {
			t.wineserver = s
		}
	}
	if g, err := exec.LookPath(mingwGCC); err != nil {
		missing = append(missing, mingwGCC+" not found on PATH (Debian package gcc-mingw-w64-x86-64)")
	} else {
		t.gcc = g
	}
	if len(missing) > 0 {
		return tools{}, errors.New("winetest: " + strings.Join(missing, "; "))
	}
	return t, nil
}

func findWine() (string, error) {
	if w := os.Getenv(EnvWine); w != "" {
		if isExecutable(w) {
			return w, nil
		}
		return "", fmt.Errorf("%s=%s is not an executable file", EnvWine, w)
	}
	for _, p := range wineLoaderPaths {
		if isExecutable(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath("wine64"); err == nil {
		return p, nil
	}
	// Last resort: ask dpkg where the package put its loader.
	if out, err := exec.Command("dpkg", "-L", "wine64").Output(); err == nil {
		for _, line := range strings.Split(string(out), "\n") {
			if filepath.Base(line) == "wine64" && isExecutable(line) {
				return line, nil
			}
		}
	}
	return "", fmt.Errorf("64-bit wine loader not found (looked in %s, PATH and dpkg -L wine64; Debian package wine64, or set %s)",
		strings.Join(wineLoaderPaths, ", "), EnvWine)
}

// findWineserver prefers the server installed beside the loader, so both
// come from the same Wine build (they refuse to talk across versions).
func findWineserver(wine string) (string, error) {
	dir := filepath.Dir(wine)
	for _, name := range []string{"wineserver64", "wineserver"} {
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath("wineserver"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("wineserver not found beside %s nor on PATH", wine)
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// Available reports whether everything needed to run Windows services under
// Wine is installed; the error says precisely what is missing.
func Available() error {
	_, err := findTools()
	return err
}

// SkipOrFail stops the test when Wine or MinGW is missing: it skips with
// the reason, except when CI=true, where a missing tool is a failure.
func SkipOrFail(t testing.TB) {
	t.Helper()
	skipOrFail(t, Available(), "CI=true and Wine is required", "skipping Windows SCM test")
}
