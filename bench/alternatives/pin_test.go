package alternatives

// The fx benchmark runs inside a generated project (testdata/startstop);
// this import keeps the fx version it uses pinned in this module's go.mod.
import _ "go.uber.org/fx"
