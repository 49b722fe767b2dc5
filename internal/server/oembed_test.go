package server

import (
	"encoding/json"
	"encoding/xml"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"folio/embedcard"
	"folio/internal/htmltest"
	"folio/internal/wire"
)

func oembedQuery(params ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	return "/oembed?" + q.Encode()
}

func TestOEmbed(t *testing.T) {
	e := newEmbedEnv(t, "https://news.example/folio", "")
	a := e.create(t, plainDraft())
	page := "https://news.example/folio/a/hello-world"
	base := "https://news.example/folio"

	tests := []struct {
		name          string
		params        []string
		width, height int
		layout        string
		dataWidth     bool
	}{
		{"Default", []string{"url", page}, embedcard.DefaultWidth, embedcard.HeightWide, "", false},
		{"WideMaxWidth", []string{"url", page, "maxwidth", "1200"}, embedcard.DefaultWidth, embedcard.HeightWide, "", false},
		{"Narrower", []string{"url", page, "maxwidth", "480"}, 480, embedcard.HeightWide, "", true},
		{"Narrow", []string{"url", page, "maxwidth", "320"}, 320, embedcard.HeightCompact, "", true},
		{"CardURL", []string{"url", "https://news.example/folio/embed/hello-world/"}, embedcard.DefaultWidth, embedcard.HeightWide, "", false},
		{"HTTPScheme", []string{"url", "http://NEWS.example/folio/a/hello-world"}, embedcard.DefaultWidth, embedcard.HeightWide, "", false},
		{"MaxHeightFits", []string{"url", page, "maxheight", "194"}, embedcard.DefaultWidth, embedcard.HeightWide, "", false},
		{"MaxHeightCompact", []string{"url", page, "maxheight", "150"}, embedcard.DefaultWidth, embedcard.HeightCompact, embedcard.LayoutCompact, false},
		{"CompactLayout", []string{"url", page, "layout", "compact", "theme", "dark"}, embedcard.DefaultWidth, embedcard.HeightCompact, embedcard.LayoutCompact, false},
	}
	for _, tt := range tests {
		for _, format := range []string{"json", "xml", ""} {
			t.Run(tt.name+"/"+format, func(t *testing.T) {
				params := tt.params
				if format != "" {
					params = append(params[:len(params):len(params)], "format", format)
				}
				rec := e.get(t, oembedQuery(params...))
				if rec.Code != http.StatusOK {
					t.Fatalf("status=%d, want 200: %s", rec.Code, rec.Body)
				}
				var got oembedResponse
				var err error
				if format == "xml" {
					if ct := rec.Header().Get("Content-Type"); ct != "text/xml; charset=utf-8" {
						t.Fatalf("Content-Type=%q", ct)
					}
					if !strings.HasPrefix(rec.Body.String(), "<?xml") {
						t.Fatal("no XML declaration")
					}
					err = xml.Unmarshal(rec.Body.Bytes(), &got)
				} else {
					if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
						t.Fatalf("Content-Type=%q", ct)
					}
					err = json.Unmarshal(rec.Body.Bytes(), &got)
				}
				if err != nil {
					t.Fatal(err)
				}
				opts, _ := embedcard.ParseOptions(url.Values{"theme": {valueOf(tt.params, "theme")}})
				opts.Layout = tt.layout
				if tt.dataWidth {
					opts.Width = tt.width
				}
				tw, th := embedcard.ImageBox(tt.width, tt.layout)
				want := oembedResponse{
					XMLName: got.XMLName, Version: "1.0", Type: "rich", Title: a.Title, AuthorName: a.Author,
					ProviderName: "Example Daily", ProviderURL: base + "/", CacheAge: 3600,
					ThumbnailURL: a.Image.Src, ThumbnailWidth: tw, ThumbnailHeight: th,
					HTML: embedcard.Snippet(a.Summary(), base, opts), Width: tt.width, Height: tt.height,
				}
				if got != want {
					t.Fatalf("response=\n%+v\nwant\n%+v", got, want)
				}
				if rec.Header().Get("Access-Control-Allow-Origin") != "*" {
					t.Fatal("no CORS header")
				}
				if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=3600" {
					t.Fatalf("Cache-Control=%q", cc)
				}
			})
		}
	}

	// The JSON has exactly the oEmbed field names.
	rec := e.get(t, oembedQuery("url", page))
	var raw map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "type", "title", "author_name", "provider_name", "provider_url", "cache_age",
		"thumbnail_url", "thumbnail_width", "thumbnail_height", "html", "width", "height"} {
		if _, ok := raw[k]; !ok {
			t.Fatalf("JSON lacks %q", k)
		}
	}
	if len(raw) != 13 {
		t.Fatalf("JSON has %d fields, want 13: %v", len(raw), raw)
	}
}

func valueOf(params []string, key string) string {
	for i := 0; i+1 < len(params); i += 2 {
		if params[i] == key {
			return params[i+1]
		}
	}
	return ""
}

func TestOEmbedNoImage(t *testing.T) {
	e := newEmbedEnv(t, "https://news.example", "")
	d := plainDraft()
	d.Image = nil
	e.create(t, d)
	rec := e.get(t, oembedQuery("url", "https://news.example/a/hello-world"))
	var raw map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	// The thumbnail is the generated share image, at its true size.
	if raw["thumbnail_url"] != "https://news.example/share/hello-world.png" || raw["thumbnail_width"] != 1200.0 || raw["thumbnail_height"] != 630.0 {
		t.Fatalf("thumbnail %v %v×%v, want the share image at 1200×630", raw["thumbnail_url"], raw["thumbnail_width"], raw["thumbnail_height"])
	}
	img := e.get(t, "/share/hello-world.png")
	if img.Code != 200 || img.Header().Get("Content-Type") != "image/png" {
		t.Fatalf("share image: %d %q", img.Code, img.Header().Get("Content-Type"))
	}
	cfg, err := png.DecodeConfig(img.Body)
	if err != nil || cfg.Width != 1200 || cfg.Height != 630 {
		t.Fatalf("share image: %v×%v, %v", cfg.Width, cfg.Height, err)
	}
	if rec := e.get(t, "/share/hello-world.png", "If-None-Match", img.Header().Get("ETag")); rec.Code != 304 {
		t.Fatalf("revalidating the share image: %d", rec.Code)
	}
	if rec := e.get(t, "/share/missing.png"); rec.Code != 404 {
		t.Fatalf("share image of a missing article: %d", rec.Code)
	}
}

func TestOEmbedErrors(t *testing.T) {
	e := newEmbedEnv(t, "https://news.example/folio", "")
	e.create(t, plainDraft())
	page := "https://news.example/folio/a/hello-world"
	tests := []struct {
		name   string
		params []string
		status int
		msg    string
	}{
		{"NoURL", nil, 400, "url is required"},
		{"RelativeURL", []string{"url", "/folio/a/hello-world"}, 400, "absolute http(s) URL"},
		{"OtherScheme", []string{"url", "javascript:alert(1)"}, 400, "absolute http(s) URL"},
		{"OtherSite", []string{"url", "https://evil.example/folio/a/hello-world"}, 404, "not on this site"},
		{"BadMaxWidth", []string{"url", page, "maxwidth", "wide"}, 400, "maxwidth must be"},
		{"ZeroMaxWidth", []string{"url", page, "maxwidth", "0"}, 400, "maxwidth must be"},
		{"NegativeMaxHeight", []string{"url", page, "maxheight", "-5"}, 400, "maxheight must be"},
		{"BadTheme", []string{"url", page, "theme", "pink"}, 400, "theme must be"},
		{"UnknownSlug", []string{"url", "https://news.example/folio/a/no-such"}, 404, "no article at"},
		{"NotAnArticlePath", []string{"url", "https://news.example/folio/about"}, 404, "no article at"},
		{"OutsideBasePath", []string{"url", "https://news.example/a/hello-world"}, 404, "no article at"},
		{"BadSlug", []string{"url", "https://news.example/folio/a/Hello_World"}, 404, "no article at"},
		{"TooShort", []string{"url", page, "maxheight", "100"}, 404, "no card fits"},
		{"FormatYAML", []string{"url", page, "format", "yaml"}, 501, "format must be json or xml"},
		{"FormatBeforeURL", []string{"format", "html"}, 501, "format must be json or xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := e.get(t, oembedQuery(tt.params...))
			if rec.Code != tt.status {
				t.Fatalf("status=%d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			var body wire.Error
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(body.Error, tt.msg) {
				t.Fatalf("error=%q, want it to mention %q", body.Error, tt.msg)
			}
		})
	}
}

func TestOEmbedHostile(t *testing.T) {
	e := newEmbedEnv(t, "https://news.example", "")
	a := e.create(t, hostileDraft())
	checkHostile(t, a)
	for _, format := range []string{"json", "xml"} {
		t.Run(format, func(t *testing.T) {
			rec := e.get(t, oembedQuery("url", "https://news.example/a/hostile", "format", format))
			if rec.Code != http.StatusOK {
				t.Fatalf("status=%d", rec.Code)
			}
			var got oembedResponse
			var err error
			if format == "xml" {
				err = xml.Unmarshal(rec.Body.Bytes(), &got)
			} else {
				err = json.Unmarshal(rec.Body.Bytes(), &got)
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Title != a.Title || got.AuthorName != a.Author || got.ThumbnailURL != a.Image.Src {
				t.Fatalf("title/author/thumbnail changed: %q %q %q", got.Title, got.AuthorName, got.ThumbnailURL)
			}
			checkSnippet(t, got.HTML, a.Title, a.Excerpt)
			if format == "json" && strings.Contains(rec.Body.String(), "</script") {
				t.Fatal("the JSON holds a literal </script")
			}
		})
	}
}

// checkSnippet parses a snippet and checks that it holds exactly the
// fallback and the loader script, with the title and excerpt as text.
func checkSnippet(t *testing.T, snippet, title, excerpt string) {
	t.Helper()
	s := scanHTML(t, snippet)
	if len(s.scripts) != 1 || !strings.HasSuffix(htmltest.Attr(s.scripts[0], "src"), "/embed.js") || htmltest.Text(s.scripts[0]) != "" {
		t.Fatalf("snippet scripts=%d; want only the loader: %s", len(s.scripts), snippet)
	}
	if len(s.handlers) > 0 || len(s.jsURLs) > 0 || s.elements["img"] > 0 || s.elements["iframe"] > 0 || s.elements["svg"] > 0 {
		t.Fatalf("snippet has handlers %v, js URLs %v or elements %v", s.handlers, s.jsURLs, s.elements)
	}
	doc := parseDoc(t, snippet)
	bq := find(doc, "blockquote", "folio-embed")
	if bq == nil {
		t.Fatal("no blockquote.folio-embed")
	}
	if got := htmltest.Text(find(bq, "a", "")); got != title {
		t.Fatalf("snippet title=%q, want %q", got, title)
	}
	if !strings.Contains(htmltest.Text(bq), excerpt) {
		t.Fatalf("snippet lacks the excerpt %q", excerpt)
	}
}

func TestOEmbedImageSize(t *testing.T) {
	// A lead image of known size is the thumbnail at that size, whatever
	// the card's width or layout.
	e := newEmbedEnv(t, "https://news.example", "")
	d := plainDraft()
	d.Image.Width, d.Image.Height = 2048, 1365
	e.create(t, d)
	for _, q := range [][]string{{}, {"maxwidth", "320"}, {"layout", "compact"}} {
		rec := e.get(t, oembedQuery(append([]string{"url", "https://news.example/a/hello-world"}, q...)...))
		var raw map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
			t.Fatal(err)
		}
		if raw["thumbnail_url"] != d.Image.Src || raw["thumbnail_width"] != 2048.0 || raw["thumbnail_height"] != 1365.0 {
			t.Fatalf("%v: thumbnail %v %v×%v, want %s at 2048×1365", q, raw["thumbnail_url"], raw["thumbnail_width"], raw["thumbnail_height"], d.Image.Src)
		}
	}
}

func TestQueryMemo(t *testing.T) {
	// Remembered until full, then forgotten all at once; long queries are
	// never held.
	var m queryMemo
	if _, ok := m.get("a=1"); ok {
		t.Fatal("an empty memo remembers")
	}
	for i := range queryMemoSize {
		m.put("q="+strconv.Itoa(i), &oembedRequest{maxWidth: i})
	}
	if v, ok := m.get("q=7"); !ok || v.maxWidth != 7 {
		t.Fatalf("get(q=7)=%+v, %v", v, ok)
	}
	m.put("one=more", &oembedRequest{})
	if _, ok := m.get("q=7"); ok || len(m.m) != 1 {
		t.Fatalf("a full memo kept %d entries, want only the new one", len(m.m))
	}
	m.put(strings.Repeat("x", queryMemoLen+1), &oembedRequest{})
	if _, ok := m.get(strings.Repeat("x", queryMemoLen+1)); ok {
		t.Fatal("a query longer than queryMemoLen was remembered")
	}
}
