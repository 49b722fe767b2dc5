package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"folio/article"
	"folio/store"
)

// newTestHandler builds the server's handler over a private in-memory
// store.
func newTestHandler(t *testing.T, cfg *Config) (http.Handler, article.Store) {
	t.Helper()
	st, err := store.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC) }
	h, err := New(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)), now)
	if err != nil {
		t.Fatal(err)
	}
	return h, st
}

// serve runs one request through h.
func serve(h http.Handler, method, path, body string, headers map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestAPIHandlers(t *testing.T) {
	h, st := newTestHandler(t, &Config{Token: "tok", MaxBody: 1 << 20, BaseURL: "http://example.test"})
	defer st.Close()
	auth := map[string]string{"Content-Type": "application/json", "Authorization": "Bearer tok"}

	rec := serve(h, "POST", "/api/articles", `{"title":"Ünïcode Title!","html":"<p>x <a href=\"/rel\">link</a></p>","url":"https://pub.example/a/b"}`, auth)
	if rec.Code != 201 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	if got, want := rec.Header().Get("Location"), "/api/articles/unicode-title"; got != want {
		t.Fatalf("Location=%q, want %q", got, want)
	}
	if !strings.Contains(rec.Body.String(), `https://pub.example/rel`) {
		t.Fatalf("relative link not resolved against the article URL: %s", rec.Body)
	}
	rec = serve(h, "GET", "/api/articles/unicode-title", "", nil)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("get: %d %v", rec.Code, rec.Header())
	}
	if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("security headers missing: %v", rec.Header())
	}
	rec = serve(h, "POST", "/api/articles", `{"title":"x"}`, map[string]string{"Content-Type": "application/json", "Authorization": "Bearer wrong"})
	if rec.Code != 401 || rec.Header().Get("WWW-Authenticate") == "" {
		t.Fatalf("wrong token: %d %v", rec.Code, rec.Header())
	}
	rec = serve(h, "GET", "/healthz", "", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"status":"ok"`) {
		t.Fatalf("healthz: %d %s", rec.Code, rec.Body)
	}
}

func TestRecoverGivesJSON500(t *testing.T) {
	h := withRecover(slog.New(slog.NewTextHandler(io.Discard, nil)), http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := serve(h, "GET", "/", "", nil)
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"error":"Internal error."`) {
		t.Fatalf("panic: %d %s", rec.Code, rec.Body)
	}
}

func TestRateLimit(t *testing.T) {
	h, st := newTestHandler(t, &Config{Token: "tok", MaxBody: 1 << 20, BaseURL: "http://example.test", RateLimit: 6})
	defer st.Close()
	body := `{"html":"<p>hi</p>"}`
	ct := map[string]string{"Content-Type": "application/json"}
	if rec := serve(h, "POST", "/api/sanitize", body, ct); rec.Code != 200 {
		t.Fatalf("first: %d %s", rec.Code, rec.Body)
	}
	rec := serve(h, "POST", "/api/sanitize", body, ct)
	if rec.Code != 429 || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "too many requests") {
		t.Fatalf("second: %d %v %s, want 429 with Retry-After", rec.Code, rec.Header(), rec.Body)
	}
	// Reads are never limited.
	for range 10 {
		if rec := serve(h, "GET", "/api/articles", "", nil); rec.Code != 200 {
			t.Fatalf("read: %d", rec.Code)
		}
	}
	// Another client has its own budget.
	req := httptest.NewRequest("POST", "/api/sanitize", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = "192.0.2.7:1234"
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("other client: %d", rec.Code)
	}
}

func TestReadCaching(t *testing.T) {
	h, st := newTestHandler(t, &Config{Token: "tok", MaxBody: 1 << 20, BaseURL: "http://example.test"})
	defer st.Close()
	auth := map[string]string{"Content-Type": "application/json", "Authorization": "Bearer tok"}
	if rec := serve(h, "POST", "/api/articles", `{"title":"Cached","html":"<p>one</p>"}`, auth); rec.Code != 201 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	for _, path := range []string{"/api/articles/cached", "/api/articles?limit=5"} {
		rec := serve(h, "GET", path, "", nil)
		etag := rec.Header().Get("ETag")
		if rec.Code != 200 || etag == "" || !strings.Contains(rec.Header().Get("Cache-Control"), "stale-while-revalidate") {
			t.Fatalf("%s: %d %v", path, rec.Code, rec.Header())
		}
		if rec := serve(h, "GET", path, "", map[string]string{"If-None-Match": etag}); rec.Code != 304 {
			t.Fatalf("%s with If-None-Match: %d, want 304", path, rec.Code)
		}
		if rec := serve(h, "GET", path, "", map[string]string{"Accept-Encoding": "gzip, br"}); rec.Header().Get("Content-Encoding") != "br" {
			t.Fatalf("%s: Content-Encoding=%q, want br", path, rec.Header().Get("Content-Encoding"))
		}
		// A write changes the ETag of every response that shows the article.
		if rec := serve(h, "PUT", "/api/articles/cached", `{"title":"Cached","html":"<p>two `+path+`</p>"}`, auth); rec.Code != 200 {
			t.Fatalf("update: %d %s", rec.Code, rec.Body)
		}
		rec = serve(h, "GET", path, "", map[string]string{"If-None-Match": etag})
		if rec.Code != 200 || rec.Header().Get("ETag") == etag {
			t.Fatalf("%s after a write: %d, ETag %q unchanged", path, rec.Code, etag)
		}
	}
}

func TestWritesDisabledWithoutToken(t *testing.T) {
	h, st := newTestHandler(t, &Config{MaxBody: 1 << 20, BaseURL: "http://example.test"})
	defer st.Close()
	rec := serve(h, "POST", "/api/articles", `{"title":"x"}`, map[string]string{"Content-Type": "application/json", "Authorization": "Bearer anything"})
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), "-token") {
		t.Fatalf("status=%d body=%s, want 403 saying how to configure a token", rec.Code, rec.Body)
	}
}
