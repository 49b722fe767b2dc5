package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"folio/article"
	"folio/sanitize"
	"folio/store"
	"folio/web"

	"golang.org/x/net/html"
)

// pagesHostile is text that breaks out of an attribute or an element when
// printed without escaping.
const pagesHostile = `x" onmouseover="window.pwned=1" '><script>window.pwned=2</script><img src=x onerror="window.pwned=3">\`

// newTestPages returns the pages handler over a fresh in-memory store.
func newTestPages(t *testing.T) (http.Handler, *store.DB) {
	t.Helper()
	st, err := store.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return newPagesHandler(t, st), st
}

// newPagesHandler returns the whole server over st, at
// https://folio.example, reading the store's write count on every request.
func newPagesHandler(t *testing.T, st article.Store) http.Handler {
	t.Helper()
	h, err := New(&Config{BaseURL: "https://folio.example", MaxBody: 1 << 20, FrameAncestors: "*", Freshness: -1}, st, slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// testArticle builds a valid article whose body is raw HTML through the
// sanitiser.
func testArticle(t *testing.T, slug, title, raw string) *article.Article {
	t.Helper()
	body, _ := sanitize.HTML(raw, nil)
	a := &article.Article{
		Slug: slug, Title: title, Author: "Ann Author", Site: "Example News",
		URL:       "https://news.example/post",
		Published: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
		Tags:      []string{"one", "two"},
		HTML:      body,
	}
	a.Normalize(sanitize.PlainText(body), time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC))
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	return a
}

func putArticle(t *testing.T, st *store.DB, a *article.Article) {
	t.Helper()
	if err := st.Create(context.Background(), a); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, h http.Handler, target string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// scripts parses a page, fails on any event handler attribute, and returns
// its script elements as "src" or "type" strings.
func scripts(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[a.Key] = a.Val
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Errorf("<%s %s=%q>: an event handler", n.Data, a.Key, a.Val)
				}
			}
			if n.Data == "script" {
				theme, _ := web.FS.ReadFile("theme.js")
				switch {
				case attrs["src"] != "":
					out = append(out, attrs["src"])
				case attrs["type"] == "" && n.FirstChild != nil && n.FirstChild.Data == string(theme):
					out = append(out, "theme.js") // inline: pageCSP allows it by its hash
				default:
					out = append(out, attrs["type"])
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func TestPagesArticle(t *testing.T) {
	h, st := newTestPages(t)
	a := testArticle(t, "hostile", "Title "+pagesHostile,
		`<p onclick="window.pwned=5">Hello <script>window.pwned=6</script><img src="https://img.example/x.png" onerror="window.pwned=7" alt="a"></p>`)
	a.Author = "Author " + pagesHostile
	a.Excerpt = "Excerpt " + pagesHostile
	a.Tags = []string{`t"><img src=x onerror=alert(1)>`}
	a.Image = &article.Image{Src: `https://img.example/lead.png?"onerror="window.pwned=8`, Alt: "Alt " + pagesHostile, Caption: "Caption " + pagesHostile}
	putArticle(t, st, a)

	res := get(t, h, "/a/hostile")
	page := body(t, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("StatusCode=%v, want %v\n%s", res.StatusCode, http.StatusOK, page)
	}
	if got := res.Header.Get("Content-Security-Policy"); got != pageCSP {
		t.Fatalf("Content-Security-Policy=%q, want %q", got, pageCSP)
	}
	if got := res.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Fatalf("Content-Type=%q", got)
	}
	allowed := map[string]bool{"/wasm_exec.js": true, "/app.js": true, "theme.js": true, "application/json": true, "application/ld+json": true}
	for _, s := range scripts(t, page) {
		if !allowed[s] && !regexp.MustCompile(`^/web/folio\.[0-9a-f]{10}\.js$`).MatchString(s) {
			t.Errorf("unexpected script %q in the page", s)
		}
	}
	if strings.Contains(page, "window.pwned=6") && !strings.Contains(page, `\u003cscript\u003ewindow.pwned=2`) {
		t.Error("the body's script survived")
	}
	for _, want := range []string{
		"<h1", `data-side="server"`, `id="folio-state"`, `property="og:type" content="article"`,
		`<link rel="canonical" href="https://folio.example/a/hostile">`, "application/json+oembed",
		`<meta name="referrer" content="strict-origin-when-cross-origin">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if n := strings.Count(page, "<h1"); n != 1 {
		t.Errorf("%d h1 elements, want 1", n)
	}
	if !strings.Contains(res.Header.Get("Link"), "/oembed?") {
		t.Errorf("Link=%q, want the oEmbed discovery link", res.Header.Get("Link"))
	}
}

func TestPagesViewportAllowsZoom(t *testing.T) {
	h, _ := newTestPages(t)
	for _, path := range []string{"/", "/saved", "/nope"} {
		page := body(t, get(t, h, path))
		metas := regexp.MustCompile(`<meta[^>]*name="viewport"[^>]*>`).FindAllString(page, -1)
		if len(metas) != 1 {
			t.Fatalf("%s: %d viewport metas, want 1", path, len(metas))
		}
		if strings.Contains(metas[0], "user-scalable") || strings.Contains(metas[0], "maximum-scale") {
			t.Fatalf("%s: %s blocks zooming", path, metas[0])
		}
	}
}

func TestPagesETag(t *testing.T) {
	h, st := newTestPages(t)
	a := testArticle(t, "changing", "First title", "<p>First body.</p>")
	putArticle(t, st, a)

	res := get(t, h, "/a/changing")
	etag := res.Header.Get("ETag")
	if res.StatusCode != http.StatusOK || etag == "" {
		t.Fatalf("StatusCode=%v ETag=%q, want 200 and an ETag", res.StatusCode, etag)
	}
	if res := get(t, h, "/a/changing", "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Fatalf("StatusCode=%v for an unchanged page, want %v", res.StatusCode, http.StatusNotModified)
	}
	if again := get(t, h, "/a/changing").Header.Get("ETag"); again != etag {
		t.Fatalf("ETag=%q on the second request, want the same %q", again, etag)
	}
	// go-app's own ETag is the app version, for every path.
	version := get(t, h, "/app.js").Header.Get("ETag")
	if version == "" {
		t.Fatal("go-app's /app.js has no ETag")
	}
	if res := get(t, h, "/a/changing", "If-None-Match", version); res.StatusCode != http.StatusOK {
		t.Fatalf("StatusCode=%v for the version's ETag, want %v", res.StatusCode, http.StatusOK)
	}

	b := testArticle(t, "changing", "Second title", "<p>Second body.</p>")
	if err := st.Update(context.Background(), "changing", b); err != nil {
		t.Fatal(err)
	}
	res = get(t, h, "/a/changing", "If-None-Match", etag)
	page := body(t, res)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "Second title") {
		t.Fatalf("StatusCode=%v after an edit, want 200 with the new title", res.StatusCode)
	}
	if res.Header.Get("ETag") == etag {
		t.Fatal("the ETag did not change with the article")
	}
	if res := get(t, h, "/?q=x"); res.Header.Get("ETag") == get(t, h, "/").Header.Get("ETag") {
		t.Fatal("a search and the home page share an ETag")
	}
}

func TestPagesStatus(t *testing.T) {
	h, st := newTestPages(t)
	putArticle(t, st, testArticle(t, "there", "An article that is there", "<p>Text.</p>"))
	tests := []struct {
		path string
		want int
		text string
	}{
		{"/", 200, "An article that is there"},
		{"/?q=there", 200, "An article that is there"},
		{"/?tag=one", 200, "An article that is there"},
		{"/?cursor=not-a-cursor", 400, "could not be loaded"},
		{"/saved", 200, "Saved articles"},
		{"/a/there", 200, "An article that is there"},
		{"/a/missing", 404, "Page not found"},
		{"/a/Not-A-Slug", 404, "Page not found"},
		{"/a/", 404, "Page not found"},
		{"/nope", 404, "Page not found"},
		{"/a/there/extra", 404, "Page not found"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := get(t, h, tt.path)
			page := body(t, res)
			if res.StatusCode != tt.want {
				t.Fatalf("StatusCode=%v, want %v", res.StatusCode, tt.want)
			}
			if !strings.Contains(page, tt.text) {
				t.Fatalf("the page lacks %q", tt.text)
			}
			if tt.want != 200 && res.Header.Get("ETag") != "" {
				t.Fatalf("ETag=%q on a %d", res.Header.Get("ETag"), tt.want)
			}
			if res.Header.Get("Content-Security-Policy") != pageCSP {
				t.Fatal("no CSP")
			}
		})
	}
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST / = %v, want %v", rec.Code, http.StatusMethodNotAllowed)
	}
}

func TestPagesStatic(t *testing.T) {
	h, _ := newTestPages(t)
	robots, _ := web.FS.ReadFile("robots.txt")
	tests := []struct {
		path, want string
		status     int
	}{
		{"/robots.txt", string(robots), 200},
		{"/sitemap.xml", "", 404},
		{"/ads.txt", "", 404},
		{"/web/site.css", ".goapp-app-info", 200},
		{"/web/folio.js", "MessageChannel", 200},
		{"/web/theme.js", "folio:prefs", 200},
		{"/web/icon.svg", "<svg", 200},
		{"/web/web.go", "", 404},
		{"/web/worker.js.tmpl", "", 404},
		{"/web/icons_test.go", "", 404},
		{"/web/nope.css", "", 404},
		{"/app-worker.js", "clients.claim()", 200},
		{"/app.js", "goappInitServiceWorker", 200},
		{"/manifest.webmanifest", "/web/icon-512.", 200},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := get(t, h, tt.path, "Host", "evil.example")
			b := body(t, res)
			if res.StatusCode != tt.status {
				t.Fatalf("StatusCode=%v, want %v", res.StatusCode, tt.status)
			}
			if tt.status == 200 && !strings.Contains(b, tt.want) {
				t.Fatalf("the body lacks %q", tt.want)
			}
			if strings.Contains(b, "githubusercontent") || strings.Contains(b, "evil.example") {
				t.Fatalf("%s names another site", tt.path)
			}
		})
	}

	res := get(t, h, "/web/site.css")
	etag := res.Header.Get("ETag")
	if res := get(t, h, "/web/site.css", "If-None-Match", etag); etag == "" || res.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidating site.css: ETag=%q StatusCode=%v, want 304", etag, res.StatusCode)
	}

	worker := body(t, get(t, h, "/app-worker.js"))
	for _, want := range []string{"folio-saved", `"/saved"`} {
		if !strings.Contains(worker, want) {
			t.Errorf("app-worker.js lacks %q", want)
		}
	}
	for _, re := range []string{`"/web/icon\.[0-9a-f]{10}\.svg"`, `"/web/app\.[0-9a-f]{10}\.wasm"`, `"/web/preview\.[0-9a-f]{10}\.wasm"`, `"/web/site\.[0-9a-f]{10}\.css"`, `"/web/folio\.[0-9a-f]{10}\.js"`} {
		if !regexp.MustCompile(re).MatchString(worker) {
			t.Errorf("app-worker.js names no %s", re)
		}
	}
}

// TestStaticHashed checks how static files are served: every file a page
// names under /web/ has a content hash in its name, is kept a year and is
// compressed; the plain names keep working, revalidated; a hashed name of
// an older content gets today's file, revalidated; go-app's own files are
// compressed; no script in the head blocks rendering.
func TestStaticHashed(t *testing.T) {
	h, _ := newTestPages(t)
	page := body(t, get(t, h, "/"))
	head := page[:strings.Index(page, "</head>")]
	refs := regexp.MustCompile(`(?:href|src)="(/web/[^"]+)"`).FindAllStringSubmatch(head, -1)
	if len(refs) < 4 {
		t.Fatalf("the head names %d files under /web/:\n%s", len(refs), head)
	}
	hashed := regexp.MustCompile(`^/web/(.+)\.[0-9a-f]{10}(\.[a-z0-9]+)$`)
	for _, m := range refs {
		ref := m[1]
		parts := hashed.FindStringSubmatch(ref)
		if parts == nil {
			t.Errorf("%s has no content hash in its name", ref)
			continue
		}
		plain, _ := web.FS.ReadFile(parts[1] + parts[2])
		res := get(t, h, ref, "Accept-Encoding", "br, gzip")
		if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != immutable {
			t.Errorf("%s: StatusCode=%d Cache-Control=%q, want 200 and %q", ref, res.StatusCode, res.Header.Get("Cache-Control"), immutable)
		}
		if enc := res.Header.Get("Content-Encoding"); !strings.HasSuffix(ref, ".png") && enc != "br" {
			t.Errorf("%s: Content-Encoding=%q, want br", ref, enc)
		}
		if got := body(t, get(t, h, ref)); got != string(plain) && !strings.HasSuffix(ref, ".png") {
			t.Errorf("%s: the body is not %s", ref, parts[1]+parts[2])
		}
	}
	for _, m := range regexp.MustCompile(`<script[^>]*>`).FindAllString(head, -1) {
		if strings.Contains(m, " src=") && !strings.Contains(m, " defer") && !strings.Contains(m, " async") {
			t.Errorf("a render-blocking script in the head: %s", m)
		}
	}

	res := get(t, h, "/web/site.css", "Accept-Encoding", "gzip")
	if res.Header.Get("Cache-Control") != "no-cache" || res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("ETag") == "" {
		t.Errorf("/web/site.css: Cache-Control=%q Content-Encoding=%q ETag=%q, want no-cache, gzip and an ETag",
			res.Header.Get("Cache-Control"), res.Header.Get("Content-Encoding"), res.Header.Get("ETag"))
	}
	css, _ := web.FS.ReadFile("site.css")
	if res := get(t, h, "/web/site.0123456789.css"); res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-cache" || body(t, res) != string(css) {
		t.Errorf("an older hashed name: StatusCode=%d Cache-Control=%q, want today's site.css, revalidated", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	if res := get(t, h, "/web/nope.0123456789.css"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a hashed name of no file: StatusCode=%d, want 404", res.StatusCode)
	}

	appJS := body(t, get(t, h, "/app.js"))
	wasm := regexp.MustCompile(`"(/web/app\.[0-9a-f]{10}\.wasm)"`).FindStringSubmatch(appJS)
	if wasm == nil || !regexp.MustCompile(`"/web/preview\.[0-9a-f]{10}\.wasm"`).MatchString(appJS) {
		t.Fatalf("app.js fetches no hashed bundles:\n%s", appJS)
	}
	if res := get(t, h, wasm[1], "Accept-Encoding", "br"); res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != immutable {
		t.Errorf("%s: StatusCode=%d Cache-Control=%q, want 200 and %q", wasm[1], res.StatusCode, res.Header.Get("Cache-Control"), immutable)
	}
	for _, pth := range []string{"/wasm_exec.js", "/app.js", "/app-worker.js", "/manifest.webmanifest"} {
		res := get(t, h, pth, "Accept-Encoding", "br")
		etag := res.Header.Get("ETag")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "br" || etag == "" || res.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("%s: StatusCode=%d Content-Encoding=%q ETag=%q Cache-Control=%q, want 200, br, an ETag, no-cache",
				pth, res.StatusCode, res.Header.Get("Content-Encoding"), etag, res.Header.Get("Cache-Control"))
		}
		if res := get(t, h, pth, "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
			t.Errorf("%s: revalidation StatusCode=%d, want 304", pth, res.StatusCode)
		}
	}
}

func TestPagesWasm(t *testing.T) {
	h, _ := newTestPages(t)
	raw, err := web.FS.ReadFile("app.wasm")
	if err != nil {
		t.Skip("web/app.wasm is not built; make wasm builds it")
	}
	for _, tt := range []struct{ accept, enc string }{{"gzip, deflate, br", "br"}, {"gzip", "gzip"}, {"br;q=0, gzip", "gzip"}, {"", ""}} {
		t.Run(tt.accept, func(t *testing.T) {
			res := get(t, h, "/web/app.wasm", "Accept-Encoding", tt.accept)
			b := body(t, res)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("StatusCode=%v", res.StatusCode)
			}
			if got := res.Header.Get("Content-Encoding"); got != tt.enc {
				t.Fatalf("Content-Encoding=%q, want %q", got, tt.enc)
			}
			if got := res.Header.Get("Content-Type"); got != "application/wasm" {
				t.Fatalf("Content-Type=%q", got)
			}
			if got, want := res.Header.Get("X-Uncompressed-Length"), len(raw); got != strconv.Itoa(want) {
				t.Fatalf("X-Uncompressed-Length=%q, want %d", got, want)
			}
			if tt.enc == "" && len(b) != len(raw) {
				t.Fatalf("%d bytes, want %d", len(b), len(raw))
			}
			if tt.enc != "" && len(b) >= len(raw) {
				t.Fatalf("%d bytes compressed, raw is %d", len(b), len(raw))
			}
		})
	}
}

func TestPagesVersionIsStable(t *testing.T) {
	h1, _ := newTestPages(t)
	h2, _ := newTestPages(t)
	if v1, v2 := get(t, h1, "/app.js").Header.Get("ETag"), get(t, h2, "/app.js").Header.Get("ETag"); v1 != v2 || v1 == "" {
		t.Fatalf("versions %q and %q, want one content hash", v1, v2)
	}
}

func TestPagesIgnoreHostHeader(t *testing.T) {
	h, st := newTestPages(t)
	putArticle(t, st, testArticle(t, "there", "There", "<p>Text.</p>"))
	for _, path := range []string{"/", "/?q=a%22b", "/saved", "/a/there", "/a/missing", `/nope%22%3E%3Cb%3E`} {
		t.Run(path, func(t *testing.T) {
			page := body(t, get(t, h, path, "Host", "evil.example:1'&x"))
			if strings.Contains(page, "evil.example") {
				t.Fatalf("the Host header reached the page:\n%s", page)
			}
			scripts(t, page)
		})
	}
}

// TestNoRawAngleBracketsInAttributes checks that the search terms a page
// echoes (title, og:title, links) never reach an attribute with a raw '<'
// or '>', on a normal listing and on a 400 one (a bad cursor).
func TestNoRawAngleBracketsInAttributes(t *testing.T) {
	h, st := newTestPages(t)
	putArticle(t, st, testArticle(t, "there", "There", "<p>Text.</p>"))
	attr := regexp.MustCompile(`\s[\w:-]+="[^"]*[<>][^"]*"`)
	for _, path := range []string{"/?q=%3Cb%3Ex%3C%2Fb%3E", "/?q=%3Cb%3Ex%3C%2Fb%3E&cursor=zzz", "/?tag=%3Ci%3E&cursor=%3Cq%3E"} {
		res := get(t, h, path)
		page := body(t, res)
		if bad := attr.FindAllString(page, 3); len(bad) > 0 {
			t.Fatalf("%s (%d): raw angle brackets in attributes: %q", path, res.StatusCode, bad)
		}
	}
}
