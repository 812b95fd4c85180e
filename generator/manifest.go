package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ManifestName is the file, in the output directory, that records which
// files svcgen generated there and the SHA-256 of each as written.
//
// It is what makes two things safe. Orphans: a file svcgen generated
// once and no longer generates is removed only when the previous manifest
// lists it and it still carries the generated header, so a user file is
// never deleted. Hand edits: a generated file whose content no longer
// matches its recorded hash was edited after svcgen wrote it; check
// reports it and generate refuses to overwrite it without -force.
//
// The format is the one of sha256sum, so `sha256sum -c svcgen.sum`
// verifies a tree without svcgen. Like go.sum, it changes with every
// file it lists: review it as derived data.
const ManifestName = "svcgen.sum"

// manifestFile lists every generated file of files (not user files, not
// itself) with its hash, in path order.
func manifestFile(header string, files []File) File {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n", header)
	b.WriteString("# The files svcgen generated in this directory and their SHA-256 as written.\n")
	b.WriteString("# svcgen generate removes a listed file it no longer generates; svcgen check\n")
	b.WriteString("# reports a listed file whose content was edited by hand. Verify with\n")
	b.WriteString("# sha256sum -c " + ManifestName + "\n")
	b.WriteString(formatLine + "\n")
	var paths []string
	hashes := map[string]string{}
	for _, f := range files {
		if f.Owner != Generated || f.Path == ManifestName {
			continue
		}
		paths = append(paths, f.Path)
		hashes[f.Path] = Hash(f.Content)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(&b, "%s  %s\n", hashes[p], p)
	}
	b.WriteString(trailerLine(len(paths)) + "\n")
	return File{Path: ManifestName, Content: b.Bytes(), Owner: Generated}
}

// withManifest adds the manifest to files, keeping them sorted by path.
func withManifest(g *Context, files []File) []File {
	files = append(files, manifestFile(g.Header(), files))
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files
}

// Hash is the hex SHA-256 of content, as the manifest records it.
func Hash(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// manifestFormat is the version of the manifest's format, recorded in its
// last line. A manifest that another format version wrote is refused, not
// half understood.
const manifestFormat = 1

// manifestTrailer is the manifest's last line: its format and how many
// files it lists. A manifest cut short anywhere loses it, so truncation is
// told from a manifest that lists few files.
var manifestTrailer = regexp.MustCompile(`^# end of ` + regexp.QuoteMeta(ManifestName) + `: format ([0-9]+), ([0-9]+) files?$`)

// formatLine, in the header, says the manifest has a last line: one
// without it was cut short. A manifest without formatLine either was
// written by a svcgen older than the format (see ParseManifest).
var formatLine = fmt.Sprintf("# Format %d: the last line counts the files; without it the file was cut short.", manifestFormat)

func trailerLine(n int) string {
	return fmt.Sprintf("# end of %s: format %d, %d files", ManifestName, manifestFormat, n)
}

// ManifestError says that a manifest is damaged: svcgen does not guess
// what it meant, since the manifest decides which files svcgen may
// remove and which ones were edited by hand.
type ManifestError struct {
	Path    string // the manifest as the user names it
	Line    int    // 1-based; 0 when the problem is the whole file
	Problem string
}

func (e *ManifestError) Error() string {
	where := e.Path
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", e.Path, e.Line)
	}
	return fmt.Sprintf("%s: %s; the manifest is damaged: restore it from version control (git checkout -- %s), "+
		"or delete it and run svcgen generate again (orphans of earlier runs are then left to you)", where, e.Problem, e.Path)
}

// ParseManifest reads a manifest: slash-separated path -> the hashes
// recorded for it. name is the manifest's path, for errors. Anything but
// what svcgen writes is an error: a missing header, a line that is not
// "<hash>  <path>", a path that is absolute, not clean or leaves the
// directory, a path listed twice, a missing last line (the file was cut
// short), a count that disagrees, another format version.
//
// One exception: a merge's conflict markers. Between them the lines of
// both sides are read, a path listed on both sides keeps both hashes
// (content matching either is svcgen's), and the last line may be missing
// or doubled; regenerating resolves the conflict.
func ParseManifest(name string, data []byte) (map[string][]string, error) {
	bad := func(line int, format string, args ...any) (map[string][]string, error) {
		return nil, &ManifestError{Path: name, Line: line, Problem: fmt.Sprintf(format, args...)}
	}
	if !IsGenerated(data) {
		return bad(0, "it lacks svcgen's generated header")
	}
	merging := hasConflictMarkers(data)
	out := map[string][]string{}
	entries := 0
	trailer := 0 // line of the last line seen so far that is the trailer
	lines := strings.SplitAfter(string(data), "\n")
	for i, raw := range lines {
		n := i + 1
		if raw == "" {
			continue // after the final newline
		}
		if !strings.HasSuffix(raw, "\n") {
			return bad(n, "its last line is cut short (no newline)")
		}
		line := strings.TrimSuffix(strings.TrimSuffix(raw, "\n"), "\r")
		if merging && isConflictMarker(line) {
			continue
		}
		if m := manifestTrailer.FindStringSubmatch(line); m != nil {
			if m[1] != strconv.Itoa(manifestFormat) {
				return bad(n, "it is in format %s, and this svcgen reads format %d: use the svcgen that wrote it, or a newer one", m[1], manifestFormat)
			}
			if count, _ := strconv.Atoi(m[2]); !merging && count != entries {
				return bad(n, "it says it lists %s files but lists %d", m[2], entries)
			}
			trailer = n
			continue
		}
		if trailer > 0 && !merging {
			return bad(n, "a line follows the last line")
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		hash, p, ok := strings.Cut(line, "  ")
		if !ok || len(hash) != sha256.Size*2 || p == "" {
			return bad(n, "not a \"<sha256>  <path>\" line")
		}
		if _, err := hex.DecodeString(hash); err != nil || strings.ToLower(hash) != hash {
			return bad(n, "%q is not a SHA-256 in lower-case hex", hash)
		}
		if p != path.Clean(p) || !filepath.IsLocal(filepath.FromSlash(p)) || strings.Contains(p, "\\") {
			return bad(n, "%q is not a clean relative path inside the directory", p)
		}
		if _, dup := out[p]; dup && !merging {
			return bad(n, "%s is listed twice", p)
		}
		out[p] = append(out[p], hash)
		entries++
	}
	// A manifest of a svcgen older than the format has neither line, and is
	// read as it was written if it lists a file (the next generate rewrites
	// it in the format); once the header promises the last line, a missing
	// one means the file was cut short.
	if trailer == 0 && !merging && (entries == 0 || strings.Contains(string(data), "\n"+formatLine+"\n")) {
		return bad(0, "its last line (%q) is missing: the file was cut short", trailerLine(entries))
	}
	return out, nil
}

// isConflictMarker reports whether line is one of a merge's markers.
func isConflictMarker(line string) bool {
	return strings.HasPrefix(line, "<<<<<<< ") || line == "=======" || strings.HasPrefix(line, "======= ") ||
		strings.HasPrefix(line, ">>>>>>> ") || strings.HasPrefix(line, "||||||| ")
}

// hasConflictMarkers reports whether content holds the markers of an
// unresolved merge; such a file was not edited by hand, and regenerating
// it is how the conflict resolves.
func hasConflictMarkers(content []byte) bool {
	return bytes.Contains(content, []byte("\n<<<<<<< ")) && bytes.Contains(content, []byte("\n>>>>>>> ")) ||
		bytes.HasPrefix(content, []byte("<<<<<<< "))
}
