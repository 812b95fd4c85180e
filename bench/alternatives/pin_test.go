package alternatives

// The fx benchmark runs inside a generated project (testdata/startstop),
// and the upgrade benchmark builds the tableflip server of
// testdata/tableflip; these imports keep the versions they use pinned in
// this module's go.mod.
import (
	_ "github.com/cloudflare/tableflip"
	_ "go.uber.org/fx"
)
