package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"

	"folio/article"
	"folio/internal/httpcache"
	"folio/internal/purge"
	"folio/internal/shareimg"
)

// sharePath is the path of an article's generated share image: stable,
// so unfurlers and CDNs cache it, and purged with the article.
func sharePath(slug string) string { return "/share/" + slug + ".png" }

// handleShareImage serves GET /share/{slug}.png: the 1200×630 image that
// link previews show for an article without a picture of its own
// (shareimg), drawn once per version of the article and kept in the
// response cache like every other response. It reads no query parameter.
func handleShareImage(st article.Store, cache *responses, rn *shareimg.Renderer, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slug, ok := strings.CutSuffix(r.PathValue("file"), ".png")
		if !ok || article.ValidSlug(slug) != nil {
			writeError(w, r, logger, article.Errorf(article.ENOTFOUND, "no share image at %s", r.URL.Path))
			return
		}
		res, err := cache.get(r.Context(), "share\x00"+slug, func(ctx context.Context) (*httpcache.Asset, error) {
			a, err := st.Get(ctx, slug)
			if err != nil {
				return nil, err
			}
			var buf bytes.Buffer
			if err := rn.Render(&buf, shareimg.Card{Title: a.Title, Byline: shareByline(a), Dir: a.Dir}); err != nil {
				return nil, err
			}
			b := buf.Bytes()
			img := httpcache.NewPlain(b, cache.header(http.Header{
				"Content-Type":                {"image/png"},
				"Access-Control-Allow-Origin": {"*"},
			}, "public, max-age=3600, stale-while-revalidate=86400", purge.Article(slug)))
			sum := sha256.Sum256(b)
			img.SetETag(`"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`)
			return img, nil
		})
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		res.Serve(w, r, http.StatusOK)
	})
}

// shareByline is the share image's last line: the author and the date,
// whichever the article has.
func shareByline(a *article.Article) string {
	var parts []string
	if a.Author != "" {
		parts = append(parts, a.Author)
	}
	if !a.Published.IsZero() {
		parts = append(parts, a.Published.UTC().Format("2 January 2006"))
	}
	return strings.Join(parts, " · ")
}
