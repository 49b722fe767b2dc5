package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"folio/article"
	"folio/internal/purge"
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

// TestNoKeysWithoutPurger: with no purger configured nothing purges by
// key, so no response carries the keys, and shared caches get the short
// lifetimes.
func TestNoKeysWithoutPurger(t *testing.T) {
	h, st := newTestHandler(t, &Config{Token: "tok", MaxBody: 1 << 20, BaseURL: "http://example.test", FrameAncestors: "*"})
	defer st.Close()
	auth := map[string]string{"Content-Type": "application/json", "Authorization": "Bearer tok"}
	if rec := serve(h, "POST", "/api/articles", `{"slug":"first","title":"First","html":"<p>x</p>"}`, auth); rec.Code != 201 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	for _, path := range []string{"/api/articles/first", "/a/first", "/embed/first", "/api/articles", "/", "/feed.atom", "/embed/later"} {
		rec := serve(h, "GET", path, "", nil)
		if rec.Code/100 == 5 || rec.Header().Get("Cache-Control") == "" {
			t.Errorf("%s: %d Cache-Control=%q", path, rec.Code, rec.Header().Get("Cache-Control"))
		}
		if sk, ct := rec.Header().Get("Surrogate-Key"), rec.Header().Get("Cache-Tag"); sk != "" || ct != "" {
			t.Errorf("%s: Surrogate-Key=%q Cache-Tag=%q with no purger", path, sk, ct)
		}
		if cc := rec.Header().Get("Cache-Control"); strings.Contains(cc, "s-maxage=86400") {
			t.Errorf("%s: Cache-Control=%q: a day for shared caches with no purger", path, cc)
		}
	}
}

// TestPurgeAfterWrites checks the edge-cache contract: with a purger
// configured every cacheable response names what it shows (Surrogate-Key,
// Cache-Tag), shared caches may keep them for a day, and each committed
// write purges the keys it touched, and nothing else.
func TestPurgeAfterWrites(t *testing.T) {
	var mu sync.Mutex
	var purged [][]string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b struct{ Keys []string }
		json.NewDecoder(r.Body).Decode(&b)
		mu.Lock()
		purged = append(purged, b.Keys)
		mu.Unlock()
	}))
	defer hook.Close()
	e, err := purge.Parse("webhook=" + hook.URL)
	if err != nil {
		t.Fatal(err)
	}
	q := purge.NewQueue([]purge.Endpoint{e}, nil)
	defer q.Close()
	h, st := newTestHandler(t, &Config{Token: "tok", MaxBody: 1 << 20, BaseURL: "http://example.test", FrameAncestors: "*", Purge: q})
	defer st.Close()
	auth := map[string]string{"Content-Type": "application/json", "Authorization": "Bearer tok"}
	if rec := serve(h, "POST", "/api/articles", `{"slug":"first","title":"First","html":"<p>x</p>"}`, auth); rec.Code != 201 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	q.Wait()
	for _, tc := range []struct{ path, keys string }{
		{"/api/articles/first", "a:first folio"},
		{"/a/first", "a:first folio"},
		{"/embed/first", "a:first folio"},
		{"/oembed?url=" + url.QueryEscape("http://example.test/a/first"), "a:first folio"},
		{"/share/first.png", "a:first folio"},
		{"/api/articles", "list folio"},
		{"/", "list folio"},
		{"/feed.atom", "list folio"},
		{"/feed.json", "list folio"},
	} {
		rec := serve(h, "GET", tc.path, "", nil)
		if rec.Code != 200 || rec.Header().Get("Surrogate-Key") != tc.keys || rec.Header().Get("Cache-Tag") != strings.ReplaceAll(tc.keys, " ", ",") {
			t.Errorf("%s: %d Surrogate-Key=%q Cache-Tag=%q, want %q", tc.path, rec.Code, rec.Header().Get("Surrogate-Key"), rec.Header().Get("Cache-Tag"), tc.keys)
		}
		if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "s-maxage=86400") || !strings.Contains(cc, "stale-if-error=") {
			t.Errorf("%s: Cache-Control=%q, want a day for shared caches and stale-if-error", tc.path, cc)
		}
	}
	// A missing article's card and page are tagged too: creating it drops them.
	if rec := serve(h, "GET", "/embed/later", "", nil); rec.Code != 404 || rec.Header().Get("Surrogate-Key") != "a:later folio" {
		t.Errorf("missing card: %d Surrogate-Key=%q", rec.Code, rec.Header().Get("Surrogate-Key"))
	}
	if rec := serve(h, "PUT", "/api/articles/first", `{"slug":"renamed","title":"First","html":"<p>y</p>"}`, auth); rec.Code != 200 {
		t.Fatalf("update: %d %s", rec.Code, rec.Body)
	}
	if rec := serve(h, "DELETE", "/api/articles/renamed", "", auth); rec.Code != 204 {
		t.Fatalf("delete: %d", rec.Code)
	}
	if rec := serve(h, "DELETE", "/api/articles/renamed", "", auth); rec.Code != 404 {
		t.Fatalf("second delete: %d", rec.Code)
	}
	q.Wait()
	mu.Lock()
	defer mu.Unlock()
	var all []string
	for _, k := range purged {
		all = append(all, strings.Join(k, " "))
	}
	// The queue may merge the keys of writes that come close together.
	got := strings.Join(all, " | ")
	for _, want := range []string{"a:first", "a:renamed", "list"} {
		if !strings.Contains(got, want) {
			t.Fatalf("purged %q, want %s among them", got, want)
		}
	}
	if strings.Contains(got, "folio") {
		t.Fatalf("purged %q: a write must not purge everything", got)
	}
	if n := strings.Count(got, "a:renamed"); n < 1 || len(purged) > 3 {
		t.Fatalf("purged %q: one purge per committed write at most (the failed delete purges nothing)", got)
	}

	// Without a purger, shared caches keep today's short lifetimes.
	h2, st2 := newTestHandler(t, &Config{MaxBody: 1 << 20, BaseURL: "http://example.test"})
	defer st2.Close()
	if cc := serve(h2, "GET", "/api/articles", "", nil).Header().Get("Cache-Control"); strings.Contains(cc, "s-maxage=86400") {
		t.Fatalf("Cache-Control=%q without a purger", cc)
	}
}
