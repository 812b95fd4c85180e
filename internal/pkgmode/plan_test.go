package pkgmode

import (
	"path/filepath"
	"runtime"
	"testing"
)

// The second OS family is type-checked in process only when its own files
// import nothing new and nothing OS-specific.
func TestPlanLoads(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the cases are written from a non-Windows host")
	}
	for _, c := range []struct {
		dir                  string
		needOther, inProcess bool
	}{
		{"shop/cmd/orders", true, true},  // announce_windows.go: context, log/slog
		{"shop/cmd/mailer", false, true}, // no OS-specific file
		{"shop/cmd/agent", true, false},  // hello_windows.go imports x/sys/windows
		{"broken/wrongsig", true, false}, // flush_windows.go imports x/sys/windows
	} {
		dir := filepath.Join("testdata", filepath.FromSlash(c.dir))
		src, err := scan(dir)
		if err != nil {
			t.Fatal(err)
		}
		p := planLoads(dir, src)
		if p.needOther != c.needOther || (p.needOther && p.inProcess != c.inProcess) {
			t.Errorf("%s: needOther=%v inProcess=%v, want %v %v", c.dir, p.needOther, p.inProcess, c.needOther, c.inProcess)
		}
	}
}

// Generation starts from options read from the syntax before the load
// finishes; the load must confirm them, or every run generates twice.
func TestOptionsGuess(t *testing.T) {
	for _, dir := range []string{"shop/cmd/orders", "shop/cmd/mailer", "broken/wrongsig", "broken/missing"} {
		abs, err := filepath.Abs(filepath.Join("testdata", filepath.FromSlash(dir)))
		if err != nil {
			t.Fatal(err)
		}
		src, err := scan(abs)
		if err != nil {
			t.Fatal(err)
		}
		p := planLoads(abs, src)
		guess := src.options(abs, p)
		loads, err := loadAll(abs, src, p)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := loadOptions(loads, src)
		if !sameOptions(got, guess) {
			t.Errorf("%s: guessed %+v, the load says %+v", dir, guess, got)
		}
	}
}
