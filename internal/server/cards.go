package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"
	goapp "github.com/maxence-charriere/go-app/v9/pkg/app"

	ui "folio/app"
	"folio/article"
	"folio/embedcard"
	"folio/web"
)

// embedConfig is what the embed, oEmbed and feed handlers need.
type embedConfig struct {
	Store          article.Store
	BaseURL        *url.URL // the publisher's public base URL, for every absolute link
	FrameAncestors string   // CSP frame-ancestors source list for the card page; "" means *
	Logger         *slog.Logger
	// Freshness is how long a read of the store's write count is trusted
	// by the card and feed caches: an edit shows in them at most this
	// late. 0 means defaultFreshness; a negative value reads the count on
	// every request.
	Freshness time.Duration
	// Watch, when set, is the store watch to share with the API's cache
	// (and then Freshness is ignored).
	Watch *storeWatch
}

// defaultFreshness bounds how stale a cached card or feed can be on the
// server. Browsers and CDNs cache cards for minutes anyway (Cache-Control),
// and reading the write count once per interval instead of once per
// request is what lets a card be served at static-file speed.
const defaultFreshness = 100 * time.Millisecond

// addEmbedRoutes registers everything a partner site uses: the card page,
// the loader script, the oEmbed provider and the feeds.
func addEmbedRoutes(mux *http.ServeMux, cfg embedConfig) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.BaseURL == nil {
		cfg.BaseURL = &url.URL{}
	}
	if cfg.Freshness == 0 {
		cfg.Freshness = defaultFreshness
	}
	watch := cfg.Watch
	if watch == nil {
		watch = &storeWatch{store: cfg.Store, every: cfg.Freshness}
	}
	cards := newCardServer(cfg, watch)
	mux.Handle("GET /embed/{slug}", cards)
	mux.Handle("GET /embed.js", handleEmbedLoader(loaderAsset))
	mux.Handle("GET /oembed", newOEmbedHandler(cfg.Store, watch, cfg.BaseURL, cfg.Logger))
	feeds := newFeedServer(cfg.Store, watch, cfg.BaseURL, cfg.Logger)
	mux.Handle("GET /feed.atom", feeds.handler(feedAtom))
	mux.Handle("GET /feed.json", feeds.handler(feedJSON))
}

// cardScript is the card page's only script: it reports the card's height
// to the host page, tagged with the per-embed secret the loader put in the
// URL's fragment, whenever the card resizes and when the host says it is
// ready. The CSP allows exactly this script by its hash.
const cardScript = `(function(){var m=/[#&]secret=([0-9a-f]{32})(?:&|$)/.exec(location.hash),s=m&&m[1],p=parent,b=document.body;` +
	`if(!s||p===window)return;` +
	`function r(){p.postMessage({type:"folio-embed:height",secret:s,height:b.getBoundingClientRect().height},"*")}` +
	`new ResizeObserver(r).observe(b);` +
	`addEventListener("message",function(e){var d=e.data;if(e.source===p&&d&&d.type==="folio-embed:ready"&&d.secret===s)r()})})();`

// The card page's inline style sheet and the hashes that allow it and the
// script, computed once from the exact bytes sent.
var (
	cardCSS        = minifyCSS(mustReadWeb("embed.css"))
	cardCSSHash    = cspHash(cardCSS)
	cardScriptHash = cspHash(cardScript)
	loaderAsset    = newStaticAsset([]byte(minifyJS(mustReadWeb("embed.js"))), http.Header{
		"Content-Type":                 {"text/javascript; charset=utf-8"},
		"Cache-Control":                {"public, max-age=3600, stale-while-revalidate=86400"},
		"Cross-Origin-Resource-Policy": {"cross-origin"},
		"Access-Control-Allow-Origin":  {"*"},
	})
)

func mustReadWeb(name string) string {
	b, err := web.FS.ReadFile(name)
	if err != nil {
		panic("embed: web/" + name + " is missing from the binary: " + err.Error())
	}
	return string(b)
}

// cspHash returns the CSP source expression allowing an inline element
// whose text is s.
func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// handleEmbedLoader serves /embed.js.
func handleEmbedLoader(a *asset) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { a.serve(w, r, http.StatusOK) })
}

// cardServer serves /embed/{slug}: the Card component rendered to HTML on
// the server, in a standalone page with no WebAssembly and one hashed
// script. Rendered pages are cached, compressed, by slug, options and the
// version of the article they show.
type cardServer struct {
	store          article.Store
	base           *url.URL
	baseStr        string
	frameAncestors string
	logger         *slog.Logger
	cache          *responseCache // card pages by slug and options
}

func newCardServer(cfg embedConfig, watch *storeWatch) *cardServer {
	fa := cfg.FrameAncestors
	if fa == "" {
		fa = "*"
	}
	if err := CheckFrameAncestors(fa); err != nil {
		cfg.Logger.Error("embed: refusing every frame ancestor", "err", err)
		fa = "'none'"
	}
	return &cardServer{
		store: cfg.Store, base: cfg.BaseURL, baseStr: strings.TrimRight(cfg.BaseURL.String(), "/"),
		frameAncestors: fa, logger: cfg.Logger, cache: newResponseCache(watch),
	}
}

// sourceRE matches one CSP source expression of the forms frame-ancestors
// takes: 'self', 'none', *, a scheme ("https:") or a host source with an
// optional scheme, wildcard subdomain, port and path.
var sourceRE = regexp.MustCompile(`^(?i:'self'|'none'|\*|[a-z][a-z0-9+.-]*:|([a-z][a-z0-9+.-]*://)?(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:([0-9]+|\*))?(/[a-z0-9._~!$&()*+=:@%/-]*)?)$`)

// CheckFrameAncestors reports whether s is a CSP frame-ancestors source
// list that can be put in a header as it is.
func CheckFrameAncestors(s string) error {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return errors.New("embed: frame-ancestors is empty")
	}
	for _, f := range fields {
		if !sourceRE.MatchString(f) {
			return fmt.Errorf("embed: frame-ancestors: %q is not a CSP source expression", f)
		}
		if (strings.EqualFold(f, "'none'")) && len(fields) > 1 {
			return errors.New("embed: frame-ancestors: 'none' must stand alone")
		}
	}
	return nil
}

func (c *cardServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	opts, err := embedcard.ParseOptions(r.URL.Query())
	if err != nil {
		c.serveProblem(w, r, http.StatusBadRequest, opts, "This embed’s address is not valid", article.Message(err))
		return
	}
	if article.ValidSlug(slug) != nil {
		c.serveProblem(w, r, http.StatusNotFound, opts, "Article not found", "There is no article at this address.")
		return
	}
	page, err := c.cache.getAsset(r.Context(), slug+"?"+opts.Query(), func() (*asset, error) {
		a, err := c.store.Get(r.Context(), slug)
		if err != nil {
			return nil, err
		}
		s := a.Summary()
		return c.render(&s, opts), nil
	})
	switch article.Code(err) {
	case "":
		page.serve(w, r, http.StatusOK)
	case article.ENOTFOUND:
		c.serveProblem(w, r, http.StatusNotFound, opts, "Article not found", "It may have been removed or renamed.")
	default:
		c.logger.Error("embed: get article", "slug", slug, "err", err)
		c.serveProblem(w, r, http.StatusInternalServerError, opts, "This card could not be shown", "Please try again later.")
	}
}

// versioner is implemented by stores that count their writes (store.DB):
// a cache entry made at a count is fresh while the count stays the same,
// so a hit needs no read of the article. The count lives in the database,
// so writes by another process (folio import) are seen too.
type versioner interface {
	Version(ctx context.Context) (int64, error)
}

// storeVersion returns the store's write count, read now, or -1 when the
// store does not count its writes or the count cannot be read.
func storeVersion(ctx context.Context, st article.Store) int64 {
	if v, ok := st.(versioner); ok {
		if n, err := v.Version(ctx); err == nil {
			return n
		}
	}
	return -1
}

// storeWatch reads the store's write count at most once per interval
// and shares the reading between requests.
type storeWatch struct {
	store article.Store
	every time.Duration // < 0: read on every request

	mu   sync.Mutex   // one reader at a time
	last atomic.Int64 // the count last read
	at   atomic.Int64 // when, in Unix nanoseconds; 0 before the first read
	gen  atomic.Int64 // invalidations so far
}

// invalidate makes the next version call read the count again. Writes
// through this server call it, so their effect shows at once; only writes
// by another process wait up to w.every.
func (w *storeWatch) invalidate() {
	w.gen.Add(1)
	w.at.Store(0)
}

// version returns the store's write count, at most w.every old, or -1
// when the store does not count its writes or the count cannot be read.
func (w *storeWatch) version(ctx context.Context) int64 {
	if _, ok := w.store.(versioner); !ok {
		return -1
	}
	if w.every > 0 {
		if at := w.at.Load(); at != 0 && time.Now().UnixNano()-at < int64(w.every) {
			return w.last.Load()
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		if at := w.at.Load(); at != 0 && time.Now().UnixNano()-at < int64(w.every) {
			return w.last.Load() // another request just read it
		}
	}
	start, gen := time.Now().UnixNano(), w.gen.Load()
	n := storeVersion(ctx, w.store)
	if n < 0 {
		return -1
	}
	w.last.Store(n)
	if w.gen.Load() == gen {
		// Trusted for w.every, unless a write was acknowledged while the
		// count was read: the reading may predate it, so the next call
		// reads again.
		w.at.Store(start)
	}
	return n
}

// render builds the card page for the summary.
func (c *cardServer) render(s *article.Summary, opts embedcard.Options) *asset {
	imgOrigin := ""
	if s.Image != nil {
		if imgOrigin = imageOrigin(s.Image.Src); imgOrigin == "" {
			img := *s.Image
			img.Src = ""
			s.Image = &img
		}
	}
	class := "embed"
	if imgOrigin != "" {
		class += " has-image"
	}
	card := ui.NewCard(*s).Base(c.baseStr).Target("_blank").Eager(true).Class(class)
	body := goapp.HTMLString(card)
	imgSrc := "'none'"
	if imgOrigin != "" {
		imgSrc = imgOrigin
	}
	return c.page(s.Title, s.Lang, s.Dir, opts, body, imgSrc, http.StatusOK)
}

// serveProblem answers with a small card saying what went wrong, in the
// embed's theme, with the status. It links to the publisher's home page.
func (c *cardServer) serveProblem(w http.ResponseWriter, r *http.Request, status int, opts embedcard.Options, title, detail string) {
	body := `<article class="card embed problem"><h2 class="card-title"><a class="card-link" href="` +
		html.EscapeString(c.baseStr+"/") + `" target="_blank" rel="noopener">` + html.EscapeString(title) +
		`</a></h2><p class="meta card-meta">` + html.EscapeString(detail) + `</p><p class="card-tags">` +
		html.EscapeString(c.base.Host) + `</p></article>`
	c.page(title, "", "", opts, body, "'none'", status).serve(w, r, status)
}

// page wraps a rendered card in the standalone page with its headers.
func (c *cardServer) page(title, lang, dir string, opts embedcard.Options, card, imgSrc string, status int) *asset {
	var b strings.Builder
	b.Grow(len(cardCSS) + len(card) + 1024)
	b.WriteString(`<!doctype html><html`)
	if lang != "" {
		b.WriteString(` lang="` + html.EscapeString(lang) + `"`)
	}
	if dir == "rtl" || dir == "ltr" {
		b.WriteString(` dir="` + dir + `"`)
	}
	theme, layout := opts.Theme, opts.Layout
	if theme == "" {
		theme = embedcard.ThemeAuto
	}
	if layout == "" {
		layout = embedcard.LayoutAuto
	}
	b.WriteString(` data-theme="` + theme + `" data-layout="` + layout + `"><head><meta charset="utf-8">` +
		`<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">` +
		`<meta name="referrer" content="no-referrer"><title>`)
	b.WriteString(html.EscapeString(title))
	b.WriteString(`</title><style>` + cardCSS + `</style>`)
	styleSrc := cardCSSHash
	if opts.Accent != "" {
		accent := `:root[data-theme][data-layout]{--accent:` + opts.Accent + `}`
		b.WriteString(`<style>` + accent + `</style>`)
		styleSrc += " " + cspHash(accent)
	}
	b.WriteString(`</head><body>`)
	b.WriteString(card)
	b.WriteString(`<script>` + cardScript + `</script></body></html>`)

	cache, prepare := "public, max-age=300, stale-while-revalidate=3600", newAsset
	if status != http.StatusOK {
		cache, prepare = "public, max-age=60", newPlainAsset
	}
	return prepare([]byte(b.String()), http.Header{
		"Content-Type": {"text/html; charset=utf-8"},
		"Content-Security-Policy": {"default-src 'none'; script-src " + cardScriptHash + "; style-src " + styleSrc +
			"; img-src " + imgSrc + "; base-uri 'none'; form-action 'none'; frame-ancestors " + c.frameAncestors +
			"; sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox"},
		"Referrer-Policy":              {"no-referrer"},
		"X-Content-Type-Options":       {"nosniff"},
		"X-Robots-Tag":                 {"noindex"},
		"Cross-Origin-Resource-Policy": {"cross-origin"},
		"Cache-Control":                {cache},
	})
}

// hostRE matches the host (and port) of an image URL that may be named in
// a CSP header.
var hostRE = regexp.MustCompile(`^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$`)

// imageOrigin returns "scheme://host" of an absolute http(s) image URL for
// the card's img-src, or "" when the URL is unusable.
func imageOrigin(src string) string {
	if src == "" || article.ValidURL(src) != nil {
		return ""
	}
	u, err := url.Parse(src)
	if err != nil || !hostRE.MatchString(u.Host) {
		return ""
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
}

// asset is a response body prepared once: its gzip and brotli forms, its
// ETag (a hash of the bytes) and its headers, ready to be copied into a
// response without any formatting.
type asset struct {
	body, gz, br []byte
	header       http.Header // the fixed headers
	etag         string
	etagV        []string
	lengths      [3][]string // Content-Length of body, gz, br
}

var (
	varyAE   = []string{"Accept-Encoding"}
	encGzip  = []string{"gzip"}
	encBrotl = []string{"br"}
)

// newAsset prepares a response body that is built while serving: its
// compressed forms use fast levels (brotli 5 is within 1% of level 9 on a
// card page, at a fraction of the time).
func newAsset(body []byte, header http.Header) *asset {
	return prepareAsset(body, header, gzip.DefaultCompression, 5)
}

// newStaticAsset prepares a response body built once at start-up, with
// the best compression.
func newStaticAsset(body []byte, header http.Header) *asset {
	return prepareAsset(body, header, gzip.BestCompression, brotli.BestCompression)
}

// newPlainAsset prepares a small body served uncompressed, such as an
// error card: nothing a client sends can make the server compress it.
func newPlainAsset(body []byte, header http.Header) *asset {
	a := &asset{body: body, header: header}
	a.lengths[0] = []string{strconv.Itoa(len(body))}
	return a
}

func prepareAsset(body []byte, header http.Header, gzLevel, brLevel int) *asset {
	sum := sha256.Sum256(body)
	a := &asset{body: body, header: header, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`}
	a.etagV = []string{a.etag}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzLevel)
	zw.Write(body)
	zw.Close()
	a.gz = bytes.Clone(buf.Bytes())
	buf.Reset()
	bw := brotli.NewWriterLevel(&buf, brLevel)
	bw.Write(body)
	bw.Close()
	a.br = bytes.Clone(buf.Bytes())
	for i, b := range [][]byte{a.body, a.gz, a.br} {
		a.lengths[i] = []string{strconv.Itoa(len(b))}
	}
	return a
}

// serve writes the asset with the status, in the best encoding the client
// accepts. A 200 answers a matching If-None-Match with 304.
func (a *asset) serve(w http.ResponseWriter, r *http.Request, status int) {
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	h["Vary"] = varyAE
	if status == http.StatusOK && a.etag != "" {
		h["Etag"] = a.etagV
		if inm := r.Header["If-None-Match"]; len(inm) > 0 && etagMatch(strings.Join(inm, ","), a.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	body, n := a.body, a.lengths[0]
	if ae := r.Header["Accept-Encoding"]; len(ae) > 0 && a.gz != nil {
		switch acceptEncoding(strings.Join(ae, ",")) {
		case "br":
			body, n = a.br, a.lengths[2]
			h["Content-Encoding"] = encBrotl
		case "gzip":
			body, n = a.gz, a.lengths[1]
			h["Content-Encoding"] = encGzip
		}
	}
	h["Content-Length"] = n
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// etagMatch reports whether an If-None-Match header names the ETag (weak
// comparison, as RFC 9110 asks for If-None-Match).
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// acceptEncoding picks "br", "gzip" or "" from an Accept-Encoding header,
// honouring q=0.
func acceptEncoding(header string) string {
	var br, gz bool
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if q, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if v, err := strconv.ParseFloat(strings.TrimSpace(q), 64); err == nil && v <= 0 {
				continue
			}
		}
		switch name {
		case "br":
			br = true
		case "gzip", "x-gzip":
			gz = true
		}
	}
	switch {
	case br:
		return "br"
	case gz:
		return "gzip"
	}
	return ""
}

// minifyCSS drops comments and collapses white space. It suits our own
// style sheet, which has no comment markers inside strings and no
// descendant combinator before a pseudo-class ("a :hover"), whose space
// the colon rule would remove.
func minifyCSS(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "/*")
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.Index(s[i+2:], "*/")
		if j < 0 {
			break
		}
		s = s[i+2+j+2:]
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	for _, p := range []string{"{", "}", ";", ":", ","} {
		out = strings.ReplaceAll(out, " "+p, p)
		out = strings.ReplaceAll(out, p+" ", p)
	}
	out = strings.ReplaceAll(out, ";}", "}")
	return out
}

// minifyJS trims indentation and drops blank lines and whole-line //
// comments: safe for any script whose statements do not start a line
// with "//" inside a string or template.
func minifyJS(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "//") {
			continue
		}
		out = append(out, t)
	}
	return strings.Join(out, "\n") + "\n"
}
