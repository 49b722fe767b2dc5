package server

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	xhtml "golang.org/x/net/html"

	"folio/article"
	"folio/internal/htmltest"
)

// headTags parses head HTML and returns its meta tags (property or name →
// contents, in order), its links (rel+type → href) and its scripts.
func headTags(t *testing.T, head string) (meta map[string][]string, links map[string]string, scripts []*xhtml.Node) {
	t.Helper()
	doc := parseDoc(t, "<!doctype html><html><head>"+head+"</head><body></body></html>")
	meta, links = map[string][]string{}, map[string]string{}
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			switch n.Data {
			case "meta":
				k := htmltest.Attr(n, "property") + htmltest.Attr(n, "name")
				meta[k] = append(meta[k], htmltest.Attr(n, "content"))
			case "link":
				links[htmltest.Attr(n, "rel")+" "+htmltest.Attr(n, "type")] = htmltest.Attr(n, "href")
			case "script":
				scripts = append(scripts, n)
			}
			if n.Parent != nil && n.Parent.Data == "body" {
				t.Fatalf("head HTML put a <%s> in the body: something broke out of the head", n.Data)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return meta, links, scripts
}

func TestReaderMeta(t *testing.T) {
	base, _ := url.Parse("https://news.example/folio")
	a := &article.Article{
		Slug: "hello-world", Title: "Hello, world", Excerpt: "A short excerpt.", Author: "Ada", Site: "The Daily Folio",
		Published: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Updated: time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC),
		Tags: []string{"news", "go"}, Lang: "en-GB", WordCount: 321, URL: "https://origin.example/story",
		Image: &article.Image{Src: "https://img.example/lead.jpg", Alt: "Lead"},
	}
	meta, links, scripts := headTags(t, readerMeta(a, base, testSite(t, "Example Daily")))
	reader := "https://news.example/folio/a/hello-world"
	for k, want := range map[string]string{
		"og:type": "article", "og:title": "Hello, world", "og:description": "A short excerpt.", "og:url": reader,
		"og:site_name": "The Daily Folio", "og:locale": "en_GB", "og:image": "https://img.example/lead.jpg", "og:image:alt": "Lead",
		"article:published_time": "2026-01-02T03:04:05Z", "article:modified_time": "2026-02-03T04:05:06Z", "author": "Ada",
		"twitter:card": "summary_large_image", "twitter:title": "Hello, world", "twitter:description": "A short excerpt.",
		"twitter:image": "https://img.example/lead.jpg", "twitter:image:alt": "Lead",
	} {
		if got := meta[k]; len(got) != 1 || got[0] != want {
			t.Fatalf("%s=%q, want [%q]", k, got, want)
		}
	}
	if got := strings.Join(meta["article:tag"], ","); got != "news,go" {
		t.Fatalf("article:tag=%q", got)
	}
	oembed := "https://news.example/folio/oembed?format=json&url=" + url.QueryEscape(reader)
	for k, want := range map[string]string{
		"canonical ":                        reader,
		"alternate application/json+oembed": oembed,
		"alternate text/xml+oembed":         strings.Replace(oembed, "format=json", "format=xml", 1),
	} {
		if got := links[k]; got != want {
			t.Fatalf("link %q=%q, want %q", k, got, want)
		}
	}
	if len(scripts) != 1 || htmltest.Attr(scripts[0], "type") != "application/ld+json" {
		t.Fatalf("scripts=%d, want one JSON-LD", len(scripts))
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(htmltest.Text(scripts[0])), &ld); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{
		"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Hello, world", "url": reader,
		"mainEntityOfPage": reader, "datePublished": "2026-01-02T03:04:05Z", "dateModified": "2026-02-03T04:05:06Z",
		"description": "A short excerpt.", "inLanguage": "en-GB", "wordCount": 321.0, "isBasedOn": "https://origin.example/story",
	} {
		if ld[k] != want {
			t.Fatalf("JSON-LD %s=%v, want %v", k, ld[k], want)
		}
	}
	if img, _ := ld["image"].([]any); len(img) != 1 || img[0] != "https://img.example/lead.jpg" {
		t.Fatalf("JSON-LD image=%v", ld["image"])
	}
	if au, _ := ld["author"].([]any); len(au) != 1 || au[0].(map[string]any)["name"] != "Ada" {
		t.Fatalf("JSON-LD author=%v", ld["author"])
	}

	if meta["og:image:width"] != nil || meta["og:image:height"] != nil || meta["og:image:type"] != nil {
		t.Fatalf("lead image of unknown size: og:image:width=%v height=%v type=%v, want none", meta["og:image:width"], meta["og:image:height"], meta["og:image:type"])
	}

	// A lead image of known size: og:image:width and height, and a JSON-LD
	// ImageObject.
	a.Image.Width, a.Image.Height = 1600, 900
	meta, _, scripts = headTags(t, readerMeta(a, base, testSite(t, "Example Daily")))
	if got := [][]string{meta["og:image"], meta["og:image:width"], meta["og:image:height"]}; !reflect.DeepEqual(got, [][]string{{"https://img.example/lead.jpg"}, {"1600"}, {"900"}}) {
		t.Fatalf("sized lead image: og:image, width, height=%q", got)
	}
	ld = nil
	if err := json.Unmarshal([]byte(htmltest.Text(scripts[0])), &ld); err != nil {
		t.Fatal(err)
	}
	if got, want := ld["image"], []any{map[string]any{"@type": "ImageObject", "url": "https://img.example/lead.jpg", "width": 1600.0, "height": 900.0}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("JSON-LD image=%v, want %v", got, want)
	}

	// Without an image: the generated share image, a PNG of known size
	// (never the app's SVG icon, which unfurlers reject).
	a.Image = nil
	a.Excerpt = ""
	a.Subtitle = "The subtitle"
	meta, _, _ = headTags(t, readerMeta(a, base, testSite(t, "Example Daily")))
	if meta["twitter:card"][0] != "summary_large_image" || len(meta["og:image"]) != 1 || meta["og:image"][0] != "https://news.example/folio/share/hello-world.png" ||
		meta["og:image:width"][0] != "1200" || meta["og:image:height"][0] != "630" || meta["og:image:type"][0] != "image/png" || meta["og:description"][0] != "The subtitle" {
		t.Fatalf("no image: twitter:card=%v og:image=%v %v×%v og:description=%v", meta["twitter:card"], meta["og:image"], meta["og:image:width"], meta["og:image:height"], meta["og:description"])
	}
}

// TestReaderMetaUndated checks that an undated article's page names no
// time: its updated time is its import's, which previews would show as
// the article's date.
func TestReaderMetaUndated(t *testing.T) {
	base, _ := url.Parse("https://news.example")
	a := &article.Article{Slug: "undated", Title: "Undated", Tags: []string{}, Updated: time.Date(2026, 12, 5, 7, 0, 0, 0, time.UTC)}
	head := readerMeta(a, base, testSite(t, "Example Daily"))
	for _, bad := range []string{"article:published_time", "article:modified_time", "datePublished", "dateModified", "2026-12-05"} {
		if strings.Contains(head, bad) {
			t.Errorf("an undated article's head names %s:\n%s", bad, head)
		}
	}
}

func TestReaderMetaHostile(t *testing.T) {
	e := newEmbedEnv(t, "https://news.example", "")
	a := e.create(t, hostileDraft())
	checkHostile(t, a)
	head := readerMeta(a, e.base, testSite(t, "Example Daily"))
	meta, links, scripts := headTags(t, head)
	for k, want := range map[string]string{
		"og:title": a.Title, "og:description": a.Excerpt, "og:site_name": a.Site, "og:image": a.Image.Src,
		"og:image:alt": a.Image.Alt, "author": a.Author, "twitter:title": a.Title,
	} {
		if got := meta[k]; len(got) != 1 || got[0] != want {
			t.Fatalf("%s=%q, want [%q]", k, got, want)
		}
	}
	if strings.Join(meta["article:tag"], "|") != strings.Join(a.Tags, "|") {
		t.Fatalf("tags=%q, want %q", meta["article:tag"], a.Tags)
	}
	if links["canonical "] != "https://news.example/a/hostile" {
		t.Fatalf("canonical=%q", links["canonical "])
	}
	if len(scripts) != 1 || htmltest.Attr(scripts[0], "type") != "application/ld+json" {
		t.Fatalf("%d scripts; the text made one", len(scripts))
	}
	ldText := htmltest.Text(scripts[0])
	if strings.Contains(ldText, "<") {
		t.Fatal("JSON-LD holds a literal '<'")
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(ldText), &ld); err != nil {
		t.Fatal(err)
	}
	if ld["headline"] != a.Title || ld["description"] != a.Excerpt {
		t.Fatalf("JSON-LD headline %q, description %q", ld["headline"], ld["description"])
	}
	s := scanHTML(t, "<head>"+head+"</head>")
	if len(s.handlers) > 0 || s.elements["img"] > 0 || s.elements["svg"] > 0 || s.elements["iframe"] > 0 {
		t.Fatalf("handlers %v, elements %v", s.handlers, s.elements)
	}
	if l := oembedLink(a, e.base); strings.ContainsAny(l, "\r\n") || !strings.Contains(l, "url=https%3A%2F%2Fnews.example%2Fa%2Fhostile>") {
		t.Fatalf("Link header %q", l)
	}
}

func TestOEmbedLink(t *testing.T) {
	base, _ := url.Parse("https://news.example/")
	got := oembedLink(&article.Article{Slug: "hello-world"}, base)
	want := `<https://news.example/oembed?format=json&url=https%3A%2F%2Fnews.example%2Fa%2Fhello-world>; rel="alternate"; type="application/json+oembed", ` +
		`<https://news.example/oembed?format=xml&url=https%3A%2F%2Fnews.example%2Fa%2Fhello-world>; rel="alternate"; type="text/xml+oembed"`
	if got != want {
		t.Fatalf("oembedLink=\n%s\nwant\n%s", got, want)
	}
}

func TestFeedLinks(t *testing.T) {
	base, _ := url.Parse("https://news.example/folio")
	_, links, _ := headTags(t, feedLinks(base, testSite(t, "Example Daily")))
	if links["alternate application/atom+xml"] != "https://news.example/folio/feed.atom" ||
		links["alternate application/feed+json"] != "https://news.example/folio/feed.json" || len(links) != 2 {
		t.Fatalf("links=%v", links)
	}
}

func TestInjectHead(t *testing.T) {
	tests := []struct {
		name, page, want string
	}{
		{
			"RemovesAppTagsInEitherOrder",
			`<html><head><meta charset="UTF-8"><meta name="description" content="d"><meta property="og:url" content="http://x/a"><meta content="t \"q\"" property="og:title"><meta property="og:image" content><meta content="summary" name="twitter:card"><title>t</title></head><body></body></html>`,
			`<html><head><meta charset="UTF-8"><meta name="description" content="d"><title>t</title><!--X--></head><body></body></html>`,
		},
		{
			"RemovesEmptyAuthorAndKeywordsInEitherOrder",
			"<head><meta content name=\"keywords\">\n<meta name=\"author\" content>\n<meta name=\"keywords\" content=\"k\"></head>",
			"<head><meta name=\"keywords\" content=\"k\"><!--X--></head>",
		},
		{"NoHead", `<p>no head</p>`, `<p>no head</p>`},
		{"KeepsBody", `<head></head><body><meta property="og:title" content="in body"></body>`, `<head><!--X--></head><body><meta property="og:title" content="in body"></body>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(injectHead([]byte(tt.page), "<!--X-->")); got != tt.want {
				t.Fatalf("injectHead=\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
