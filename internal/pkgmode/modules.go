package pkgmode

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
	"golang.org/x/tools/go/packages"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/spec"
)

// checkModules compares the modules the generated code imports with the
// requirements of the package's go.mod: a module that is missing, older
// than the version svcgen pins, or without its go.sum hash makes one
// error that lists the go get commands fixing it. The build would fail
// without them, so nothing is written until they are run.
func checkModules(pkg *packages.Package, need []generator.Module) (spec.ErrorList, error) {
	if len(need) == 0 || pkg.Module == nil || pkg.Module.GoMod == "" {
		return nil, nil
	}
	return CheckGoMod(pkg.Module.GoMod, need)
}

// CheckGoMod is the same check for the go.mod at gomod: package mode runs
// it on the package's module, project mode on the project's go.mod, which
// is the user's once written (go get adds to it).
func CheckGoMod(gomod string, need []generator.Module) (spec.ErrorList, error) {
	if len(need) == 0 {
		return nil, nil
	}
	data, err := os.ReadFile(gomod)
	if err != nil {
		return nil, err
	}
	mf, err := modfile.ParseLax(gomod, data, nil)
	if err != nil {
		return spec.ErrorList{{Pos: spec.Pos{File: relPath(gomod)}, Msg: err.Error()}}, nil
	}
	sums := readSums(filepath.Join(filepath.Dir(gomod), "go.sum"))
	required := map[string]string{}
	for _, r := range mf.Require {
		required[r.Mod.Path] = r.Mod.Version
	}
	replaced := map[string]bool{}
	for _, r := range mf.Replace {
		replaced[r.Old.Path] = true
	}
	var cmds []string
	for _, m := range need {
		have, ok := required[m.Path]
		switch {
		case replaced[m.Path]:
			// A replacement is the module owner's decision; the build
			// will tell whether it fits.
		case !ok || semver.Compare(have, m.Version) < 0:
			cmds = append(cmds, "go get "+m.Path+"@"+m.Version)
		case !sums[m.Path+" "+have]:
			cmds = append(cmds, "go get "+m.Path+"@"+have)
		}
	}
	if len(cmds) == 0 {
		return nil, nil
	}
	msg := fmt.Sprintf("module %s lacks what the generated code imports; nothing was written. Run:\n\t%s", mf.Module.Mod.Path, strings.Join(cmds, "\n\t"))
	return spec.ErrorList{{Pos: spec.Pos{File: relPath(gomod)}, Msg: msg}}, nil
}

// readSums lists the "module version" pairs go.sum holds the source hash
// of (the /go.mod hash alone does not let the build use the module).
func readSums(path string) map[string]bool {
	out := map[string]bool{}
	data, err := os.ReadFile(path)
	if err != nil {
		return out
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && !strings.HasSuffix(f[1], "/go.mod") {
			out[f[0]+" "+f[1]] = true
		}
	}
	return out
}
