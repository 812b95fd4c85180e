package generator

import (
	"strings"
	"testing"

	"github.com/svcgen/svcgen/spec"
)

// UserFuncs gives package mode the signatures it checks user functions
// against; they must be what the generated code calls, for every kind of
// value a dependency hands over.
func TestUserFuncs(t *testing.T) {
	s, err := spec.Load("../golden/typical/service.toml")
	if err != nil {
		t.Fatal(err)
	}
	funcs, err := UserFuncs(s)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range funcs {
		got = append(got, f.Role+" "+f.Name+" "+f.Signature()+" @"+strings.Join(f.SpecPath, "."))
	}
	want := []string{
		"handler NewAPI func(*sql.DB, *redis.Client, *svcrt.HTTPClient) (http.Handler, error) @resource.api.handler",
		"run RunOutbox func(context.Context, *sql.DB) error @resource.outbox.run",
		"open LoadState func(context.Context, *sql.DB) (*State, error) @resource.state.open",
		"close SaveState func(context.Context, *State) error @resource.state.close",
		"after_ready hook Register func(context.Context) error @hooks.after_ready.0",
		"before_drain hook Deregister func(context.Context) error @hooks.before_drain.0",
		"metrics register RegisterMetrics func(prometheus.Registerer) error @metrics.register",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	api := funcs[0]
	for i, path := range []string{"database/sql", "github.com/redis/go-redis/v9", RuntimeDir} {
		if api.Params[i].Path != path {
			t.Errorf("NewAPI parameter %d: path %q, want %q", i, api.Params[i].Path, path)
		}
	}
	if !api.Params[2].Runtime || api.Params[2].Local || api.Results[1].Local || api.Results[1].Path != "" {
		t.Errorf("NewAPI: local/predeclared types misread: %+v", api)
	}
}

// RequiredModules reads the modules from the generated imports.
func TestRequiredModules(t *testing.T) {
	s, err := spec.Load("../golden/typical/service.toml")
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(s, Options{Mode: PackageMode, PackageName: "main"})
	if err != nil {
		t.Fatal(err)
	}
	mods, err := RequiredModules(files)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range mods {
		got = append(got, m.Path+"@"+m.Version)
	}
	pinned, err := pinnedDirect()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range []string{"github.com/jackc/pgx/v5", "github.com/prometheus/client_golang", "github.com/redis/go-redis/v9", "golang.org/x/sys", "gopkg.in/natefinch/lumberjack.v2"} {
		want = append(want, p+"@"+pinned[p])
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %v, want %v", got, want)
	}
}
