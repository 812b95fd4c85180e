package svcrt

// This file is the one description of where a connection string holds a
// credential. The runtime redacts what it finds from every message; the spec
// checker (spec/credentials.go, a generated copy of this file) rejects a
// literal that holds one, so no credential is written into generated code.
// It needs nothing but the standard library for that reason.

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Driver names of credentialForms beyond the database/sql ones (pgx, mysql,
// sqlserver): the redis address and the base URL of an http_client.
const (
	credRedis = "redis"
	credHTTP  = "http"
)

// credentialKeys are the parameter names whose value is a credential, lower
// case: pgx (password, sslpassword), go-mssqldb's ADO, ODBC and URL forms
// (password, pwd, "change password"), and the query strings of HTTP URLs
// (tokens, API keys, signatures).
var credentialKeys = map[string]bool{
	"password": true, "sslpassword": true, "pwd": true, "passwd": true, "pass": true,
	"change password": true,
	"token":           true, "access_token": true, "refresh_token": true, "id_token": true, "auth_token": true,
	"api_key": true, "api-key": true, "apikey": true, "key": true, "secret": true, "client_secret": true,
	"auth": true, "authorization": true, "sig": true, "signature": true, "x-amz-signature": true,
	"x-amz-credential": true, "x-amz-security-token": true, "x-goog-signature": true, "x-goog-credential": true,
}

// isCredentialKey reports whether a parameter name (as written, maybe
// percent-encoded) names a credential.
func isCredentialKey(raw string) bool {
	k := strings.ToLower(strings.TrimSpace(raw))
	if d, err := url.QueryUnescape(k); err == nil {
		k = d
	}
	return credentialKeys[k]
}

// urlScheme is the scheme:// prefix of a URL-form connection string.
var urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

// credentialForms returns every credential in dsn, read the way driver reads
// it, as written, decoded and escaped as a message may quote it. driver is a
// database/sql driver name (pgx, mysql, sqlserver), credRedis or credHTTP;
// any other name reads dsn every way. Where a malformed string leaves the
// boundary of a credential unsure (a raw "/" or "@" in a password), the
// reading that covers more is taken too: a driver's parse error echoes the
// string as it is, and the password as the user meant it must not show.
func credentialForms(driver, dsn string) []string {
	var raw []string
	isURL := urlScheme.MatchString(dsn)
	switch driver {
	case "pgx":
		if isURL {
			raw = urlCredentials(dsn)
		} else {
			raw = keywordValueCredentials(dsn)
		}
	case "mysql":
		raw = mysqlCredentials(dsn)
	case "sqlserver":
		switch {
		case isURL:
			raw = urlCredentials(dsn)
		case hasPrefixFold(dsn, "odbc:"):
			raw = odbcCredentials(dsn[len("odbc:"):])
		default:
			// ADO as the driver splits it, and braces read the ODBC way:
			// a braced value in ADO form is what the user meant.
			raw = append(adoCredentials(dsn), odbcCredentials(dsn)...)
		}
	case credRedis, credHTTP:
		if isURL {
			raw = urlCredentials(dsn)
		}
	default:
		// The form tells the syntax: a URL, ODBC, key=value pairs (a first
		// key without ":" or "@"), or else mysql's user:password@.
		eq := strings.IndexByte(dsn, '=')
		switch {
		case isURL:
			raw = urlCredentials(dsn)
		case hasPrefixFold(dsn, "odbc:"):
			raw = odbcCredentials(dsn[len("odbc:"):])
		case eq >= 0 && !strings.ContainsAny(dsn[:eq], ":@"):
			raw = slices.Concat(keywordValueCredentials(dsn), adoCredentials(dsn), odbcCredentials(dsn))
		default:
			raw = mysqlCredentials(dsn)
		}
	}
	return escapedForms(raw)
}

// escapedForms returns each credential of raw as it is and as a message
// may quote it, longest first.
func escapedForms(raw []string) []string {
	var out []string
	for _, s := range raw {
		if s == "" {
			continue
		}
		out = append(out, s)
		// Quoted by %q or a JSON encoder, the credential shows escaped.
		if q := strconv.Quote(s); q[1:len(q)-1] != s {
			out = append(out, q[1:len(q)-1])
		}
		if e := url.QueryEscape(s); e != s {
			out = append(out, e)
		}
	}
	return longestFirst(out)
}

// longestFirst sorts forms longest first, so that a credential holding
// another is replaced whole, and drops duplicates.
func longestFirst(forms []string) []string {
	slices.SortFunc(forms, func(a, b string) int {
		if d := len(b) - len(a); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return slices.Compact(forms)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// urlCredentials reads scheme://user:password@host/path?query. The userinfo
// ends at the last "@" of the authority for net/url (go-redis, go-mssqldb,
// net/http), at the first "@" before any "/" for pgx (libpq's rule), and,
// at the last "@" of the whole string unless a query parameter comes before
// it (a raw "/", "?", "#" or "@" in the password, which no parser reads as
// the user meant). Query values under a credential key
// count too: pgx's password and sslpassword, go-mssqldb's, HTTP tokens.
func urlCredentials(s string) []string {
	rest := s[strings.Index(s, "://")+3:]
	var out []string
	var ends []int
	authority := len(rest)
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = i
	}
	if at := strings.LastIndexByte(rest[:authority], '@'); at >= 0 {
		ends = append(ends, at)
	}
	if i := strings.IndexAny(rest, "@/"); i >= 0 && rest[i] == '@' {
		ends = append(ends, i)
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 && !strings.Contains(rest[:at], "=") {
		ends = append(ends, at)
	}
	after := 0
	for _, end := range ends {
		if _, pw, ok := strings.Cut(rest[:end], ":"); ok {
			out = append(out, decodedForms(pw)...)
			if _, err := url.PathUnescape(pw); err != nil || strings.ContainsAny(pw, "@/?#&") {
				// Raw syntax in the password: parsers split it into host,
				// port and path, and quote the pieces.
				out = append(out, pieces(pw)...)
			}
		}
		after = max(after, end+1)
	}
	if q := strings.IndexByte(rest[after:], '?'); q >= 0 {
		query, _, _ := strings.Cut(rest[after+q+1:], "#")
		for pair := range strings.SplitSeq(query, "&") {
			if k, v, ok := strings.Cut(pair, "="); ok && isCredentialKey(k) {
				out = append(out, decodedForms(v)...)
			}
		}
	}
	return out
}

// decodedForms is a URL component as written and percent-decoded (path and
// query rules differ on "+").
func decodedForms(v string) []string {
	out := []string{v}
	if d, err := url.PathUnescape(v); err == nil && d != v {
		out = append(out, d)
	}
	if d, err := url.QueryUnescape(v); err == nil && d != v {
		out = append(out, d)
	}
	return out
}

// keywordValueCredentials reads pgx's keyword/value form (libpq's rules):
// key = value pairs separated by white space; a value is bare up to white
// space, or in single quotes; a backslash escapes the next character in
// both. An unterminated quote runs to the end (the parse error echoes it).
func keywordValueCredentials(s string) []string {
	var out []string
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			return out
		}
		key := strings.TrimSpace(s[:eq])
		if i := strings.LastIndexFunc(key, unicode.IsSpace); i >= 0 {
			// "a b=c": libpq fails at "a"; "b" is the key that follows.
			key = key[i+1:]
		}
		s = strings.TrimLeftFunc(s[eq+1:], unicode.IsSpace)
		end, quoted := 0, strings.HasPrefix(s, "'")
		if quoted {
			end = 1
		}
		for ; end < len(s); end++ {
			c := s[end]
			if c == '\\' {
				end++
				continue
			}
			if quoted && c == '\'' {
				end++
				break
			}
			if !quoted && unicode.IsSpace(rune(c)) {
				break
			}
		}
		end = min(end, len(s))
		if isCredentialKey(key) {
			written := s[:end]
			inner := written
			if quoted {
				inner = strings.TrimSuffix(written[1:], "'")
			}
			out = append(out, written, inner, unescapeBackslashes(inner))
			if strings.ContainsAny(inner, "'\\ \t\n\r\v\f") {
				// pgx masks what it echoes of a password up to the first
				// quote or space (password='[^']*', password=[^ ]*): the
				// rest of it shows.
				out = append(out, pieces(inner)...)
			}
		}
		s = s[end:]
	}
}

// pieces are the runs of letters and digits of a credential a parser may
// cut apart: each may show on its own (as a host, a port, the rest of a
// masked value).
func pieces(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(p) >= 2 {
			out = append(out, p)
		}
	}
	return out
}

func unescapeBackslashes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// mysqlCredentials reads go-sql-driver/mysql's
// [user[:password]@][net[(addr)]]/dbname[?params]: the password runs from
// the first ":" to the last "@" before the last "/", so it may hold "@",
// "/" and ":". A password with a "/" and no database after the address
// moves the last "/" into the password: the last "@" of the string, when
// no parameter comes before it, is read as the end of the password too.
func mysqlCredentials(s string) []string {
	var out []string
	ats := []int{strings.LastIndexByte(s[:max(strings.LastIndexByte(s, '/'), 0)], '@')}
	if at := strings.LastIndexByte(s, '@'); at >= 0 && !strings.Contains(s[at:], "/") {
		// Not an "@" in the parameters (after "/dbname?").
		if slash := strings.LastIndexByte(s[:at], '/'); slash < 0 || !strings.Contains(s[slash:at], "?") {
			ats = append(ats, at)
		}
	}
	for i, at := range ats {
		if at < 0 {
			continue
		}
		user, pw, ok := strings.Cut(s[:at], ":")
		if ok && !strings.ContainsAny(user, "=;") {
			out = append(out, pw)
			if i > 0 && at != ats[0] {
				// The driver reads part of it as the address or database,
				// and quotes that.
				out = append(out, pieces(pw)...)
			}
		}
	}
	return out
}

// adoCredentials reads go-mssqldb's ADO form: ";"-separated key=value
// pairs, a value in double quotes may hold ";" and doubles a quote inside;
// keys are case-insensitive and trimmed.
func adoCredentials(s string) []string {
	var out []string
	var part strings.Builder
	inQuotes := false
	flush := func() {
		k, v, ok := strings.Cut(part.String(), "=")
		part.Reset()
		if !ok || !isCredentialKey(k) {
			return
		}
		v = strings.TrimSpace(v)
		out = append(out, v)
		if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
			inner := v[1 : len(v)-1]
			out = append(out, inner, strings.ReplaceAll(inner, `""`, `"`), strings.ReplaceAll(inner, `''`, `'`))
		}
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' && inQuotes && i+1 < len(s) && s[i+1] == '"':
			part.WriteString(`""`)
			i++
		case c == '"':
			inQuotes = !inQuotes
			part.WriteByte(c)
		case c == ';' && !inQuotes:
			flush()
		default:
			part.WriteByte(c)
		}
	}
	flush()
	return out
}

// odbcCredentials reads go-mssqldb's ODBC form (after "odbc:"):
// ";"-separated key=value pairs, a value bare up to ";" or in braces, where
// "}}" is a literal "}". An unterminated brace runs to the end.
func odbcCredentials(s string) []string {
	var out []string
	for len(s) > 0 {
		s = strings.TrimLeftFunc(s, func(r rune) bool { return r == ';' || unicode.IsSpace(r) })
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			return out
		}
		key := s[:eq]
		if i := strings.LastIndexByte(key, ';'); i >= 0 {
			key = key[i+1:]
		}
		s = strings.TrimLeftFunc(s[eq+1:], unicode.IsSpace)
		var written, value string
		if strings.HasPrefix(s, "{") {
			end := 1
			for end < len(s) {
				if s[end] == '}' {
					if end+1 < len(s) && s[end+1] == '}' {
						end += 2
						continue
					}
					end++
					break
				}
				end++
			}
			if rest := strings.TrimLeftFunc(s[end:], unicode.IsSpace); rest != "" && rest[0] != ';' {
				// A "}" the user did not double ends the value early and
				// the driver fails at what follows: the value is meant to
				// run on, as far as the end.
				out = append(out, pieces(s)...)
				end = len(s)
			}
			written = s[:end]
			value = strings.ReplaceAll(strings.TrimSuffix(written[1:], "}"), "}}", "}")
			s = s[end:]
		} else {
			end := strings.IndexByte(s, ';')
			if end < 0 {
				end = len(s)
			}
			written = s[:end]
			value = strings.TrimRightFunc(written, unicode.IsSpace)
			s = s[end:]
		}
		if isCredentialKey(key) {
			out = append(out, written, value)
		}
	}
	return out
}
