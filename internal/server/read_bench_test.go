package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
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
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					rec := &discardWriter{header: http.Header{}}
					h.ServeHTTP(rec, req)
					if rec.status != http.StatusOK {
						b.Fatalf("%s: status %d", path, rec.status)
					}
				}
			})
		})
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
