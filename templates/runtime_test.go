package templates

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRuntimeFeatureSets builds and vets the runtime package as a generated
// project receives it, for linux and windows: the core alone, the core with
// each feature, and every feature. A core file that calls into a feature file
// fails here, not in a user's project.
func TestRuntimeFeatureSets(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the runtime package 14 times")
	}
	sets := [][]string{nil}
	for _, f := range Features {
		sets = append(sets, []string{f})
	}
	sets = append(sets, Features)
	all, err := RuntimeFiles(Features)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := filepath.Abs("svcrt")
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range sets {
		files, err := RuntimeFiles(set)
		if err != nil {
			t.Fatal(err)
		}
		// The overlay hides every file the set leaves out, tests included.
		replace := map[string]string{}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			keep := slices.ContainsFunc(files, func(f RuntimeFile) bool { return f.Name == e.Name() })
			if !keep && strings.HasSuffix(e.Name(), ".go") {
				replace[filepath.Join(dir, e.Name())] = ""
			}
		}
		overlay := filepath.Join(t.TempDir(), "overlay.json")
		b, _ := json.Marshal(map[string]any{"Replace": replace})
		if err := os.WriteFile(overlay, b, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, goos := range []string{"linux", "windows"} {
			name := strings.Join(set, "+")
			if name == "" {
				name = "core"
			}
			t.Run(name+"/"+goos, func(t *testing.T) {
				cmd := exec.Command("go", "vet", "-overlay", overlay, "./svcrt")
				cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("go vet of the runtime with %d of %d files: %v\n%s", len(files), len(all), err, out)
				}
			})
		}
	}
}

func TestRuntimeFilesCore(t *testing.T) {
	core, err := RuntimeFiles(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range core {
		if _, ok := runtimeFeature[f.Name]; ok {
			t.Errorf("core holds %s, a file of a feature", f.Name)
		}
		if strings.HasSuffix(f.Name, "_test.go") {
			t.Errorf("runtime files hold the test %s", f.Name)
		}
	}
	if _, err := RuntimeFiles([]string{"soap"}); err == nil {
		t.Error("an unknown feature was accepted")
	}
}
