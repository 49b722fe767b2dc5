package importer

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"folio/article"
	"folio/draft"
)

// HTMLPage reads a whole saved web page: readability extracts the article
// body, and the page's metadata fills the rest, falling back to what
// readability found:
//
//   - title: og:title (twitter:title, readability's, <title>), without the
//     site's name when the title carries it (" - Site", "Site | …");
//   - author: JSON-LD's author names, article:author names (not profile
//     URLs), the page's byline element, then readability's (dc:creator,
//     the author meta);
//   - site, excerpt (og:description…), tags (article:tag, split at
//     commas by the pipeline), image (og:image and og:image:alt), url
//     (og:url, <link rel=canonical>);
//   - dates: article:published_time and the like, then JSON-LD's
//     datePublished (dateCreated) and dateModified, then readability's; a
//     page without a date stays undated;
//   - lang and dir: from the nearest element around the article's text
//     that declares them (the article, main, body or html element).
//
// Embeds survive readability: iframes, embeds and objects with a URL are
// kept, provider snippets keep their class, and a gist's script becomes a
// link to the gist; the sanitiser then makes each a facade, or a link. The
// lead image is not repeated at the top of the body (ParseFile and Import
// leave it out: dropLeadImages).
//
// pageURL, when given, is the page's address and wins over the page's
// own; relative links resolve against it. Input with no <html> or <body>
// is a fragment and goes to draft.HTML.
//
// A page that is not UTF-8 but declares its charset (a <meta charset> or a
// byte order mark) is decoded; other bytes that are not UTF-8 are an error.
func HTMLPage(data []byte, pageURL string) (*draft.Draft, error) {
	if !utf8.Valid(data) {
		data = decodeDeclared(data)
	}
	if !isPage(data) {
		return draft.HTML(data)
	}
	if !utf8.Valid(data) {
		return draft.HTML(data) // reports the bad bytes
	}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, article.Errorf(article.EINVALID, "html: cannot parse the page: %s", err)
	}
	m := pageMeta(doc)
	ld := jsonLD(doc)
	d := &draft.Draft{
		Title:   firstOf(ld.headline, m.first("og:title", "twitter:title")),
		Author:  firstOf(ld.author, names(m.all["article:author"]), bylineElement(doc)),
		Site:    m.first("og:site_name", "application-name"),
		Excerpt: firstOf(m.first("og:description"), ld.description, m.first("description", "twitter:description")),
		Tags:    m.all["article:tag"],
	}
	if d.Site == "" {
		d.Site = ld.publisher
	}
	d.URL = strings.TrimSpace(pageURL)
	if d.URL == "" {
		d.URL = absoluteURL(m.first("og:url"), m.canonical)
	}
	var base *url.URL
	if u, err := url.Parse(d.URL); err == nil && u.IsAbs() {
		base = u
	}

	keepGists(doc)
	r, err := newReadability().ParseDocument(doc, base)
	if err != nil || r.Node == nil {
		return nil, article.Errorf(article.EINVALID, "html: found no article text in the page")
	}
	if d.Author == "" {
		d.Author = firstOf(r.Byline(), m.first("author", "dc.creator"))
	}
	d.Author = withoutURLs(d.Author) // "Jane Doe (https://jane.example/)", or a profile URL
	removeByline(r.Node, d.Author)
	removeTitleHeading(r.Node, d.Title)
	d.Lang, d.Dir = langDir(doc, r.Node)
	// Render the content without readability's wrapper <div id="readability-page-1">.
	var body strings.Builder
	for c := r.Node.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&body, c); err != nil {
			return nil, fmt.Errorf("importer: render page content: %w", err)
		}
	}
	d.Body = body.String()
	if d.Title == "" {
		d.Title = r.Title()
	}
	if d.Title == "" {
		d.Title = m.title
	}
	if d.Title == "" {
		d.Title = contentTitle(r.Node) // a page with no title at all
	}
	if d.Site == "" {
		d.Site = r.SiteName()
	}
	d.Title = withoutSite(d.Title, d.Site, d.URL)
	if d.Lang == "" {
		d.Lang = r.Language()
	}
	if !validLang(d.Lang) {
		d.Lang = ""
	}
	switch d.Dir = strings.ToLower(d.Dir); d.Dir {
	case "ltr", "rtl", "auto":
	default:
		d.Dir = ""
	}
	d.Published = pageTime(m.first("article:published_time", "og:published_time", "date", "dc.date", "dc.date.issued", "dcterms.created"))
	if d.Published.IsZero() {
		d.Published = pageTime(ld.published)
	}
	if d.Published.IsZero() {
		d.Published, _ = r.PublishedTime()
	}
	d.Updated = pageTime(m.first("article:modified_time", "og:updated_time"))
	if d.Updated.IsZero() {
		d.Updated = pageTime(ld.modified)
	}
	if d.Updated.IsZero() {
		d.Updated, _ = r.ModifiedTime()
	}
	if src := m.first("og:image", "og:image:url", "og:image:secure_url", "twitter:image"); src != "" {
		d.Image = &article.Image{Src: src, Alt: m.first("og:image:alt", "twitter:image:alt")}
		// Its size: og:image:width and height when the image is the
		// og:image, else the size the JSON-LD gives the same image.
		if m.first("og:image", "og:image:url", "og:image:secure_url") == src {
			d.Image.Width, d.Image.Height = imageSize(m.first("og:image:width"), m.first("og:image:height"))
		}
		for _, li := range ld.images {
			if d.Image.Width != 0 {
				break
			}
			if sameURL(li.url, src, base) {
				d.Image.Width, d.Image.Height = imageSize(li.width, li.height)
			}
		}
	}
	return d, nil
}

// metaCharset finds a charset declared in a page's first kilobytes.
var metaCharset = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_:.-]+)`)

// decodeDeclared converts a page that is not UTF-8 to UTF-8 if it declares
// its encoding (a <meta charset> or a byte order mark); otherwise, or if
// the bytes do not decode, it returns data unchanged.
func decodeDeclared(data []byte) []byte {
	enc, name, certain := charset.DetermineEncoding(data, "text/html")
	if !certain {
		m := metaCharset.FindSubmatch(data[:min(len(data), 4096)])
		if m == nil {
			return data
		}
		if enc, name = charset.Lookup(string(m[1])); enc == nil {
			return data
		}
	}
	if name == "utf-8" {
		return data
	}
	decoded, err := io.ReadAll(enc.NewDecoder().Reader(bytes.NewReader(data)))
	if err != nil || !utf8.Valid(decoded) {
		return data
	}
	return decoded
}

// removeByline removes the first block of the content that only names the
// author or one of the authors ("By Ines Duarte"), which the article shows
// from its author field.
func removeByline(root *html.Node, author string) {
	if author == "" {
		return
	}
	names := map[string]bool{}
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	names[norm(author)] = true
	for _, n := range strings.FieldsFunc(author, func(r rune) bool { return r == ',' || r == '&' }) {
		for _, m := range strings.Split(n, " and ") {
			if m = norm(m); m != "" {
				names[m] = true
			}
		}
	}
	var found *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && found == nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.P, atom.Div, atom.Span, atom.Address:
				text := norm(textContent(c))
				if names[text] || names[strings.TrimPrefix(text, "by ")] {
					found = c
					return
				}
			}
			walk(c)
		}
	}
	walk(root)
	if found != nil && found.Parent != nil {
		found.Parent.RemoveChild(found)
	}
}

// removeTitleHeading removes the content's first heading when it only
// repeats the title, which the reader shows above the body, and comes
// before any paragraph.
func removeTitleHeading(root *html.Node, title string) {
	want := strings.ToLower(strings.Join(strings.Fields(title), " "))
	if want == "" {
		return
	}
	var found *html.Node
	stop := false
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && found == nil && !stop; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.H1, atom.H2, atom.H3:
				if strings.ToLower(strings.Join(strings.Fields(textContent(c)), " ")) == want {
					found = c
				} else {
					stop = true
				}
				return
			case atom.P, atom.Ul, atom.Ol, atom.Table, atom.Blockquote, atom.Pre:
				stop = true
				return
			}
			walk(c)
		}
	}
	walk(root)
	if found != nil && found.Parent != nil {
		found.Parent.RemoveChild(found)
	}
}

func textContent(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textContent(c))
	}
	return b.String()
}

// isPage reports whether data is a whole page rather than a fragment.
func isPage(data []byte) bool {
	lower := bytes.ToLower(data)
	return bytes.Contains(lower, []byte("<html")) || bytes.Contains(lower, []byte("<body")) || bytes.Contains(lower, []byte("<!doctype"))
}

// meta is what a page says about itself in its head.
type meta struct {
	all       map[string][]string // meta property or name (lower-case) → contents
	canonical string
	title     string
	lang, dir string
}

func (m *meta) first(keys ...string) string {
	for _, k := range keys {
		for _, v := range m.all[k] {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
}

// pageMeta collects the page's <meta> tags, canonical link, <title> and the
// <html> element's lang and dir.
func pageMeta(doc *html.Node) *meta {
	m := &meta{all: map[string][]string{}}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Html:
				m.lang, m.dir = strings.TrimSpace(attr(n, "lang")), strings.TrimSpace(attr(n, "dir"))
			case atom.Meta:
				key := strings.ToLower(attr(n, "property"))
				if key == "" {
					key = strings.ToLower(attr(n, "name"))
				}
				// property="og:description twitter:description" names both.
				for k := range strings.FieldsSeq(key) {
					m.all[k] = append(m.all[k], attr(n, "content"))
				}
			case atom.Link:
				if strings.EqualFold(attr(n, "rel"), "canonical") && m.canonical == "" {
					m.canonical = attr(n, "href")
				}
			case atom.Title:
				if m.title == "" && n.FirstChild != nil && n.FirstChild.Type == html.TextNode {
					m.title = strings.TrimSpace(n.FirstChild.Data)
				}
			case atom.Svg, atom.Math:
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return m
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// absoluteURL returns the first of the candidates that is an absolute
// http(s) URL, or "".
func absoluteURL(candidates ...string) string {
	for _, c := range candidates {
		c = strings.TrimSpace(c)
		if c != "" && article.ValidURL(c) == nil {
			return c
		}
	}
	return ""
}

// pageTime reads a metadata date: RFC 3339, or a plain date.
func pageTime(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// validLang reports whether s has the shape of a language tag ("en",
// "pt-BR"); the pipeline rejects others, and a page's odd lang attribute
// should not sink its import.
func validLang(s string) bool {
	if s == "" || len(s) > 35 {
		return false
	}
	for i, part := range strings.Split(strings.ReplaceAll(s, "_", "-"), "-") {
		if part == "" || len(part) > 8 || i == 0 && len(part) < 2 {
			return false
		}
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				return false
			}
		}
	}
	return true
}
