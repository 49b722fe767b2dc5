package server

import (
	"bytes"
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"folio/article"
	"folio/embedcard"
	"folio/internal/shareimg"
)

// readerMeta returns the tags a reader page's <head> needs for link
// unfurlers and search engines: Open Graph (article), Twitter card,
// canonical link, oEmbed discovery and JSON-LD NewsArticle. Every value is
// escaped for its context: attributes with html.EscapeString, URLs built
// from the base and the slug, and the JSON-LD with encoding/json, which
// writes '<', '>' and '&' as \u escapes so that nothing can end the script
// element. go-app prints attributes without HTML escaping (goapp.md §2.6),
// so this HTML is added to the rendered page, not built with go-app.
func readerMeta(a *article.Article, base *url.URL, site *Site) string {
	root := strings.TrimRight(base.String(), "/")
	reader := embedcard.ReaderURL(root, a.Slug)
	desc := a.Excerpt
	if desc == "" {
		desc = a.Subtitle
	}
	img, alt, imgType := "", "", ""
	imgW, imgH := 0, 0 // 0 when not known
	if a.Image != nil && imageOrigin(a.Image.Src) != "" {
		img, alt = a.Image.Src, a.Image.Alt
		if a.Image.HasSize() {
			imgW, imgH = a.Image.Width, a.Image.Height
		}
	}
	if img == "" { // the generated share image, 1200×630 PNG (share.go)
		img, alt, imgType = root+sharePath(a.Slug), a.Title, "image/png"
		imgW, imgH = shareimg.Width, shareimg.Height
	}

	var b strings.Builder
	meta := func(attr, key, value string) {
		if value == "" {
			return
		}
		b.WriteString(`<meta ` + attr + `="` + key + `" content="` + html.EscapeString(value) + `">` + "\n")
	}
	link := func(rel, typ, href, title string) {
		b.WriteString(`<link rel="` + rel + `"`)
		if typ != "" {
			b.WriteString(` type="` + typ + `"`)
		}
		b.WriteString(` href="` + html.EscapeString(href) + `"`)
		if title != "" {
			b.WriteString(` title="` + html.EscapeString(title) + `"`)
		}
		b.WriteString(">\n")
	}
	meta("property", "og:type", "article")
	meta("property", "og:title", a.Title)
	meta("property", "og:description", desc)
	meta("property", "og:url", reader)
	siteName := a.Site
	if siteName == "" {
		siteName = site.Name
	}
	meta("property", "og:site_name", siteName)
	if a.Lang != "" {
		meta("property", "og:locale", strings.ReplaceAll(a.Lang, "-", "_"))
	}
	meta("property", "og:image", img)
	meta("property", "og:image:type", imgType)
	if imgW > 0 {
		meta("property", "og:image:width", strconv.Itoa(imgW))
		meta("property", "og:image:height", strconv.Itoa(imgH))
	}
	meta("property", "og:image:alt", alt)
	// An undated article names no time at all: its updated time is when it
	// was imported, which link previews would show as its date.
	if !a.Published.IsZero() {
		meta("property", "article:published_time", a.Published.UTC().Format(time.RFC3339))
		meta("property", "article:modified_time", a.Updated.UTC().Format(time.RFC3339))
	}
	if a.Author != "" {
		meta("name", "author", a.Author)
	}
	for _, t := range a.Tags {
		meta("property", "article:tag", t)
	}
	meta("name", "twitter:card", "summary_large_image")
	meta("name", "twitter:title", a.Title)
	meta("name", "twitter:description", desc)
	meta("name", "twitter:image", img)
	meta("name", "twitter:image:alt", alt)
	link("canonical", "", reader, "")
	link("alternate", "application/json+oembed", oembedURL(root, reader, "json"), a.Title)
	link("alternate", "text/xml+oembed", oembedURL(root, reader, "xml"), a.Title)

	ld := map[string]any{
		"@context":         "https://schema.org",
		"@type":            "NewsArticle",
		"headline":         a.Title,
		"url":              reader,
		"mainEntityOfPage": reader,
	}
	if !a.Published.IsZero() {
		ld["datePublished"] = a.Published.UTC().Format(time.RFC3339)
		ld["dateModified"] = a.Updated.UTC().Format(time.RFC3339)
	}
	if desc != "" {
		ld["description"] = desc
	}
	if imgW > 0 {
		ld["image"] = []map[string]any{{"@type": "ImageObject", "url": img, "width": imgW, "height": imgH}}
	} else {
		ld["image"] = []string{img}
	}
	publisher := map[string]any{
		"@type": "Organization",
		"name":  site.Name,
		"url":   root + "/",
		"logo": map[string]any{
			"@type": "ImageObject", "url": root + site.Logo.Path,
			"width": site.Logo.Width, "height": site.Logo.Height,
		},
	}
	ld["publisher"] = publisher
	if a.Author != "" {
		ld["author"] = []map[string]string{{"@type": "Person", "name": a.Author}}
	} else {
		ld["author"] = []map[string]any{publisher}
	}
	if a.Site != "" && a.Site != site.Name {
		ld["sourceOrganization"] = map[string]string{"@type": "Organization", "name": a.Site}
	}
	if len(a.Tags) > 0 {
		ld["keywords"] = a.Tags
	}
	if a.Lang != "" {
		ld["inLanguage"] = a.Lang
	}
	if a.WordCount > 0 {
		ld["wordCount"] = a.WordCount
	}
	if a.URL != "" {
		ld["isBasedOn"] = a.URL
	}
	js, err := json.Marshal(ld) // escapes <, >, &, U+2028 and U+2029
	if err == nil {
		b.WriteString(`<script type="application/ld+json">`)
		b.Write(js)
		b.WriteString("</script>\n")
	}
	return b.String()
}

// oembedURL returns the oEmbed endpoint's address for a page URL.
func oembedURL(root, page, format string) string {
	return root + "/oembed?" + url.Values{"url": {page}, "format": {format}}.Encode()
}

// oembedLink returns the value of the HTTP Link header that lets oEmbed
// consumers discover a reader page's card without parsing its HTML.
func oembedLink(a *article.Article, base *url.URL) string {
	root := strings.TrimRight(base.String(), "/")
	reader := embedcard.ReaderURL(root, a.Slug)
	return `<` + oembedURL(root, reader, "json") + `>; rel="alternate"; type="application/json+oembed", ` +
		`<` + oembedURL(root, reader, "xml") + `>; rel="alternate"; type="text/xml+oembed"`
}

// siteMeta returns the tags that name the publisher on every page: the
// app's name (which the WebAssembly app reads for its titles), and the
// site's name and logo for unfurlers on pages other than an article's,
// whose readerMeta says more.
func siteMeta(site *Site, base *url.URL, article bool) string {
	root := strings.TrimRight(base.String(), "/")
	name := html.EscapeString(site.Name)
	logo := html.EscapeString(root + site.Logo.Path)
	s := `<meta name="application-name" content="` + name + `">` + "\n"
	if !article {
		s += `<meta property="og:site_name" content="` + name + `">` + "\n" +
			`<meta property="og:image" content="` + logo + `">` + "\n"
	}
	return s
}

// feedLinks returns the home page's feed discovery links.
func feedLinks(base *url.URL, site *Site) string {
	root := strings.TrimRight(base.String(), "/")
	title := html.EscapeString(site.Name)
	return `<link rel="alternate" type="application/atom+xml" title="` + title + ` (Atom)" href="` +
		html.EscapeString(root+"/feed.atom") + `">` + "\n" +
		`<link rel="alternate" type="application/feed+json" title="` + title + ` (JSON Feed)" href="` +
		html.EscapeString(root+"/feed.json") + `">` + "\n"
}

// appMetaRE matches the Open Graph and Twitter tags go-app writes into
// every page's head, its two attributes in either order (go-app prints
// them in map order). Values are strconv.Quote'd, so a value is
// "(?:[^"\\]|\\.)*", and an empty one is printed as a bare attribute.
var appMetaRE = regexp.MustCompile(`<meta (?:` + appMetaKey + ` ` + appMetaContent + `|` + appMetaContent + ` ` + appMetaKey + `)>`)

// emptyMetaRE matches the empty author and keywords tags go-app writes
// when the Handler has none, its attributes in either order (map order);
// the reader's own author tag replaces them.
var emptyMetaRE = regexp.MustCompile(`<meta (?:name="(?:author|keywords)" content|content name="(?:author|keywords)")>\n?`)

const (
	appMetaKey     = `(?:property="og:[a-z:_]+"|name="twitter:[a-z:_]+")`
	appMetaContent = `content(?:="(?:[^"\\]|\\.)*")?`
)

// injectHead returns the rendered page with go-app's own Open Graph and
// Twitter tags removed (they say og:type=website and hold unescaped
// values) and head added just before </head>. A page without </head> is
// returned unchanged.
func injectHead(page []byte, head string) []byte {
	i := bytes.Index(page, []byte("</head>"))
	if i < 0 {
		return page
	}
	top := appMetaRE.ReplaceAll(page[:i], nil)
	top = emptyMetaRE.ReplaceAll(top, nil)
	out := make([]byte, 0, len(top)+len(head)+len(page)-i)
	out = append(out, top...)
	out = append(out, head...)
	return append(out, page[i:]...)
}
