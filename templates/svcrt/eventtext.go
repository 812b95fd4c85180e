package svcrt

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
)

// recordText renders log records as one line of the text log's syntax,
// without time and level: msg="..." key=value. The event log shows an error
// record this way. A message or value with a space, a quote, an = or a line
// break is quoted as the text log quotes it, so no value can forge another
// attribute or a line that reads as a record of its own.
type recordText struct {
	mu   *sync.Mutex
	buf  *bytes.Buffer
	text slog.Handler
}

func newRecordText() recordText {
	buf := &bytes.Buffer{}
	return recordText{mu: &sync.Mutex{}, buf: buf, text: slog.NewTextHandler(buf, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && (a.Key == slog.TimeKey || a.Key == slog.LevelKey) {
				return slog.Attr{}
			}
			return a
		},
	})}
}

// format renders r with the attributes and groups of this chain.
func (t recordText) format(r slog.Record) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Reset()
	t.text.Handle(context.Background(), r)
	return strings.TrimSuffix(t.buf.String(), "\n")
}

func (t recordText) withAttrs(attrs []slog.Attr) recordText {
	t.text = t.text.WithAttrs(attrs)
	return t
}

func (t recordText) withGroup(name string) recordText {
	t.text = t.text.WithGroup(name)
	return t
}
