package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"folio/importer"
	"folio/store"
)

// BenchmarkReadPaths measures each read path of the load test through the
// whole handler stack (middleware with the request log, routing, caches),
// served from the caches as a busy server serves them: what Folio adds to
// net/http's own cost per request.
func BenchmarkReadPaths(b *testing.B) {
	st, err := store.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := importer.LoadSamples(b.Context(), st, time.Now); err != nil {
		b.Fatal(err)
	}
	const base = "http://bench.test"
	logs := newLogWriter(io.Discard, logFlushEvery)
	defer logs.Close()
	logger := slog.New(&flushingHandler{slog.NewTextHandler(logs, nil), logs})
	h, err := New(&Config{MaxBody: 1 << 20, BaseURL: base, FrameAncestors: "*"}, st, logger, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	const slug = "trump-and-putin-unironically-discussed-forming-a-cyber-security-unit"
	for _, path := range []string{
		"/api/articles/" + slug,
		"/api/articles",
		"/embed/" + slug,
		"/a/" + slug,
		"/oembed?url=" + url.QueryEscape(base+"/a/"+slug),
	} {
		b.Run(path[:min(len(path), 16)], func(b *testing.B) {
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			b.ReportAllocs()
			var bad atomic.Int64 // the last bad status: b.Fatal may not be called from RunParallel's goroutines
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					rec := &discardWriter{header: http.Header{}}
					h.ServeHTTP(rec, req)
					if rec.status != http.StatusOK {
						bad.Store(int64(rec.status))
					}
				}
			})
			if s := bad.Load(); s != 0 {
				b.Fatalf("%s: status %d", path, s)
			}
		})
	}
}

// BenchmarkJunkQuery is the cache-amplification attack: each read path
// asked with the same URL ("hit") and with a query parameter it does not
// read, fresh on every request ("junk"), as an attacker (or a CDN passing
// junk through) would. Routes key their cached responses on the parameters
// they read, so junk must cost about what a hit does; it used to cost a
// whole render (~30× a hit on /a/{slug}). The ns/op of the two sub-
// benchmarks of a path are the figures to compare (README).
func BenchmarkJunkQuery(b *testing.B) {
	st, err := store.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := importer.LoadSamples(b.Context(), st, time.Now); err != nil {
		b.Fatal(err)
	}
	const base = "http://bench.test"
	h, err := New(&Config{MaxBody: 1 << 20, BaseURL: base, FrameAncestors: "*"}, st, slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	const slug = "trump-and-putin-unironically-discussed-forming-a-cyber-security-unit"
	for _, tc := range []struct{ name, path string }{
		{"reader", "/a/" + slug},
		{"home", "/"},
		{"embed", "/embed/" + slug},
		{"oembed", "/oembed?url=" + url.QueryEscape(base+"/a/"+slug)},
		{"api-list", "/api/articles"},
		{"api-article", "/api/articles/" + slug},
		{"atom", "/feed.atom"},
		{"jsonfeed", "/feed.json"},
	} {
		sep := "?"
		if strings.Contains(tc.path, "?") {
			sep = "&"
		}
		for _, mode := range []string{"hit", "junk"} {
			b.Run(tc.name+"/"+mode, func(b *testing.B) {
				b.ReportAllocs()
				n := 0
				for b.Loop() {
					path := tc.path
					if mode == "junk" {
						n++
						path += sep + "junk=" + strconv.Itoa(n)
					}
					req := httptest.NewRequest("GET", path, nil)
					req.Header.Set("Accept-Encoding", "gzip")
					rec := &discardWriter{header: http.Header{}}
					h.ServeHTTP(rec, req)
					if rec.status != http.StatusOK {
						b.Fatalf("%s: status %d", path, rec.status)
					}
				}
			})
		}
	}
}

// discardWriter is a ResponseWriter that keeps the status only, so that
// the benchmark measures the handlers, not a recorder.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header { return w.header }

func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(p), nil
}
