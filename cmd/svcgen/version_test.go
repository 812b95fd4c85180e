package main

import (
	"runtime/debug"
	"testing"
)

// TestDescribeBuild: each way svcgen is built says what it is. The real
// builds (a clone, a dirty clone, a tool replaced by a clone) are
// TestReadmeInstall's.
func TestDescribeBuild(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	for _, c := range []struct {
		name, linked string
		info         *debug.BuildInfo
		want         string
	}{
		{"tagged module", "", &debug.BuildInfo{Main: debug.Module{Path: "github.com/svcgen/svcgen", Version: "v1.0.0"}}, "v1.0.0"},
		{"clone", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261203080000-75e80fc1a2b3"}, Settings: vcs("75e80fc1a2b3c4", "false")},
			"v0.0.0-20261203080000-75e80fc1a2b3 (git revision 75e80fc1a2b3c4)"},
		{"dirty clone", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261203080000-75e80fc1a2b3+dirty"}, Settings: vcs("75e80fc1a2b3c4", "true")},
			"v0.0.0-20261203080000-75e80fc1a2b3+dirty (git revision 75e80fc1a2b3c4, modified)"},
		{"without VCS stamping", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "(devel)"},
		{"replaced by a directory", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-00010101000000-000000000000", Replace: &debug.Module{Path: "/src/svcgen", Version: "(devel)"}}},
			"v0.0.0-00010101000000-000000000000 (replaced by /src/svcgen)"},
		{"replaced by a fork", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.0.0", Replace: &debug.Module{Path: "example.com/fork", Version: "v1.0.1"}}},
			"v1.0.0 (replaced by example.com/fork@v1.0.1)"},
		{"set at link time", "v1.2.3", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("abc", "false")}, "v1.2.3 (git revision abc)"},
		{"no build information", "", nil, "(unknown: built without module information)"},
	} {
		if got := describeBuild(c.linked, c.info); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
