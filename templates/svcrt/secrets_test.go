package svcrt

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRedactDSN: the password of every DSN form the drivers take is found
// and redacted, as written and decoded, and nothing else is touched.
func TestRedactDSN(t *testing.T) {
	for _, tc := range []struct {
		name    string
		dsn     string
		want    string   // the DSN redacted
		secrets []string // must be among dsnSecrets (the decoded forms)
	}{
		// PostgreSQL URLs.
		{"postgres url", "postgres://u:secret@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable", []string{"secret"}},
		{"postgres url escaped", "postgres://u:p%40ss@h:5432/db", "postgres://u:xxxxx@h:5432/db", []string{"p@ss", "p%40ss"}},
		{"postgres url @ in the query", "postgres://u:pw@h/db?application_name=a@b", "postgres://u:xxxxx@h/db?application_name=a@b", []string{"pw"}},
		{"postgres url no path", "postgresql://u:pw@h", "postgresql://u:xxxxx@h", []string{"pw"}},
		{"postgres url password parameter", "postgres://h/db?password=zz&sslmode=disable", "postgres://h/db?password=xxxxx&sslmode=disable", []string{"zz"}},
		{"postgres url no password", "postgres://u@h/db", "postgres://u@h/db", nil},
		{"postgres url no user", "postgres://h/db", "postgres://h/db", nil},
		// PostgreSQL key=value.
		{"postgres kv", "host=h password=secret dbname=x", "host=h password=xxxxx dbname=x", []string{"secret"}},
		{"postgres kv quoted", "host=h user=u password='a b' dbname=x", "host=h user=u password=xxxxx dbname=x", []string{"'a b'", "a b"}},
		{"postgres kv escaped quote", `host=h password='it\'s' dbname=x`, "host=h password=xxxxx dbname=x", []string{`'it\'s'`}},
		{"postgres kv spaces around =", "host=h password = secret dbname=x", "host=h password = xxxxx dbname=x", []string{"secret"}},
		{"postgres kv upper case", "host=h PASSWORD=secret", "host=h PASSWORD=xxxxx", []string{"secret"}},
		{"postgres kv socket path", "host=/var/run/postgresql user=u password=p@ss", "host=/var/run/postgresql user=u password=xxxxx", []string{"p@ss"}},
		// MySQL.
		{"mysql", "u:pw@tcp(127.0.0.1:3306)/test?parseTime=true", "u:xxxxx@tcp(127.0.0.1:3306)/test?parseTime=true", []string{"pw"}},
		{"mysql @ and / in the password", "u:pw@d/x@tcp(127.0.0.1:3306)/test?parseTime=true", "u:xxxxx@tcp(127.0.0.1:3306)/test?parseTime=true", []string{"pw@d/x"}},
		{"mysql user with _", "my_user:pw@tcp(h:3306)/db", "my_user:xxxxx@tcp(h:3306)/db", []string{"pw"}},
		{"mysql no password", "root@tcp(127.0.0.1:3306)/test", "root@tcp(127.0.0.1:3306)/test", nil},
		{"mysql no user", "tcp(127.0.0.1:3306)/test", "tcp(127.0.0.1:3306)/test", nil},
		{"mysql unix socket", "u:pw@unix(/tmp/mysql.sock)/db", "u:xxxxx@unix(/tmp/mysql.sock)/db", []string{"pw"}},
		// SQL Server.
		{"sqlserver url", "sqlserver://sa:Pa55@host?database=x", "sqlserver://sa:xxxxx@host?database=x", []string{"Pa55"}},
		{"sqlserver url escaped", "sqlserver://sa:P%40ss%3Bw@host:1433/instance?database=x", "sqlserver://sa:xxxxx@host:1433/instance?database=x", []string{"P@ss;w", "P%40ss%3Bw"}},
		{"sqlserver ado braces", "server=h;user id=sa;password={se;cret};database=x", "server=h;user id=sa;password=xxxxx;database=x", []string{"{se;cret}", "se;cret"}},
		{"sqlserver ado pwd", "server=h;user id=sa;pwd=abc;database=x", "server=h;user id=sa;pwd=xxxxx;database=x", []string{"abc"}},
		{"sqlserver ado double quotes", `server=h;password="a b";database=x`, "server=h;password=xxxxx;database=x", []string{`"a b"`, "a b"}},
		// No password anywhere.
		{"empty", "", "", nil},
		{"sqlite file", "file:/var/lib/app/db.sqlite?cache=shared", "file:/var/lib/app/db.sqlite?cache=shared", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			secrets := dsnSecrets(tc.dsn)
			if got := redact(tc.dsn, secrets); got != tc.want {
				t.Errorf("redact(%q) = %q, want %q (secrets %q)", tc.dsn, got, tc.want, secrets)
			}
			for _, s := range tc.secrets {
				if !slices.Contains(secrets, s) {
					t.Errorf("dsnSecrets(%q) = %q, lacks %q", tc.dsn, secrets, s)
				}
			}
			if tc.secrets == nil {
				for _, s := range secrets {
					if s != "" {
						t.Errorf("dsnSecrets(%q) = %q, want none", tc.dsn, secrets)
						break
					}
				}
			}
			// A driver may echo the password decoded: that form is redacted too.
			for _, s := range tc.secrets {
				msg := "connect failed: password " + s + " rejected"
				if got := redact(msg, secrets); strings.Contains(got, s) {
					t.Errorf("redact(%q) = %q, still holds the secret", msg, got)
				}
			}
		})
	}
}

func TestRedactErr(t *testing.T) {
	secrets := dsnSecrets("postgres://u:hunter2@h/db")
	if redactErr(nil, secrets) != nil {
		t.Error("redactErr(nil) is not nil")
	}
	clean := errors.New("connection refused")
	if got := redactErr(clean, secrets); got != clean {
		t.Errorf("an error without the secret was replaced: %v", got)
	}
	got := redactErr(errors.New(`pq: password authentication failed for "hunter2"`), secrets)
	if got == nil || strings.Contains(got.Error(), "hunter2") || !strings.Contains(got.Error(), "xxxxx") {
		t.Errorf("redactErr: %v", got)
	}
	if s := redact("nothing to hide", nil); s != "nothing to hide" {
		t.Errorf("redact without secrets: %q", s)
	}
	if s := redact("a b", []string{""}); s != "a b" {
		t.Errorf("an empty secret replaced something: %q", s)
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

// The DSN forms the three drivers take, as the end-to-end suite checked them
// inside a generated project before the runtime was a package of its own.
func TestRedactDriverForms(t *testing.T) {
	for _, c := range []struct{ dsn, want string }{
		{"postgres://u:p%40ss@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable"},
		{"postgres://u:pw@h/db?application_name=a@b", "postgres://u:xxxxx@h/db?application_name=a@b"},
		{"postgres://h/db?password=zz&sslmode=disable", "postgres://h/db?password=xxxxx&sslmode=disable"},
		{"host=h user=u password='a b' dbname=x", "host=h user=u password=xxxxx dbname=x"},
		{"host=h password=secret dbname=x", "host=h password=xxxxx dbname=x"},
		{"u:pw@d/x@tcp(127.0.0.1:3306)/test?parseTime=true", "u:xxxxx@tcp(127.0.0.1:3306)/test?parseTime=true"},
		{"root@tcp(127.0.0.1:3306)/test", "root@tcp(127.0.0.1:3306)/test"},
		{"sqlserver://sa:Pa55@host?database=x", "sqlserver://sa:xxxxx@host?database=x"},
		{"server=h;user id=sa;password={se;cret};database=x", "server=h;user id=sa;password=xxxxx;database=x"},
		{"server=h;user id=sa;pwd=abc;database=x", "server=h;user id=sa;pwd=xxxxx;database=x"},
		{"postgres://h/db", "postgres://h/db"},
	} {
		if got := redact(c.dsn, dsnSecrets(c.dsn)); got != c.want {
			t.Errorf("%s: got %s, want %s", c.dsn, got, c.want)
		}
	}
}
