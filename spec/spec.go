package spec

import (
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Has reports whether the spec file wrote the key path itself (as opposed
// to the value coming from a default).
func (s *Spec) Has(path ...string) bool { return s.given[pathKey(path)] }

// Resource returns the resource named name, or nil.
func (s *Spec) Resource(name string) *Resource {
	for _, r := range s.Resources {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// ServiceAccount is the account name for the SCM (mgr.Config
// ServiceStartName): built-in accounts are spelled the way CreateService
// wants them, "virtual" becomes NT SERVICE\<service name>.
func (s *Spec) ServiceAccount() string {
	switch s.Windows.Account {
	case "LocalSystem":
		return "LocalSystem"
	case "LocalService":
		return `NT AUTHORITY\LocalService`
	case "NetworkService":
		return `NT AUTHORITY\NetworkService`
	case "virtual":
		return `NT SERVICE\` + s.Service.Name
	}
	return s.Windows.Account
}

// ClosePhase is the part of the stop budget left for step 4 (workers
// cancelled, resources closed) once drain_delay, drain and the critical
// reserve are taken out. When positive it is the default close_timeout of
// a resource; both evaluate closePhase of formulas.go.
func (t Timeouts) ClosePhase() time.Duration {
	v := reflect.ValueOf(t)
	return time.Duration(closePhase.Eval(func(k Ref) int64 {
		return slotValue(keyField(v, strings.TrimPrefix(string(k), "timeouts.")))
	}))
}

// MemoryLimitBytes is runtime.memory_limit in bytes, 0 when unset.
func (r Runtime) MemoryLimitBytes() int64 {
	n, _ := parseMemoryLimit(r.MemoryLimit)
	return n
}

// parseMemoryLimit reads GOMEMLIMIT syntax: an integer with an optional
// unit B, KiB, MiB, GiB or TiB.
func parseMemoryLimit(s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	units := []struct {
		suffix string
		shift  uint
	}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0}}
	num, shift := s, uint(0)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			num, shift = strings.TrimSuffix(s, u.suffix), u.shift
			break
		}
	}
	if num == "" || strings.TrimLeft(num, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n > (1<<63-1)>>shift {
		return 0, false
	}
	return n << shift, true
}

// GoName is the resource's name as an exported Go name (see GoName).
func (r *Resource) GoName() string { return GoName(r.Name) }

// GoLocal is the resource's name as an unexported Go name (see GoLocal).
func (r *Resource) GoLocal() string { return GoLocal(r.Name) }

// ProvidesValue reports whether dependents receive a value of this
// resource (*sql.DB, *redis.Client, the typed client, *Type); http and
// worker resources only order the start.
func (r *Resource) ProvidesValue() bool {
	switch r.Kind {
	case KindSQL, KindRedis, KindHTTPClient, KindCustom:
		return true
	}
	return false
}
