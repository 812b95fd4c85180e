package golden

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

// readmeNames says how svcgen's README names each module generated code
// may import, in its claim of what that code imports.
var readmeNames = map[string]string{
	"golang.org/x/sys":                    "`golang.org/x/sys`",
	"github.com/jackc/pgx/v5":             "the drivers the spec asks for",
	"github.com/go-sql-driver/mysql":      "the drivers the spec asks for",
	"github.com/microsoft/go-mssqldb":     "the drivers the spec asks for",
	"github.com/redis/go-redis/v9":        "go-redis",
	"github.com/prometheus/client_golang": "the Prometheus client",
	"gopkg.in/natefinch/lumberjack.v2":    "lumberjack",
	"google.golang.org/grpc":              "grpc-go",
}

// TestReadmeNamesEveryImportedModule keeps the README's claim true that
// generated code imports only the standard library and the modules it
// lists: every module a feature pins (templates/deps, direct requires) is
// named in the claim, and every import of every golden example is the
// standard library, the example itself or one of those modules.
func TestReadmeNamesEveryImportedModule(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	claim, _, _ := strings.Cut(string(readme), "\n\n## ")
	start := strings.Index(claim, "generated code imports")
	if start < 0 {
		t.Fatal("README.md no longer says what generated code imports")
	}
	claim, _, _ = strings.Cut(claim[start:], "\n\n")
	claim = strings.Join(strings.Fields(claim), " ")

	mods, err := filepath.Glob(filepath.Join("..", "templates", "deps", "*.mod"))
	if err != nil || len(mods) == 0 {
		t.Fatalf("no templates/deps/*.mod: %v", err)
	}
	var pinned []string
	for _, m := range mods {
		data, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			f := strings.Fields(line)
			if len(f) < 2 || strings.Contains(line, "// indirect") {
				continue
			}
			pinned = append(pinned, f[0])
			name, ok := readmeNames[f[0]]
			if !ok {
				t.Errorf("%s pins %s, which the README's claim of what generated code imports does not name (add it to README.md and to readmeNames)", filepath.Base(m), f[0])
			} else if !strings.Contains(claim, name) {
				t.Errorf("the README's claim %q does not name %s (as %q)", claim, f[0], name)
			}
		}
	}

	for _, dir := range examples(t) {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err != nil {
			t.Fatal(err)
		}
		own := modfile.ModulePath(data)
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				first, _, _ := strings.Cut(path, "/")
				if !strings.Contains(first, ".") || path == own || strings.HasPrefix(path, own+"/") {
					continue
				}
				ok := false
				for _, m := range pinned {
					ok = ok || path == m || strings.HasPrefix(path, m+"/")
				}
				if !ok {
					t.Errorf("%s imports %s, in no module templates/deps pins", p, path)
				}
			}
			return nil
		})
	}
}
