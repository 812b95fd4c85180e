package svcrt

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// env returns a required environment variable: secrets and addresses come
// from the environment, never from the spec.
func env(name string) (string, error) {
	v := os.Getenv(name)
	if v == "" {
		return "", fmt.Errorf("environment variable %s is not set", name)
	}
	return v, nil
}

// readSecretFile returns the content of a secret file without its trailing
// newline (editors and echo add one, Windows editors a CRLF).
func readSecretFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	v := strings.TrimRight(string(b), "\r\n")
	if v == "" {
		return "", fmt.Errorf("%s is empty", path)
	}
	return v, nil
}

// dsnKeyPassword finds the password of key=value DSNs: PostgreSQL
// "password=..." (quoted or not), SQL Server "password=...;", "pwd={...}".
var dsnKeyPassword = regexp.MustCompile("(?i)\\b(?:password|pwd)\\s*=\\s*('(?:[^'\\\\]|\\\\.)*'|\"[^\"]*\"|\\{[^}]*\\}|[^\\s;&]+)")

// dsnSecrets returns the forms the password of dsn may take in a message:
// as written and decoded. Drivers may echo either; both are redacted.
func dsnSecrets(dsn string) []string {
	var out []string
	for _, m := range dsnKeyPassword.FindAllStringSubmatch(dsn, -1) {
		out = append(out, m[1], strings.Trim(m[1], "'\"{}"))
	}
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		// URL form, scheme://user:password@host/...: the password decoded,
		// and as written (up to the last "@" of the authority).
		if p, ok := u.User.Password(); ok {
			authority := dsn[strings.Index(dsn, "//")+2:]
			if end := strings.IndexAny(authority, "/?#"); end >= 0 {
				authority = authority[:end]
			}
			_, raw, _ := strings.Cut(authority[:strings.LastIndex(authority, "@")], ":")
			out = append(out, p, raw)
		}
	} else if slash := strings.LastIndex(dsn, "/"); slash > 0 {
		// MySQL form, user:password@protocol(address)/dbname, parsed the
		// driver's way: from the last "/" and the last "@" before it.
		if at := strings.LastIndex(dsn[:slash], "@"); at > 0 {
			if user, pw, ok := strings.Cut(dsn[:at], ":"); ok && !strings.Contains(user, "=") {
				out = append(out, pw)
			}
		}
	}
	return out
}

// redact replaces every secret in s. Everything printed about a DSN goes
// through it: logs and readiness output are read by more people than the
// DSN is meant for.
func redact(s string, secrets []string) string {
	for _, p := range secrets {
		if p != "" {
			s = strings.ReplaceAll(s, p, "xxxxx")
		}
	}
	return s
}

// redactErr returns err with every secret replaced in its message.
func redactErr(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	if msg, safe := err.Error(), redact(err.Error(), secrets); safe != msg {
		return errors.New(safe)
	}
	return err
}
