package svcrt

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// Every message survives its line, and a reason or step with line breaks
// stays one line.
func TestWorkerMessagesRoundTrip(t *testing.T) {
	for _, m := range []workerMsg{
		{verb: msgListener, name: "api", data: []byte{0, 1, 0xfe, 0xff}},
		{verb: msgListener, name: adminFDName, data: make([]byte, 628)},
		{verb: msgStart},
		{verb: msgStop, kind: StopRequested, budget: 20 * time.Second, text: "SCM stop"},
		{verb: msgStop, kind: StopShutdown, budget: 1500 * time.Millisecond, text: "SCM preshutdown"},
		{verb: msgHandover},
		{verb: msgReload},
		{verb: msgStep, text: "opened db"},
		{verb: msgReady, pid: 4242},
		{verb: msgStopping, budget: 8 * time.Second},
	} {
		line := m.line()
		if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") {
			t.Errorf("%+v: %q is not one line", m, line)
		}
		got, err := parseWorkerMsg(line)
		if err != nil {
			t.Errorf("%q: %v", line, err)
			continue
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("%q: got %+v, want %+v", line, got, m)
		}
	}
	m := workerMsg{verb: msgStop, kind: StopRequested, budget: time.Second, text: "a\nreason\r\nthat  breaks"}
	got, err := parseWorkerMsg(m.line())
	if err != nil || got.text != "a reason that breaks" {
		t.Errorf("reason with line breaks: %+v, %v", got, err)
	}
}

// A malformed line is an error that quotes it, never a message.
func TestWorkerMessagesRefused(t *testing.T) {
	for _, line := range []string{
		"", "hello", "start now", "listener", "listener api", "listener api zz", "listener api 00 11",
		"stop", "stop stop", "stop upgrade 100 x", "stop stop 0 x", "stop stop -5 x", "stop stop ten x",
		"stopping", "stopping x", "ready", "ready 0", "ready -1", "ready x", "handover 1", "reload now",
	} {
		if m, err := parseWorkerMsg(line); err == nil {
			t.Errorf("%q parsed as %+v", line, m)
		} else if !strings.Contains(err.Error(), line) {
			t.Errorf("%q: the error does not quote the line: %v", line, err)
		}
	}
}
