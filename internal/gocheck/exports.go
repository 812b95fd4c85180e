package gocheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
)

// Exports finds the compiler's export data of packages outside the
// checked module (the standard library, golang.org/x/sys/windows, the
// database drivers, ...) for one GOOS. It asks `go list -export` in a
// module directory whose requirements resolve every such import, once per
// batch of import paths it has not seen: a long run lists each package
// once, and the build cache keeps the compiled data between runs.
// An Exports is safe for concurrent use.
type Exports struct {
	dir  string
	goos string
	env  []string

	mu    sync.Mutex
	files map[string]string // import path -> export data file
	errs  map[string]string // import path -> why the go command has none
	// Lists counts the go list runs, for tests and reports.
	lists int
}

// NewExports returns the export data finder for goos (GOARCH amd64) that
// lists packages in the module at dir. env is added to the go command's
// environment (GOFLAGS=-mod=mod and GOPROXY=off keep it offline).
func NewExports(dir, goos string, env ...string) *Exports {
	return &Exports{dir: dir, goos: goos, env: env, files: map[string]string{}, errs: map[string]string{}}
}

// GOOS is the operating system the export data is for.
func (e *Exports) GOOS() string { return e.goos }

// Lists reports how many times the go command was run.
func (e *Exports) Lists() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.lists
}

// Preload lists the packages a run is going to import, in one go command
// run, so that checks rarely need another.
func (e *Exports) Preload(paths ...string) error {
	_, _, err := e.lookup(paths)
	return err
}

// lookup returns the export data file of each path, listing those not
// seen before in one go command run.
func (e *Exports) lookup(paths []string) (map[string]string, map[string]string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var missing []string
	for _, p := range paths {
		if _, ok := e.files[p]; ok {
			continue
		}
		if _, ok := e.errs[p]; ok {
			continue
		}
		missing = append(missing, p)
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		missing = slices.Compact(missing)
		if err := e.list(missing); err != nil {
			return nil, nil, err
		}
	}
	files, errs := map[string]string{}, map[string]string{}
	for _, p := range paths {
		if f, ok := e.files[p]; ok {
			files[p] = f
		} else if msg, ok := e.errs[p]; ok {
			errs[p] = msg
		} else {
			errs[p] = "go list did not list it"
		}
	}
	return files, errs, nil
}

// listed is what go list -json says of one package.
type listed struct {
	ImportPath string
	Export     string
	Error      *struct{ Err string }
	DepsErrors []*struct{ Err string }
}

func (e *Exports) list(paths []string) error {
	e.lists++
	args := append([]string{"list", "-e", "-export", "-json=ImportPath,Export,Error,DepsErrors", "--"}, paths...)
	cmd := exec.Command("go", args...)
	cmd.Dir = e.dir
	cmd.Env = append(os.Environ(), "GOOS="+e.goos, "GOARCH=amd64", "GOWORK=off", "GOTOOLCHAIN=local")
	cmd.Env = append(cmd.Env, e.env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("GOOS=%s go list -export in %s: %v\n%s", e.goos, e.dir, err, stderr.Bytes())
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return fmt.Errorf("GOOS=%s go list -export: %v", e.goos, err)
		}
		var msgs []string
		if p.Error != nil {
			msgs = append(msgs, p.Error.Err)
		}
		for _, d := range p.DepsErrors {
			msgs = append(msgs, d.Err)
		}
		switch {
		case len(msgs) > 0:
			e.errs[p.ImportPath] = strings.Join(msgs, "; ")
		case p.Export == "":
			e.errs[p.ImportPath] = "no export data"
		default:
			e.files[p.ImportPath] = p.Export
		}
	}
	return nil
}
