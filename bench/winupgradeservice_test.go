//go:build linux

package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/svcgen/svcgen/internal/e2e"
)

// The Windows upgrade suite's service is the e2e upgrade service built for
// Windows and installed under Wine's Service Control Manager
// (e2e.InstallWinUpgradeService), as internal/e2e/winupgrade TestUpgradeUnderWine
// does.

// winUpgradeSource is the upgrade service's project, from bench/.
var winUpgradeSource = filepath.Join("..", "internal", "e2e", "upgrade", "testdata", "upgrade")

// upgradeWorker runs the upgrade verb and returns the PID of the worker it
// names.
func upgradeWorker(ctx context.Context, s *e2e.WinUpgradeService) (int, error) {
	pid, out, err := s.Upgrade(ctx)
	if err != nil {
		return 0, fmt.Errorf("upgrade verb: %w\n%s", err, out)
	}
	if pid == 0 {
		return 0, fmt.Errorf("upgrade verb named no worker:\n%s", out)
	}
	return pid, nil
}

// upgradeVerb is upgradeWorker for a restart, which needs no PID.
func upgradeVerb(ctx context.Context, s *e2e.WinUpgradeService) error {
	_, err := upgradeWorker(ctx, s)
	return err
}

// statesWord joins states for a BENCH value, which holds no spaces.
func statesWord(states []string) string {
	if len(states) == 0 {
		return "none"
	}
	return strings.Join(states, ",")
}
