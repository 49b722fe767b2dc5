package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"
	"time"
)

func TestRequestLine(t *testing.T) {
	// The request log's own line is the one slog's text handler writes for
	// the same record, whatever the path, method and address hold.
	end := time.Date(2026, 12, 5, 9, 39, 15, 731_456_789, time.UTC)
	for _, tt := range []struct {
		method, path, remote string
		dur                  time.Duration
	}{
		{"GET", "/a/what-folio-is", "127.0.0.1:44404", 90685 * time.Microsecond},
		{"GET", "/", "[::1]:1", 8 * time.Microsecond},
		{"POST", "/api/articles", "10.0.0.1:5", 2*time.Minute + 3*time.Second},
		{"GET", "/a/x y=\"z\"\\", "", 0},
		{"GET", "/a/é\u200b\x7f\x01", "a=b", time.Hour},
		{"", "/a/\xff", " ", -time.Second},
	} {
		var fast, slow bytes.Buffer
		for _, c := range []struct {
			buf   *bytes.Buffer
			plain bool
		}{{&fast, true}, {&slow, false}} {
			logs := newLogWriter(c.buf, time.Hour)
			h := &flushingHandler{Handler: slog.NewTextHandler(logs, nil), logs: logs, plain: c.plain}
			logRequest(context.Background(), h, end, tt.method, tt.path, 200, 3910, tt.dur, tt.remote)
			logs.Close()
		}
		if fast.String() != slow.String() {
			t.Errorf("request line\n%q, slog writes\n%q", fast.String(), slow.String())
		}
	}
}

func BenchmarkRequestLine(b *testing.B) {
	end := time.Now()
	for _, plain := range []bool{true, false} {
		name := "slog"
		if plain {
			name = "direct"
		}
		b.Run(name, func(b *testing.B) {
			logs := newLogWriter(io.Discard, time.Hour)
			defer logs.Close()
			h := &flushingHandler{Handler: slog.NewTextHandler(logs, nil), logs: logs, plain: plain}
			b.ReportAllocs()
			for b.Loop() {
				logRequest(context.Background(), h, end, "GET", "/embed/reading-offline-and-previewing-before-you-publish", 200, 2539, 28*time.Microsecond, "127.0.0.1:44404")
			}
		})
	}
}
