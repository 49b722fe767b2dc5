package server

import (
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"folio/article"
)

// Config is what the HTTP layer is told by the command line.
type Config struct {
	BaseURL        string   // public base URL for absolute links, without a trailing slash
	Token          string   // API token for writes; "" refuses every write
	FrameAncestors string   // CSP frame-ancestors source list for the embeds
	MaxBody        int64    // largest request body in bytes
	RateLimit      float64  // limited requests a minute per client; 0 turns the limit off
	ExtractAllow   HostList // private hosts POST /api/extract may fetch
}

// New builds the whole HTTP surface: the API, the embeds and the
// reader app, wrapped in the middleware every response goes through.
func New(cfg *Config, st article.Store, logger *slog.Logger, now func() time.Time) (http.Handler, error) {
	base, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	// One watch on the store's write count serves every cache (API, pages,
	// cards, oEmbed, feeds); writes through this server refresh it at once.
	watch := &storeWatch{store: st, every: defaultFreshness}
	pages, err := newPages(pageConfig{Store: st, BaseURL: base, Logger: logger, Watch: watch})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	addRoutes(mux, cfg, st, logger, now, pages, watch)
	return withRecover(logger, withLogging(logger, withSecurityHeaders(mux))), nil
}

// addRoutes maps the entire HTTP surface on one screen.
func addRoutes(mux *http.ServeMux, cfg *Config, st article.Store, logger *slog.Logger, now func() time.Time, pages http.Handler, watch *storeWatch) {
	// Writes and the sanitiser share one budget per client address; the
	// token is checked first so a wrong token cannot drain a client's budget.
	var lim *clientLimiter
	if cfg.RateLimit > 0 {
		lim = newClientLimiter(cfg.RateLimit, max(1, int(cfg.RateLimit/6)))
	}
	write := func(h http.Handler) http.Handler {
		return requireToken(cfg.Token, logger, withRateLimit(lim, logger, withInvalidate(watch, h)))
	}
	limit := cfg.MaxBody

	cache := newResponseCache(watch)
	mux.Handle("GET /api/articles", handleArticleList(st, cache, logger))
	mux.Handle("GET /api/articles/{slug}", handleArticleGet(st, cache, logger))
	mux.Handle("POST /api/articles", write(handleArticleCreate(st, logger, limit, now)))
	mux.Handle("PUT /api/articles/{slug}", write(handleArticleUpdate(st, logger, limit, now)))
	mux.Handle("DELETE /api/articles/{slug}", write(handleArticleDelete(st, logger)))
	mux.Handle("POST /api/sanitize", withRateLimit(lim, logger, handleSanitize(logger, limit)))
	mux.Handle("POST /api/extract", withRateLimit(lim, logger, handleExtract(cfg.ExtractAllow, logger, limit)))
	mux.Handle("/api/", handleAPINotFound(logger))
	mux.Handle("GET /healthz", handleHealthz(st, logger))
	base, _ := url.Parse(cfg.BaseURL) // newServer has checked it
	addEmbedRoutes(mux, embedConfig{Store: st, BaseURL: base, FrameAncestors: cfg.FrameAncestors, Logger: logger, Watch: watch})
	mux.Handle("/", pages)
}
