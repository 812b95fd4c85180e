package svcrt

import (
	"strings"
	"testing"
)

// The judge of an existing data directory: the folder install or the
// service made passes; one another account made, or one others may write
// to, is refused with a reason that names the trustee.
func TestDataDirRefusal(t *testing.T) {
	const account = "S-1-5-80-1234"
	const user = "S-1-5-21-1-2-3-1001"
	const users = "S-1-5-32-545"
	own := []dirACE{{true, sidSystem, 0x1f01ff}, {true, sidAdministrators, 0x1f01ff}, {true, account, 0x1f01ff}}
	cases := []struct {
		name      string
		owner     string
		nilDACL   bool
		aces      []dirACE
		installer string // the account running install; "" at a start
		refuse    string // "" when accepted
	}{
		{"made by the service", account, false, own, "", ""},
		{"made by an administrator", sidAdministrators, false, own, "", ""},
		{"made by SYSTEM, users may read", sidSystem, false, append(own, dirACE{true, users, 0x1200a9}), "", ""},
		{"creator owner entry", sidSystem, false, append(own, dirACE{true, sidCreatorOwner, 0x10000000}), "", ""},
		{"denied write to users", account, false, append(own, dirACE{false, users, 0x2}), "", ""},
		{"made by another user", user, false, own, "", "owned by " + user},
		// install judges a folder it made itself (an earlier install, the env
		// file's): the administrator running it is no planter.
		{"made by the installing administrator", user, false, append(own, dirACE{true, user, 0x1f01ff}), user, ""},
		{"made by another user, judged at install", "S-1-5-21-1-2-3-1002", false, own, user, "owned by S-1-5-21-1-2-3-1002"},
		{"no DACL", account, true, nil, "", "no access control list"},
		// What a folder a user made under C:\ProgramData inherits: Users may
		// create files in it.
		{"users may create files", sidAdministrators, false, append(own, dirACE{true, users, 0x2 | 0x4}), "", "lets " + users + " write"},
		{"user may change the DACL", account, false, append(own, dirACE{true, user, 0x40000}), "", "lets " + user + " write"},
		{"everyone full", account, false, append(own, dirACE{true, "S-1-1-0", 0x10000000}), "", "lets S-1-1-0 write"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := dataDirRefusal(`C:\ProgramData\orders`, c.owner, c.nilDACL, c.aces, account, c.installer)
			switch {
			case c.refuse == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.refuse != "" && err == nil:
				t.Errorf("accepted, want refused (%s)", c.refuse)
			case c.refuse != "" && !strings.Contains(err.Error(), c.refuse):
				t.Errorf("refused with %q, want it to say %q", err, c.refuse)
			}
		})
	}
}

// A new data directory: protected (no inherited entries), full control for
// SYSTEM, Administrators and the account only, inherited by its files.
func TestDataDirSDDL(t *testing.T) {
	got := dataDirSDDL("S-1-5-80-1234")
	want := "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;S-1-5-80-1234)"
	if got != want {
		t.Errorf("SDDL %s, want %s", got, want)
	}
}
