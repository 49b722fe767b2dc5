package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"folio/app"
	"folio/article"
	"folio/internal/wire"
	"folio/web"

	goapp "github.com/maxence-charriere/go-app/v9/pkg/app"
)

// pageCSP is the Content-Security-Policy of every app page: no inline
// script or style (components never use .Style()), WebAssembly allowed,
// images from anywhere over http(s) (article images are remote), framing
// by this site only.
const pageCSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
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
	// Watch is the store watch shared with the other caches (newServer);
	// without one the store's write count is read on every request.
	Watch *storeWatch
}

// pageCacheControl lets browsers keep a page only while they revalidate it
// (max-age=0: a page shows the newest article), and lets a CDN serve it
// for a minute, then stale for a while as it revalidates with the ETag.
const pageCacheControl = "public, max-age=0, s-maxage=60, stale-while-revalidate=300"

// maxCachedPages bounds the page cache: a page is some 10 to 50 KB, and
// its compressed copies add a half to a third to that.
const maxCachedPages = 256

// staticFile is a file of web.FS, ready to serve.
type staticFile struct {
	data  []byte
	etag  string
	ctype string
}

// pages serves the reader app: the prerendered pages, go-app's scripts,
// the manifest and service worker, the files under /web/ and robots.txt.
type pages struct {
	app     *goapp.Handler
	files   map[string]staticFile
	version string
	base    string
	baseURL *url.URL
	logger  *slog.Logger
	watch   *storeWatch

	// Rendered pages, by request URI, with the store's write count they
	// were rendered at: a page is rendered once per URI between writes.
	mu      sync.RWMutex
	cache   map[string]cachedPage
	renders flight
}

// cachedPage is a prerendered page ready to serve.
type cachedPage struct {
	storeVersion int64
	status       int
	page         *asset
	raw          *bufferedResponse // go-app's response when it was not a page
}

// newPages returns the handler for every path that is not the API, an
// embed, oEmbed, a feed or the health check: "/", "/a/{slug}", "/saved",
// the 404 page for anything else, "/web/…", go-app's "/app.js",
// "/wasm_exec.js", "/app-worker.js", "/manifest.webmanifest", "/app.css",
// and "/robots.txt".
func newPages(cfg pageConfig) (http.Handler, error) {
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

	watch := cfg.Watch
	if watch == nil {
		watch = &storeWatch{store: store, every: -1}
	}
	p := &pages{files: files, base: base, baseURL: cfg.BaseURL, logger: logger, watch: watch, cache: map[string]cachedPage{}}
	h := &goapp.Handler{
		Name:        "Folio",
		ShortName:   "Folio",
		Title:       "Folio",
		Description: "Articles you can read anywhere, even offline.",
		Lang:        "en",
		Icon: goapp.Icon{
			Default:    "/web/icon-192.png",
			Large:      "/web/icon-512.png",
			SVG:        "/web/icon.svg",
			AppleTouch: "/web/icon-192.png",
		},
		BackgroundColor:         "#ffffff",
		ThemeColor:              "#1f3a5f",
		LoadingLabel:            "Loading {progress}%",
		Styles:                  []string{"/web/site.css"},
		Scripts:                 []string{"/web/folio.js"}, // no defer: it applies the theme before the first paint
		CacheableResources:      []string{"/web/icon.svg", "/saved", "/preview", "/web/preview.css", "/web/embed.css"},
		Resources:               resources{},
		WasmContentLengthHeader: "X-Uncompressed-Length",
		ServiceWorkerTemplate:   string(tmpl),
		// Long sessions in the app never load a page, so ask the browser
		// to look for a new service worker now and then.
		AutoUpdateInterval: 30 * time.Minute,
	}
	p.version = appVersion(files, h)
	h.Version = p.version
	p.app = h
	return p, nil
}

// resources tells go-app where its files are. It is not an http.Handler:
// pages serves /web/ itself.
type resources struct{}

func (resources) Package() string { return "" }
func (resources) Static() string  { return "" }
func (resources) AppWASM() string { return "/web/app.wasm" }

// loadStatic reads the public files of web.FS.
func loadStatic(fsys fs.FS) (map[string]staticFile, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	files := map[string]staticFile{}
	for _, e := range entries {
		if e.IsDir() || !web.Public(e.Name()) {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		files[e.Name()] = staticFile{data: data, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, ctype: contentType(e.Name())}
	}
	return files, nil
}

func contentType(name string) string {
	switch {
	case strings.HasSuffix(name, ".wasm"):
		return "application/wasm"
	case strings.HasSuffix(name, ".br"), strings.HasSuffix(name, ".gz"):
		return "application/octet-stream"
	}
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".ico":
		return "image/x-icon"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".webmanifest":
		return "application/manifest+json"
	case ".woff2":
		return "font/woff2"
	}
	return "application/octet-stream"
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
var goappFiles = map[string]bool{
	"/app.js": true, "/wasm_exec.js": true, "/app-worker.js": true, "/manifest.webmanifest": true,
	"/app.css": true, "/goapp.js": true, "/manifest.json": true, "/app.wasm": true, "/goapp.wasm": true,
}

func (p *pages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch pth := r.URL.Path; {
	case pth == "/robots.txt":
		p.serveFile(w, r, "robots.txt")
	case pth == "/sitemap.xml" || pth == "/ads.txt":
		// go-app would fetch these from the Host header's site (SSRF and
		// cache poisoning, goapp.md §3.4): answer them here.
		http.NotFound(w, r)
	case pth == "/web/app.wasm":
		p.serveWasm(w, r)
	case pth == previewWasmPath: // bundles.go
		p.serveBundle(w, r, "preview.wasm")
	case pth == "/app.js": // bundles.go: go-app's, loading the bundle of the page
		p.serveAppJS(w, r)
	case strings.HasPrefix(pth, "/web/"):
		p.serveFile(w, r, strings.TrimPrefix(pth, "/web/"))
	case goappFiles[pth]:
		p.app.ServeHTTP(w, r)
	default:
		p.servePage(w, r)
	}
}

// serveFile serves a file of web.FS with an ETag from its content.
func (p *pages) serveFile(w http.ResponseWriter, r *http.Request, name string) {
	f, ok := p.files[name]
	if !ok || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", f.etag)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.data))
}

// serveWasm serves the WebAssembly bundle pre-compressed (brotli, else
// gzip, as the build made them), with its uncompressed size in
// X-Uncompressed-Length so that go-app's loader shows a true percentage
// (goapp.md §4.2).
func (p *pages) serveWasm(w http.ResponseWriter, r *http.Request) {
	raw, ok := p.files["app.wasm"]
	if !ok {
		http.NotFound(w, r)
		return
	}
	f, enc := raw, acceptEncoding(r.Header.Get("Accept-Encoding"))
	if enc != "" {
		if cf, ok := p.files[map[string]string{"br": "app.wasm.br", "gzip": "app.wasm.gz"}[enc]]; ok && len(cf.data) > 0 {
			f = cf
		} else {
			enc = ""
		}
	}
	h := w.Header()
	h.Set("Content-Type", "application/wasm")
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	h.Set("X-Uncompressed-Length", strconv.Itoa(len(raw.data)))
	h.Set("ETag", strings.TrimSuffix(raw.etag, `"`)+"-"+enc+`"`)
	if enc != "" {
		h.Set("Content-Encoding", enc)
	}
	http.ServeContent(w, r, "app.wasm", time.Time{}, bytes.NewReader(f.data))
}

// servePage serves a prerendered page, from the cache when the store has
// not been written since it was rendered, else rendered now (once, however
// many requests ask for it meanwhile).
func (p *pages) servePage(w http.ResponseWriter, r *http.Request) {
	key := r.URL.RequestURI()
	sv := p.watch.version(r.Context())
	if sv >= 0 {
		p.mu.RLock()
		e, ok := p.cache[key]
		p.mu.RUnlock()
		if ok && e.storeVersion == sv {
			p.serveCached(w, r, e)
			return
		}
	}
	v, err := p.renders.do(key+"\x00"+strconv.FormatInt(sv, 10), func() (any, error) {
		return p.render(r, sv), nil
	})
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, wire.Error{Error: "Internal error."})
		return
	}
	p.serveCached(w, r, v.(cachedPage))
}

// serveCached sends a rendered page, or go-app's own response when it
// was not a page.
func (p *pages) serveCached(w http.ResponseWriter, r *http.Request, e cachedPage) {
	if e.page != nil {
		e.page.serve(w, r, e.status)
		return
	}
	for k, v := range e.raw.header {
		w.Header()[k] = v
	}
	w.WriteHeader(e.raw.status)
	if r.Method != http.MethodHead {
		w.Write(e.raw.buf.Bytes())
	}
}

// render prerenders the page for r through go-app and fixes what go-app
// v9 gets wrong for us: its ETag (the version, for every page: a changed
// article would get 304), its status (always 200), its viewport (zoom
// blocked), and the missing CSP, canonical and oEmbed links. The page is
// compressed and, when sv is a store version, cached under it.
func (p *pages) render(r *http.Request, sv int64) cachedPage {
	rec := p.prerender(r)
	if rec.status != 0 && rec.status != http.StatusOK {
		return cachedPage{raw: rec} // not a page (go-app's own plain 404): not cached
	}
	body := rec.buf.Bytes()
	status := pageStatus(body)
	header := http.Header{
		"Content-Type":            {"text/html; charset=utf-8"},
		"Content-Security-Policy": {pageCSP},
		"Cache-Control":           {"no-cache"},
	}
	body = p.fixHead(header, body, r, status)
	var page *asset
	if status == http.StatusOK {
		header["Cache-Control"] = []string{pageCacheControl}
		page = newAsset(body, header)
		page.etag = p.pageETag(r, body)
		page.etagV = []string{page.etag}
	} else {
		page = newPlainAsset(body, header)
	}
	e := cachedPage{storeVersion: sv, status: status, page: page}
	if sv >= 0 && status < http.StatusInternalServerError { // a failure is not kept: the next request tries again
		key := r.URL.RequestURI()
		p.mu.Lock()
		if len(p.cache) >= maxCachedPages {
			for k := range p.cache { // map order: evicts an arbitrary page
				delete(p.cache, k)
				break
			}
		}
		p.cache[key] = e
		p.mu.Unlock()
	}
	return e
}

// prerender runs go-app for r, without the conditional headers go-app
// would answer with its own ETag.
func (p *pages) prerender(r *http.Request) *bufferedResponse {
	r2 := r.Clone(r.Context())
	r2.Method = http.MethodGet
	r2.Header.Del("If-None-Match")
	r2.Header.Del("If-Modified-Since")
	rec := &bufferedResponse{header: http.Header{}}
	p.app.ServeHTTP(rec, r2)
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
func (p *pages) pageETag(r *http.Request, body []byte) string {
	sum := sha256.New()
	sum.Write([]byte(p.version + "\x00" + p.base + "\x00" + r.URL.RequestURI() + "\x00"))
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
func (p *pages) fixHead(header http.Header, body []byte, r *http.Request, status int) []byte {
	end := bytes.Index(body, []byte("</head>"))
	if end < 0 {
		return body
	}
	body = append(bytes.Replace(body[:end], []byte(goappViewport), []byte(ourViewport), 1), body[end:]...)
	if status != http.StatusOK {
		return body
	}
	switch {
	case app.ArticleSlug(r.URL.Path) != "":
		var st struct {
			Article *article.Article `json:"article"`
		}
		if err := json.Unmarshal(stateJSON(body), &st); err != nil || st.Article == nil {
			return body
		}
		header.Set("Link", oembedLink(st.Article, p.baseURL))
		return injectHead(body, readerMeta(st.Article, p.baseURL))
	case r.URL.Path == "/":
		return injectHead(body, feedLinks(p.baseURL))
	}
	return body
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
