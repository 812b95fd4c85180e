package spec

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// The largest number or duration a key may hold is what every consumer of
// the value can hold: the Go constants and sums of generated code, the
// runtime, systemd, the SCM and Kubernetes. A value past it would validate
// and then fail to compile, wrap around, or crash at start; it is rejected
// at its line instead.
const (
	// MaxInt bounds every integer key: an int of a 32-bit build
	// (windows/386, linux/arm) and Kubernetes' int32 fields.
	MaxInt = math.MaxInt32
	// MaxDuration bounds every duration key (about 11 years). Generated
	// code and the runtime add a few budgets, margins and deadlines from
	// now; with each term at most this, no sum leaves time.Duration's
	// range of 292 years.
	MaxDuration = 100000 * time.Hour
	// MaxSCMDuration bounds durations the Windows SCM holds as a 32-bit
	// count of milliseconds (at most 49.7 days): the preshutdown timeout,
	// recovery delays, and the start and stop budgets, which become its
	// wait hints.
	MaxSCMDuration = 1000 * time.Hour
	// MaxConnections bounds a pool's connections: every connection to one
	// address needs a local port of its own (16384 in Windows' default
	// dynamic range, 28232 in Linux's), and go-redis allocates the pool's
	// queue up front (3000000000 panics at start).
	MaxConnections = 16384
	// MaxGOMAXPROCS is the most CPUs a Linux kernel build supports
	// (NR_CPUS). The runtime allocates every P at start: 65536 take a
	// gigabyte and seconds, 3000000000 crash it.
	MaxGOMAXPROCS = 8192
)

// intLimit is the largest value of one integer key, and the consumer
// that sets it.
type intLimit struct {
	max int
	why string
}

// durationLimit is the largest value of one duration key, the unit its
// consumer counts in (0: nanoseconds), and that consumer.
type durationLimit struct {
	max  time.Duration
	unit time.Duration
	why  string
}

var (
	connections = intLimit{MaxConnections, "connections one pool may open to one address (each needs a local port of its own)"}
	scmMillis   = durationLimit{MaxSCMDuration, time.Millisecond, "the SCM counts it in milliseconds in 32 bits"}
	unitMillis  = durationLimit{MaxDuration, time.Millisecond, "the systemd unit states it in milliseconds"}
)

// intLimits are the integer keys bounded below MaxInt, by limitKey.
var intLimits = map[string]intLimit{
	"runtime.gomaxprocs":           {MaxGOMAXPROCS, "CPUs a Linux kernel supports (NR_CPUS); the runtime allocates each P at start"},
	"resource.*.max_open":          connections,
	"resource.*.max_idle":          connections,
	"resource.*.warm":              connections,
	"resource.*.pool_size":         connections,
	"resource.*.min_idle":          connections,
	"resource.*.max_idle_per_host": connections,
}

// durationLimits are the duration keys bounded below MaxDuration or
// counted in a coarser unit, by limitKey.
var durationLimits = map[string]durationLimit{
	"timeouts.start":           {MaxSCMDuration, 0, "the SCM's wait hint counts it in milliseconds in 32 bits"},
	"timeouts.stop":            {MaxSCMDuration, 0, "the SCM's wait hint counts it in milliseconds in 32 bits"},
	"windows.preshutdown":      scmMillis,
	"windows.recovery.*.delay": scmMillis,
	"systemd.watchdog":         unitMillis,
	"systemd.restart_sec":      unitMillis,
}

// limitKey is the key of a path in intLimits and durationLimits: resource
// names and array indexes become "*".
func limitKey(path []string) string {
	p := append([]string(nil), path...)
	for i := range p {
		if _, err := strconv.Atoi(p[i]); err == nil || i == 1 && p[0] == "resource" {
			p[i] = "*"
		}
	}
	return strings.Join(p, ".")
}

func intLimitOf(path []string) intLimit {
	if l, ok := intLimits[limitKey(path)]; ok {
		return l
	}
	return intLimit{MaxInt, "an int of a 32-bit build (windows/386) holds"}
}

func durationLimitOf(path []string) durationLimit {
	if l, ok := durationLimits[limitKey(path)]; ok {
		return l
	}
	return durationLimit{MaxDuration, 0, "generated code adds budgets and deadlines, which must stay within time.Duration"}
}

// IntLimit is the largest value the integer key at path accepts
// (IntLimit("resource", "cache", "pool_size")).
func IntLimit(path ...string) int { return intLimitOf(path).max }

// DurationLimit is the largest value the duration key at path accepts,
// and the unit it must be a whole number of (0: any).
func DurationLimit(path ...string) (max, unit time.Duration) {
	l := durationLimitOf(path)
	return l.max, l.unit
}

// checkInt reports an integer past its key's limit.
func (d *decoder) checkInt(path []string, n int64) bool {
	l := intLimitOf(path)
	if n <= int64(l.max) {
		return true
	}
	d.errorf(d.valPos(path...), "%s = %d is more than %d, the most %s", dotted(path), n, l.max, l.why)
	return false
}

// checkDuration reports a duration past its key's limit or not a whole
// number of the unit its consumer counts in.
func (d *decoder) checkDuration(path []string, v time.Duration) bool {
	l := durationLimitOf(path)
	switch {
	case v > l.max:
		d.errorf(d.valPos(path...), "%s (%s) is longer than %s: %s", dotted(path), fmtDur(v), fmtDur(l.max), l.why)
		return false
	case l.unit > 0 && v%l.unit != 0:
		d.errorf(d.valPos(path...), "%s (%s) must be a whole number of %s: %s", dotted(path), fmtDur(v), unitName(l.unit), l.why)
		return false
	}
	return true
}

func unitName(u time.Duration) string {
	if u == time.Second {
		return "seconds"
	}
	return "milliseconds"
}
