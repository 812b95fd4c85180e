package spec

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden/bad/*.err from the current messages and the formula defaults of REFERENCE.md")

// TestBadSpecs parses every golden/bad/<case>.toml and compares the error
// output with golden/bad/<case>.err byte for byte.
func TestBadSpecs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "golden", "bad", "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden/bad/*.toml cases")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".toml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(filepath.Base(file), data)
			if err == nil {
				t.Fatal("the spec was accepted")
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error is %T, not an ErrorList", err)
			}
			if !sort.SliceIsSorted(list, func(i, j int) bool {
				return list[i].Pos.Line < list[j].Pos.Line ||
					list[i].Pos.Line == list[j].Pos.Line && list[i].Pos.Col < list[j].Pos.Col
			}) {
				t.Errorf("errors are not sorted by position:\n%v", err)
			}
			got := err.Error() + "\n"
			want := strings.TrimSuffix(file, ".toml") + ".err"
			if *update {
				if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			wantData, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (run go test ./spec -run TestBadSpecs -update to create it)", err)
			}
			if got != string(wantData) {
				t.Errorf("errors differ\n--- got\n%s--- want\n%s", got, wantData)
			}
		})
	}
}
