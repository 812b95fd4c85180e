package spec

import (
	"fmt"
	"sort"
)

// Limits on what a spec may hold. They keep validation and generation
// bounded in time and memory on hostile input, and each is far above what
// a real service needs; a spec beyond one gets an error that says which.
const (
	// MaxSpecBytes bounds the spec file.
	MaxSpecBytes = 1 << 20
	// MaxResources bounds [resource.NAME] tables: past a few hundred
	// resources a service should be split, and every resource becomes
	// code a reviewer reads.
	MaxResources = 1000
	// MaxStringBytes bounds any one string value (a description, an
	// address, a query); anything longer belongs in a file.
	MaxStringBytes = 4096
	// MaxNesting bounds the length of a key path: the table header's
	// keys, a dotted key's parts, and one more for each inline table or
	// array a value opens. The deepest key of the schema needs 4
	// (windows.recovery[0].action); the TOML parser's time and memory
	// grow with the square of the depth, so a deeper spec is rejected
	// before it is parsed.
	MaxNesting = 32
	// MaxKeys bounds the keys and array elements of a spec, counted
	// once per key path: MaxResources resources with every key of their
	// kind and 30 dependencies each stay below it, and it keeps the
	// parse and the checks of a 1 MiB spec of one-byte keys well under a
	// second.
	MaxKeys = 50000
)

// sizeError rejects a spec file over MaxSpecBytes before it is decoded.
func sizeError(name string, n int) error {
	if n <= MaxSpecBytes {
		return nil
	}
	return ErrorList{{Pos: Pos{File: name, Line: 1, Col: 1},
		Msg: fmt.Sprintf("the spec is %d bytes; the limit is %d (1 MiB)", n, MaxSpecBytes)}}
}

// scanLimitError rejects a spec whose key paths nest deeper than
// MaxNesting or that holds more than MaxKeys keys, at the first place
// it does.
func scanLimitError(p *positions) error {
	if p.overLimit == nil {
		return nil
	}
	return ErrorList{p.overLimit}
}

// checkLimits reports string values over MaxStringBytes and resources
// beyond MaxResources. It runs on the raw decoded document, before any
// per-key work, so a hostile spec costs no more than its parse.
func (d *decoder) checkLimits(raw map[string]any) bool {
	ok := true
	var walk func(v any, path []string)
	walk = func(v any, path []string) {
		switch v := v.(type) {
		case string:
			if len(v) > MaxStringBytes {
				d.errorf(d.s.Pos(path...), "%s is %d bytes long; the limit for a value is %d", dotted(path), len(v), MaxStringBytes)
				ok = false
			}
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(v[k], append(path[:len(path):len(path)], k))
			}
		case []any:
			for i, e := range v {
				walk(e, append(path[:len(path):len(path)], fmt.Sprint(i)))
			}
		case []map[string]any:
			for i, e := range v {
				walk(e, append(path[:len(path):len(path)], fmt.Sprint(i)))
			}
		}
	}
	walk(raw, nil)
	if res, _ := raw["resource"].(map[string]any); len(res) > MaxResources {
		d.errorf(d.s.Pos("resource"), "the spec declares %d resources; the limit is %d: split the service", len(res), MaxResources)
		ok = false
	}
	return ok
}
