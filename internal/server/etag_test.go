package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestWriteChangesEveryETag checks, through the whole server, that every
// read response showing an article carries an ETag and a Cache-Control a
// CDN can use, answers its ETag with 304, and gets a new ETag (and the new
// content) as soon as a write through the API changes the article.
func TestWriteChangesEveryETag(t *testing.T) {
	const base = "http://folio.test"
	h, st := newTestHandler(t, &Config{Token: "tok", MaxBody: 1 << 20, BaseURL: base, FrameAncestors: "*"})
	defer st.Close()
	auth := map[string]string{"Content-Type": "application/json", "Authorization": "Bearer tok"}
	if rec := serve(h, "POST", "/api/articles", `{"title":"First title","html":"<p>First body.</p>"}`, auth); rec.Code != http.StatusCreated {
		t.Fatalf("create: status=%d %s", rec.Code, rec.Body)
	}
	oembed := "/oembed?url=" + url.QueryEscape(base+"/a/first-title")
	paths := []string{
		"/a/first-title",     // reader
		"/",                  // the home page's cards
		"/embed/first-title", // embedded card
		"/embed/first-title?theme=dark",
		"/api/articles/first-title", // the article
		"/api/articles",             // list
		"/api/articles?limit=1",
		"/feed.atom",
		"/feed.json",
		oembed,
		oembed + "&format=xml",
	}
	etags := map[string]string{}
	for _, p := range paths {
		rec := serve(h, "GET", p, "", map[string]string{"Accept-Encoding": "gzip"})
		etag, cc := rec.Header().Get("ETag"), rec.Header().Get("Cache-Control")
		if rec.Code != http.StatusOK || etag == "" {
			t.Fatalf("GET %s: status=%d ETag=%q, want 200 and an ETag", p, rec.Code, etag)
		}
		if !strings.Contains(cc, "public") || !strings.Contains(cc, "max-age=") {
			t.Fatalf("GET %s: Cache-Control=%q, want public with a max-age", p, cc)
		}
		if again := serve(h, "GET", p, "", nil).Header().Get("ETag"); again != etag {
			t.Fatalf("GET %s: ETag=%q, then %q with no write between", p, etag, again)
		}
		if rec := serve(h, "GET", p, "", map[string]string{"If-None-Match": etag}); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Fatalf("GET %s with If-None-Match: status=%d, %d bytes; want 304 and none", p, rec.Code, rec.Body.Len())
		}
		etags[p] = etag
	}

	if rec := serve(h, "PUT", "/api/articles/first-title", `{"title":"Second title","html":"<p>Second body.</p>"}`, auth); rec.Code != http.StatusOK {
		t.Fatalf("update: status=%d %s", rec.Code, rec.Body)
	}
	for _, p := range paths {
		rec := serve(h, "GET", p, "", map[string]string{"If-None-Match": etags[p]})
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s after the write: status=%d, want 200", p, rec.Code)
		}
		if got := rec.Header().Get("ETag"); got == "" || got == etags[p] {
			t.Fatalf("GET %s after the write: ETag=%q, was %q; want a new one", p, got, etags[p])
		}
		if !strings.Contains(rec.Body.String(), "Second title") {
			t.Fatalf("GET %s after the write: the new title is missing:\n%s", p, rec.Body)
		}
	}

	if rec := serve(h, "DELETE", "/api/articles/first-title", "", auth); rec.Code != http.StatusNoContent {
		t.Fatalf("delete: status=%d %s", rec.Code, rec.Body)
	}
	for _, p := range []string{"/a/first-title", "/embed/first-title", "/api/articles/first-title", oembed} {
		if rec := serve(h, "GET", p, "", nil); rec.Code != http.StatusNotFound {
			t.Fatalf("GET %s after the delete: status=%d, want 404", p, rec.Code)
		}
	}
}
