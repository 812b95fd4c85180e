package svcrt

import (
	"errors"
	"strings"
)

// permanentError marks a warmup failure that no retry can fix: a database
// that does not exist, a wrong password, a refused account. warmRetry gives
// up on it at once instead of retrying for the whole open timeout, so a
// misconfigured deployment fails its start in milliseconds and says why.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// permanent reports whether err is one a retry cannot fix. Each driver says
// so in its own way; a failure none of them marks is retried (a database
// that is still starting refuses connections for a while).
func permanent(err error) bool {
	var p *permanentError
	if errors.As(err, &p) {
		return true
	}
	// pgx (*pgconn.PgError): SQLSTATE class 28 is an authorization failure
	// (wrong password, no such role, no pg_hba entry), 3D000 an unknown
	// database.
	var pg interface{ SQLState() string }
	if errors.As(err, &pg) {
		code := pg.SQLState()
		return strings.HasPrefix(code, "28") || code == "3D000"
	}
	// go-mssqldb (mssql.Error): 18456 login failed, 4060 cannot open the
	// database the login asks for, 18470 the account is disabled.
	var ms interface{ SQLErrorNumber() int32 }
	if errors.As(err, &ms) {
		switch ms.SQLErrorNumber() {
		case 18456, 4060, 18470:
			return true
		}
		return false
	}
	// go-sql-driver/mysql's *MySQLError has no method for its number; its
	// message is "Error <number> (<state>): ...": 1045 access denied, 1044
	// access denied to the database, 1049 unknown database.
	msg := err.Error()
	for _, n := range []string{"Error 1045 (", "Error 1044 (", "Error 1049 ("} {
		if strings.Contains(msg, n) {
			return true
		}
	}
	return false
}
