package server

import (
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"folio/article"
	"folio/internal/fetch"
	"folio/internal/httpcache"
	"folio/internal/purge"
	"folio/internal/shareimg"
)

// Config is what the HTTP layer is told by the command line.
type Config struct {
	BaseURL        string         // public base URL for absolute links, without a trailing slash
	Token          string         // API token for writes; "" refuses every write
	FrameAncestors string         // CSP frame-ancestors source list for the embeds
	MaxBody        int64          // largest request body in bytes
	RateLimit      float64        // limited requests a minute per client; 0 turns the limit off
	ExtractAllow   fetch.HostList // private hosts POST /api/extract (and ImageSizes) may fetch
	CacheSize      int64          // bound of the response cache in bytes; 0 means httpcache.DefaultSize
	Site           Site           // the publisher's identity (CheckSite fills its defaults)
	ShareFonts     []string       // font files for share images, after the embedded Go fonts
	// Freshness is how long a reading of the store's write count is
	// trusted: a write by another process shows at most this late. 0
	// means defaultFreshness; below 0 reads it on every request.
	Freshness time.Duration
	// Changes, when set, receives a value whenever the store is written,
	// by this process or another (PostgreSQL LISTEN/NOTIFY): every cached
	// response is retired at once instead of within Freshness.
	Changes <-chan struct{}
	// ImageSizes, when set, has a write whose lead image comes without a
	// width and height read them from the image's header (imageSizer),
	// through the fenced client of /api/extract, within ImageTimeout (0
	// means 2 s); an image that cannot be read is stored as 0×0.
	ImageSizes   bool
	ImageTimeout time.Duration
	// Purge, when it has endpoints, is told what each committed write
	// touched, and lets shared caches keep responses for a day.
	Purge *purge.Queue
}

// New builds the whole HTTP surface: the API, the embeds and the
// reader app, wrapped in the middleware every response goes through.
func New(cfg *Config, st article.Store, logger *slog.Logger, now func() time.Time) (http.Handler, error) {
	base, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	site := cfg.Site
	if err := CheckSite(&site); err != nil {
		return nil, err
	}
	var fonts []*shareimg.Font
	for _, path := range cfg.ShareFonts {
		f, err := shareimg.LoadFont(path)
		if err != nil {
			return nil, err
		}
		fonts = append(fonts, f)
	}
	shareImages, err := shareimg.New(shareimg.Site{Name: site.Name, Logo: site.Logo.image, Accent: site.accentColor(), Fonts: fonts})
	if err != nil {
		return nil, err
	}
	// One cache serves every cached response (API, pages, cards, oEmbed,
	// feeds), keyed on the store's write count, which one watch reads;
	// writes through this server refresh it at once.
	every := cfg.Freshness
	if every == 0 {
		every = defaultFreshness
	}
	watch := &storeWatch{store: st, every: every}
	if cfg.Changes != nil {
		go func() {
			for range cfg.Changes {
				watch.invalidate()
			}
		}()
	}
	cache := &responses{watch: watch, cache: httpcache.NewCache(cfg.CacheSize), edge: cfg.Purge.Enabled()}
	pages, err := newPages(pageConfig{Store: st, BaseURL: base, Logger: logger, Cache: cache, Site: &site})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	addRoutes(mux, cfg, base, &site, shareImages, st, logger, now, cache, pages)
	return withRecover(logger, withLogging(logger, withSecurityHeaders(mux))), nil
}

// addRoutes maps the entire HTTP surface on one screen. Each cached read
// names, in its handler's comment, the query parameters it reads; its
// cache key is made of those alone.
func addRoutes(mux *http.ServeMux, cfg *Config, base *url.URL, site *Site, shareImages *shareimg.Renderer, st article.Store, logger *slog.Logger, now func() time.Time, cache *responses, pages *pages) {
	// Writes and the sanitiser share one budget per client address; the
	// token is checked first so a wrong token cannot drain a client's budget.
	var lim *clientLimiter
	if cfg.RateLimit > 0 {
		lim = newClientLimiter(cfg.RateLimit, max(1, int(cfg.RateLimit/6)))
	}
	write := func(h http.Handler) http.Handler {
		return requireToken(cfg.Token, logger, withRateLimit(lim, logger, withInvalidate(cache.watch, h)))
	}
	limit := cfg.MaxBody
	// After a committed write: edge caches drop what showed the articles
	// and every listing. (This server's own cache follows the store's write
	// count: withInvalidate.)
	done := func(slugs ...string) {
		keys := []string{purge.List}
		for _, s := range slugs {
			keys = append(keys, purge.Article(s))
		}
		cfg.Purge.Purge(keys...)
	}

	// The JSON API.
	mux.Handle("GET /api/articles", handleArticleList(st, cache, logger))       // limit, cursor, tag, q
	mux.Handle("GET /api/articles/{slug}", handleArticleGet(st, cache, logger)) // no parameters
	sizer := newImageSizer(cfg, logger)
	mux.Handle("POST /api/articles", write(handleArticleCreate(st, logger, limit, now, done, sizer)))
	mux.Handle("PUT /api/articles/{slug}", write(handleArticleUpdate(st, logger, limit, now, done, sizer)))
	mux.Handle("DELETE /api/articles/{slug}", write(handleArticleDelete(st, logger, done)))
	mux.Handle("POST /api/sanitize", withRateLimit(lim, logger, handleSanitize(logger, limit)))
	mux.Handle("POST /api/extract", withRateLimit(lim, logger, handleExtract(cfg.ExtractAllow, logger, limit)))
	mux.Handle("/api/", handleAPINotFound(logger))
	mux.Handle("GET /healthz", handleHealthz(st, logger))

	// What partner sites use: the card page, its loader, oEmbed, the feeds.
	mux.Handle("GET /embed/{slug}", newCardServer(st, base, site, cfg.FrameAncestors, cache, logger)) // theme, layout, accent, width
	mux.Handle("GET /embed.js", handleEmbedLoader(loaderAsset))
	mux.Handle("GET /oembed", handleOEmbed(st, cache, site, base, logger)) // url, maxwidth, maxheight, format, theme, layout, accent
	feeds := &feedServer{store: st, base: base, logger: logger, cache: cache, site: site}
	mux.Handle("GET /feed.atom", feeds.handler(feedAtom))                             // no parameters
	mux.Handle("GET /feed.json", feeds.handler(feedJSON))                             // no parameters
	mux.Handle("GET /share/{file}", handleShareImage(st, cache, shareImages, logger)) // {slug}.png; no parameters

	// The reader app: static files, go-app's own files, the pages.
	mux.HandleFunc("GET /web/{file}", pages.serveWebFile) // by name or content-hashed name; the two bundles too
	mux.HandleFunc("GET /robots.txt", pages.serveWebFile)
	mux.HandleFunc("GET /site/{file}", site.serveLogo)     // the logo, at a hashed path
	mux.Handle("GET /sitemap.xml", http.NotFoundHandler()) // go-app would fetch these from the Host
	mux.Handle("GET /ads.txt", http.NotFoundHandler())     // header's site (goapp.md §3.4)
	for _, path := range append([]string{"/app.js"}, goappFiles...) {
		mux.HandleFunc("GET "+path, pages.serveGoapp) // made once (bundles.go)
	}
	mux.HandleFunc("/", pages.servePage) // GET and HEAD; "/": q, tag, cursor; every other page: none
}
