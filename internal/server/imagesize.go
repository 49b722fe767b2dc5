package server

import (
	"context"
	"log/slog"
	"time"

	"folio/article"
	"folio/internal/fetch"
)

// defaultImageTimeout bounds reading a lead image's size on a write.
const defaultImageTimeout = 2 * time.Second

// imageSizer reads the size of an article's lead image from the image's
// header when the article is written without one, so that the size is
// read once and stored, not on every request (the reader page's
// og:image:width and height, oEmbed's thumbnail size). It is best effort:
// an image that cannot be read in time, or at all, is logged and left at
// 0×0, and the write goes on. A nil *imageSizer reads nothing.
type imageSizer struct {
	client  *fetch.Client // the fenced client of /api/extract: public hosts and -extract-allow
	timeout time.Duration
	logger  *slog.Logger
}

// newImageSizer returns the sizer cfg asks for, or nil.
func newImageSizer(cfg *Config, logger *slog.Logger) *imageSizer {
	if !cfg.ImageSizes {
		return nil
	}
	timeout := cfg.ImageTimeout
	if timeout <= 0 {
		timeout = defaultImageTimeout
	}
	return &imageSizer{client: fetch.New(cfg.ExtractAllow), timeout: timeout, logger: logger}
}

// size fills in the size of a's lead image if it has a src and no size:
// from old, the article it replaces, when that showed the same image,
// else from the image's header.
func (s *imageSizer) size(ctx context.Context, a, old *article.Article) {
	img := a.Image
	if img == nil || img.Src == "" || img.HasSize() {
		return
	}
	if old != nil && old.Image.HasSize() && old.Image.Src == img.Src {
		img.Width, img.Height = old.Image.Width, old.Image.Height
		return
	}
	if s == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	start := time.Now()
	size, err := s.client.ImageSize(ctx, img.Src)
	if err == nil && (size.Width > article.MaxImageSide || size.Height > article.MaxImageSide) {
		err = article.Errorf(article.EINVALID, "%d×%d is over %d pixels a side", size.Width, size.Height, article.MaxImageSide)
	}
	if err != nil {
		s.logger.Warn("lead image size not read; stored as unknown", "slug", a.Slug, "src", img.Src,
			"elapsed", time.Since(start).Round(time.Millisecond), "err", err)
		return
	}
	img.Width, img.Height = size.Width, size.Height
}
