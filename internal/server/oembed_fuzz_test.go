package server

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"folio/article"
	"folio/embedcard"
	"folio/importer"
	"folio/internal/htmltest"
	"folio/internal/httpcache"
	"folio/store"
)

// oembedFuzzBase is the public base URL of the fuzzed provider; it has a
// path, so that the provider's prefix handling is fuzzed too.
const oembedFuzzBase = "https://news.example/folio"

var (
	oembedFuzzOnce    sync.Once
	oembedFuzzHandler http.Handler
	oembedFuzzSlugs   []string
	oembedFuzzErr     error
)

// oembedFuzzEnv returns the real oEmbed handler over an in-memory store
// holding the bundled sample articles, built once per process.
func oembedFuzzEnv(tb testing.TB) (http.Handler, []string) {
	tb.Helper()
	oembedFuzzOnce.Do(func() {
		st, err := store.Open(":memory:")
		if err != nil {
			oembedFuzzErr = err
			return
		}
		now := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
		if _, err := importer.LoadSamples(context.Background(), st, now); err != nil {
			oembedFuzzErr = err
			return
		}
		page, err := st.List(context.Background(), article.ListFilter{Limit: 100})
		if err != nil {
			oembedFuzzErr = err
			return
		}
		for _, s := range page.Articles {
			oembedFuzzSlugs = append(oembedFuzzSlugs, s.Slug)
		}
		base, _ := url.Parse(oembedFuzzBase)
		cache := &responses{watch: &storeWatch{store: st, every: -1}, cache: httpcache.NewCache(0)}
		oembedFuzzHandler = handleOEmbed(st, cache, testSite(tb, "Folio"), base, slog.New(slog.DiscardHandler))
	})
	if oembedFuzzErr != nil {
		tb.Fatal(oembedFuzzErr)
	}
	if len(oembedFuzzSlugs) == 0 {
		tb.Fatal("the samples gave no articles")
	}
	return oembedFuzzHandler, oembedFuzzSlugs
}

// FuzzOEmbedQuery sends GET /oembed requests made of fuzzed parameters
// (url, maxwidth, maxheight, format, and raw extra query text that can
// repeat or add any parameter, theme, layout and accent among them) to the
// real handler, and checks what comes back: no panic; a status of 200,
// 304, 400, 404 or 501; a JSON or XML body that parses strictly, with no
// raw '<' in JSON; on 200 an oEmbed "rich" response whose size respects
// maxwidth and maxheight and whose html is exactly the design's snippet:
// one blockquote of text paragraphs and one link, and one script, the
// loader, async, from this site. That exact shape, every element and
// attribute accounted for and every URL rebuilt from a valid slug and
// valid options, is how the test excludes reflected input: a fuzzed value
// that broke out of an attribute or an element would fail it.
func FuzzOEmbedQuery(f *testing.F) {
	h, slugs := oembedFuzzEnv(f)
	reader := embedcard.ReaderURL(oembedFuzzBase, slugs[0])
	card := embedcard.CardURL(oembedFuzzBase, slugs[0], embedcard.Options{})
	for _, s := range []struct{ u, maxw, maxh, format, extra string }{
		{reader, "", "", "", ""},
		{reader, "480", "", "json", ""},
		{reader, "320", "150", "xml", "theme=dark&layout=compact&accent=0a7cff"},
		{reader + "/", "1200", "194", "", "theme=light"},
		{card, "", "", "xml", "accent=%23ABC"},
		{strings.Replace(reader, "https://news.example", "http://NEWS.EXAMPLE", 1), "", "", "", ""},
		{reader, "0", "", "", ""},
		{reader, "-1", "99999999999999999999", "", ""},
		{reader, "", "1", "json", ""},
		{reader, " 480", "", "", ""},
		{reader, "", "", "html", ""},
		{reader, "", "", "JSON", ""},
		{reader, "", "", "", "format=xml&format=json"},
		{reader, "", "", "", "url=javascript:alert(1)"},
		{"", "", "", "", "url=" + url.QueryEscape(reader) + "&url=x"},
		{"", "", "", "", ""},
		{"javascript:alert(1)//" + reader, "", "", "", ""},
		{"https://evil.example/folio/a/" + slugs[0], "", "", "", ""},
		{"https://news.example/a/" + slugs[0], "", "", "", ""},
		{oembedFuzzBase + "/a/", "", "", "", ""},
		{oembedFuzzBase + "/a/No-Such", "", "", "", ""},
		{oembedFuzzBase + "/a/no-such-article", "", "", "", ""},
		{oembedFuzzBase + "/a/../embed.js", "", "", "", ""},
		{oembedFuzzBase + "/a/%2e%2e/x", "", "", "", ""},
		{oembedFuzzBase + "//a/" + slugs[0], "", "", "", ""},
		{oembedFuzzBase + "/a/" + slugs[0] + "?x=<script>", "", "", "", ""},
		{oembedFuzzBase + "/a/" + slugs[0] + "#\"><script>alert(1)</script>", "", "", "", ""},
		{"https://user:pass@news.example/folio/a/" + slugs[0], "", "", "", ""},
		{"https://news.example:443/folio/a/" + slugs[0], "", "", "", ""},
		{"\"><script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "</script>", "theme=\"><script>&layout=<b>&accent=\"></style>"},
		{reader, "", "", "\u2028<script>", "accent=%ff%fe"},
		{"https://news.example/folio/a/" + strings.Repeat("a", 300), "", "", "", ""},
		{"\xff\xfe", "\xc0", "", "\xed\xa0\x80", "%zz;&&=&url"},
	} {
		f.Add(s.u, s.maxw, s.maxh, s.format, s.extra, "")
	}
	f.Add(reader, "", "", "json", "", `"x"`)
	f.Add(reader, "", "", "", "", "*")

	f.Fuzz(func(t *testing.T, rawURL, maxWidth, maxHeight, format, extra, ifNoneMatch string) {
		q := url.Values{}
		for k, v := range map[string]string{"url": rawURL, "maxwidth": maxWidth, "maxheight": maxHeight, "format": format} {
			if v != "" {
				q.Set(k, v)
			}
		}
		query := q.Encode()
		if extra != "" {
			query += "&" + extra
		}
		req := httptest.NewRequest(http.MethodGet, "/oembed", nil)
		req.URL.RawQuery = query
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := rec.Result()
		body, _ := io.ReadAll(res.Body)

		switch res.StatusCode {
		case http.StatusOK, http.StatusNotModified, http.StatusBadRequest, http.StatusNotFound, http.StatusNotImplemented:
		default:
			t.Fatalf("GET /oembed?%s: status=%d, want 200, 304, 400, 404 or 501: %s", query, res.StatusCode, body)
		}
		if res.StatusCode == http.StatusNotModified {
			if len(body) != 0 {
				t.Fatalf("304 with a body: %q", body)
			}
			return
		}
		ctype := res.Header.Get("Content-Type")
		if res.StatusCode != http.StatusOK {
			if ctype != "application/json; charset=utf-8" {
				t.Fatalf("status=%d with Content-Type=%q, want JSON", res.StatusCode, ctype)
			}
			var e struct {
				Error string `json:"error"`
			}
			if err := fuzzStrictJSON(body, &e); err != nil || e.Error == "" {
				t.Fatalf("status=%d: error body %q does not parse as {\"error\": ...}: %v", res.StatusCode, body, err)
			}
			fuzzNoRawMarkup(t, body)
			return
		}

		var got oembedResponse
		wantQ, _ := url.ParseQuery(query)
		switch wantQ.Get("format") {
		case "xml":
			if ctype != "text/xml; charset=utf-8" {
				t.Fatalf("format=xml: Content-Type=%q", ctype)
			}
			if err := fuzzStrictXML(body, &got); err != nil {
				t.Fatalf("XML body does not parse: %v\n%s", err, body)
			}
		case "", "json":
			if ctype != "application/json; charset=utf-8" {
				t.Fatalf("Content-Type=%q, want JSON", ctype)
			}
			if err := fuzzStrictJSON(body, &got); err != nil {
				t.Fatalf("JSON body does not parse: %v\n%s", err, body)
			}
			fuzzNoRawMarkup(t, body)
		default:
			t.Fatalf("200 for format=%q", wantQ.Get("format"))
		}
		if got.Version != "1.0" || got.Type != "rich" || got.Title == "" {
			t.Fatalf("version=%q type=%q title=%q, want 1.0, rich and a title", got.Version, got.Type, got.Title)
		}
		if mw := fuzzAtoi(wantQ.Get("maxwidth")); mw > 0 && got.Width > mw || got.Width <= 0 || got.Width > embedcard.DefaultWidth {
			t.Fatalf("width=%d for maxwidth=%q", got.Width, wantQ.Get("maxwidth"))
		}
		if mh := fuzzAtoi(wantQ.Get("maxheight")); mh > 0 && got.Height > mh || got.Height <= 0 {
			t.Fatalf("height=%d for maxheight=%q", got.Height, wantQ.Get("maxheight"))
		}
		// The snippet's exact shape (every element and attribute
		// accounted for, every URL rebuilt from a valid slug and valid
		// options) leaves no room for the input to be reflected: a value
		// that broke out of its attribute or element would fail it.
		if err := fuzzCheckSnippet(got.HTML, slugs); err != nil {
			t.Fatalf("GET /oembed?%s: %v", query, err)
		}
	})
}

// fuzzCheckSnippet checks an oEmbed html and says what is wrong with it: a blockquote.folio-embed whose
// data-src is a card page and whose cite is a reader page of this site,
// holding paragraphs of text and one link to the reader page; then the
// loader script, async, from this site, empty; nothing else, and no
// attribute beyond those the snippet writes.
func fuzzCheckSnippet(snippet string, slugs []string) error {
	if n := strings.Count(strings.ToLower(snippet), "<script"); n != 1 {
		return fmt.Errorf("the html holds %d '<script', want the loader's only: %s", n, snippet)
	}
	nodes, err := xhtml.ParseFragment(strings.NewReader(snippet), &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return err
	}
	if len(nodes) != 2 || nodes[0].DataAtom != atom.Blockquote || nodes[1].DataAtom != atom.Script {
		return fmt.Errorf("the html is not a blockquote and a script: %s", snippet)
	}
	bq, script := nodes[0], nodes[1]
	if len(script.Attr) != 2 || htmltest.Attr(script, "src") != embedcard.LoaderURL(oembedFuzzBase) || !htmltest.Has(script, "async") || script.FirstChild != nil {
		return fmt.Errorf("the script is not the loader: %s", snippet)
	}
	var slug string
	for _, a := range bq.Attr {
		switch a.Key {
		case "class":
			if a.Val != "folio-embed" {
				return fmt.Errorf("class=%q", a.Val)
			}
		case "cite":
			s, ok := strings.CutPrefix(a.Val, oembedFuzzBase+"/a/")
			if !ok || article.ValidSlug(s) != nil {
				return fmt.Errorf("cite=%q", a.Val)
			}
			slug = s
		case "data-src":
			u, err := url.Parse(a.Val)
			if err != nil || !strings.HasPrefix(a.Val, oembedFuzzBase+"/embed/") {
				return fmt.Errorf("data-src=%q", a.Val)
			}
			opts, err := embedcard.ParseOptions(u.Query())
			if err != nil || embedcard.CardURL(oembedFuzzBase, strings.TrimPrefix(u.Path, "/folio/embed/"), opts) != a.Val {
				return fmt.Errorf("data-src=%q is not a card URL with valid options (%v)", a.Val, err)
			}
		case "data-layout":
			if a.Val != embedcard.LayoutCompact {
				return fmt.Errorf("data-layout=%q", a.Val)
			}
		case "data-width":
			if n := fuzzAtoi(a.Val); n <= 0 || n > embedcard.DefaultWidth {
				return fmt.Errorf("data-width=%q", a.Val)
			}
		case "lang", "dir":
		default:
			return fmt.Errorf("the blockquote has the attribute %s=%q", a.Key, a.Val)
		}
	}
	found := false
	for _, s := range slugs {
		found = found || s == slug
	}
	if !found {
		return fmt.Errorf("cite names %q, not a stored article", slug)
	}
	links := 0
	for p := bq.FirstChild; p != nil; p = p.NextSibling {
		if p.Type != xhtml.ElementNode || p.DataAtom != atom.P || len(p.Attr) != 0 {
			return fmt.Errorf("the blockquote holds something other than paragraphs: %s", snippet)
		}
		for c := p.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == xhtml.TextNode:
			case c.Type == xhtml.ElementNode && c.DataAtom == atom.A && len(c.Attr) == 1 && c.Attr[0].Key == "href" &&
				c.Attr[0].Val == embedcard.ReaderURL(oembedFuzzBase, slug) && c.FirstChild != nil && c.FirstChild.Type == xhtml.TextNode && c.FirstChild.NextSibling == nil:
				links++
			default:
				return fmt.Errorf("a paragraph holds markup: %s", snippet)
			}
		}
	}
	if links != 1 {
		return fmt.Errorf("%d links to the reader page, want 1: %s", links, snippet)
	}
	return nil
}

// FuzzParseOEmbedRequest fuzzes the oEmbed query parser on its own with a
// raw query string: it never panics; an error is EINVALID or ENOTFOUND
// with a message in valid UTF-8 that quotes at most a clipped piece of the
// input (bounded length); a request it accepts names a valid slug, sizes within 0–100000 and
// options the card page accepts, and the reader URL of that slug parses
// back to the same slug.
func FuzzParseOEmbedRequest(f *testing.F) {
	base, _ := url.Parse(oembedFuzzBase)
	for _, s := range []string{
		"url=" + url.QueryEscape(oembedFuzzBase+"/a/hello-world"),
		"url=" + url.QueryEscape(oembedFuzzBase+"/embed/hello-world/") + "&maxwidth=320&maxheight=150&theme=dark&layout=compact&accent=abc",
		"url=http://NEWS.example/folio/a/x-1&maxwidth=0",
		"url=https://news.example/folio/a/&maxheight=100001",
		"url=https://news.example/a/x",
		"url=javascript:alert(1)",
		"url=%zz&maxwidth=1e3",
		"accent=%23GGGGGG&url=https://news.example/folio/a/x",
		"url=https://news.example/folio/a/x&theme=%22%3E%3Cscript%3E",
		"",
		";;;&&&===",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw)
		req, err := parseOEmbedRequest(q, base)
		if err != nil {
			var ae *article.Error
			if !errors.As(err, &ae) || ae.Code != article.EINVALID && ae.Code != article.ENOTFOUND {
				t.Fatalf("parseOEmbedRequest(%q) error %v (%T), want EINVALID or ENOTFOUND", raw, err, err)
			}
			if !utf8.ValidString(q.Get("url")) {
				return // the message quotes the bytes as they are, escaped by %q
			}
			// The message quotes at most 200 bytes of a value, which %q
			// may write four times longer (\x00).
			if msg := article.Message(err); !utf8.ValidString(msg) || len(msg) > 1200 {
				t.Fatalf("message %q: invalid UTF-8 or %d bytes long", msg, len(msg))
			}
			return
		}
		if article.ValidSlug(req.slug) != nil {
			t.Fatalf("parseOEmbedRequest(%q) slug %q is not valid", raw, req.slug)
		}
		if req.maxWidth < 0 || req.maxWidth > 100000 || req.maxHeight < 0 || req.maxHeight > 100000 {
			t.Fatalf("sizes %d×%d", req.maxWidth, req.maxHeight)
		}
		o := req.opts
		if o.Theme != "" && o.Theme != embedcard.ThemeLight && o.Theme != embedcard.ThemeDark || o.Layout != "" && o.Layout != embedcard.LayoutCompact {
			t.Fatalf("options %+v", o)
		}
		if o.Accent != "" {
			if c, err := embedcard.ParseAccent(o.Accent); err != nil || c != o.Accent {
				t.Fatalf("accent %q", o.Accent)
			}
		}
		if len(req.rawURL) > 200+len("…") {
			t.Fatalf("rawURL is %d bytes, want it clipped to 200", len(req.rawURL))
		}
		back, err := slugFromURL(embedcard.ReaderURL(oembedFuzzBase, req.slug), base)
		if err != nil || back != req.slug {
			t.Fatalf("the reader URL of %q gives back %q, %v", req.slug, back, err)
		}
	})
}

// fuzzStrictJSON decodes one JSON value and rejects trailing data.
func fuzzStrictJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// fuzzStrictXML decodes the document and then reads it to its end, so that a
// malformed tail fails too.
func fuzzStrictXML(b []byte, v any) error {
	if err := xml.Unmarshal(b, v); err != nil {
		return err
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	for {
		if _, err := d.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// fuzzNoRawMarkup fails if a JSON body holds a raw '<' or '>': JSON that a
// browser might sniff as HTML must not carry markup.
func fuzzNoRawMarkup(t *testing.T, body []byte) {
	t.Helper()
	if bytes.ContainsAny(body, "<>") {
		t.Fatalf("the JSON body holds a raw '<' or '>': %s", body)
	}
}

// fuzzAtoi parses a whole positive number of at most 9 digits, else 0.
func fuzzAtoi(s string) int {
	if s == "" || len(s) > 9 {
		return 0
	}
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// TestFuzzCheckSnippet makes sure the fuzz target's snippet check fails
// when the snippet carries injected markup or attributes, so that its
// passing means something.
func TestFuzzCheckSnippet(t *testing.T) {
	_, slugs := oembedFuzzEnv(t)
	good := embedcard.Snippet(article.Summary{Slug: slugs[0], Title: "T", Excerpt: "E", Author: "A"}, oembedFuzzBase, embedcard.Options{Width: 320, Layout: embedcard.LayoutCompact, Accent: "#0a7cff"})
	if err := fuzzCheckSnippet(good, slugs); err != nil {
		t.Fatalf("the good snippet fails: %v\n%s", err, good)
	}
	reader := embedcard.ReaderURL(oembedFuzzBase, slugs[0])
	for name, bad := range map[string]string{
		"SecondScript":  good + `<script>alert(1)</script>`,
		"Handler":       strings.Replace(good, `<blockquote class`, `<blockquote onmouseover="alert(1)" class`, 1),
		"ElementInText": strings.Replace(good, `>T</a>`, `>T<img src=x onerror=alert(1)></a>`, 1),
		"LinkElsewhere": strings.Replace(good, `<a href="`+reader+`"`, `<a href="javascript:alert(1)"`, 1),
		"ForeignLoader": strings.Replace(good, embedcard.LoaderURL(oembedFuzzBase), "https://evil.example/embed.js", 1),
		"BadOption":     strings.Replace(good, "layout=compact", "layout=%22%3E%3Cscript%3E", 1),
		"NoSuchSlug":    strings.ReplaceAll(good, "/"+slugs[0], "/no-such-slug"),
		"CardQuery":     strings.Replace(good, `data-src="`+oembedFuzzBase+`/embed/`+slugs[0], `data-src="`+oembedFuzzBase+`/embed/`+slugs[0]+`?x=%22%3E`, 1),
	} {
		if bad == good {
			t.Fatalf("%s: the replacement did not apply to %s", name, good)
		}
		if err := fuzzCheckSnippet(bad, slugs); err == nil {
			t.Errorf("%s: the check passed %s", name, bad)
		}
	}
}
