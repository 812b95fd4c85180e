// Package templates embeds the non-Go artifacts svcgen writes: the starter
// spec for `svcgen init`, the generated service's README, the systemd unit,
// and the pinned module requirements of generated projects (deps/).
// Go source is never templated: it is emitted through jennifer.
package templates

import "embed"

// FS holds every template file.
//
//go:embed *.tmpl *.toml deps/*.mod deps/*.sum
var FS embed.FS
