package generator

import (
	"fmt"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/spec"
)

// TestEveryOverrideIsHandled: every key a deployment may override is, in
// the generated svcLoad, either loaded from its variable or refused with a
// reason (Unavailable); none is left out, which would ignore its variable
// without a word. A constant named otherwise than tableConst expects did
// exactly that to [log] max_size_mb.
func TestEveryOverrideIsHandled(t *testing.T) {
	for _, path := range []string{"../cmd/svcgen/testdata/full.toml", "../golden/minimal/service.toml", "../golden/rpc/service.toml", "../golden/typical/service.toml"} {
		t.Run(path, func(t *testing.T) {
			s, err := spec.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			files, err := Generate(s, Options{Mode: ProjectMode})
			if err != nil {
				t.Fatal(err)
			}
			var settings string
			for _, f := range files {
				if f.Path == "svcgen_settings.go" {
					settings = string(f.Content)
				}
			}
			if settings == "" {
				t.Fatal("no svcgen_settings.go")
			}
			want := func(section, key string) {
				if !strings.Contains(settings, fmt.Sprintf("%q, %q", section, key)) {
					t.Errorf("[%s] %s: neither loaded nor refused by svcLoad", section, key)
				}
			}
			for _, table := range spec.OverrideTables {
				for _, ov := range spec.TableOverrides[table] {
					want(table, ov.Key)
				}
			}
			for _, r := range s.Resources {
				for _, ov := range spec.ResourceOverrides(r.Kind) {
					want("resource."+r.Name, ov.Key)
				}
			}
		})
	}
}
