package svcrt

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
)

// installedEnv is the configuration install stores for a service: the
// variables of -env-file, then each -env KEY=VALUE (a later one wins).
type installedEnv struct {
	vars map[string]EnvVar
}

// readInstallEnv reads install's -env-file and -env flags.
func readInstallEnv(file string, pairs []string) (*installedEnv, error) {
	e := &installedEnv{vars: map[string]EnvVar{}}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("-env-file: %w", err)
		}
		vars, err := ParseDotenv(file, b)
		if err != nil {
			return nil, err
		}
		for _, v := range vars {
			e.vars[v.Name] = v
		}
	}
	for _, p := range pairs {
		name, val, ok := strings.Cut(p, "=")
		if !ok || !validEnvName(name) {
			return nil, fmt.Errorf("-env %s: want KEY=VALUE with KEY made of letters, digits and _", cut(name, 40))
		}
		if strings.ContainsRune(val, 0) {
			return nil, fmt.Errorf("-env %s: the value holds a NUL character", name)
		}
		e.vars[name] = EnvVar{Name: name, Value: val}
	}
	return e, nil
}

// env is the environment the service will see from the file at path, for
// checking the overrides before they are stored.
func (e *installedEnv) env(path string) *Env {
	only := map[string]EnvVar{}
	lines := e.lines()
	for i, name := range lines {
		v := e.vars[name]
		v.Line = i + 3 // after the two header lines
		only[name] = v
	}
	return &Env{File: path, only: only}
}

// lines are the variables in the order the file lists them (sorted).
func (e *installedEnv) lines() []string {
	names := make([]string, 0, len(e.vars))
	for n := range e.vars {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// content is the env file install writes: dotenv syntax that ParseDotenv
// reads back to the same values (double quotes, with \, ", $ and line
// breaks escaped).
func (e *installedEnv) content(service string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: the configuration `install` stored for this service; the service reads it at each start.\n", service)
	b.WriteString("# Readable by the service's account and administrators only: it may hold secrets.\n")
	for _, n := range e.lines() {
		fmt.Fprintf(&b, "%s=%s\n", n, dotenvQuote(e.vars[n].Value))
	}
	return []byte(b.String())
}

// dotenvQuote writes v as a double-quoted dotenv value.
func dotenvQuote(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return `"` + r.Replace(v) + `"`
}

// envFileSDDL is the security descriptor of a service's env file: a
// protected DACL (no ACE inherited from the folder) giving SYSTEM and the
// Administrators full control and the service's account (an SDDL alias or a
// SID string) read access, nobody else anything.
func envFileSDDL(account string) string {
	d := "D:P(A;;FA;;;SY)(A;;FA;;;BA)"
	if account != "SY" && account != "" {
		d += "(A;;FR;;;" + account + ")"
	}
	return d
}

// accountTrustee is a service account as SDDL names it: the aliases of the
// built-in service accounts, otherwise "" (the caller looks up its SID).
func accountTrustee(account string) string {
	switch strings.ToLower(account) {
	case "localsystem", `nt authority\system`, ".\\localsystem":
		return "SY"
	case `nt authority\localservice`, "localservice":
		return "LS"
	case `nt authority\networkservice`, "networkservice":
		return "NS"
	}
	return ""
}

// serviceSID is the SID of the virtual account NT SERVICE\<name>: S-1-5-80
// followed by the SHA-1 of the service name in upper case, UTF-16LE, read
// as five little-endian 32-bit numbers (what `sc showsid` prints). It
// names the account even where LookupAccountName does not know it (Wine).
func serviceSID(name string) string {
	var buf []byte
	for _, u := range utf16.Encode([]rune(strings.ToUpper(name))) {
		buf = append(buf, byte(u), byte(u>>8))
	}
	sum := sha1.Sum(buf)
	sid := "S-1-5-80"
	for i := 0; i < 5; i++ {
		sid += "-" + strconv.FormatUint(uint64(binary.LittleEndian.Uint32(sum[4*i:])), 10)
	}
	return sid
}
