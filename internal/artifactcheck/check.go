package artifactcheck

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/svcgen/svcgen/spec"
)

// Check reads each non-Go file generated for s (files by path) by its
// grammar and returns every place where a spec value changed the file's
// structure or did not keep its value: the unit of [systemd], the
// manifest of [kubernetes], the README. marker is a text every free-text
// value of s holds; the README must show it only where those values go.
func Check(s *spec.Spec, files map[string][]byte, marker string) []error {
	var errs []error
	if s.Systemd.Enabled {
		path := "deploy/" + s.Service.Name + ".service"
		if unit, ok := files[path]; !ok {
			errs = append(errs, fmt.Errorf("no %s", path))
		} else {
			errs = append(errs, CheckUnit(s, unit)...)
		}
	}
	if s.Kubernetes.Enabled {
		if manifest, ok := files["deploy/kubernetes.yaml"]; !ok {
			errs = append(errs, fmt.Errorf("no deploy/kubernetes.yaml"))
		} else {
			errs = append(errs, CheckManifest(s, manifest)...)
		}
	}
	if readme, ok := files["README.md"]; ok {
		errs = append(errs, CheckReadme(s, readme, marker)...)
	}
	return errs
}

// CheckUnit parses a unit as systemd does: its settings must be UnitKeys(s)
// and its Description= UnitDescription(s).
func CheckUnit(s *spec.Spec, unit []byte) []error {
	settings, err := ParseUnit(unit)
	if err != nil {
		return []error{fmt.Errorf("unit: %v\n%s", err, unit)}
	}
	var errs []error
	if got, want := Keys(settings), UnitKeys(s); !slices.Equal(got, want) {
		errs = append(errs, fmt.Errorf("unit settings\n got %q\nwant %q\n%s", got, want, unit))
	}
	for _, st := range settings {
		if st.Key != "Description" {
			continue
		}
		got, err := ExpandPercent(st.Value)
		if err != nil {
			errs = append(errs, fmt.Errorf("unit Description: %v", err))
		}
		if want := UnitDescription(s); got != want {
			errs = append(errs, fmt.Errorf("unit Description=\n got %q\nwant %q", got, want))
		}
	}
	return errs
}

// CheckManifest parses the manifest as YAML: its scalars must be the paths
// of ManifestValues(s), with those values.
func CheckManifest(s *spec.Spec, manifest []byte) []error {
	got, err := FlattenYAML(manifest)
	if err != nil {
		return []error{fmt.Errorf("kubernetes.yaml: %v\n%s", err, manifest)}
	}
	var errs []error
	want := ManifestValues(s)
	if g, w := slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)); !slices.Equal(g, w) {
		errs = append(errs, fmt.Errorf("kubernetes.yaml keys\n got %q\nwant %q", g, w))
	}
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if v := want[k]; v != "" && got[k] != v {
			errs = append(errs, fmt.Errorf("kubernetes.yaml %s = %q, want %q", k, got[k], v))
		}
	}
	return errs
}

// CheckReadme renders the README: right after its generated-file comment
// come the display name and the description as ReadmeValueHTML(s), and the
// marker is nowhere else.
func CheckReadme(s *spec.Spec, readme []byte, marker string) []error {
	html, err := MarkdownHTML(readme)
	if err != nil {
		return []error{err}
	}
	var errs []error
	want := ReadmeValueHTML(s)
	head, rest, _ := strings.Cut(html, "-->\n")
	if !strings.HasPrefix(head, "<!--") || strings.Contains(head, "\n") {
		errs = append(errs, fmt.Errorf("README does not start with its one-line generated-file comment:\n%s", head))
	}
	if !strings.HasPrefix(rest, want) {
		n := min(len(rest), len(want)+200)
		errs = append(errs, fmt.Errorf("README renders\n%s\nwant it to start with\n%s", rest[:n], want))
	}
	if marker != "" {
		if got, wantN := strings.Count(html, marker), strings.Count(want, marker); got != wantN {
			errs = append(errs, fmt.Errorf("README: %d %s in the rendered HTML, %d of them from the display name and description", got, marker, wantN))
		}
	}
	return errs
}
