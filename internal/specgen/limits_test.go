package specgen

import (
	"reflect"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/spec"
)

// TestLimitsAppear checks that the specs reach the largest value spec
// accepts for every number and duration bounded only by its consumers, so
// the property test builds the largest accepted values.
func TestLimitsAppear(t *testing.T) {
	reached := map[string]bool{}
	for seed := uint64(0); seed < specs; seed++ {
		s, err := spec.Parse("service.toml", Spec(seed))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		atLimits(reflect.ValueOf(s).Elem(), nil, reached)
		for _, r := range s.Resources {
			atLimits(reflect.ValueOf(r).Elem(), []string{"resource", "*"}, reached)
		}
	}
	want := []string{
		"timeouts.start", "timeouts.stop", "windows.preshutdown", "windows.recovery.*.delay",
		"windows.recovery_reset", "systemd.restart_sec", "systemd.watchdog", "runtime.gomaxprocs",
		"runtime.gc_percent", "log.max_size_mb", "log.max_age", "log.max_backups", "watchdog.interval",
		"watchdog.failures", "kubernetes.replicas", "resource.*.max_header_bytes", "resource.*.idle_timeout",
		"resource.*.max_open", "resource.*.conn_max_lifetime", "resource.*.db", "resource.*.pool_size",
		"resource.*.warm", "resource.*.max_idle_per_host", "resource.*.retries", "resource.*.retry_max",
		"resource.*.breaker_failures", "resource.*.breaker_cooldown",
	}
	for _, k := range want {
		if !reached[k] {
			t.Errorf("no spec sets %s to its limit", k)
		}
	}
}

var durationType = reflect.TypeOf(spec.Duration{})

// atLimits records the keys of the struct v (at path) that hold their
// largest accepted value.
func atLimits(v reflect.Value, path []string, reached map[string]bool) {
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if key == "" || key == "-" {
			continue
		}
		p := append(append([]string(nil), path...), key)
		fv := v.Field(i)
		if fv.Kind() == reflect.Pointer && !fv.IsNil() {
			fv = fv.Elem()
		}
		switch {
		case fv.Type() == durationType:
			top, _ := spec.DurationLimit(p...)
			if d := fv.Interface().(spec.Duration); d.Set && d.Duration == top {
				reached[strings.Join(p, ".")] = true
			}
		case fv.Kind() == reflect.Int:
			if int(fv.Int()) == spec.IntLimit(p...) {
				reached[strings.Join(p, ".")] = true
			}
		case fv.Kind() == reflect.Struct:
			atLimits(fv, p, reached)
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Struct:
			for j := 0; j < fv.Len(); j++ {
				atLimits(fv.Index(j), append(p, "*"), reached)
			}
		}
	}
}
