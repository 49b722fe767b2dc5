package server

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"folio/article"
	"folio/embedcard"
	"folio/internal/httpcache"
	"folio/internal/purge"
	"folio/internal/shareimg"
	"folio/internal/wire"
)

// oembedCacheAge is the cache_age of oEmbed responses, in seconds.
const oembedCacheAge = 3600

// oembedResponse is an oEmbed 1.0 "rich" response, in both formats.
type oembedResponse struct {
	XMLName         xml.Name `json:"-" xml:"oembed"`
	Version         string   `json:"version" xml:"version"`
	Type            string   `json:"type" xml:"type"`
	Title           string   `json:"title" xml:"title"`
	AuthorName      string   `json:"author_name,omitempty" xml:"author_name,omitempty"`
	ProviderName    string   `json:"provider_name" xml:"provider_name"`
	ProviderURL     string   `json:"provider_url" xml:"provider_url"`
	CacheAge        int      `json:"cache_age" xml:"cache_age"`
	ThumbnailURL    string   `json:"thumbnail_url,omitempty" xml:"thumbnail_url,omitempty"`
	ThumbnailWidth  int      `json:"thumbnail_width,omitempty" xml:"thumbnail_width,omitempty"`
	ThumbnailHeight int      `json:"thumbnail_height,omitempty" xml:"thumbnail_height,omitempty"`
	HTML            string   `json:"html" xml:"html"`
	Width           int      `json:"width" xml:"width"`
	Height          int      `json:"height" xml:"height"`
}

// oembedCacheControl lets consumers and CDNs keep a response for its
// cache_age.
var oembedCacheControl = "public, max-age=" + strconv.Itoa(oembedCacheAge)

// handleOEmbed is the oEmbed 1.0 provider:
// GET /oembed?url=…&maxwidth=…&maxheight=…&format=json|xml. Besides the
// standard parameters it takes the card's theme, layout and accent. It
// answers 400 for a malformed request (no url, a bad size or option), 404
// for a url that is not on this site or names no article, or a maxheight
// no card fits in, and 501 for a format other than json or xml.
// It reads url, maxwidth, maxheight, format and the card options, and
// nothing else: responses are cached, encoded and compressed, by the
// canonical form of those (the slug the url names, the sizes as numbers,
// the options as embedcard writes them), with an ETag.
func handleOEmbed(st article.Store, cache *responses, site *Site, base *url.URL, logger *slog.Logger) http.Handler {
	baseStr := strings.TrimRight(base.String(), "/")
	var parsed queryMemo
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := func() (*httpcache.Asset, error) {
			req, ok := parsed.get(r.URL.RawQuery)
			if !ok {
				q := r.URL.Query()
				format := q.Get("format")
				if format != "" && format != "json" && format != "xml" {
					return nil, notImplementedError("format must be json or xml, not " + strconv.Quote(clipText(format, 40)))
				}
				var err error
				if req, err = parseOEmbedRequest(q, base); err != nil {
					return nil, err
				}
				req.format = format
				req.key = "oembed\x00" + req.slug + "\x00" + strconv.Itoa(req.maxWidth) + "\x00" + strconv.Itoa(req.maxHeight) + "\x00" + format + "\x00" + req.opts.Query()
				parsed.put(r.URL.RawQuery, req)
			}
			return cache.get(r.Context(), req.key, func(ctx context.Context) (*httpcache.Asset, error) {
				return buildOEmbed(ctx, st, cache, site, base, baseStr, req, req.format)
			})
		}()
		if err != nil {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			var nie notImplementedError
			if errors.As(err, &nie) {
				writeJSON(w, http.StatusNotImplemented, wire.Error{Error: string(nie)})
				return
			}
			writeError(w, r, logger, err)
			return
		}
		res.Serve(w, r, http.StatusOK)
	})
}

// notImplementedError is a request for a format the provider does not
// speak (501).
type notImplementedError string

func (e notImplementedError) Error() string { return string(e) }

// buildOEmbed answers the request in the format ("json", "" or "xml"),
// encoded, compressed and with its headers.
func buildOEmbed(ctx context.Context, st article.Store, cache *responses, site *Site, base *url.URL, baseStr string, req *oembedRequest, format string) (*httpcache.Asset, error) {
	a, err := st.Get(ctx, req.slug)
	if err != nil {
		if article.Code(err) == article.ENOTFOUND {
			err = article.Errorf(article.ENOTFOUND, "no article at %s", req.rawURL)
		}
		return nil, err
	}
	resp, err := newOEmbed(a.Summary(), baseStr, site.Name, req)
	if err == nil && resp.ThumbnailURL == "" {
		// No picture: the generated share image, whose size is known.
		resp.ThumbnailURL = baseStr + sharePath(a.Slug)
		resp.ThumbnailWidth, resp.ThumbnailHeight = shareimg.Width, shareimg.Height
	}
	if err != nil {
		return nil, err
	}
	header := cache.header(http.Header{"Access-Control-Allow-Origin": {"*"}}, oembedCacheControl, purge.Article(req.slug))
	var body []byte
	if format == "xml" {
		b, err := xml.Marshal(resp)
		if err != nil {
			return nil, err
		}
		body = append([]byte(xml.Header), b...)
		header["Content-Type"] = []string{"text/xml; charset=utf-8"}
	} else {
		b, err := json.Marshal(resp)
		if err != nil {
			return nil, err
		}
		body = append(b, '\n')
		header["Content-Type"] = []string{"application/json; charset=utf-8"}
	}
	return httpcache.New(body, header), nil
}

// oembedRequest is a parsed oEmbed request.
type oembedRequest struct {
	rawURL              string
	slug                string
	maxWidth, maxHeight int // 0 when not given
	opts                embedcard.Options
	format              string // "", "json" or "xml"
	key                 string // the answer's key in the response cache
}

// queryMemo remembers what valid oEmbed query strings parsed to, so that
// the clients that ask the same questions again and again (oEmbed
// consumers, an edge cache revalidating) skip the parsing. It holds at most
// queryMemoSize entries of at most queryMemoLen bytes, and forgets them
// all when full. It is safe for concurrent use.
type queryMemo struct {
	mu sync.RWMutex
	m  map[string]*oembedRequest
}

const (
	queryMemoSize = 4096
	queryMemoLen  = 512
)

func (q *queryMemo) get(raw string) (*oembedRequest, bool) {
	q.mu.RLock()
	v, ok := q.m[raw]
	q.mu.RUnlock()
	return v, ok
}

func (q *queryMemo) put(raw string, v *oembedRequest) {
	if len(raw) > queryMemoLen {
		return
	}
	q.mu.Lock()
	if q.m == nil || len(q.m) >= queryMemoSize {
		q.m = make(map[string]*oembedRequest)
	}
	q.m[raw] = v
	q.mu.Unlock()
}

// parseOEmbedRequest checks the parameters. The url must be a reader page
// (/a/{slug}) or a card page (/embed/{slug}) under the base URL, over http
// or https.
func parseOEmbedRequest(q url.Values, base *url.URL) (*oembedRequest, error) {
	raw := q.Get("url")
	if raw == "" {
		return nil, article.Errorf(article.EINVALID, "url is required: the address of an article, such as %s", embedcard.ReaderURL(base.String(), "slug"))
	}
	req := &oembedRequest{rawURL: clipText(raw, 200)}
	slug, err := slugFromURL(raw, base)
	if err != nil {
		return nil, err
	}
	req.slug = slug
	for _, p := range []struct {
		name string
		dst  *int
	}{{"maxwidth", &req.maxWidth}, {"maxheight", &req.maxHeight}} {
		s := q.Get(p.name)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100000 {
			return nil, article.Errorf(article.EINVALID, "%s must be a whole number of pixels from 1 to 100000, not %q", p.name, clipText(s, 40))
		}
		*p.dst = n
	}
	opts, err := embedcard.ParseOptions(q)
	if err != nil {
		return nil, err
	}
	req.opts = opts
	return req, nil
}

// slugFromURL returns the slug of an article URL on this site. A URL that
// is not on the site is EINVALID; one on the site that names no article
// page is ENOTFOUND.
func slugFromURL(raw string, base *url.URL) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", article.Errorf(article.EINVALID, "url must be an absolute http(s) URL, not %q", clipText(raw, 200))
	}
	if !strings.EqualFold(u.Host, base.Host) {
		// oEmbed 1.0 §2.3.4: a URL the provider has no response for is a 404.
		return "", article.Errorf(article.ENOTFOUND, "url %q is not on this site (%s)", clipText(raw, 200), base.Host)
	}
	prefix := strings.TrimRight(base.Path, "/")
	rest, ok := strings.CutPrefix(u.Path, prefix)
	if !ok {
		return "", article.Errorf(article.ENOTFOUND, "no article at %s", clipText(raw, 200))
	}
	rest = strings.TrimSuffix(rest, "/")
	for _, p := range []string{"/a/", "/embed/"} {
		if slug, ok := strings.CutPrefix(rest, p); ok && article.ValidSlug(slug) == nil {
			return slug, nil
		}
	}
	return "", article.Errorf(article.ENOTFOUND, "no article at %s", clipText(raw, 200))
}

// newOEmbed builds the response for the article. The width is maxwidth or
// embedcard.DefaultWidth, whichever is smaller; the height is the card's exact
// height at that width. If the card does not fit maxheight in its
// layout, the compact layout is tried; if that does not fit either, the
// answer is ENOTFOUND, as oEmbed has no status for "too small".
func newOEmbed(s article.Summary, base, siteName string, req *oembedRequest) (*oembedResponse, error) {
	opts := req.opts
	width := embedcard.DefaultWidth
	if req.maxWidth > 0 && req.maxWidth < width {
		width = req.maxWidth
		opts.Width = width
	}
	height := embedcard.Height(width, opts.Layout)
	if req.maxHeight > 0 && height > req.maxHeight {
		opts.Layout = embedcard.LayoutCompact
		height = embedcard.Height(width, opts.Layout)
		if height > req.maxHeight {
			return nil, article.Errorf(article.ENOTFOUND, "no card fits in a maxheight of %d pixels; the smallest is %d", req.maxHeight, height)
		}
	}
	resp := &oembedResponse{
		Version:      "1.0",
		Type:         "rich",
		Title:        s.Title,
		AuthorName:   s.Author,
		ProviderName: siteName,
		ProviderURL:  base + "/",
		CacheAge:     oembedCacheAge,
		HTML:         embedcard.Snippet(s, base, opts),
		Width:        width,
		Height:       height,
	}
	if s.Image != nil && imageOrigin(s.Image.Src) != "" {
		resp.ThumbnailURL = s.Image.Src
		if s.Image.HasSize() {
			// Its real size, from the importer or read when it was written.
			resp.ThumbnailWidth, resp.ThumbnailHeight = s.Image.Width, s.Image.Height
		} else {
			// Not known (written before sizes were kept, or the image
			// could not be read): the box the card shows it in.
			resp.ThumbnailWidth, resp.ThumbnailHeight = embedcard.ImageBox(width, opts.Layout)
		}
	}
	return resp, nil
}

// clipText shortens s to n bytes for an error message.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
