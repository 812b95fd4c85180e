package svcrt

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// A duration in a JSON record is text ("8ms"), as in the text format.
func TestLogDurations(t *testing.T) {
	for _, format := range []string{"json", "text"} {
		var buf bytes.Buffer
		slog.New(logHandler(LogConfig{Format: format, Level: slog.LevelInfo}, &buf)).Info("ready", "took", 8*time.Millisecond)
		if format == "json" {
			var rec map[string]any
			if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
				t.Fatal(err)
			}
			if rec["took"] != "8ms" {
				t.Errorf("json: took = %#v, want \"8ms\"", rec["took"])
			}
			continue
		}
		if !strings.Contains(buf.String(), "took=8ms") {
			t.Errorf("text: %s", buf.String())
		}
	}
}
