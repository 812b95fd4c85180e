package svcrt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRedactCorpus: every credential of every driver's syntax is redacted
// from the connection string, and its host still shows.
func TestRedactCorpus(t *testing.T) {
	for _, c := range credentialCorpus() {
		s := &secretSet{}
		s.add(c.driver, c.dsn)
		got := s.redact(c.dsn)
		if secretShows(got, c.secret) || !strings.Contains(got, c.host) {
			t.Errorf("%s: redact(%q) = %q; want %q gone and %q kept", c.name, c.dsn, got, c.secret, c.host)
		}
	}
}

// TestRedactKeepsWhatIsNotACredential: a connection string without a
// credential has none, read by any driver, and is printed as it is.
func TestRedactKeepsWhatIsNotACredential(t *testing.T) {
	for _, c := range []struct{ driver, dsn string }{
		{"pgx", "postgres://app@127.0.0.1:5432/app?sslmode=disable&application_name=a@b"},
		{"pgx", "postgres://127.0.0.1/app"},
		{"pgx", "host=/var/run/postgresql user=app dbname=app sslkey=/etc/key.pem"},
		{"mysql", "root@tcp(127.0.0.1:3306)/test"},
		{"mysql", "app@tcp(127.0.0.1:3306)/test?x=a@b:c"},
		{"mysql", "tcp(127.0.0.1:3306)/test"},
		{"sqlserver", "sqlserver://sa@127.0.0.1?database=app"},
		{"sqlserver", "server=127.0.0.1;user id=sa;database=app"},
		{"sqlserver", "odbc:server=127.0.0.1;user id=sa;database={a;b}"},
		{credRedis, "redis://127.0.0.1:6379/0"},
		{credRedis, "127.0.0.1:6379"},
		{credHTTP, "https://api.example/v1?region=eu"},
		{"", "file:/var/lib/app/db.sqlite?cache=shared"},
		{"", ""},
	} {
		if forms := credentialForms(c.driver, c.dsn); len(forms) > 0 {
			t.Errorf("%s %q: credentials %q, want none", c.driver, c.dsn, forms)
		}
	}
}

// TestRedactErr: a redacted error keeps its chain, so the driver's codes
// stay readable (permanent), and a recovered panic's value and stack are
// redacted.
func TestRedactErr(t *testing.T) {
	s := &secretSet{}
	s.add("pgx", "postgres://u:hunter2@h/db")
	if s.redactErr(nil) != nil {
		t.Error("redactErr(nil) is not nil")
	}
	clean := errors.New("connection refused")
	if got := s.redactErr(clean); got != clean {
		t.Errorf("an error without the secret was replaced: %v", got)
	}
	cause := pgError{code: "28P01"}
	got := s.redactErr(fmt.Errorf("connect with hunter2: %w", cause))
	if strings.Contains(got.Error(), "hunter2") || !strings.Contains(got.Error(), "xxxxx") || !errors.Is(got, cause) || !permanent(got) {
		t.Errorf("redactErr: %v (chain kept: %v)", got, errors.Is(got, cause))
	}
	p := s.redactErr(guard(func() error { panic("bad dsn postgres://u:hunter2@h/db") }))
	var pe *panicError
	if !errors.As(p, &pe) || strings.Contains(p.Error(), "hunter2") || !strings.Contains(string(pe.stack), "TestRedactErr") {
		t.Errorf("redacted panic: %v", p)
	}
	var none *secretSet
	if got := none.redact("a b"); got != "a b" {
		t.Errorf("a nil set changed the text: %q", got)
	}
}

func TestReadSecretFile(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content, want string
		err                 bool
	}{
		{"plain", "s3cret", "s3cret", false},
		{"newline", "s3cret\n", "s3cret", false},
		{"crlf", "s3cret\r\n", "s3cret", false},
		{"inner newline kept", "a\nb\n", "a\nb", false},
		{"spaces kept", " s3cret \n", " s3cret ", false},
		{"empty", "\n", "", true},
	} {
		path := filepath.Join(dir, tc.name)
		if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := readSecretFile(path)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%s: readSecretFile = %q, %v; want %q, error %v", tc.name, got, err, tc.want, tc.err)
		}
	}
	if _, err := readSecretFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing file gave no error")
	}
}

func TestEnv(t *testing.T) {
	t.Setenv("SVCRT_TEST_SET", "value")
	t.Setenv("SVCRT_TEST_EMPTY", "")
	if v, err := env("SVCRT_TEST_SET"); v != "value" || err != nil {
		t.Errorf("env of a set variable: %q, %v", v, err)
	}
	for _, name := range []string{"SVCRT_TEST_EMPTY", "SVCRT_TEST_UNSET_XYZ"} {
		if _, err := env(name); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("env(%s): %v, want an error naming it", name, err)
		}
	}
}
