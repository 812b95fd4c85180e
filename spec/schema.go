package spec

import (
	"reflect"
	"strings"
)

// field is one key of a spec table, found from the struct's toml tag.
type field struct {
	key   string
	index int
	typ   reflect.Type
}

// fieldsOf lists the keys of a table struct in declaration order.
func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("toml")
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		out = append(out, field{key: tag, index: i, typ: f.Type})
	}
	return out
}

func keysOf(fields []field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.key
	}
	return out
}

// commonKeys belong to resources of every kind.
var commonKeys = []string{"kind", "depends_on", "critical", "open_timeout", "close_timeout", "fixed"}

// kindKeys are the keys each resource kind accepts besides commonKeys.
var kindKeys = map[string][]string{
	KindHTTP: {"addr", "handler", "read_header_timeout", "read_timeout", "write_timeout",
		"idle_timeout", "max_header_bytes", "tls_cert_file", "tls_key_file", "port_env"},
	KindGRPC: {"addr", "register", "tls_cert_file", "tls_key_file", "max_recv_msg_size",
		"max_send_msg_size", "max_concurrent_streams", "keepalive_min_time",
		"keepalive_permit_without_stream", "keepalive_time", "keepalive_timeout",
		"max_connection_age", "max_connection_age_grace", "reflection"},
	KindSQL: {"driver", "dsn", "dsn_env", "dsn_file", "max_open", "max_idle", "warm",
		"conn_max_lifetime", "conn_max_idle_time", "ping_timeout", "warm_query", "on_failure"},
	KindRedis: {"addr", "addr_env", "password_env", "optional_env", "db", "pool_size", "min_idle", "warm",
		"dial_timeout", "read_timeout", "write_timeout", "on_failure"},
	KindHTTPClient: {"base_url_env", "warm", "warm_path", "max_idle_per_host", "idle_conn_timeout",
		"tls_handshake_timeout", "request_timeout", "retries", "retry_base", "retry_max",
		"breaker_failures", "breaker_cooldown", "on_failure"},
	KindWorker: {"run"},
	KindCustom: {"open", "close", "type", "check", "on_failure"},
}

// keysForKind lists every key a resource of kind accepts.
func keysForKind(kind string) []string {
	return append(append([]string(nil), commonKeys...), kindKeys[kind]...)
}

func isKind(kind string) bool {
	_, ok := kindKeys[kind]
	return ok
}

// kindAliases catch what people often write for a kind.
var kindAliases = map[string]string{
	"postgres": KindSQL, "postgresql": KindSQL, "pgx": KindSQL, "mysql": KindSQL,
	"sqlserver": KindSQL, "mssql": KindSQL, "database": KindSQL, "db": KindSQL,
	"server": KindHTTP, "http_server": KindHTTP, "https": KindHTTP, "listener": KindHTTP,
	"client": KindHTTPClient, "httpclient": KindHTTPClient, "http-client": KindHTTPClient,
	"rpc": KindGRPC, "grpc_server": KindGRPC, "grpcs": KindGRPC, "protobuf": KindGRPC,
	"cache": KindRedis, "valkey": KindRedis, "job": KindWorker, "loop": KindWorker,
}

// Drivers are the sql drivers svcgen wires, by the spec's driver value.
var Drivers = []string{"pgx", "mysql", "sqlserver"}

var driverAliases = map[string]string{
	"postgres": "pgx", "postgresql": "pgx", "pq": "pgx", "pg": "pgx",
	"mariadb": "mysql", "mssql": "sqlserver", "azuresql": "sqlserver",
}

// article returns "a" or "an" for a kind name as it is read aloud.
func article(kind string) string {
	if strings.HasPrefix(kind, "http") {
		return "an"
	}
	return "a"
}
