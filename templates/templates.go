// Package templates embeds what svcgen copies rather than computes: the
// runtime's Go source (svcrt/, a real package compiled and tested here), the
// starter spec for `svcgen init`, the generated service's README, the systemd
// unit, and the pinned module requirements of generated projects (deps/).
package templates

import "embed"

// FS holds every template file.
//
//go:embed *.tmpl *.toml deps/*.mod deps/*.sum
var FS embed.FS

// runtimeFS holds the runtime package's source; RuntimeFiles picks from it.
//
//go:embed svcrt/*.go
var runtimeFS embed.FS
