package svcrt

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hostileLogValues try to end a record and start a forged one, or to forge
// an attribute, in the text and JSON syntaxes.
var hostileLogValues = []string{
	"PWNED\ntime=2026-01-01T00:00:00Z level=ERROR msg=forged",
	"PWNED\r\nlevel=ERROR msg=forged",
	"PWNED resource=forged",
	`PWNED" forged="1`,
	"PWNED\u2028level=ERROR",
	`PWNED\" forged=\"`,
	"PWNED=forged",
	`PWNED {"level":"ERROR","msg":"forged"}`,
}

// parseTextRecord splits one line of the text log's syntax into its
// attributes: key=value, a value quoted as a Go string when it needs it.
func parseTextRecord(t *testing.T, line string) map[string]string {
	t.Helper()
	attrs := map[string]string{}
	for line != "" {
		eq := strings.IndexByte(line, '=')
		if eq <= 0 || strings.ContainsAny(line[:eq], " \"") {
			t.Fatalf("not key=value at %q", line)
		}
		key := line[:eq]
		line = line[eq+1:]
		var val string
		if strings.HasPrefix(line, `"`) {
			q, err := strconv.QuotedPrefix(line)
			if err != nil {
				t.Fatalf("bad quoted value at %q: %v", line, err)
			}
			val, _ = strconv.Unquote(q)
			line = line[len(q):]
		} else {
			val, line, _ = strings.Cut(line, " ")
		}
		if _, dup := attrs[key]; dup {
			t.Fatalf("key %s twice in the record", key)
		}
		attrs[key] = val
		line = strings.TrimPrefix(line, " ")
	}
	return attrs
}

// TestRecordTextKeepsValues: an error record copied to the event log is one
// line whose attributes are exactly the record's, each value as it was,
// whatever the message or a value holds.
func TestRecordTextKeepsValues(t *testing.T) {
	for _, v := range hostileLogValues {
		rt := newRecordText().withAttrs([]slog.Attr{slog.String("resource", v)}).withGroup("g")
		r := slog.NewRecord(time.Now(), slog.LevelError, v, 0)
		r.AddAttrs(slog.String("err", v), slog.Any("e2", errString(v)))
		line := rt.format(r)
		if strings.ContainsAny(line, "\n\r\u2028") {
			t.Errorf("%q: the event text spans lines: %q", v, line)
		}
		got := parseTextRecord(t, line)
		want := map[string]string{"msg": v, "resource": v, "g.err": v, "g.e2": v}
		if !maps.Equal(got, want) {
			t.Errorf("%q: attributes\n got %q\nwant %q", v, got, want)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// TestLogRecordsStayWhole: a message or value of the service's log, in
// either format, cannot end its record and forge another: each record is
// one line, its attributes exactly the logged ones.
func TestLogRecordsStayWhole(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		for _, v := range hostileLogValues {
			var buf bytes.Buffer
			slog.New(logHandler(LogConfig{Format: format, Level: slog.LevelInfo}, &buf)).With("resource", v).Error(v, "err", errString(v))
			out := strings.TrimSuffix(buf.String(), "\n")
			if strings.Contains(out, "\n") {
				t.Errorf("%s %q: a record spans lines:\n%s", format, v, out)
				continue
			}
			got := map[string]string{}
			if format == "json" {
				var rec map[string]any
				if err := json.Unmarshal([]byte(out), &rec); err != nil {
					t.Fatalf("%q: %v", v, err)
				}
				for k, x := range rec {
					got[k], _ = x.(string)
				}
			} else {
				got = parseTextRecord(t, out)
			}
			keys := slices.Sorted(maps.Keys(got))
			if !slices.Equal(keys, []string{"err", "level", "msg", "resource", "time"}) {
				t.Errorf("%s %q: keys %q", format, v, keys)
			}
			for _, k := range []string{"msg", "resource", "err"} {
				if got[k] != v {
					t.Errorf("%s: %s = %q, want %q", format, k, got[k], v)
				}
			}
		}
	}
}
