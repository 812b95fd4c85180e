package svcrt

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestParseDotenv(t *testing.T) {
	src := "\xef\xbb\xbf# a comment\n" +
		"\n" +
		"export ORDERS_API_ADDR=:8081\n" +
		"  ORDERS_LOG_LEVEL = debug # trailing comment\n" +
		"DSN='postgres://app:p#ss@db/x'\n" +
		"MULTI=\"line one\nline \\\"two\\\" \\$HOME\\n\"\n" +
		"EMPTY=\n" +
		"HASH=a#b\r\n"
	vars, err := ParseDotenv("x.env", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []EnvVar{
		{"ORDERS_API_ADDR", ":8081", 3},
		{"ORDERS_LOG_LEVEL", "debug", 4},
		{"DSN", "postgres://app:p#ss@db/x", 5},
		{"MULTI", "line one\nline \"two\" $HOME\n", 6},
		{"EMPTY", "", 8},
		{"HASH", "a#b", 9},
	}
	if len(vars) != len(want) {
		t.Fatalf("got %+v", vars)
	}
	for i := range want {
		if vars[i] != want[i] {
			t.Errorf("var %d = %+v, want %+v", i, vars[i], want[i])
		}
	}
}

// Every error of a file, each at its line, and never the line's text (it
// may be a secret without its =).
func TestParseDotenvErrors(t *testing.T) {
	src := "OK=1\n" +
		"postgres://app:hunter2@db\n" +
		"1BAD=x\n" +
		"Q='open\n" +
		"R='a' b\n" +
		"S=\"never closed\n"
	_, err := ParseDotenv("prod.env", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		"prod.env:2: want NAME=VALUE",
		`prod.env:3: "1BAD" is not a variable name`,
		"prod.env:4: Q: the single quote is not closed on its line",
		"prod.env:5: R: text after the closing quote",
		"prod.env:6: S: the double quote is not closed before the end of the file",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("errors lack %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "hunter2") {
		t.Errorf("an error shows the line's text:\n%s", msg)
	}
}

// The real environment wins over the file; what the file sets reaches
// os.Getenv (a resource reading its dsn_env) and says where it came from.
func TestLoadEnvFileEnvironmentWins(t *testing.T) {
	path := filepath.Join(t.TempDir(), "orders.env")
	os.WriteFile(path, []byte("SVCRT_TEST_A=from-file\nSVCRT_TEST_B=from-file\n"), 0o600)
	t.Setenv("SVCRT_TEST_A", "from-env")
	os.Unsetenv("SVCRT_TEST_B")
	t.Cleanup(func() { os.Unsetenv("SVCRT_TEST_B") })
	env, err := LoadEnvFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, origin, _ := env.Lookup("SVCRT_TEST_A"); v != "from-env" || origin != "environment" {
		t.Errorf("A = %q from %s", v, origin)
	}
	if v, origin, _ := env.Lookup("SVCRT_TEST_B"); v != "from-file" || origin != path+":2" || os.Getenv("SVCRT_TEST_B") != "from-file" {
		t.Errorf("B = %q from %s", v, origin)
	}
	if _, err := LoadEnvFile(filepath.Join(t.TempDir(), "missing.env")); err == nil {
		t.Error("a missing env file loaded")
	}
}

// What install stores reads back to the same values, whatever they hold.
func TestInstalledEnvRoundTrip(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "in.env")
	os.WriteFile(file, []byte("ORDERS_API_ADDR=:8081\nORDERS_DB_DSN='postgres://a:b@c/d'\n"), 0o600)
	e, err := readInstallEnv(file, []string{"ORDERS_API_ADDR=:9000", `WEIRD=a"b\c$d` + "\n#e\t", "EMPTY="})
	if err != nil {
		t.Fatal(err)
	}
	vars, err := ParseDotenv("out.env", e.content("orders"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, v := range vars {
		got[v.Name] = v.Value
	}
	want := map[string]string{"ORDERS_API_ADDR": ":9000", "ORDERS_DB_DSN": "postgres://a:b@c/d", "WEIRD": "a\"b\\c$d\n#e\t", "EMPTY": ""}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	// The lines install checks the overrides against are the file's lines.
	env := e.env(`C:\ProgramData\orders\orders.env`)
	if _, origin, _ := env.Lookup("ORDERS_API_ADDR"); origin != `C:\ProgramData\orders\orders.env:4` {
		t.Errorf("origin %s", origin)
	}
	for _, bad := range []string{"NOEQUALS", "1X=2", "A B=c"} {
		if _, err := readInstallEnv("", []string{bad}); err == nil {
			t.Errorf("-env %q accepted", bad)
		}
	}
}

func TestEnvFileSDDL(t *testing.T) {
	if got := envFileSDDL(accountTrustee(`NT AUTHORITY\LocalService`)); got != "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FR;;;LS)" {
		t.Errorf("LocalService: %s", got)
	}
	if got := envFileSDDL(accountTrustee("LocalSystem")); got != "D:P(A;;FA;;;SY)(A;;FA;;;BA)" {
		t.Errorf("LocalSystem: %s", got)
	}
	if got := envFileSDDL("S-1-5-80-1"); got != "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FR;;;S-1-5-80-1)" {
		t.Errorf("a SID: %s", got)
	}
}

// The virtual account's SID as Windows derives it: sc showsid TrustedInstaller.
func TestServiceSID(t *testing.T) {
	if got := serviceSID("TrustedInstaller"); got != "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464" {
		t.Errorf("serviceSID(TrustedInstaller) = %s", got)
	}
}

func TestInstanceEnvFile(t *testing.T) {
	if runtime.GOOS != "windows" {
		if got := instanceEnvFile("orders", "blue"); got != "/etc/orders/blue.env" {
			t.Errorf("instanceEnvFile = %s", got)
		}
	}
}
