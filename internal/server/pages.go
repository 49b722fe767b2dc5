package server

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"folio/app"
	"folio/article"
	"folio/internal/httpcache"
	"folio/internal/purge"
	"folio/internal/wire"
	"folio/sanitize"
	"folio/web"

	goapp "github.com/maxence-charriere/go-app/v9/pkg/app"
)

// pageCSP is the Content-Security-Policy of every app page: no inline
// script but web/theme.js (by its hash) and no inline style (components
// never use .Style()), WebAssembly allowed,
// images from anywhere over http(s) (article images are remote), frames
// from this site and the embed providers' players (loaded only when a
// reader clicks an embed facade), framing by this site only.
var pageCSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' " + themeScript.source + "; style-src 'self'; " +
	"frame-src 'self' " + sanitize.FrameSources + "; " +
	"img-src 'self' data: https: http:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'self'; form-action 'self'"

// go-app v9 prints a viewport that forbids zooming (fixed in v10); pages
// are rewritten to allow it.
const (
	goappViewport = "width=device-width, initial-scale=1, maximum-scale=1, user-scalable=0, viewport-fit=cover"
	ourViewport   = "width=device-width, initial-scale=1, viewport-fit=cover"
)

// goappGoVersion names the go-app release, part of the app version.
const goappGoVersion = "go-app v9.8.0"

// pageConfig configures the reader app's pages.
type pageConfig struct {
	Store   article.Store
	BaseURL *url.URL // absolute public base, e.g. http://127.0.0.1:8080
	Logger  *slog.Logger
	// Cache is the server's response cache, shared with the other routes.
	Cache *responses
	// Site is the publisher's identity, checked (CheckSite).
	Site *Site
}

// pageCacheControl lets browsers keep a page only while they revalidate it
// (max-age=0: a page shows the newest article), and lets a CDN serve it
// for a minute, then stale for a while as it revalidates with the ETag.
const pageCacheControl = "public, max-age=0, s-maxage=60, stale-while-revalidate=300"

// pages serves the reader app: the prerendered pages, go-app's scripts,
// the manifest and service worker, the files under /web/ and robots.txt.
type pages struct {
	app     *goapp.Handler
	files   map[string]staticFile
	hashed  map[string]string           // content-hashed name → name (static.go)
	goapp   map[string]*httpcache.Asset // go-app's files by path, made once (bundles.go)
	head    string                      // what every page's head gets (headAssets)
	version string
	base    string
	baseURL *url.URL
	logger  *slog.Logger
	cache   *responses // rendered pages, by canonical URI (servePage)
	site    *Site
}

// newPages returns the handler for every path that is not the API, an
// embed, oEmbed, a feed or the health check: "/", "/a/{slug}", "/saved",
// the 404 page for anything else, "/web/…", go-app's "/app.js",
// "/wasm_exec.js", "/app-worker.js", "/manifest.webmanifest", "/app.css",
// and "/robots.txt".
func newPages(cfg pageConfig) (*pages, error) {
	if cfg.Store == nil {
		return nil, errors.New("pages: no store")
	}
	if cfg.BaseURL == nil || (cfg.BaseURL.Scheme != "http" && cfg.BaseURL.Scheme != "https") || cfg.BaseURL.Host == "" {
		return nil, errors.New("pages: the base URL must be an absolute http(s) URL")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	files, err := loadStatic(web.FS)
	if err != nil {
		return nil, err
	}
	tmpl, err := web.FS.ReadFile("worker.js.tmpl")
	if err != nil {
		return nil, errors.New("pages: web/worker.js.tmpl is missing")
	}
	if f, ok := files["app.wasm"]; !ok || len(f.data) == 0 {
		logger.Warn("web/app.wasm was not embedded: pages are prerendered but the app will not start; build it with make wasm")
	}

	base := strings.TrimRight(cfg.BaseURL.String(), "/")
	store := cfg.Store
	routeBundles() // bundles.go: the reader app's pages and the preview
	app.LookupArticle = func(ctx context.Context, slug string) (*article.Article, error) {
		a, err := store.Get(ctx, slug)
		if article.Code(err) == article.EINTERNAL {
			logger.Error("pages: look up an article", "slug", slug, "err", err)
		}
		return a, err
	}
	app.ListArticles = func(ctx context.Context, f article.ListFilter) (*article.Page, error) {
		p, err := store.List(ctx, f)
		if article.Code(err) == article.EINTERNAL {
			logger.Error("pages: list articles", "err", err)
		}
		return p, err
	}
	app.BaseURL = base

	cache, site := cfg.Cache, cfg.Site
	if cache == nil || site == nil {
		return nil, errors.New("pages: no cache or site")
	}
	app.SiteName = site.Name
	p := &pages{files: files, hashed: map[string]string{}, base: base, baseURL: cfg.BaseURL, logger: logger, cache: cache, site: site}
	for name, f := range files {
		if f.hashed != "" {
			p.hashed[f.hashed] = name
		}
	}
	app.AssetPaths = map[string]string{}
	for _, name := range appAssets {
		app.AssetPaths[name] = p.asset(name)
	}
	// The preview's bundle is cached by the service worker on its first
	// use (web/worker.js.tmpl), under its hashed name.
	worker := strings.ReplaceAll(string(tmpl), previewWasmPath, p.asset("preview.wasm"))
	h := &goapp.Handler{
		Name:        site.Name,
		ShortName:   site.Name,
		Title:       site.Name,
		Description: cmp.Or(site.Description, "Articles you can read anywhere, even offline."),
		Lang:        site.Lang,
		Icon: goapp.Icon{
			Default:    p.asset("icon-192.png"),
			Large:      p.asset("icon-512.png"),
			SVG:        p.asset("icon.svg"),
			AppleTouch: p.asset("icon-192.png"),
		},
		BackgroundColor: "#ffffff",
		ThemeColor:      site.Accent,
		LoadingLabel:    "Loading {progress}%",
		Styles:          []string{p.asset("site.css")},
		// No Scripts: go-app would print them without defer. theme.js is
		// inline and folio.js deferred (headAssets).
		CacheableResources:      []string{p.asset("icon.svg"), "/saved", "/preview", p.asset("folio.js"), p.asset("preview.css"), p.asset("embed.css")},
		Resources:               resources{wasm: p.asset("app.wasm")},
		WasmContentLengthHeader: "X-Uncompressed-Length",
		ServiceWorkerTemplate:   worker,
		// Long sessions in the app never load a page, so ask the browser
		// to look for a new service worker now and then.
		AutoUpdateInterval: 30 * time.Minute,
	}
	p.version = appVersion(files, h)
	h.Version = p.version
	p.app = h
	p.head = p.headAssets()
	if err := p.prepareGoapp(); err != nil {
		return nil, err
	}
	return p, nil
}

// resources tells go-app where its files are: the reader's bundle under
// its content-hashed name. It is not an http.Handler: pages serves /web/
// itself.
type resources struct{ wasm string }

func (resources) Package() string   { return "" }
func (resources) Static() string    { return "" }
func (r resources) AppWASM() string { return r.wasm }

// appAssets are the static files the app's components name (app.Asset).
var appAssets = []string{"icon.svg", "site.css", "embed.css", "preview.css"}

// themeScript is web/theme.js, inline in every page's head (pageCSP allows
// it by its hash): it applies the reader's display preferences (theme, text
// size, line width, from localStorage) before the first paint, so a dark or
// sepia reader sees no flash of the light theme. It is the one script that
// must run before the page is painted, and inline it costs no request. Once
// run it takes itself out of the document, which then holds no inline
// script. Kept small: it is in every page.
var themeScript = func() inlineScript {
	s, err := newInlineScript("theme.js")
	if err != nil {
		panic("web/theme.js is not embedded: " + err.Error())
	}
	return s
}()

// pageReferrer is the pages' referrer policy: links and requests to other
// sites carry the origin, never the path. It is the browsers' default
// today, stated for the others. A meta element, not a header: it is read
// only by the documents it is in (JSON, scripts and styles have no use for
// it), and that is one header fewer on the hottest path.
const pageReferrer = `<meta name="referrer" content="strict-origin-when-cross-origin">` + "\n"

// headAssets is what the server adds to every page's head: the referrer
// policy, the display preferences applied before the first paint
// (theme.js, inline), folio.js deferred, and the hashed names of the files
// the app's components name, which the app reads in the browser
// (app.Asset).
func (p *pages) headAssets() string {
	var names []string
	for _, n := range appAssets {
		names = append(names, n+"="+p.asset(n))
	}
	return pageReferrer + themeScript.tag +
		`<script defer src="` + p.asset("folio.js") + `"></script>` + "\n" +
		`<meta name="folio-assets" content="` + strings.Join(names, " ") + `">` + "\n"
}

// appVersion is a hash of everything the app shell is made of: the web
// files (the WebAssembly bundle and the service worker template among
// them), the go-app settings and the Go release (go-app serves the
// wasm_exec.js of the server's Go). A new version makes browsers install
// the new service worker and offer a reload; an unchanged one keeps every
// cached file valid.
func appVersion(files map[string]staticFile, h *goapp.Handler) string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	sum := sha256.New()
	for _, n := range names {
		sum.Write([]byte(n + "\x00" + files[n].etag + "\x00"))
	}
	for _, s := range []string{
		goappGoVersion, runtime.Version(), h.Name, h.ShortName, h.Title, h.Description, h.Lang,
		h.Icon.Default, h.Icon.Large, h.Icon.SVG, h.Icon.AppleTouch, h.BackgroundColor, h.ThemeColor,
		h.LoadingLabel, strings.Join(h.Styles, ","), strings.Join(h.Scripts, ","),
		strings.Join(h.CacheableResources, ","), h.WasmContentLengthHeader, h.ServiceWorkerTemplate,
		h.AutoUpdateInterval.String(),
	} {
		sum.Write([]byte(s + "\x00"))
	}
	return hex.EncodeToString(sum.Sum(nil)[:10])
}

// goappFiles are served by go-app as they are: their ETag is the version,
// which is right for them since the version covers their content.
var goappFiles = []string{
	"/wasm_exec.js", "/app-worker.js", "/manifest.webmanifest",
	"/app.css", "/goapp.js", "/manifest.json", "/app.wasm", "/goapp.wasm",
}

// servePage serves a prerendered page from the shared cache, rendering
// it (once, however many requests ask for it meanwhile) when the store has
// been written since. A page reads its path and nothing else, except the
// home page, which reads its list query (q, tag, cursor): the cache key
// and the page rendered are the path plus that canonical query
// (app.PageQuery), so other parameters make no new page. Every path that
// is no page of the app gets the one 404 page.
func (p *pages) servePage(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	path, query := r.URL.Path, app.PageQuery(r.URL)
	if !app.IsPage(path) {
		path = notFoundPath
	}
	sep := ""
	if query != "" {
		sep = "?"
	}
	page, err := p.cache.get(r.Context(), "page\x00"+path+sep+query, func(ctx context.Context) (*httpcache.Asset, error) {
		return p.render(ctx, &url.URL{Path: path, RawQuery: query})
	})
	if err != nil {
		if v, ok := p.cache.watch.store.(versioner); ok {
			if _, verr := v.Version(r.Context()); article.Code(verr) == article.EUNAVAILABLE {
				writeError(w, r, p.logger, verr) // 503, try again
				return
			}
		}
		p.logger.Error("pages: render", "path", path, "err", err)
		writeJSON(w, http.StatusInternalServerError, wire.Error{Error: "Internal error."})
		return
	}
	page.Serve(w, r, page.Status())
}

// notFoundPath is the path every 404 page is rendered for: a path that is
// no page of the app, so that the one page serves every such path.
const notFoundPath = "/404"

// render prerenders the page at u through go-app and fixes what go-app
// v9 gets wrong for us: its ETag (the version, for every page: a changed
// article would get 304), its status (always 200), its viewport (zoom
// blocked), and the missing CSP, canonical and oEmbed links. A page that
// failed to render (500) is an error, so that it is not kept.
func (p *pages) render(ctx context.Context, u *url.URL) (*httpcache.Asset, error) {
	rec := p.prerender(ctx, u)
	if rec.status != 0 && rec.status != http.StatusOK {
		return nil, fmt.Errorf("go-app answered %d for %s", rec.status, u)
	}
	body := rec.buf.Bytes()
	status := pageStatus(body)
	if status >= http.StatusInternalServerError {
		return nil, fmt.Errorf("the page at %s reported status %d", u, status)
	}
	header := http.Header{
		"Content-Type":            {"text/html; charset=utf-8"},
		"Content-Security-Policy": {pageCSP},
		"Cache-Control":           {"no-cache"},
	}
	body = p.fixHead(header, body, u, status)
	var keys []string
	if slug := app.ArticleSlug(u.Path); slug != "" {
		keys = append(keys, purge.Article(slug)) // also on its 404: a create drops it
	} else if u.Path == "/" {
		keys = append(keys, purge.List)
	}
	var page *httpcache.Asset
	if status == http.StatusOK {
		page = httpcache.New(body, p.cache.header(header, pageCacheControl, keys...))
		page.SetETag(p.pageETag(u, body))
	} else {
		page = httpcache.NewPlain(body, p.cache.header(header, "no-cache", keys...))
	}
	page.SetStatus(status)
	return page, nil
}

// prerender runs go-app for the page at u, as requested from the public
// base URL: nothing of the request that asked for it (its host, headers or
// other parameters) reaches the page, which is shared by every request for
// u.
func (p *pages) prerender(ctx context.Context, u *url.URL) *bufferedResponse {
	target := *p.baseURL
	target.Path, target.RawPath, target.RawQuery = u.Path, "", u.RawQuery
	r := (&http.Request{Method: http.MethodGet, URL: &target, Host: p.baseURL.Host, Header: http.Header{}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}).WithContext(ctx)
	rec := &bufferedResponse{header: http.Header{}}
	p.app.ServeHTTP(rec, r)
	return rec
}

// pageStatus reads the data-status attribute of the first element of
// <body>, which every page's root carries (app.shell). Nothing from an
// article can come before it.
func pageStatus(body []byte) int {
	root := rootTag(body)
	i := bytes.Index(root, []byte(`data-status="`))
	if i < 0 {
		return http.StatusOK
	}
	v := root[i+len(`data-status="`):]
	if j := bytes.IndexByte(v, '"'); j > 0 {
		if n, err := strconv.Atoi(string(v[:j])); err == nil && n >= 200 && n <= 599 {
			return n
		}
	}
	return http.StatusOK
}

// rootTag returns the start tag of the first element of <body>.
func rootTag(body []byte) []byte {
	i := bytes.Index(body, []byte("<body"))
	if i < 0 {
		return nil
	}
	rest := body[i:]
	j := bytes.IndexByte(rest, '>')
	if j < 0 {
		return nil
	}
	rest = rest[j+1:]
	k := bytes.IndexByte(rest, '<')
	if k < 0 {
		return nil
	}
	rest = rest[k:]
	if e := bytes.IndexByte(rest, '>'); e >= 0 {
		return rest[:e+1]
	}
	return nil
}

// pageETag is a hash of what the page is made of: the app version, the
// base URL, the request URI and the data handed to the app (the state
// script). go-app prints attributes in map order, so the HTML itself is not
// byte-stable and cannot be hashed.
func (p *pages) pageETag(u *url.URL, body []byte) string {
	sum := sha256.New()
	sum.Write([]byte(p.version + "\x00" + p.base + "\x00" + u.RequestURI() + "\x00"))
	sum.Write(stateJSON(body))
	return `"p-` + hex.EncodeToString(sum.Sum(nil)[:16]) + `"`
}

// stateJSON returns the content of the page's state script, or nil.
func stateJSON(body []byte) []byte {
	const open = `<script type="application/json" id="folio-state">`
	i := bytes.Index(body, []byte("<body"))
	if i < 0 {
		return nil
	}
	j := bytes.Index(body[i:], []byte(open))
	if j < 0 {
		return nil
	}
	rest := body[i+j+len(open):]
	if k := bytes.Index(rest, []byte("</script>")); k >= 0 {
		return rest[:k]
	}
	return nil
}

// fixHead rewrites go-app's viewport so that zoom works, and puts the
// page's metadata in its head: for an article, Open Graph, the canonical
// and oEmbed links and JSON-LD (meta.go, built from the article the page
// was rendered from); for the home page, the feed links.
func (p *pages) fixHead(header http.Header, body []byte, u *url.URL, status int) []byte {
	end := bytes.Index(body, []byte("</head>"))
	if end < 0 {
		return body
	}
	body = append(bytes.Replace(body[:end], []byte(goappViewport), []byte(ourViewport), 1), body[end:]...)
	return injectHead(body, p.head+p.pageMeta(header, body, u, status))
}

// pageMeta is the metadata of the page in its head: the site's, and an
// article's or the home page's own.
func (p *pages) pageMeta(header http.Header, body []byte, u *url.URL, status int) string {
	if status != http.StatusOK {
		return siteMeta(p.site, p.baseURL, true)
	}
	switch {
	case app.ArticleSlug(u.Path) != "":
		var st struct {
			Article *article.Article `json:"article"`
		}
		if err := json.Unmarshal(stateJSON(body), &st); err != nil || st.Article == nil {
			return ""
		}
		header.Set("Link", oembedLink(st.Article, p.baseURL))
		return siteMeta(p.site, p.baseURL, true) + readerMeta(st.Article, p.baseURL, p.site)
	case u.Path == "/":
		return siteMeta(p.site, p.baseURL, false) + feedLinks(p.baseURL, p.site)
	}
	return siteMeta(p.site, p.baseURL, false)
}

// bufferedResponse collects go-app's response so that servePage can fix
// it before anything is sent.
type bufferedResponse struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.buf.Write(p)
}
