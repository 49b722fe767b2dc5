package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"folio/importer"
	"folio/internal/fetch"
	"folio/internal/wire"
)

// extractor serves POST /api/extract: it fetches pages through the fenced
// client and extracts their article.
type extractor struct {
	client *fetch.Client
	logger *slog.Logger
}

func newExtractor(allow fetch.HostList, logger *slog.Logger) *extractor {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &extractor{client: fetch.New(allow), logger: logger}
}

// extract fetches the page at raw and extracts its article.
func (e *extractor) extract(ctx context.Context, raw string) (*wire.Extracted, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fetch.Errorf(http.StatusBadRequest, nil, "give the page's address as {\"url\": \"https://…\"}")
	}
	if len(raw) > 2048 {
		return nil, fetch.Errorf(http.StatusBadRequest, nil, "the address is longer than 2048 bytes")
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() {
		return nil, fetch.Errorf(http.StatusBadRequest, err, "%q is not an absolute http or https address", raw)
	}
	ctx, cancel := context.WithTimeout(ctx, e.client.Timeout)
	defer cancel()
	if err := e.client.CheckURL(ctx, u); err != nil {
		return nil, err
	}
	data, final, err := e.client.Fetch(ctx, u)
	if err != nil {
		return nil, err
	}
	d, err := importer.HTMLPage(data, final)
	if err != nil {
		return nil, fetch.Errorf(http.StatusUnprocessableEntity, err, "no article could be extracted from the page: %s", strings.TrimPrefix(err.Error(), "html: "))
	}
	out := &wire.Extracted{
		URL: final, Title: d.Title, Author: d.Author, Site: d.Site, Excerpt: d.Excerpt,
		Lang: d.Lang, Dir: d.Dir, Tags: d.Tags, HTML: d.Body,
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if d.Image != nil {
		out.Image, out.ImageAlt = d.Image.Src, d.Image.Alt
	}
	if !d.Published.IsZero() {
		t := d.Published.UTC()
		out.Published = &t
	}
	if !d.Updated.IsZero() {
		t := d.Updated.UTC()
		out.Updated = &t
	}
	return out, nil
}

// handleExtract serves POST /api/extract: {"url": …} → extracted, or
// {"error": …} with 400 (a bad request), 422 (a refused address, too many
// redirects, not HTML, too large, no article), 502 (the site failed) or
// 504 (too slow).
func handleExtract(allow fetch.HostList, logger *slog.Logger, limit int64) http.Handler {
	return newExtractor(allow, logger).handler(limit)
}

func (e *extractor) handler(limit int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in wire.ExtractRequest
		if err := decodeJSON(w, r, min(limit, 64<<10), &in); err != nil {
			writeError(w, r, e.logger, err)
			return
		}
		out, err := e.extract(r.Context(), in.URL)
		if err != nil {
			var ee *fetch.Error
			if !errors.As(err, &ee) {
				ee = fetch.Errorf(http.StatusBadGateway, err, "the page could not be fetched")
			}
			e.logger.Info("extract refused", "url", in.URL, "status", ee.Status, "reason", ee.Msg, "err", ee.Err)
			writeJSON(w, ee.Status, wire.Error{Error: ee.Msg})
			return
		}
		writeJSON(w, http.StatusOK, out)
	})
}
