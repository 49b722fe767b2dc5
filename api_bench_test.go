package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"folio/importer"
	"folio/store"
)

// BenchmarkArticleGet measures GET /api/articles/{slug} through the whole
// handler stack (middleware, store, JSON) for the seed article.
func BenchmarkArticleGet(b *testing.B) {
	st, err := store.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := importer.LoadSamples(b.Context(), st, time.Now); err != nil {
		b.Fatal(err)
	}
	h, err := newServer(&config{MaxBody: 1 << 20, BaseURL: "http://bench.test"}, st, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/api/articles/trump-and-putin-unironically-discussed-forming-a-cyber-security-unit", nil)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}
