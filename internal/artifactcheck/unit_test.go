package artifactcheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"testing"
)

// unitCases are units whose settings ParseUnit must see as systemd does.
// Keys starting with X are unknown to systemd: systemd-analyze verify
// names each one it parsed, which cross-checks ParseUnit where installed.
var unitCases = []struct {
	unit string
	keys []string
}{
	{"[Unit]\nDescription=a\nXOne=1\n", []string{"Unit.Description", "Unit.XOne"}},
	{"[Unit]\nDescription=a\\\nXOne=1\n", []string{"Unit.Description"}},
	{"[Unit]\nDescription=a\\\\\nXOne=1\n", []string{"Unit.Description", "Unit.XOne"}},
	{"[Unit]\nDescription=a\\\\\\\nXOne=1\n", []string{"Unit.Description"}},
	{"[Unit]\nDescription=a\\ \nXOne=1\n", []string{"Unit.Description", "Unit.XOne"}},
	{"[Unit]\nDescription=a\\\n# comment\nXOne=1\nXTwo=2\n", []string{"Unit.Description", "Unit.XTwo"}},
	{"[Unit]\nDescription=a\rXOne=1\n", []string{"Unit.Description", "Unit.XOne"}},
	{"[Unit]\nDescription=a\n  [Service]  \nXOne=1\n", []string{"Unit.Description", "Service.XOne"}},
	{"[Unit]\nDescription=a\n; XOne=1\n  # XTwo=2\n", []string{"Unit.Description"}},
	{"[Unit]\nDescription=a %% [Service] XOne=1\n", []string{"Unit.Description"}},
}

func TestParseUnit(t *testing.T) {
	sa, _ := exec.LookPath("systemd-analyze")
	unknown := regexp.MustCompile(`Unknown key (?:name )?'(X\w+)' in section \[(\w+)\]`)
	for _, c := range unitCases {
		settings, err := ParseUnit([]byte(c.unit))
		if err != nil {
			t.Errorf("%q: %v", c.unit, err)
			continue
		}
		if got := Keys(settings); !slices.Equal(got, c.keys) {
			t.Errorf("%q: keys %q, want %q", c.unit, got, c.keys)
		}
		if sa == "" {
			continue
		}
		path := filepath.Join(t.TempDir(), "x.service")
		os.WriteFile(path, []byte(c.unit+"[Service]\nExecStart=/bin/true\n"), 0o644)
		out, _ := exec.Command(sa, "verify", "--man=no", path).CombinedOutput()
		var seen, want []string
		for _, m := range unknown.FindAllStringSubmatch(string(out), -1) {
			seen = append(seen, m[2]+"."+m[1])
		}
		for _, k := range c.keys {
			if _, key, _ := cutSection(k); key[0] == 'X' {
				want = append(want, k)
			}
		}
		sort.Strings(seen)
		sort.Strings(want)
		if !slices.Equal(seen, want) {
			t.Errorf("%q: systemd-analyze parsed the unknown keys %q, ParseUnit %q\n%s", c.unit, seen, want, out)
		}
	}
}

func cutSection(k string) (string, string, bool) {
	i := len(k) - 1
	for i >= 0 && k[i] != '.' {
		i--
	}
	return k[:i], k[i+1:], i >= 0
}
