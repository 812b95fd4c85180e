package generator

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
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

// ParseManifest reads a manifest: slash-separated path -> the hashes
// recorded for it. Comment lines and lines that are not "<hash>  <path>"
// (a merge's conflict markers) are skipped; a path listed twice (both
// sides of a merge) keeps both hashes, and content matching either is
// svcgen's.
func ParseManifest(data []byte) map[string][]string {
	out := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		hash, p, ok := strings.Cut(line, "  ")
		if !ok || len(hash) != sha256.Size*2 || p == "" || p != path.Clean(p) {
			continue
		}
		if _, err := hex.DecodeString(hash); err != nil {
			continue
		}
		out[p] = append(out[p], hash)
	}
	return out
}

// hasConflictMarkers reports whether content holds the markers of an
// unresolved merge; such a file was not edited by hand, and regenerating
// it is how the conflict resolves.
func hasConflictMarkers(content []byte) bool {
	return bytes.Contains(content, []byte("\n<<<<<<< ")) && bytes.Contains(content, []byte("\n>>>>>>> ")) ||
		bytes.HasPrefix(content, []byte("<<<<<<< "))
}
