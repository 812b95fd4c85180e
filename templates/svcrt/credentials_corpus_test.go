package svcrt

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// credCase is one connection string holding a credential: the driver that
// reads it, the secret that must never show, and a part that must (so that
// a message still says where it tried).
type credCase struct {
	name, driver, dsn, secret, host string
	// careless: the password is written raw where the syntax wants it
	// encoded; with a raw "=" too it cannot be told from a parameter.
	careless bool
}

// hostilePasswords hold every character some form treats as syntax,
// between letter pairs that no driver message or host holds, so a part of
// a password that shows is found too (see secretShows).
var hostilePasswords = []string{
	"S3cretPlain",
	"Zq@Wv/Jk:Xp",
	"Kw;Qz}Jv{Xm",
	`Qj's "Zv" \ Wk`,
	"Vq%2FJz+Wk%zz",
	"Jz Kq=Vw",
	"}}{{Qz}}",
	"Zk?Jw#Vq&Xj",
}

// The hosts of the corpus are the local servers of the tests that dial
// (see TestCredentialsRealDrivers); none is a substring of a password.
const (
	pgHost    = "127.0.0.1:5432"
	myHost    = "127.0.0.1:3306"
	msHost    = "127.0.0.1:1433"
	redisHost = "127.0.0.1:6379"
	httpHost  = "127.0.0.1:1"
)

// pgQuote is a pgx keyword/value value in single quotes.
func pgQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// pgBare is a pgx keyword/value value without quotes.
func pgBare(s string) string {
	return strings.NewReplacer(`\`, `\\`, " ", `\ `, `'`, `\'`).Replace(s)
}

// credentialCorpus is every credential syntax of every driver, with each
// hostile password, as written properly and as written carelessly (raw
// characters a parser reads as syntax, a port that does not parse, an
// unterminated quote): the careless forms are the ones a driver's parse
// error echoes.
func credentialCorpus() []credCase {
	var out []credCase
	seen := map[string]bool{}
	for _, pw := range hostilePasswords {
		for _, c := range credentialSyntaxes(pw) {
			if !seen[c.dsn] { // a password without special characters reads the same in two forms
				seen[c.dsn] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// credentialSyntaxes writes pw in every credential syntax of every driver.
func credentialSyntaxes(pw string) []credCase {
	var out []credCase
	add := func(name, driver, dsn, secret, host string) {
		out = append(out, credCase{name + " " + strconv.Quote(secret), driver, dsn, secret, host, strings.Contains(name, "raw")})
	}
	{
		q := url.QueryEscape(pw)
		u := url.UserPassword("app", pw).String() // user:password as net/url escapes it
		// pgx, URL form.
		add("pgx url", "pgx", "postgres://"+u+"@"+pgHost+"/app?sslmode=disable", pw, pgHost)
		add("pgx url postgresql", "pgx", "postgresql://"+u+"@"+pgHost, pw, pgHost)
		add("pgx url password param", "pgx", "postgres://"+pgHost+"/app?sslmode=disable&password="+q, pw, pgHost)
		add("pgx url sslpassword", "pgx", "postgres://app@"+pgHost+"/app?sslmode=disable&sslpassword="+q, pw, pgHost)
		add("pgx url raw password", "pgx", "postgres://app:"+pw+"@"+pgHost+"/app", pw, pgHost)
		add("pgx url bad port", "pgx", "postgres://"+u+"@127.0.0.1:notaport/app", pw, "127.0.0.1")
		// pgx, keyword/value form.
		add("pgx kv quoted", "pgx", "host=127.0.0.1 port=5432 user=app password="+pgQuote(pw)+" dbname=app", pw, "127.0.0.1")
		add("pgx kv bare", "pgx", "host=127.0.0.1 password="+pgBare(pw)+" dbname=app", pw, "127.0.0.1")
		add("pgx kv spaces around =", "pgx", "host=127.0.0.1 password = "+pgQuote(pw)+" port=notaport", pw, "127.0.0.1")
		add("pgx kv sslpassword", "pgx", "host=127.0.0.1 user=app sslpassword="+pgQuote(pw)+" sslmode=disable", pw, "127.0.0.1")
		add("pgx kv quoted bad port", "pgx", "host=127.0.0.1 password="+pgQuote(pw)+" port=notaport", pw, "127.0.0.1")
		add("pgx kv unterminated quote", "pgx", "host=127.0.0.1 password='"+strings.ReplaceAll(pw, "'", `\'`)+" dbname=app", pw, "127.0.0.1")
		// go-sql-driver/mysql.
		add("mysql tcp", "mysql", "app:"+pw+"@tcp("+myHost+")/app?parseTime=true", pw, myHost)
		add("mysql unix", "mysql", "app:"+pw+"@unix(/run/mysqld/mysqld.sock)/app", pw, "/run/mysqld/mysqld.sock")
		add("mysql no database", "mysql", "app:"+pw+"@tcp("+myHost+")", pw, myHost)
		add("mysql bad param", "mysql", "app:"+pw+"@tcp("+myHost+")/app?parseTime=maybe", pw, myHost)
		// microsoft/go-mssqldb.
		add("sqlserver url", "sqlserver", "sqlserver://"+strings.Replace(u, "app", "sa", 1)+"@"+msHost+"?database=app", pw, msHost)
		add("sqlserver url password param", "sqlserver", "sqlserver://sa@"+msHost+"?database=app&password="+q, pw, msHost)
		add("sqlserver url raw password", "sqlserver", "sqlserver://sa:"+pw+"@"+msHost+"?database=app", pw, msHost)
		add("sqlserver ado quoted", "sqlserver", `server=127.0.0.1;port=1433;user id=sa;password="`+strings.ReplaceAll(pw, `"`, `""`)+`";database=app`, pw, "127.0.0.1")
		add("sqlserver ado braces", "sqlserver", "server=127.0.0.1;user id=sa;password={"+strings.ReplaceAll(pw, "}", "}}")+"};database=app", pw, "127.0.0.1")
		add("sqlserver ado change password", "sqlserver", `server=127.0.0.1;user id=sa;password=x;change password="`+strings.ReplaceAll(pw, `"`, `""`)+`"`, pw, "127.0.0.1")
		add("sqlserver odbc", "sqlserver", "odbc:server=127.0.0.1;user id=sa;pwd={"+strings.ReplaceAll(pw, "}", "}}")+"};database=app", pw, "127.0.0.1")
		add("sqlserver odbc unterminated brace", "sqlserver", "odbc:server=127.0.0.1;user id=sa;password={"+pw, pw, "127.0.0.1")
		if !strings.ContainsAny(pw, `;"`) && strings.TrimSpace(pw) == pw { // the driver trims a bare value
			add("sqlserver ado bare pwd", "sqlserver", "server=127.0.0.1;user id=sa;pwd="+pw+";database=app", pw, "127.0.0.1")
		}
		// go-redis.
		add("redis url", credRedis, "redis://:"+q+"@"+redisHost+"/0", pw, redisHost)
		add("redis url user", credRedis, "redis://"+u+"@"+redisHost+"/0", pw, redisHost)
		add("rediss url", credRedis, "rediss://"+u+"@"+redisHost, pw, redisHost)
		add("redis url raw password", credRedis, "redis://:"+pw+"@"+redisHost+"/0", pw, redisHost)
		add("redis url bad port", credRedis, "redis://:"+q+"@127.0.0.1:notaport/0", pw, "127.0.0.1")
		add("redis unix", credRedis, "unix://"+u+"@/run/redis/redis.sock?db=0", pw, "/run/redis/redis.sock")
		// HTTP base URLs.
		add("http userinfo", credHTTP, "http://"+u+"@"+httpHost+"/v1", pw, httpHost)
		add("http token", credHTTP, "http://"+httpHost+"/v1?token="+q, pw, httpHost)
		add("http api_key", credHTTP, "http://"+httpHost+"/v1?region=eu&api_key="+q+"&x=1", pw, httpHost)
		add("http raw userinfo", credHTTP, "http://app:"+pw+"@"+httpHost+"/v1", pw, httpHost)
	}
	return out
}

// secretShows reports whether text holds secret, any of its escaped forms
// (%q, JSON, URL encoding), or any run of two or more letters and digits
// of it: a driver that masks what it reads as the password may leave the
// rest of the password as the user meant it.
func secretShows(text, secret string) bool {
	q := strconv.Quote(secret)
	j, _ := json.Marshal(secret)
	for _, f := range []string{secret, q[1 : len(q)-1], string(j[1 : len(j)-1]), url.QueryEscape(secret), url.PathEscape(secret)} {
		if strings.Contains(text, f) {
			return true
		}
	}
	for _, run := range strings.FieldsFunc(secret, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(run) >= 2 && strings.Contains(text, run) {
			return true
		}
	}
	return false
}
