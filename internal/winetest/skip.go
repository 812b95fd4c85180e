package winetest

import (
	"os"
	"testing"
)

// skipOrFail ends a test that cannot run here (err, what Available
// reported): a skip saying why, except under CI=true, where what CI must
// provide is missing and the test fails.
func skipOrFail(t testing.TB, err error, inCI, skipping string) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s: %v", inCI, err)
	}
	t.Skipf("%s: %v", skipping, err)
}
