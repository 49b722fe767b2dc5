package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"folio/article"
	"folio/draft"
	"folio/importer"
	"folio/internal/purge"
	"folio/sanitize"
)

// handleArticleList serves GET /api/articles. It reads limit, cursor, tag
// and q, and nothing else: the cache key is made of those alone.
func handleArticleList(st article.Store, cache *responses, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f := article.ListFilter{Cursor: q.Get("cursor"), Tag: q.Get("tag"), Query: q.Get("q")}
		if s := q.Get("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 100 {
				writeError(w, r, logger, article.Errorf(article.EINVALID, "limit must be a whole number from 1 to 100, not %q", s))
				return
			}
			f.Limit = n
		}
		key := "api/list\x00" + f.Cursor + "\x00" + f.Tag + "\x00" + f.Query + "\x00" + strconv.Itoa(f.Limit)
		res, err := cache.getJSON(r.Context(), key, []string{purge.List}, func(ctx context.Context) (any, error) {
			page, err := st.List(ctx, f)
			if err == nil && page.Articles == nil {
				page.Articles = []article.Summary{}
			}
			return page, err
		})
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		res.Serve(w, r, http.StatusOK)
	})
}

// handleArticleGet serves GET /api/articles/{slug}; it reads no query
// parameter.
func handleArticleGet(st article.Store, cache *responses, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slug := r.PathValue("slug")
		if err := article.ValidSlug(slug); err != nil {
			writeError(w, r, logger, err)
			return
		}
		res, err := cache.getJSON(r.Context(), "api/article\x00"+slug, []string{purge.Article(slug)}, func(ctx context.Context) (any, error) {
			return st.Get(ctx, slug)
		})
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		res.Serve(w, r, http.StatusOK)
	})
}

// decodeArticle reads a create or update body: the article JSON, whose
// html is untrusted and goes through the pipeline like any other source.
func decodeArticle(w http.ResponseWriter, r *http.Request, limit int64) (*draft.Draft, error) {
	body, err := readJSONBody(w, r, limit)
	if err != nil {
		return nil, err
	}
	return importer.DecodeArticle(body)
}

// getBySlug checks the slug's shape before asking the store, so a bad
// slug is a clear 400 rather than a 404.
func getBySlug(ctx context.Context, st article.Store, slug string) (*article.Article, error) {
	if err := article.ValidSlug(slug); err != nil {
		return nil, err
	}
	return st.Get(ctx, slug)
}

// written is told the slugs a committed write touched, so that shared
// caches drop what showed them (purgeWritten).
type written func(slugs ...string)

func handleArticleCreate(st article.Store, logger *slog.Logger, limit int64, now func() time.Time, done written, sizer *imageSizer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, err := decodeArticle(w, r, limit)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		a, _, err := d.Article(now())
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		sizer.size(r.Context(), a, nil)
		if err := st.Create(r.Context(), a); err != nil {
			writeError(w, r, logger, err)
			return
		}
		done(a.Slug)
		w.Header().Set("Location", "/api/articles/"+a.Slug)
		writeJSON(w, http.StatusCreated, a)
	})
}

func handleArticleUpdate(st article.Store, logger *slog.Logger, limit int64, now func() time.Time, done written, sizer *imageSizer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slug := r.PathValue("slug")
		old, err := getBySlug(r.Context(), st, slug)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		d, err := decodeArticle(w, r, limit)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		if d.Slug == "" {
			d.Slug = slug
		}
		if d.Published.IsZero() {
			d.Published = old.Published
		}
		t := now()
		if d.Updated.IsZero() {
			d.Updated = t
		}
		a, _, err := d.Article(t)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		sizer.size(r.Context(), a, old)
		if err := st.Update(r.Context(), slug, a); err != nil {
			writeError(w, r, logger, err)
			return
		}
		done(slug, a.Slug)
		writeJSON(w, http.StatusOK, a)
	})
}

func handleArticleDelete(st article.Store, logger *slog.Logger, done written) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slug := r.PathValue("slug")
		if err := article.ValidSlug(slug); err != nil {
			writeError(w, r, logger, err)
			return
		}
		if err := st.Delete(r.Context(), slug); err != nil {
			writeError(w, r, logger, err)
			return
		}
		done(slug)
		w.WriteHeader(http.StatusNoContent)
	})
}

// handleSanitize runs the publishing policy over any HTML, for CMSs that
// want Folio's rules: {"html": …, "base_url": …} → {"html", "removed"}.
func handleSanitize(logger *slog.Logger, limit int64) http.Handler {
	type request struct {
		HTML    string `json:"html"`
		BaseURL string `json:"base_url"`
	}
	type response struct {
		HTML    article.SafeHTML `json:"html"`
		Removed sanitize.Report  `json:"removed"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in request
		if err := decodeJSON(w, r, limit, &in); err != nil {
			writeError(w, r, logger, err)
			return
		}
		var base *url.URL
		if in.BaseURL != "" {
			if err := article.ValidURL(in.BaseURL); err != nil {
				writeError(w, r, logger, article.Errorf(article.EINVALID, "base_url: %s", article.Message(err)))
				return
			}
			base, _ = url.Parse(in.BaseURL)
		}
		clean, report := sanitize.HTML(in.HTML, base)
		if report == nil {
			report = sanitize.Report{}
		}
		writeJSON(w, http.StatusOK, response{clean, report})
	})
}

func handleAPINotFound(logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, logger, article.Errorf(article.ENOTFOUND, "no such API endpoint: %s %s", r.Method, r.URL.Path))
	})
}

func handleHealthz(st article.Store, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := st.Count(r.Context())
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "articles": n})
	})
}
