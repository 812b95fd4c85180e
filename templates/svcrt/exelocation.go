package svcrt

import (
	"fmt"
	"strings"
)

// exeLocationWarnings are the reasons the service account may not be able
// to read the executable where install found it. The SCM starts the
// service as its account, in its own logon session: a user profile is
// readable by that user (and SYSTEM, Administrators) only, a drive letter
// mapped to a share exists only in the session that mapped it, a share
// (\\server\share) is reached with the machine's network identity (or none
// for LocalService), and a relative path would be taken against System32.
// exe is the path install registers; remote tells whether its drive is a
// network drive; profiles is the user profiles folder (C:\Users).
func exeLocationWarnings(exe string, remote bool, profiles, account string) []string {
	var out []string
	lower := strings.ToLower(exe)
	switch {
	case strings.HasPrefix(exe, `\\`) && !strings.HasPrefix(exe, `\\?\`) && !strings.HasPrefix(exe, `\\.\`):
		out = append(out, fmt.Sprintf("%s is on a network share: the service reaches it with the computer's network identity (LocalService with none), and not at all while the network is down; copy it to a local folder such as C:\\Program Files", exe))
	case remote:
		out = append(out, fmt.Sprintf("%s is on a mapped network drive: a drive letter exists only in the logon session that mapped it, not in the service's; copy it to a local folder such as C:\\Program Files", exe))
	case len(exe) < 3 || exe[1] != ':' || (exe[2] != '\\' && exe[2] != '/'):
		if !strings.HasPrefix(exe, `\\`) {
			out = append(out, fmt.Sprintf("%s is not an absolute path: the SCM would look for it relative to System32", exe))
		}
	}
	if p := strings.ToLower(strings.TrimRight(profiles, `\`)); p != "" && strings.HasPrefix(lower, p+`\`) && !strings.EqualFold(account, "LocalSystem") {
		out = append(out, fmt.Sprintf("%s is under a user profile (%s): %s may not read it, and the start fails with access denied; copy it to a folder such as C:\\Program Files", exe, profiles, account))
	}
	return out
}
