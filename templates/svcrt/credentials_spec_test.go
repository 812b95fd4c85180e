package svcrt

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/spec"
)

// TestSpecRejectsEveryCredential: a dsn or addr literal holding any
// credential of the corpus is rejected at its line, pointing to dsn_env /
// addr_env, and the message does not print it; so no credential reaches
// generated code. A literal without one is accepted.
func TestSpecRejectsEveryCredential(t *testing.T) {
	n := 0
	for _, c := range credentialCorpus() {
		var toml string
		switch c.driver {
		case credHTTP:
			continue // base_url_env only: the spec has no base URL literal
		case credRedis:
			toml = fmt.Sprintf("[service]\nname = \"orders\"\n\n[resource.cache]\nkind = \"redis\"\naddr = %s\n", strconv.Quote(c.dsn))
		default:
			toml = fmt.Sprintf("[service]\nname = \"orders\"\n\n[resource.db]\nkind = \"sql\"\ndriver = %q\ndsn = %s\n", c.driver, strconv.Quote(c.dsn))
		}
		n++
		_, err := spec.Parse("service.toml", []byte(toml))
		if err == nil {
			t.Errorf("%s: the spec accepted %q", c.name, c.dsn)
			continue
		}
		want := "service.toml:7:7: resource.db.dsn holds a password: read the DSN from the environment (dsn_env)"
		if c.driver == credRedis {
			want = "service.toml:6:8: resource.cache.addr holds a password: use addr_env"
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %q: %v; want %q", c.name, c.dsn, err, want)
		}
		if secretShows(err.Error(), c.secret) {
			t.Errorf("%s: the error prints the secret: %v", c.name, err)
		}
	}
	if n == 0 {
		t.Fatal("no case")
	}
	for _, c := range []struct{ driver, dsn string }{
		{"pgx", "postgres://orders@db.internal:5432/orders?sslmode=disable"},
		{"pgx", "host=db.internal user=orders dbname=orders"},
		{"mysql", "orders@tcp(db.internal:3306)/orders"},
		{"sqlserver", "server=db.internal;user id=orders;database=orders"},
	} {
		toml := fmt.Sprintf("[service]\nname = \"orders\"\n\n[resource.db]\nkind = \"sql\"\ndriver = %q\ndsn = %q\n", c.driver, c.dsn)
		if _, err := spec.Parse("service.toml", []byte(toml)); err != nil && strings.Contains(err.Error(), "password") {
			t.Errorf("%q without a credential: %v", c.dsn, err)
		}
	}
}
