package spec

import (
	"strconv"
	"strings"
)

// userPrefixes are the first elements without a dot that Go leaves to
// users: the standard library never takes them.
var userPrefixes = map[string]bool{"example": true, "test": true}

// modulePathProblem says why p is not a usable module path, or returns "".
// It follows the import path rules of golang.org/x/mod/module: elements
// of ASCII letters, digits and -._~, none empty, none starting or ending
// with a dot, no Windows-reserved element, no /v0 or /v1 suffix; and, as
// the go command requires of a module it can fetch, a dot in the first
// element.
func modulePathProblem(p string) string {
	if p == "" {
		return "it is empty"
	}
	if strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
		return "it starts or ends with /"
	}
	elems := strings.Split(p, "/")
	for _, e := range elems {
		switch {
		case e == "":
			return "it has an empty element (//)"
		case e == "." || e == "..":
			return "it has a " + e + " element"
		case strings.HasPrefix(e, ".") || strings.HasSuffix(e, "."):
			return "element " + strconv.Quote(e) + " starts or ends with a dot"
		case isWindowsDeviceName(e):
			return "element " + strconv.Quote(e) + " is a reserved Windows file name"
		}
		for i := 0; i < len(e); i++ {
			c := e[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0) {
				return "element " + strconv.Quote(e) + " has a character other than letters, digits and -._~"
			}
		}
		if i := strings.LastIndexByte(e, '~'); i >= 0 && i < len(e)-1 && strings.Trim(e[i+1:], "0123456789") == "" {
			return "element " + strconv.Quote(e) + " looks like a Windows short name"
		}
	}
	if strings.HasPrefix(elems[0], "-") {
		return "it starts with -"
	}
	if !strings.Contains(elems[0], ".") && !userPrefixes[elems[0]] {
		return "its first element " + strconv.Quote(elems[0]) + " has no dot: Go reserves such paths for the standard library " +
			"(the module would hide or clash with a package of it, now or in a later Go); start with a domain, like " + strconv.Quote("example.com/"+p)
	}
	if last := elems[len(elems)-1]; len(elems) > 1 && (last == "v0" || last == "v1") {
		return "major version suffixes start at /v2"
	}
	return ""
}
