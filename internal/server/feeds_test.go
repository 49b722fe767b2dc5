package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"folio/draft"
)

// parseFeed reads a feed back with gofeed, as a feed reader would.
func parseFeed(t *testing.T, e *embedEnv, path, wantType string) (*gofeed.Feed, string) {
	t.Helper()
	rec := e.get(t, path)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: status=%d: %s", path, rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != wantType {
		t.Fatalf("%s: Content-Type=%q, want %q", path, ct, wantType)
	}
	f, err := gofeed.NewParser().ParseString(rec.Body.String())
	if err != nil {
		t.Fatalf("%s: gofeed: %v\n%s", path, err, rec.Body)
	}
	return f, rec.Body.String()
}

func TestFeeds(t *testing.T) {
	e := newEmbedEnv(t, "https://news.example/folio", "")
	old := plainDraft()
	old.Slug, old.Title, old.Published = "older", "An older story", testNow.Add(-48*time.Hour)
	old.Image = nil
	e.create(t, old)
	a := e.create(t, plainDraft())
	for _, tt := range []struct {
		path, ctype, feedType string
	}{
		{"/feed.atom", "application/atom+xml; charset=utf-8", "atom"},
		{"/feed.json", "application/feed+json; charset=utf-8", "json"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			f, raw := parseFeed(t, e, tt.path, tt.ctype)
			if f.FeedType != tt.feedType {
				t.Fatalf("FeedType=%q, want %q", f.FeedType, tt.feedType)
			}
			if f.Title != "Example Daily" || f.Link != "https://news.example/folio/" || f.FeedLink != "https://news.example/folio"+tt.path {
				t.Fatalf("feed title %q, link %q, self %q", f.Title, f.Link, f.FeedLink)
			}
			// The publisher: name, language, description and logo.
			if f.Language != "en-GB" || f.Description != "News from the example desk." || f.Image == nil ||
				!strings.HasPrefix(f.Image.URL, "https://news.example/folio/site/logo-") || len(f.Authors) == 0 || f.Authors[0].Name != "Example Daily" {
				t.Fatalf("feed language %q, description %q, image %+v, authors %+v", f.Language, f.Description, f.Image, f.Authors)
			}
			if logo := e.get(t, strings.TrimPrefix(f.Image.URL, "https://news.example/folio")); logo.Code != 200 || logo.Header().Get("Content-Type") != "image/png" ||
				!strings.Contains(logo.Header().Get("Cache-Control"), "immutable") {
				t.Fatalf("the logo: %d %q %q", logo.Code, logo.Header().Get("Content-Type"), logo.Header().Get("Cache-Control"))
			}
			if len(f.Items) != 2 || f.Items[0].Title != "Hello, world" || f.Items[1].Title != "An older story" {
				t.Fatalf("items=%v, want the two articles newest first", f.Items)
			}
			it := f.Items[0]
			reader := "https://news.example/folio/a/hello-world"
			if it.Link != reader || it.GUID != reader {
				t.Fatalf("link %q, id %q, want %q", it.Link, it.GUID, reader)
			}
			if it.PublishedParsed == nil || !it.PublishedParsed.Equal(a.Published) || it.UpdatedParsed == nil || !it.UpdatedParsed.Equal(a.Updated) {
				t.Fatalf("published %v, updated %v; want %v, %v", it.PublishedParsed, it.UpdatedParsed, a.Published, a.Updated)
			}
			if len(it.Authors) != 1 || it.Authors[0].Name != "Ada Lovelace" {
				t.Fatalf("authors=%v", it.Authors)
			}
			if strings.Join(it.Categories, ",") != "news,go" {
				t.Fatalf("categories=%v", it.Categories)
			}
			if it.Description != "A short excerpt." {
				t.Fatalf("summary=%q", it.Description)
			}
			// Relative URLs in the body are resolved against the reader page.
			for _, want := range []string{`href="https://news.example/about"`, `src="https://news.example/folio/a/pic.png"`} {
				if !strings.Contains(it.Content, want) {
					t.Fatalf("content lacks %s: %s", want, it.Content)
				}
			}
			if tt.feedType == "json" {
				var jf jsonFeed
				if err := json.Unmarshal([]byte(raw), &jf); err != nil {
					t.Fatal(err)
				}
				if jf.Version != "https://jsonfeed.org/version/1.1" || jf.Items[0].Image != "https://img.example/lead.jpg" {
					t.Fatalf("version %q, image %q", jf.Version, jf.Items[0].Image)
				}
			} else if !strings.Contains(raw, `<link rel="enclosure" type="image/jpeg" href="https://img.example/lead.jpg">`) {
				t.Fatal("Atom entry lacks the image enclosure")
			}
		})
	}
}

func TestFeedNewest50(t *testing.T) {
	e := newEmbedEnv(t, "https://news.example", "")
	for i := range 55 {
		a, _, err := (&draft.Draft{Slug: fmt.Sprintf("story-%02d", i), Title: fmt.Sprintf("Story %d", i),
			Published: testNow.Add(time.Duration(i) * time.Minute), Body: "<p>x</p>"}).Article(testNow)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.st.Create(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"/feed.atom", "/feed.json"} {
		f, _ := parseFeed(t, e, p, map[string]string{"/feed.atom": "application/atom+xml; charset=utf-8", "/feed.json": "application/feed+json; charset=utf-8"}[p])
		if len(f.Items) != 50 || f.Items[0].Title != "Story 54" || f.Items[49].Title != "Story 5" {
			t.Fatalf("%s: %d items from %q to %q, want 50 from Story 54 to Story 5", p, len(f.Items), f.Items[0].Title, f.Items[len(f.Items)-1].Title)
		}
	}
}

func TestFeedConditional(t *testing.T) {
	e := newEmbedEnv(t, "https://news.example", "")
	a := e.create(t, plainDraft())
	for _, p := range []string{"/feed.atom", "/feed.json"} {
		t.Run(p, func(t *testing.T) {
			first := e.get(t, p)
			etag := first.Header().Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			if rec := e.get(t, p, "If-None-Match", etag); rec.Code != http.StatusNotModified {
				t.Fatalf("status=%d, want 304", rec.Code)
			}
			if rec := e.get(t, p, "Accept-Encoding", "gzip"); rec.Header().Get("Content-Encoding") != "gzip" {
				t.Fatal("feed not compressed")
			}
		})
	}
	etags := map[string]string{}
	for _, p := range []string{"/feed.atom", "/feed.json"} {
		etags[p] = e.get(t, p).Header().Get("ETag")
	}
	a.Title = "Hello, edited"
	if err := e.st.Update(context.Background(), a.Slug, a); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/feed.atom", "/feed.json"} {
		rec := e.get(t, p, "If-None-Match", etags[p])
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Hello, edited") {
			t.Fatalf("%s after an edit: status=%d; want 200 with the new title", p, rec.Code)
		}
	}
}

func TestFeedEmpty(t *testing.T) {
	e := newEmbedEnv(t, "https://news.example", "")
	for _, p := range []string{"/feed.atom", "/feed.json"} {
		rec := e.get(t, p)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status=%d", p, rec.Code)
		}
		f, err := gofeed.NewParser().ParseString(rec.Body.String())
		if err != nil || len(f.Items) != 0 {
			t.Fatalf("%s: %v, %d items", p, err, len(f.Items))
		}
	}
}

func TestFeedHostile(t *testing.T) {
	e := newEmbedEnv(t, "https://news.example", "")
	a := e.create(t, hostileDraft())
	checkHostile(t, a)
	for _, p := range []string{"/feed.atom", "/feed.json"} {
		t.Run(p, func(t *testing.T) {
			rec := e.get(t, p)
			f, err := gofeed.NewParser().ParseString(rec.Body.String())
			if err != nil {
				t.Fatal(err)
			}
			it := f.Items[0]
			if it.Title != a.Title {
				t.Fatalf("title=%q, want %q", it.Title, a.Title)
			}
			if it.Description != a.Excerpt {
				t.Fatalf("summary=%q, want %q", it.Description, a.Excerpt)
			}
			// gofeed reads a JSON Feed author's name as "Name <email>", so
			// the JSON's author is checked on the JSON itself.
			author := ""
			if p == "/feed.json" {
				var jf jsonFeed
				if err := json.Unmarshal(rec.Body.Bytes(), &jf); err != nil || len(jf.Items[0].Authors) != 1 {
					t.Fatalf("JSON Feed: %v", err)
				}
				author = jf.Items[0].Authors[0].Name
			} else if len(it.Authors) == 1 {
				author = it.Authors[0].Name
			}
			if author != a.Author {
				t.Fatalf("author=%q, want %q", author, a.Author)
			}
			if strings.Join(it.Categories, "|") != strings.Join(a.Tags, "|") {
				t.Fatalf("categories=%q, want %q", it.Categories, a.Tags)
			}
			// The content is the sanitised body: parsed as HTML, it runs nothing.
			s := scanHTML(t, it.Content)
			if len(s.scripts) > 0 || len(s.handlers) > 0 || len(s.jsURLs) > 0 {
				t.Fatalf("content runs script: %d scripts, handlers %v: %s", len(s.scripts), s.handlers, it.Content)
			}
			if !strings.Contains(it.Content, "Body") {
				t.Fatalf("content lost its text: %q", it.Content)
			}
		})
	}
	// In the JSON, '<' is escaped, so no consumer that pastes it into a
	// page can meet a literal tag.
	if body := e.get(t, "/feed.json").Body.String(); strings.Contains(body, "<script") || strings.Contains(body, "</script") {
		t.Fatal("the JSON feed holds a literal script tag")
	}
}
