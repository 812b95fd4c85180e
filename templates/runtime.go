package templates

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Runtime features: each selects files of svcrt/ beyond the core. A
// generated project's runtime package holds the core and the files of the
// features its spec uses, so it imports only the modules it needs, and it is
// byte-identical for every spec that selects the same features.
const (
	FeatureSQL        = "sql"         // sql resources: database/sql pools
	FeatureRedis      = "redis"       // redis resources: go-redis
	FeatureHTTPClient = "http_client" // http_client resources: retries, breaker
	FeatureMetrics    = "metrics"     // [metrics]: Prometheus on the admin listener
	FeatureGRPC       = "grpc"        // grpc resources: grpc-go server, health, reflection
)

// Features lists every feature, in the order of its constants.
var Features = []string{FeatureSQL, FeatureRedis, FeatureHTTPClient, FeatureMetrics, FeatureGRPC}

// runtimeFeature maps each non-core file of svcrt/ to the features that need
// it; a file not listed is core (logfile.go among them: a Windows service
// without [log] file logs to a rotating file of its own). pools.go and
// permanent.go serve every pool kind; secrets.go and credentials.go are
// core: the configuration's messages redact what a deployment pastes into
// a variable.
var runtimeFeature = map[string][]string{
	"pools.go":      {FeatureSQL, FeatureRedis, FeatureHTTPClient},
	"permanent.go":  {FeatureSQL, FeatureRedis, FeatureHTTPClient},
	"sql.go":        {FeatureSQL},
	"redis.go":      {FeatureRedis},
	"httpclient.go": {FeatureHTTPClient},
	"breaker.go":    {FeatureHTTPClient},
	"metrics.go":    {FeatureMetrics},
	"grpc.go":       {FeatureGRPC},
	"grpclisten.go": {FeatureGRPC},
}

// RuntimeFile is one file of the runtime package: its name in svcrt/ and its
// source as it is in this repository.
type RuntimeFile struct {
	Name   string
	Source []byte
}

// RuntimeFiles returns the runtime package's files for a set of features,
// sorted by name; test files are never part of it.
func RuntimeFiles(features []string) ([]RuntimeFile, error) {
	for _, f := range features {
		if !slices.Contains(Features, f) {
			return nil, fmt.Errorf("unknown runtime feature %q", f)
		}
	}
	names, err := fs.Glob(runtimeFS, "svcrt/*.go")
	if err != nil {
		return nil, err
	}
	var out []RuntimeFile
	for _, name := range names {
		base := path.Base(name)
		if strings.HasSuffix(base, "_test.go") {
			continue
		}
		if need, ok := runtimeFeature[base]; ok && !slices.ContainsFunc(need, func(f string) bool { return slices.Contains(features, f) }) {
			continue
		}
		src, err := runtimeFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, RuntimeFile{Name: base, Source: src})
	}
	return out, nil
}
