package pkgmode_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestPackageAlone: a run loads the dependencies' export data only when
// the package's syntax cannot settle what the spec names. Each case edits
// cmd/orders of the shop (a handler in api.go, a Windows-only hook file)
// and runs svcgen without its cache: the cases syntax settles load the
// package alone and succeed; every other case takes the full load and
// reports exactly what it finds (a signature through another package of
// the same name is wrong, not taken for net/http's), without a false
// error from a guessed package name.
func TestPackageAlone(t *testing.T) {
	const alone, full = "go list (the package alone)", "go list"
	cases := []struct {
		name    string
		files   map[string]string // relative to the module; "" removes
		from    string
		wantErr string
	}{
		{name: "as shipped", from: alone},
		{name: "renamed import", from: alone, files: map[string]string{
			"cmd/orders/api.go": "package main\n\nimport nethttp \"net/http\"\n\nfunc NewAPI(store *Store) (nethttp.Handler, error) { return nethttp.NewServeMux(), nil }\n",
		}},
		{name: "named, grouped and parenthesized", from: alone, files: map[string]string{
			"cmd/orders/api.go": "package main\n\nimport \"net/http\"\n\nfunc NewAPI(store (*Store)) (h (http.Handler), err error) { return http.NewServeMux(), nil }\n",
		}},
		{name: "local alias of an imported type", from: full, files: map[string]string{
			"cmd/orders/api.go": "package main\n\nimport \"net/http\"\n\ntype handler = http.Handler\n\nfunc NewAPI(store *Store) (handler, error) { return http.NewServeMux(), nil }\n",
		}},
		{name: "dot import", from: full, files: map[string]string{
			"cmd/orders/api.go": "package main\n\nimport . \"net/http\"\n\nfunc NewAPI(store *Store) (Handler, error) { return NewServeMux(), nil }\n",
		}},
		{name: "package named unlike its path", from: full, files: map[string]string{
			"internal/helpers/helpers.go": "package help\n\nfunc Name() string { return \"orders\" }\n",
			"cmd/orders/name.go":          "package main\n\nimport \"example.com/shop/internal/helpers\"\n\nvar serviceName = help.Name()\n",
		}},
		{name: "another package named http", from: full, wantErr: `handler "NewAPI" has the wrong signature: have func(*Store) (http.Handler, error)`, files: map[string]string{
			"internal/web/web.go": "package http\n\ntype Handler interface{ Serve() }\n",
			"cmd/orders/api.go":   "package main\n\nimport http \"example.com/shop/internal/web\"\n\nfunc NewAPI(store *Store) (http.Handler, error) { return nil, nil }\n",
		}},
		{name: "wrong signature", from: full, wantErr: `handler "NewAPI" has the wrong signature: have func(*Store) http.Handler at api.go:5:6, want func(*Store) (http.Handler, error)`, files: map[string]string{
			"cmd/orders/api.go": "package main\n\nimport \"net/http\"\n\nfunc NewAPI(store *Store) http.Handler { return http.NewServeMux() }\n",
		}},
		{name: "not found", from: full, wantErr: `handler "NewAPI" not found in package example.com/shop/cmd/orders`, files: map[string]string{
			"cmd/orders/api.go": "package main\n\nimport \"net/http\"\n\nfunc NewRouter(store *Store) (http.Handler, error) { return http.NewServeMux(), nil }\n",
		}},
		{name: "not found for Windows", from: full, wantErr: `after_ready hook "Announce" not found in package example.com/shop/cmd/orders when built for GOOS=windows`, files: map[string]string{
			"cmd/orders/announce_windows.go": "package main\n",
		}},
		{name: "type error in the package's own code", from: full, wantErr: `api.go:7:28: cannot use "x" (untyped string constant) as int value in return statement`, files: map[string]string{
			"cmd/orders/api.go": "package main\n\nimport \"net/http\"\n\nfunc NewAPI(store *Store) (http.Handler, error) { return http.NewServeMux(), nil }\n\nfunc helper() int { return \"x\" }\n",
		}},
		{name: "import no module provides", from: full, wantErr: `could not import example.com/nowhere/pkg`, files: map[string]string{
			"cmd/orders/nowhere.go": "package main\n\nimport _ \"example.com/nowhere/pkg\"\n",
		}},
		{name: "standard package that does not exist", from: full, wantErr: `could not import net/htp`, files: map[string]string{
			"cmd/orders/htp.go": "package main\n\nimport _ \"net/htp\"\n",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mod := copyModule(t, "shop")
			for name, content := range c.files {
				p := filepath.Join(mod, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			dir := filepath.Join(mod, "cmd", "orders")
			loaded, stderr, code := svcgenVerbose(t, dir, "SVCGEN_CACHE=off")
			if !strings.Contains(loaded, ": "+runtime.GOOS+" from "+c.from+";") {
				t.Errorf("%s, want %s from %s", loaded, runtime.GOOS, c.from)
			}
			switch {
			case c.wantErr == "" && code != 0:
				t.Errorf("exit %d:\n%s", code, stderr)
			case c.wantErr != "" && (code != 1 || !strings.Contains(stderr, c.wantErr)):
				t.Errorf("exit %d, want 1 with %q:\n%s", code, c.wantErr, stderr)
			}
		})
	}
}
