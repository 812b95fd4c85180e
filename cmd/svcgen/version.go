package main

import (
	"runtime/debug"
	"strings"
)

// describeBuild says which svcgen this is, from what the go command
// recorded in the binary: the module version it was built at (v1.2.0
// when installed or run at a tagged version; a pseudo-version such as
// v0.0.0-20261203080000-75e80fc1a2b3 when built in a clone, +dirty with
// uncommitted changes), the VCS revision when built in a checkout, and
// the directory a replace directive points the module at (a tool run
// from a clone). A version set at link time wins over the module
// version.
func describeBuild(linked string, info *debug.BuildInfo) string {
	if info == nil {
		if linked != "" {
			return linked
		}
		return "(unknown: built without module information)"
	}
	v := linked
	if v == "" {
		v = info.Main.Version
	}
	if v == "" || v == "(devel)" {
		v = "(devel)"
	}
	var notes []string
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		note := settings["vcs"] + " revision " + rev
		if settings["vcs.modified"] == "true" {
			note += ", modified"
		}
		notes = append(notes, strings.TrimSpace(note))
	}
	if r := info.Main.Replace; r != nil {
		to := r.Path
		if r.Version != "" && r.Version != "(devel)" {
			to += "@" + r.Version
		}
		notes = append(notes, "replaced by "+to)
	}
	if len(notes) > 0 {
		v += " (" + strings.Join(notes, "; ") + ")"
	}
	return v
}
