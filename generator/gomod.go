package generator

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/svcgen/svcgen/spec"
	"github.com/svcgen/svcgen/templates"
)

// goDirective is the go version of generated modules; it matches the
// pinned data in templates/deps (see internal/depsync).
const goDirective = "1.26.0"

// emitGoMod scaffolds go.mod and go.sum of a new project from the pinned
// requirements of each module feature the generated code imports, so `go
// build ./...` works right after generation with no other step.
func emitGoMod(g *Context) error {
	if g.Spec.Service.Module == "" {
		return spec.ErrorList{{Pos: g.Spec.Pos("service"), Msg: "[service] module is required to generate a new project: the module path of its go.mod, e.g. module = \"example.com/orders\""}}
	}
	g.Require("base")
	mod, sum, err := pinnedRequirements(g.Features())
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("module " + g.Spec.Service.Module + "\n\ngo " + goDirective + "\n")
	var direct, indirect []string
	for _, l := range mod {
		if strings.HasSuffix(l, "// indirect") {
			indirect = append(indirect, l)
		} else {
			direct = append(direct, l)
		}
	}
	for _, block := range [][]string{direct, indirect} {
		if len(block) == 0 {
			continue
		}
		b.WriteString("\nrequire (\n")
		for _, l := range block {
			b.WriteString("\t" + l + "\n")
		}
		b.WriteString(")\n")
	}
	// Written once, then the user's: handlers import libraries and `go get`
	// adds them here. Later runs check instead that go.mod still requires
	// what the generated code imports (cmd/svcgen, as in package mode).
	g.AddText("go.mod", []byte(b.String()), User)
	g.AddText("go.sum", []byte(strings.Join(sum, "\n")+"\n"), User)
	return nil
}

// pinnedRequirements merges the require lines and go.sum lines of the
// features. internal/depsync checks that every combination merges to
// exactly what go mod tidy produces.
func pinnedRequirements(features []string) (mod, sum []string, err error) {
	modSet, sumSet := map[string]bool{}, map[string]bool{}
	for _, f := range features {
		for ext, set := range map[string]map[string]bool{".mod": modSet, ".sum": sumSet} {
			data, err := fs.ReadFile(templates.FS, "deps/"+f+ext)
			if err != nil {
				return nil, nil, fmt.Errorf("pinned requirements of %s: %w", f, err)
			}
			for _, l := range strings.Split(string(data), "\n") {
				if l = strings.TrimSpace(l); l != "" {
					set[l] = true
				}
			}
		}
	}
	// A combination file holds go.sum lines that only those features
	// together need (internal/depsync writes them).
	combos, err := fs.Glob(templates.FS, "deps/*+*.sum")
	if err != nil {
		return nil, nil, err
	}
	for _, c := range combos {
		names := strings.Split(strings.TrimSuffix(path.Base(c), ".sum"), "+")
		if !allIn(names, features) {
			continue
		}
		data, err := fs.ReadFile(templates.FS, c)
		if err != nil {
			return nil, nil, err
		}
		for _, l := range strings.Split(string(data), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				sumSet[l] = true
			}
		}
	}
	return sortedKeys(modSet), sortedKeys(sumSet), nil
}

func allIn(names, set []string) bool {
	for _, n := range names {
		if !slices.Contains(set, n) {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
