package server

import (
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	xhtml "golang.org/x/net/html"

	"folio/article"
	"folio/draft"
	"folio/embedcard"
	"folio/internal/htmltest"
	"folio/store"
)

// embedEnv is a mux with the embed routes over an in-memory store.
type embedEnv struct {
	h    http.Handler
	st   article.Store
	base *url.URL
}

var testNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// newEmbedEnv serves the embed routes for the base URL (which may have a
// path) with the frame-ancestors setting.
func newEmbedEnv(t *testing.T, base, frameAncestors string) *embedEnv {
	t.Helper()
	st, err := store.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(&Config{BaseURL: strings.TrimRight(base, "/"), FrameAncestors: frameAncestors, MaxBody: 1 << 20, Freshness: -1,
		Site: Site{Name: "Example Daily", Lang: "en-GB", Description: "News from the example desk."}},
		st, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	return &embedEnv{h: h, st: st, base: u}
}

// create stores the article the draft makes and returns it as stored.
func (e *embedEnv) create(t *testing.T, d draft.Draft) *article.Article {
	t.Helper()
	a, _, err := d.Article(testNow)
	if err != nil {
		t.Fatalf("draft: %v", err)
	}
	if err := e.st.Create(context.Background(), a); err != nil {
		t.Fatalf("create: %v", err)
	}
	got, err := e.st.Get(context.Background(), a.Slug)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func (e *embedEnv) get(t *testing.T, target string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// plainDraft is an ordinary article with an image.
func plainDraft() draft.Draft {
	return draft.Draft{
		Slug: "hello-world", Title: "Hello, world", Author: "Ada Lovelace", Site: "The Daily Folio",
		Published: testNow.Add(-time.Hour), Tags: []string{"news", "go"},
		Image:   &article.Image{Src: "https://img.example/lead.jpg", Alt: "A lead image"},
		Excerpt: "A short excerpt.",
		Body:    `<p>Hello <a href="/about">about</a> <img src="pic.png" alt="p"></p>`,
	}
}

// hostileDraft is an article whose every text field tries to break out of
// its context once decoded to plain text by the pipeline.
func hostileDraft() draft.Draft {
	return draft.Draft{
		Slug:      "hostile",
		Title:     `&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' &lt;img src=x onerror=alert(2)&gt; Tom &amp; Jerry \ ]]&gt;`,
		Author:    `&lt;b onmouseover=alert(3)&gt;Eve&lt;/b&gt;"`,
		Site:      `"&gt;&lt;svg onload=alert(9)&gt;`,
		Published: testNow.Add(-2 * time.Hour),
		Excerpt:   `&lt;/p&gt;&lt;iframe src=javascript:alert(4)&gt; "quoted" ' &lt;!-- --&gt;`,
		Tags:      []string{`&lt;/script&gt;`, `"quote"&amp;`},
		Image:     &article.Image{Src: `https://img.example/a.png?x="><script>alert(5)</script>`, Alt: `&quot;&gt;&lt;svg onload=alert(6)&gt;`},
		Body:      `<p>Body <script>alert(7)</script><img src=x onerror=alert(8)></p>`,
	}
}

// checkHostile fails unless the stored article really holds markup in its
// text fields, so that the tests using it test something.
func checkHostile(t *testing.T, a *article.Article) {
	t.Helper()
	for _, s := range []string{a.Title, a.Author, a.Excerpt, a.Image.Alt, a.Image.Src} {
		if !strings.ContainsAny(s, `<>"`) {
			t.Fatalf("hostile field %q lost its markup in the pipeline; the test would prove nothing", s)
		}
	}
}

// htmlScan is what a parsed document holds that could run script.
type htmlScan struct {
	scripts  []*xhtml.Node // every <script>
	handlers []string      // every on* attribute, as "tag.attr"
	jsURLs   []string      // every URL attribute with a javascript: value
	elements map[string]int
}

func scanHTML(t *testing.T, doc string) *htmlScan {
	t.Helper()
	n, err := xhtml.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	s := &htmlScan{elements: map[string]int{}}
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			s.elements[n.Data]++
			if n.Data == "script" {
				s.scripts = append(s.scripts, n)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					s.handlers = append(s.handlers, n.Data+"."+a.Key)
				}
				if strings.Contains(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") &&
					(a.Key == "href" || a.Key == "src" || a.Key == "action" || a.Key == "formaction") {
					s.jsURLs = append(s.jsURLs, n.Data+"."+a.Key+"="+a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return s
}

// find returns the first element matching the tag and, if class is not
// "", having the class.
func find(n *xhtml.Node, tag, class string) *xhtml.Node {
	if n.Type == xhtml.ElementNode && n.Data == tag && (class == "" || hasClass(n, class)) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, tag, class); f != nil {
			return f
		}
	}
	return nil
}

func hasClass(n *xhtml.Node, class string) bool {
	for _, c := range strings.Fields(htmltest.Attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

func parseDoc(t *testing.T, doc string) *xhtml.Node {
	t.Helper()
	n, err := xhtml.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// cspDirectives splits a CSP header into its directives.
func cspDirectives(h string) map[string]string {
	m := map[string]string{}
	for _, d := range strings.Split(h, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		if name != "" {
			m[name] = value
		}
	}
	return m
}

var styleRE = regexp.MustCompile(`(?s)<style>(.*?)</style>`)

func TestCardPage(t *testing.T) {
	e := newEmbedEnv(t, "https://news.example/folio", "")
	e.create(t, plainDraft())
	rec := e.get(t, "/embed/hello-world")
	if rec.Code != http.StatusOK {
		t.Fatalf("status=%d, want 200; body %s", rec.Code, rec.Body)
	}
	h, body := rec.Header(), rec.Body.String()
	for k, want := range map[string]string{
		"Content-Type":                 "text/html; charset=utf-8",
		"X-Content-Type-Options":       "nosniff",
		"Cross-Origin-Resource-Policy": "",
		"Cache-Control":                "public, max-age=300, stale-while-revalidate=3600",
		"Vary":                         "Accept-Encoding",
		"Set-Cookie":                   "",
	} {
		if got := h.Get(k); got != want {
			t.Fatalf("%s=%q, want %q", k, got, want)
		}
	}
	if h.Get("ETag") == "" {
		t.Fatal("no ETag")
	}
	// The referrer policy and noindex come first in the head, before
	// anything the card loads.
	head := body[:strings.Index(body, "<title>")]
	for _, want := range []string{`<meta name="referrer" content="no-referrer">`, `<meta name="robots" content="noindex">`} {
		if !strings.Contains(head, want) {
			t.Errorf("the card's head does not start with %s: %s", want, head)
		}
	}
	csp := cspDirectives(h.Get("Content-Security-Policy"))
	for k, want := range map[string]string{
		"default-src":     "'none'",
		"script-src":      cspHash(cardScript),
		"img-src":         "https://news.example https://img.example", // the site's logo, the article's image
		"frame-ancestors": "*",
		"base-uri":        "'none'",
		"form-action":     "'none'",
		"sandbox":         "allow-scripts allow-popups allow-popups-to-escape-sandbox",
	} {
		if got := csp[k]; got != want {
			t.Fatalf("CSP %s=%q, want %q", k, got, want)
		}
	}
	// Every inline style is allowed by its hash, and nothing else is.
	var hashes []string
	for _, m := range styleRE.FindAllStringSubmatch(body, -1) {
		hashes = append(hashes, cspHash(m[1]))
	}
	if got, want := csp["style-src"], strings.Join(hashes, " "); got != want {
		t.Fatalf("CSP style-src=%q, want %q", got, want)
	}

	s := scanHTML(t, body)
	if len(s.scripts) != 1 || htmltest.Text(s.scripts[0]) != cardScript || htmltest.Attr(s.scripts[0], "src") != "" {
		t.Fatalf("scripts=%d, want exactly the height reporter", len(s.scripts))
	}
	for _, bad := range []string{"wasm", "app.js", "manifest"} {
		if strings.Contains(body, bad) {
			t.Fatalf("card page mentions %q: it must carry no app code", bad)
		}
	}
	doc := parseDoc(t, body)
	if got := htmltest.Attr(find(doc, "meta", ""), "charset"); got != "utf-8" {
		t.Fatalf("first meta charset=%q, want utf-8", got)
	}
	if !strings.Contains(body, `<meta name="robots" content="noindex">`) {
		t.Fatal("no robots noindex meta")
	}
	link := find(doc, "a", "card-link")
	if link == nil {
		t.Fatal("no card link")
	}
	for k, want := range map[string]string{"href": "https://news.example/folio/a/hello-world", "target": "_blank", "rel": "noopener"} {
		if got := htmltest.Attr(link, k); got != want {
			t.Fatalf("link %s=%q, want %q", k, got, want)
		}
	}
	if got := htmltest.Text(link); got != "Hello, world" {
		t.Fatalf("link text=%q", got)
	}
	if img := find(doc, "img", "card-img"); img == nil || htmltest.Attr(img, "src") != "https://img.example/lead.jpg" {
		t.Fatal("no card image")
	}
	if !hasClass(find(doc, "article", "card"), "has-image") {
		t.Fatal("card with an image lacks has-image")
	}
	if got := htmltest.Attr(find(doc, "html", ""), "data-theme"); got != "auto" {
		t.Fatalf("data-theme=%q, want auto", got)
	}

	// The budget: at most 10 KB compressed, excluding the image.
	gz := e.get(t, "/embed/hello-world", "Accept-Encoding", "gzip")
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Body.Len() > 10<<10 {
		t.Fatalf("gzip page: encoding %q, %d bytes, want gzip ≤ 10240", gz.Header().Get("Content-Encoding"), gz.Body.Len())
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != body {
		t.Fatal("gzip body differs from the plain body")
	}
	if br := e.get(t, "/embed/hello-world", "Accept-Encoding", "gzip, br"); br.Header().Get("Content-Encoding") != "br" {
		t.Fatalf("Content-Encoding=%q, want br", br.Header().Get("Content-Encoding"))
	}
}

func TestCardPageOptions(t *testing.T) {
	e := newEmbedEnv(t, "https://news.example", "")
	e.create(t, plainDraft())
	tests := []struct {
		name, query     string
		status          int
		theme, layout   string
		accentStyle     string // "" for no accent style element
		wantBodySnippet string
	}{
		{"Defaults", "", 200, "auto", "auto", "", ""},
		{"Dark", "?theme=dark", 200, "dark", "auto", "", ""},
		{"LightCompact", "?theme=light&layout=compact", 200, "light", "compact", "", ""},
		{"AccentShort", "?accent=F60", 200, "auto", "auto", "#ff6600", ""},
		{"AccentHash", "?accent=%230a7cff", 200, "auto", "auto", "#0a7cff", ""},
		{"UnknownParamIgnored", "?utm_source=x", 200, "auto", "auto", "", ""},
		{"BadTheme", "?theme=sepia", 400, "auto", "auto", "", "theme must be light, dark or auto"},
		{"BadLayout", "?layout=huge", 400, "auto", "auto", "", "layout must be auto or compact"},
		{"CSSInjection", "?accent=red%3B%7Dbody%7Bdisplay:none", 400, "auto", "auto", "", "accent must be a colour"},
		{"BadAccentLength", "?accent=12345", 400, "auto", "auto", "", "accent must be a colour"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := e.get(t, "/embed/hello-world"+tt.query)
			if rec.Code != tt.status {
				t.Fatalf("status=%d, want %d", rec.Code, tt.status)
			}
			body := rec.Body.String()
			doc := parseDoc(t, body)
			html := find(doc, "html", "")
			if got := htmltest.Attr(html, "data-theme"); got != tt.theme {
				t.Fatalf("data-theme=%q, want %q", got, tt.theme)
			}
			if got := htmltest.Attr(html, "data-layout"); got != tt.layout {
				t.Fatalf("data-layout=%q, want %q", got, tt.layout)
			}
			styles := styleRE.FindAllStringSubmatch(body, -1)
			if tt.accentStyle == "" && len(styles) != 1 {
				t.Fatalf("%d style elements, want 1", len(styles))
			}
			if tt.accentStyle != "" && (len(styles) != 2 || !strings.Contains(styles[1][1], "--accent:"+tt.accentStyle+"}")) {
				t.Fatalf("styles=%q, want an accent of %s", styles, tt.accentStyle)
			}
			if tt.wantBodySnippet != "" && !strings.Contains(body, tt.wantBodySnippet) {
				t.Fatalf("body lacks %q", tt.wantBodySnippet)
			}
			if len(scanHTML(t, body).scripts) != 1 {
				t.Fatal("want exactly one script")
			}
			if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors *") {
				t.Fatalf("CSP=%q", csp)
			}
		})
	}
}

func TestCardPageNotFound(t *testing.T) {
	e := newEmbedEnv(t, "https://news.example", "")
	for _, path := range []string{"/embed/no-such-article", "/embed/Bad_Slug", "/embed/x--y"} {
		t.Run(path, func(t *testing.T) {
			rec := e.get(t, path+"?theme=dark")
			if rec.Code != http.StatusNotFound {
				t.Fatalf("status=%d, want 404", rec.Code)
			}
			body := rec.Body.String()
			if !strings.Contains(body, "Article not found") || !strings.Contains(body, `class="card embed problem"`) {
				t.Fatalf("body=%s", body)
			}
			if !strings.Contains(body, `data-theme="dark"`) {
				t.Fatal("the 404 card ignores the theme")
			}
			if rec.Header().Get("ETag") != "" {
				t.Fatal("a 404 has an ETag")
			}
			if got := rec.Header().Get("Cache-Control"); got != "public, max-age=60" {
				t.Fatalf("Cache-Control=%q", got)
			}
			// Error cards are built per request, so they are never
			// compressed: a flood of bad addresses costs no compression.
			if gz := e.get(t, path, "Accept-Encoding", "gzip, br"); gz.Header().Get("Content-Encoding") != "" || gz.Body.String() != e.get(t, path).Body.String() {
				t.Fatalf("error card compressed: %q", gz.Header().Get("Content-Encoding"))
			}
			if csp := cspDirectives(rec.Header().Get("Content-Security-Policy")); csp["img-src"] != "'none'" || csp["script-src"] != cspHash(cardScript) {
				t.Fatalf("CSP=%v", csp)
			}
		})
	}
}

func TestCardPageConditional(t *testing.T) {
	e := newEmbedEnv(t, "https://news.example", "")
	a := e.create(t, plainDraft())
	first := e.get(t, "/embed/hello-world")
	etag := first.Header().Get("ETag")
	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
		rec := e.get(t, "/embed/hello-world", "If-None-Match", inm)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Fatalf("If-None-Match %s: status=%d, body %d bytes; want 304 and none", inm, rec.Code, rec.Body.Len())
		}
		if rec.Header().Get("ETag") != etag {
			t.Fatal("304 without the ETag")
		}
	}
	if rec := e.get(t, "/embed/hello-world", "If-None-Match", `"stale"`); rec.Code != http.StatusOK {
		t.Fatalf("stale If-None-Match: status=%d, want 200", rec.Code)
	}
	// An edit changes the page and its ETag at once.
	a.Title = "Hello again"
	if err := e.st.Update(context.Background(), a.Slug, a); err != nil {
		t.Fatal(err)
	}
	rec := e.get(t, "/embed/hello-world", "If-None-Match", etag)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Hello again") {
		t.Fatalf("after an edit: status=%d; want 200 with the new title", rec.Code)
	}
	if rec.Header().Get("ETag") == etag {
		t.Fatal("ETag unchanged after an edit")
	}
	// A deleted article is a 404 at once, whatever was cached.
	if err := e.st.Delete(context.Background(), a.Slug); err != nil {
		t.Fatal(err)
	}
	if rec := e.get(t, "/embed/hello-world"); rec.Code != http.StatusNotFound {
		t.Fatalf("after delete: status=%d, want 404", rec.Code)
	}
}

func TestCardPageHostile(t *testing.T) {
	e := newEmbedEnv(t, "https://news.example", "")
	a := e.create(t, hostileDraft())
	checkHostile(t, a)
	for _, q := range []string{"", "?theme=dark&layout=compact&accent=123456"} {
		rec := e.get(t, "/embed/hostile"+q)
		if rec.Code != http.StatusOK {
			t.Fatalf("status=%d", rec.Code)
		}
		body := rec.Body.String()
		s := scanHTML(t, body)
		if len(s.scripts) != 1 || htmltest.Text(s.scripts[0]) != cardScript || len(s.handlers) > 0 || len(s.jsURLs) > 0 {
			t.Fatalf("scripts=%d handlers=%v js=%v; want only the reporter", len(s.scripts), s.handlers, s.jsURLs)
		}
		for _, el := range []string{"iframe", "svg", "b"} {
			if s.elements[el] > 0 {
				t.Fatalf("the text made a <%s> element", el)
			}
		}
		doc := parseDoc(t, body)
		if got := htmltest.Text(find(doc, "a", "card-link")); got != a.Title {
			t.Fatalf("card title=%q, want %q", got, a.Title)
		}
		if got := htmltest.Text(find(doc, "title", "")); got != a.Title {
			t.Fatalf("<title>=%q, want %q", got, a.Title)
		}
		if got := htmltest.Text(find(doc, "span", "card-author")); got != a.Author {
			t.Fatalf("author=%q, want %q", got, a.Author)
		}
		img := find(doc, "img", "card-img")
		if img == nil || htmltest.Attr(img, "alt") != a.Image.Alt {
			t.Fatalf("image alt lost: %v", img)
		}
		if src, _ := url.Parse(htmltest.Attr(img, "src")); src == nil || src.Host != "img.example" || src.Query().Get("x") != `"><script>alert(5)</script>` {
			t.Fatalf("image src=%q does not name the same URL", htmltest.Attr(img, "src"))
		}
		if got := cspDirectives(rec.Header().Get("Content-Security-Policy"))["img-src"]; got != "https://news.example https://img.example" {
			t.Fatalf("img-src=%q", got)
		}
	}
}

func TestFrameAncestors(t *testing.T) {
	tests := []struct {
		config, want string
	}{
		{"", "*"},
		{"*", "*"},
		{"'self' https://partner.example https://*.blog.example:443", "'self' https://partner.example https://*.blog.example:443"},
		{"'none'", "'none'"},
		{"https://x.example; script-src *", "'none'"},
		{"https://x.example,https://y.example", "'none'"},
		{"'none' https://x.example", "'none'"},
		{"'unsafe-inline'", "'none'"},
	}
	for _, tt := range tests {
		t.Run(tt.config, func(t *testing.T) {
			e := newEmbedEnv(t, "https://news.example", tt.config)
			rec := e.get(t, "/embed/missing")
			if got := cspDirectives(rec.Header().Get("Content-Security-Policy"))["frame-ancestors"]; got != tt.want {
				t.Fatalf("frame-ancestors=%q, want %q", got, tt.want)
			}
		})
	}
}

func TestEmbedLoader(t *testing.T) {
	e := newEmbedEnv(t, "https://news.example", "")
	rec := e.get(t, "/embed.js")
	if rec.Code != http.StatusOK {
		t.Fatalf("status=%d", rec.Code)
	}
	if got := rec.Header().Get("Content-Type"); got != "text/javascript; charset=utf-8" {
		t.Fatalf("Content-Type=%q", got)
	}
	js := rec.Body.String()
	// The loader's copy of the card geometry must match package embed.
	want := "var HW = " + strconv.Itoa(embedcard.HeightWide) + ", HC = " + strconv.Itoa(embedcard.HeightCompact) +
		", NARROW = " + strconv.Itoa(embedcard.CompactBelow) + ", DW = " + strconv.Itoa(embedcard.DefaultWidth) +
		", MIN = " + strconv.Itoa(embedcard.MinHeight) + ", MAX = " + strconv.Itoa(embedcard.MaxHeight) + ";"
	if !strings.Contains(js, want) {
		t.Fatalf("embed.js lacks %q", want)
	}
	for _, s := range []string{`"allow-scripts allow-popups allow-popups-to-escape-sandbox"`, `e.origin !== "null"`, "e.source === x.f.contentWindow", "MutationObserver"} {
		if !strings.Contains(js, s) {
			t.Fatalf("embed.js lacks %s", s)
		}
	}
	for _, line := range strings.Split(js, "\n") {
		if l := strings.TrimSpace(line); !strings.HasPrefix(l, "//") && strings.Contains(l, "allow-same-origin") {
			t.Fatalf("embed.js grants allow-same-origin: %s", l)
		}
	}
	gz := e.get(t, "/embed.js", "Accept-Encoding", "gzip")
	if n := gz.Body.Len(); n > 2048 {
		t.Fatalf("embed.js is %d bytes gzipped, want ≤ 2048", n)
	}
	if rec := e.get(t, "/embed.js", "If-None-Match", rec.Header().Get("ETag")); rec.Code != http.StatusNotModified {
		t.Fatalf("status=%d, want 304", rec.Code)
	}
}

// countingStore counts the store's Version calls.
type countingStore struct {
	article.Store
	calls atomic.Int64
}

func (c *countingStore) Version(ctx context.Context) (int64, error) {
	c.calls.Add(1)
	return c.Store.(versioner).Version(ctx)
}

func TestStoreWatch(t *testing.T) {
	st, err := store.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs := &countingStore{Store: st}
	ctx := context.Background()

	every := &storeWatch{store: cs, every: -1}
	for range 3 {
		every.version(ctx)
	}
	if n := cs.calls.Load(); n != 3 {
		t.Fatalf("every request: %d reads for 3 calls, want 3", n)
	}

	cs.calls.Store(0)
	windowed := &storeWatch{store: cs, every: time.Hour}
	v0 := windowed.version(ctx)
	a, _, err := (&draft.Draft{Title: "x", Body: "<p>x</p>"}).Article(testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	if v := windowed.version(ctx); v != v0 || cs.calls.Load() != 1 {
		t.Fatalf("within the window: version %d (was %d), %d reads; want the cached reading and 1 read", v, v0, cs.calls.Load())
	}
	windowed.at.Store(1) // the reading is now long past its window
	if v := windowed.version(ctx); v == v0 || cs.calls.Load() != 2 {
		t.Fatalf("after the window: version %d (was %d), %d reads; want a new reading", v, v0, cs.calls.Load())
	}

	if v := (&storeWatch{store: struct{ article.Store }{st}, every: time.Hour}).version(ctx); v != -1 {
		t.Fatalf("a store without Version gave %d, want -1", v)
	}
}
