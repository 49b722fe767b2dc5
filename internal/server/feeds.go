package server

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"folio/article"
	"folio/embedcard"
	"folio/internal/httpcache"
	"folio/internal/purge"
)

// feedSize is the number of articles in a feed: the newest.
const feedSize = 50

// feedKind names a feed format.
type feedKind int

const (
	feedAtom feedKind = iota // Atom 1.0 (RFC 4287)
	feedJSON                 // JSON Feed 1.1
)

// feedServer serves the feeds, which read no query parameter. Building one
// reads every article's body, so each format is kept in the shared
// response cache until the store's write count moves.
type feedServer struct {
	store  article.Store
	base   *url.URL
	logger *slog.Logger
	cache  *responses
	site   *Site
}

func (f *feedServer) handler(kind feedKind) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := f.cache.get(r.Context(), "feed\x00"+strconv.Itoa(int(kind)), func(ctx context.Context) (*httpcache.Asset, error) {
			return f.build(ctx, kind)
		})
		if err != nil {
			writeError(w, r, f.logger, err)
			return
		}
		res.Serve(w, r, http.StatusOK)
	})
}

// build renders the feed of the newest articles in the format.
func (f *feedServer) build(ctx context.Context, kind feedKind) (*httpcache.Asset, error) {
	page, err := f.store.List(ctx, article.ListFilter{Limit: feedSize})
	if err != nil {
		return nil, err
	}
	arts, err := f.articles(ctx, page.Articles)
	if err != nil {
		return nil, err
	}
	var body []byte
	ctype := "application/feed+json; charset=utf-8"
	if kind == feedAtom {
		body, err = atomFeedBytes(arts, f.base, f.site)
		ctype = "application/atom+xml; charset=utf-8"
	} else {
		body, err = jsonFeedBytes(arts, f.base, f.site)
	}
	if err != nil {
		return nil, err
	}
	return httpcache.New(body, f.cache.header(http.Header{
		"Content-Type":                {ctype},
		"Access-Control-Allow-Origin": {"*"},
	}, "public, max-age=300, stale-while-revalidate=3600", purge.List)), nil
}

// articles reads the full articles of a listing. One that went missing
// since the listing was read is left out.
func (f *feedServer) articles(ctx context.Context, list []article.Summary) ([]*article.Article, error) {
	out := make([]*article.Article, 0, len(list))
	for _, s := range list {
		a, err := f.store.Get(ctx, s.Slug)
		if article.Code(err) == article.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// Atom 1.0 (RFC 4287).
type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle,omitempty"`
	Icon      string      `xml:"icon,omitempty"`
	Logo      string      `xml:"logo,omitempty"`
	ID        string      `xml:"id"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Base string `xml:"http://www.w3.org/XML/1998/namespace base,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	Lang       string         `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	Title      atomText       `xml:"title"`
	ID         string         `xml:"id"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Authors    []atomPerson   `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary"`
	Content    atomText       `xml:"content"`
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// atomFeedBytes writes the Atom feed of the articles, newest first.
func atomFeedBytes(arts []*article.Article, base *url.URL, site *Site) ([]byte, error) {
	root := strings.TrimRight(base.String(), "/")
	feed := atomFeed{
		Lang:      site.Lang,
		Title:     site.Name,
		Subtitle:  site.Description,
		Icon:      root + site.Logo.Path,
		Logo:      root + site.Logo.Path,
		ID:        root + "/",
		Updated:   atomTime(time.Unix(0, 0)),
		Author:    atomPerson{Name: site.Name},
		Generator: "Folio",
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: root + "/feed.atom"},
			{Rel: "alternate", Type: "text/html", Href: root + "/"},
		},
	}
	var newest time.Time
	for _, a := range arts {
		if a.Updated.After(newest) {
			newest = a.Updated
		}
		reader := embedcard.ReaderURL(root, a.Slug)
		e := atomEntry{
			Lang:      a.Lang,
			Title:     atomText{Type: "text", Body: a.Title},
			ID:        reader,
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: reader}},
			Published: atomTime(a.Published),
			Updated:   atomTime(a.Updated),
			Content:   atomText{Type: "html", Body: absoluteHTML(a.HTML, reader)},
		}
		if a.URL != "" {
			e.Links = append(e.Links, atomLink{Rel: "via", Type: "text/html", Href: a.URL})
		}
		if a.Image != nil && imageOrigin(a.Image.Src) != "" {
			e.Links = append(e.Links, atomLink{Rel: "enclosure", Type: imageType(a.Image.Src), Href: a.Image.Src})
		}
		if a.Author != "" {
			e.Authors = []atomPerson{{Name: a.Author}}
		}
		for _, t := range a.Tags {
			e.Categories = append(e.Categories, atomCategory{Term: t})
		}
		if a.Excerpt != "" {
			e.Summary = &atomText{Type: "text", Body: a.Excerpt}
		}
		feed.Entries = append(feed.Entries, e)
	}
	if !newest.IsZero() {
		feed.Updated = atomTime(newest)
	}
	b, err := xml.Marshal(feed)
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), b...), nil
}

// imageType guesses an image's media type from its file extension, for
// the enclosure link; "image/*" when it cannot tell.
func imageType(src string) string {
	u, err := url.Parse(src)
	if err != nil {
		return "image/*"
	}
	p := strings.ToLower(u.Path)
	for ext, t := range map[string]string{".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
		".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif", ".svg": "image/svg+xml"} {
		if strings.HasSuffix(p, ext) {
			return t
		}
	}
	return "image/*"
}

// JSON Feed 1.1 (https://jsonfeed.org/version/1.1).
type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	Description string       `json:"description,omitempty"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url"`
	Icon        string       `json:"icon,omitempty"`
	Favicon     string       `json:"favicon,omitempty"`
	Language    string       `json:"language,omitempty"`
	Authors     []jsonAuthor `json:"authors,omitempty"`
	Items       []jsonItem   `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name"`
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url"`
	ExternalURL   string       `json:"external_url,omitempty"`
	Title         string       `json:"title"`
	ContentHTML   string       `json:"content_html"`
	Summary       string       `json:"summary,omitempty"`
	Image         string       `json:"image,omitempty"`
	DatePublished string       `json:"date_published"`
	DateModified  string       `json:"date_modified"`
	Authors       []jsonAuthor `json:"authors,omitempty"`
	Tags          []string     `json:"tags,omitempty"`
	Language      string       `json:"language,omitempty"`
}

// jsonFeedBytes writes the JSON Feed of the articles, newest first.
func jsonFeedBytes(arts []*article.Article, base *url.URL, site *Site) ([]byte, error) {
	root := strings.TrimRight(base.String(), "/")
	feed := jsonFeed{
		Version:     "https://jsonfeed.org/version/1.1",
		Title:       site.Name,
		Description: site.Description,
		HomePageURL: root + "/",
		FeedURL:     root + "/feed.json",
		Icon:        root + site.Logo.Path,
		Favicon:     root + site.Logo.Path,
		Language:    site.Lang,
		Authors:     []jsonAuthor{{Name: site.Name}},
		Items:       []jsonItem{},
	}
	for _, a := range arts {
		reader := embedcard.ReaderURL(root, a.Slug)
		it := jsonItem{
			ID:            reader,
			URL:           reader,
			ExternalURL:   a.URL,
			Title:         a.Title,
			ContentHTML:   absoluteHTML(a.HTML, reader),
			Summary:       a.Excerpt,
			DatePublished: atomTime(a.Published),
			DateModified:  atomTime(a.Updated),
			Tags:          a.Tags,
			Language:      a.Lang,
		}
		if a.Image != nil && imageOrigin(a.Image.Src) != "" {
			it.Image = a.Image.Src
		}
		if a.Author != "" {
			it.Authors = []jsonAuthor{{Name: a.Author}}
		}
		feed.Items = append(feed.Items, it)
	}
	b, err := json.Marshal(feed)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// urlAttrs are the attributes holding a URL that a sanitised body may have.
var urlAttrs = map[string]bool{"href": true, "src": true, "cite": true, "poster": true}

// absoluteHTML returns the sanitised body with every relative URL resolved
// against base (the reader page, where the body is shown), so that the
// feed means the same in any reader. The body's markup is otherwise kept
// as the sanitiser wrote it.
func absoluteHTML(body article.SafeHTML, base string) string {
	s := string(body)
	if s == "" {
		return ""
	}
	b, err := url.Parse(base)
	if err != nil {
		return s
	}
	ctx := &xhtml.Node{Type: xhtml.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := xhtml.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		return s
	}
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			for i, a := range n.Attr {
				switch {
				case a.Namespace != "":
				case urlAttrs[a.Key]:
					n.Attr[i].Val = resolveURL(b, a.Val)
				case a.Key == "srcset":
					n.Attr[i].Val = resolveSrcset(b, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	var out strings.Builder
	for _, n := range nodes {
		walk(n)
		if err := xhtml.Render(&out, n); err != nil {
			return s
		}
	}
	return out.String()
}

// resolveURL makes v absolute against base; a fragment-only or already
// absolute URL is kept as it is.
func resolveURL(base *url.URL, v string) string {
	v = strings.TrimSpace(v)
	if v == "" || strings.HasPrefix(v, "#") {
		return v
	}
	u, err := url.Parse(v)
	if err != nil || u.IsAbs() {
		return v
	}
	return base.ResolveReference(u).String()
}

func resolveSrcset(base *url.URL, v string) string {
	parts := strings.Split(v, ",")
	for i, p := range parts {
		f := strings.Fields(p)
		if len(f) == 0 {
			continue
		}
		f[0] = resolveURL(base, f[0])
		parts[i] = strings.Join(f, " ")
	}
	return strings.Join(parts, ", ")
}
