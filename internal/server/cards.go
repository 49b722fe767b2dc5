package server

import (
	"cmp"
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
	"slices"
	"strings"

	goapp "github.com/maxence-charriere/go-app/v9/pkg/app"

	ui "folio/app"
	"folio/article"
	"folio/embedcard"
	"folio/internal/httpcache"
	"folio/internal/purge"
	"folio/web"
)

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
	cardCSS        = mustReadWeb("embed.css")
	cardCSSHash    = cspHash(cardCSS)
	cardScriptHash = cspHash(cardScript)
	loaderAsset    = httpcache.NewStatic([]byte(mustReadWeb("embed.js")), http.Header{
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
func handleEmbedLoader(a *httpcache.Asset) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { a.Serve(w, r, http.StatusOK) })
}

// cardServer serves /embed/{slug}: the Card component rendered to HTML on
// the server, in a standalone page with no WebAssembly and one hashed
// script. It reads the query parameters theme, layout, accent and width
// (embedcard.ParseOptions) and nothing else: rendered pages are cached,
// compressed, by slug and the canonical form of those options.
type cardServer struct {
	store          article.Store
	base           *url.URL
	baseStr        string
	frameAncestors string
	logger         *slog.Logger
	cache          *responses
	site           *Site
}

func newCardServer(st article.Store, base *url.URL, site *Site, frameAncestors string, cache *responses, logger *slog.Logger) *cardServer {
	fa := frameAncestors
	if fa == "" {
		fa = "*"
	}
	if err := CheckFrameAncestors(fa); err != nil {
		logger.Error("embed: refusing every frame ancestor", "err", err)
		fa = "'none'"
	}
	return &cardServer{
		store: st, base: base, baseStr: strings.TrimRight(base.String(), "/"),
		frameAncestors: fa, logger: logger, cache: cache, site: site,
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
	// A card without options (the loader's and oEmbed's usual address)
	// skips parsing a query it does not have.
	var opts embedcard.Options
	key := "card\x00" + slug + "?"
	if r.URL.RawQuery != "" {
		var err error
		if opts, err = embedcard.ParseOptions(r.URL.Query()); err != nil {
			c.serveProblem(w, r, slug, http.StatusBadRequest, opts, "This embed’s address is not valid", article.Message(err))
			return
		}
		key += opts.Query()
	}
	if article.ValidSlug(slug) != nil {
		c.serveProblem(w, r, slug, http.StatusNotFound, opts, "Article not found", "There is no article at this address.")
		return
	}
	page, err := c.cache.get(r.Context(), key, func(ctx context.Context) (*httpcache.Asset, error) {
		a, err := c.store.Get(ctx, slug)
		if err != nil {
			return nil, err
		}
		s := a.Summary()
		return c.render(&s, opts), nil
	})
	switch article.Code(err) {
	case "":
		page.Serve(w, r, http.StatusOK)
	case article.ENOTFOUND:
		c.serveProblem(w, r, slug, http.StatusNotFound, opts, "Article not found", "It may have been removed or renamed.")
	default:
		c.logger.Error("embed: get article", "slug", slug, "err", err)
		c.serveProblem(w, r, slug, http.StatusInternalServerError, opts, "This card could not be shown", "Please try again later.")
	}
}

// render builds the card page for the summary.
func (c *cardServer) render(s *article.Summary, opts embedcard.Options) *httpcache.Asset {
	// The page's CSP names one image origin besides the site's: the
	// image's. Candidates from elsewhere are left out.
	imgOrigin := ""
	if s.Image != nil {
		img := *s.Image
		if imgOrigin = imageOrigin(img.Src); imgOrigin == "" {
			img.Src, img.Width, img.Height, img.Srcset = "", 0, 0, nil
		} else {
			img.Srcset = slices.DeleteFunc(slices.Clone(img.Srcset), func(c article.ImageSource) bool { return imageOrigin(c.Src) != imgOrigin })
		}
		s.Image = &img
	}
	class := "embed"
	if imgOrigin != "" {
		class += " has-image"
	}
	card := ui.NewCard(*s).Base(c.baseStr).Target("_blank").Eager(true).Class(class).Sizes(embedImageSizes(opts.Layout)).
		Source(c.site.Name, c.baseStr+c.site.Logo.Path)
	body := goapp.HTMLString(card)
	imgSrc := imageOrigin(c.baseStr) // the site's logo
	if imgOrigin != "" && imgOrigin != imgSrc {
		imgSrc += " " + imgOrigin
	}
	return c.page(s.Slug, s.Title, cmp.Or(s.Excerpt, s.Subtitle, s.Title+" · "+c.site.Name), s.Lang, s.Dir, opts, body, imgSrc, http.StatusOK)
}

// embedImageSizes is how wide the embed card's image is drawn (embed.css),
// as the width its 16:9 picture needs to cover its box: 64 px square in the
// compact layout (114 px wide); 160 px high and 34% of the card wide in the
// wide layout, from 400 px (284 px wide until 34% is more, at 900 px).
func embedImageSizes(layout string) string {
	if layout == embedcard.LayoutCompact {
		return "114px"
	}
	return "(min-width: 900px) 34vw, (min-width: 400px) 284px, 114px"
}

// serveProblem answers with a small card saying what went wrong, in the
// embed's theme, with the status. It links to the publisher's home page.
func (c *cardServer) serveProblem(w http.ResponseWriter, r *http.Request, slug string, status int, opts embedcard.Options, title, detail string) {
	body := `<article class="card embed problem"><h2 class="card-title"><a class="card-link" href="` +
		html.EscapeString(c.baseStr+"/") + `" target="_blank" rel="noopener">` + html.EscapeString(title) +
		`</a></h2><p class="meta card-meta">` + html.EscapeString(detail) + `</p><p class="card-tags">` +
		html.EscapeString(c.site.Name) + `</p></article>`
	c.page(slug, title, detail, "", "", opts, body, "'none'", status).Serve(w, r, status)
}

// page wraps a rendered card in the standalone page with its headers.
func (c *cardServer) page(slug, title, desc, lang, dir string, opts embedcard.Options, card, imgSrc string, status int) *httpcache.Asset {
	var b strings.Builder
	b.Grow(len(cardCSS) + len(card) + 1024)
	b.WriteString(`<!doctype html><html`)
	b.WriteString(` lang="` + html.EscapeString(cmp.Or(lang, c.site.Lang)) + `"`)
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
	b.WriteString(`</title>`)
	if desc != "" {
		b.WriteString(`<meta name="description" content="` + html.EscapeString(desc) + `">`)
	}
	b.WriteString(`<style>` + cardCSS + `</style>`)
	styleSrc := cardCSSHash
	if opts.Accent != "" {
		accent := `:root[data-theme][data-layout]{--accent:` + opts.Accent + `}`
		b.WriteString(`<style>` + accent + `</style>`)
		styleSrc += " " + cspHash(accent)
	}
	b.WriteString(`</head><body>`)
	b.WriteString(card)
	b.WriteString(`<script>` + cardScript + `</script></body></html>`)

	header := http.Header{
		"Content-Type": {"text/html; charset=utf-8"},
		"Content-Security-Policy": {"default-src 'none'; script-src " + cardScriptHash + "; style-src " + styleSrc +
			"; img-src " + imgSrc + "; base-uri 'none'; form-action 'none'; frame-ancestors " + c.frameAncestors +
			"; sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox"},
		// The referrer policy (no-referrer) and noindex are meta elements
		// at the top of the head, before anything the card loads: as
		// headers they would say it twice on the card's hot path. No
		// Cross-Origin-Resource-Policy: a page with COEP blocks a
		// document it embeds unless that document sends COEP itself, so
		// CORP alone let no such page show the card; the loader makes
		// the iframe credentialless instead (TestEmbedInIsolatedPage).
		"X-Content-Type-Options": {"nosniff"},
	}
	switch status {
	case http.StatusOK:
		return httpcache.New([]byte(b.String()), c.cache.header(header, "public, max-age=300, stale-while-revalidate=3600", purge.Article(slug)))
	case http.StatusNotFound: // kept a minute, and dropped at once when the article is created
		return httpcache.NewPlain([]byte(b.String()), c.cache.header(header, "public, max-age=60", purge.Article(slug)))
	}
	header.Set("Cache-Control", "no-store")
	return httpcache.NewPlain([]byte(b.String()), header)
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
