package e2e

// Helpers of the XSS test (xss_test.go): the vector corpus, the files and
// API bodies each ingest path gets, a server on a given database, and a
// guarded browser that reports every script a vector manages to run. The
// helpers carry an "xss" prefix so that they cannot clash with the other
// tests' helpers in this package.

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"go.yaml.in/yaml/v3"
)

// xssVector is one line of a corpus file.
type xssVector struct {
	ID    int    // 1-based, over both files
	Class string // the comment line above it
	File  string // the corpus file, relative to the repository
	Line  int
	Raw   string // the line with \xHH and \uHHHH decoded
	// Payload is Raw with alert(1) rewritten to alert(ID+xssMark), so that
	// a trapped call names the vector that made it.
	Payload string
}

// xssMark is added to a vector's ID in its rewritten alert call.
const xssMark = 900000

// xssCorpora are the corpus files: the sanitiser's body corpus and the
// vectors aimed at the other fields, URLs, metadata and formats.
var xssCorpora = []string{"sanitize/testdata/xss.txt", "testdata/xss-extra.txt"}

var xssEscape = regexp.MustCompile(`\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}`)

// loadXSSVectors reads the corpora (the same format sanitize's own test
// reads: one vector per line, '#' lines are comments, the last one before a
// vector names its class).
func loadXSSVectors(t *testing.T) []xssVector {
	t.Helper()
	var out []xssVector
	for _, name := range xssCorpora {
		b, err := os.ReadFile(filepath.Join(repoRoot, name))
		if err != nil {
			t.Fatal(err)
		}
		class := ""
		for i, line := range strings.Split(string(b), "\n") {
			if c, ok := strings.CutPrefix(line, "#"); ok {
				class = strings.TrimSpace(c)
				continue
			}
			if line == "" {
				continue
			}
			raw := xssEscape.ReplaceAllStringFunc(line, func(m string) string {
				n, _ := strconv.ParseUint(m[2:], 16, 32)
				if m[1] == 'x' {
					return string([]byte{byte(n)})
				}
				return string(rune(n))
			})
			id := len(out) + 1
			out = append(out, xssVector{
				ID: id, Class: class, File: name, Line: i + 1, Raw: raw,
				Payload: strings.ReplaceAll(raw, "alert(1)", "alert("+strconv.Itoa(xssMark+id)+")"),
			})
		}
	}
	return out
}

// urlClass reports whether the vector is one of the URLs of
// testdata/xss-extra.txt, which the article's source URL carries too
// (elsewhere an invalid source URL would only get the article refused).
func (v xssVector) urlClass() bool { return strings.HasPrefix(v.Class, "Image and link URLs") }

// xssClip returns at most n runes of s.
func xssClip(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// xssFields are the values an ingest path gets for one vector. In the full
// mode every text field, the image and (for URL vectors) the source URL
// carry the payload; in the body mode only the body does, for the vectors
// whose full article the pipeline refused (a title with no text left, an
// invalid source URL), so that their body is still tried everywhere.
type xssFields struct {
	Slug, Title, Subtitle, Author, Site, URL, Excerpt, Body string
	Tags                                                    []string
	Image                                                   *xssImage
}

type xssImage struct {
	Src     string `json:"src" yaml:"src"`
	Alt     string `json:"alt,omitempty" yaml:"alt,omitempty"`
	Caption string `json:"caption,omitempty" yaml:"caption,omitempty"`
	Credit  string `json:"credit,omitempty" yaml:"credit,omitempty"`
}

func xssFieldsFor(path string, v xssVector, full bool) xssFields {
	p := v.Payload
	f := xssFields{
		Slug:  fmt.Sprintf("xss-%s-%d", path, v.ID),
		Title: fmt.Sprintf("%s %d", path, v.ID),
		URL:   fmt.Sprintf("https://src.example/%s/%d", path, v.ID),
		Body:  p,
	}
	if !full {
		f.Slug += "-body"
		f.Title += " body"
		return f
	}
	f.Title += " " + xssClip(p, 200)
	f.Subtitle, f.Author, f.Site, f.Excerpt = p, p, p, p
	f.Tags = []string{xssClip(p, 50)}
	f.Image = &xssImage{Src: p, Alt: p, Caption: p, Credit: p}
	if v.urlClass() {
		f.URL = p
	}
	return f
}

// xssPaths are the file ingest paths (the API is the last path, tried
// through HTTP), each with the file extension and content it writes.
var xssPaths = []struct {
	Name string
	Ext  string
	Make func(f xssFields) []byte
}{
	{"html", ".html", xssHTMLFragment},
	{"page", ".html", xssHTMLPage},
	{"md", ".md", xssMarkdown},
	{"txt", ".txt", xssPlainText},
	{"json", ".json", xssJSON},
	{"rss", ".rss", xssRSS},
	{"atom", ".atom", xssAtom},
}

// xssHTMLFragment is an HTML fragment: the title is its first h1.
func xssHTMLFragment(f xssFields) []byte {
	return []byte("<h1>" + f.Title + "</h1>\n<p>Intro.</p>\n" + f.Body + "\n<p>End.</p>\n")
}

// xssFiller is enough prose for readability to take a page's article.
const xssFiller = "<p>Folio shows a publisher's articles anywhere, safely and fast, and this paragraph is here so " +
	"that the readability extraction finds a real article in the page, with sentences, commas, and a length that " +
	"looks like writing rather than navigation, which is what its scoring rewards.</p>\n" +
	"<p>A second paragraph says the same thing in other words: the article text is the part of the page that a " +
	"reader came for, and the rest of the page, the header, the menus and the footer, is furniture.</p>\n"

// xssHTMLPage is a whole saved page whose head carries the fields as the
// metadata the page importer reads (escaped, as a page would hold them).
func xssHTMLPage(f xssFields) []byte {
	var b strings.Builder
	e := html.EscapeString
	b.WriteString("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
	b.WriteString("<title>" + e(f.Title) + "</title>\n")
	meta := func(attr, key, val string) {
		if val != "" {
			b.WriteString(`<meta ` + attr + `="` + key + `" content="` + e(val) + "\">\n")
		}
	}
	meta("property", "og:title", f.Title)
	meta("name", "author", f.Author)
	meta("property", "og:site_name", f.Site)
	meta("name", "description", f.Excerpt)
	for _, t := range f.Tags {
		meta("property", "article:tag", t)
	}
	if f.Image != nil {
		meta("property", "og:image", f.Image.Src)
		meta("property", "og:image:alt", f.Image.Alt)
	}
	meta("property", "og:url", f.URL)
	b.WriteString("</head><body><header><nav><a href=\"/\">Home</a> <a href=\"/about\">About</a></nav></header>\n")
	b.WriteString("<main><article><h1>" + e(f.Title) + "</h1>\n" + xssFiller + f.Body + "\n" + xssFiller + "</article></main>\n")
	b.WriteString("<footer><p>Footer</p></footer></body></html>\n")
	return []byte(b.String())
}

// xssMarkdown is Markdown with YAML front matter.
func xssMarkdown(f xssFields) []byte {
	fm := struct {
		Title    string    `yaml:"title"`
		Slug     string    `yaml:"slug"`
		Subtitle string    `yaml:"subtitle,omitempty"`
		Author   string    `yaml:"author,omitempty"`
		Site     string    `yaml:"site,omitempty"`
		URL      string    `yaml:"url,omitempty"`
		Excerpt  string    `yaml:"excerpt,omitempty"`
		Tags     []string  `yaml:"tags,omitempty"`
		Image    *xssImage `yaml:"image,omitempty"`
	}{f.Title, f.Slug, f.Subtitle, f.Author, f.Site, f.URL, f.Excerpt, f.Tags, f.Image}
	y, err := yaml.Marshal(fm)
	if err != nil {
		panic(err) // the fields are valid UTF-8 strings
	}
	return []byte("---\n" + string(y) + "---\n\n" + f.Body + "\n")
}

// xssPlainText is plain text as a scraper saves it: the title line, a
// category line, a byline, a caption before its credit line, the body.
func xssPlainText(f xssFields) []byte {
	var b strings.Builder
	b.WriteString(f.Title + "\n")
	if len(f.Tags) > 0 {
		b.WriteString("Tags: " + strings.Join(f.Tags, ", ") + "\n")
	}
	if f.Author != "" {
		b.WriteString("By " + f.Author + "\n")
	}
	if f.Image != nil {
		b.WriteString(f.Image.Caption + "\nImage: " + f.Image.Credit + "\n")
	}
	b.WriteString("\n" + f.Body + "\n")
	return []byte(b.String())
}

// xssArticleJSON is the API's article shape.
func xssArticleJSON(f xssFields) []byte {
	b, err := json.Marshal(map[string]any{
		"slug": f.Slug, "title": f.Title, "subtitle": f.Subtitle, "author": f.Author, "site": f.Site,
		"url": f.URL, "excerpt": f.Excerpt, "tags": f.Tags, "image": f.Image, "html": f.Body,
	})
	if err != nil {
		panic(err)
	}
	return b
}

func xssJSON(f xssFields) []byte { return xssArticleJSON(f) }

// xssXMLText escapes s for XML character data or an attribute value;
// characters XML cannot hold (NUL and most C0 controls) become U+FFFD.
func xssXMLText(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// xssRSS is an RSS 2.0 feed with the article as its one item: the body as
// content:encoded, the excerpt as the description, the image as a media
// enclosure, the site as the channel title.
func xssRSS(f xssFields) []byte {
	var b strings.Builder
	x := xssXMLText
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	b.WriteString(`<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">` + "\n")
	b.WriteString("<channel><title>" + x(f.Site+" ") + "</title><link>https://src.example/</link><description>XSS</description>\n")
	b.WriteString("<item><title>" + x(f.Title) + "</title><link>" + x(f.URL) + "</link><guid isPermaLink=\"false\">" + x(f.Slug) + "</guid>\n")
	if f.Author != "" {
		b.WriteString("<dc:creator>" + x(f.Author) + "</dc:creator>\n")
	}
	for _, t := range f.Tags {
		b.WriteString("<category>" + x(t) + "</category>\n")
	}
	if f.Excerpt != "" {
		b.WriteString("<description>" + x(f.Excerpt) + "</description>\n")
	}
	b.WriteString("<content:encoded>" + x(f.Body) + "</content:encoded>\n")
	if f.Image != nil {
		b.WriteString(`<media:content medium="image" url="` + x(f.Image.Src) + `"/>` + "\n")
	}
	b.WriteString("<pubDate>Mon, 01 Jan 2024 00:00:00 +0000</pubDate></item></channel></rss>\n")
	return []byte(b.String())
}

// xssAtom is an Atom feed with the article as its one entry, its title and
// content as escaped HTML.
func xssAtom(f xssFields) []byte {
	var b strings.Builder
	x := xssXMLText
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	b.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom"><title>` + x(f.Site+" ") + `</title><id>urn:xss</id>` +
		`<updated>2024-01-01T00:00:00Z</updated><link href="https://src.example/"/>` + "\n")
	b.WriteString(`<entry><title type="html">` + x(f.Title) + `</title><id>urn:` + x(f.Slug) + `</id>` +
		`<updated>2024-01-01T00:00:00Z</updated><link rel="alternate" href="` + x(f.URL) + `"/>` + "\n")
	if f.Author != "" {
		b.WriteString("<author><name>" + x(f.Author) + "</name></author>\n")
	}
	for _, t := range f.Tags {
		b.WriteString(`<category term="` + x(t) + `"/>` + "\n")
	}
	if f.Excerpt != "" {
		b.WriteString(`<summary type="html">` + x(f.Excerpt) + "</summary>\n")
	}
	if f.Image != nil {
		b.WriteString(`<link rel="enclosure" type="image/png" href="` + x(f.Image.Src) + `"/>` + "\n")
	}
	b.WriteString(`<content type="html">` + x(f.Body) + "</content></entry></feed>\n")
	return []byte(b.String())
}

// xssStored is an article a vector became on one ingest path.
type xssStored struct {
	Path  string
	V     xssVector
	Full  bool // the full mode (every field), or only the body
	Slug  string
	Title string // as stored, to find it on pages
}

// xssImportLine matches a line of `folio import` output.
var xssImportLine = regexp.MustCompile(`^(imported|updated|failed) (\S+?)(?:#\d+)?(?: \(([a-z0-9-]+)\)|: (.*))`)

// xssImport runs `folio import -db db dir` and returns, per file, the slug
// it became or why it failed.
func xssImport(t *testing.T, db, dir string) (slugs, failed map[string]string) {
	t.Helper()
	out, err := exec.Command(folioBin, "import", "-db", db, "-image-sizes=false", dir).Output()
	if err != nil && len(out) == 0 {
		t.Fatalf("folio import: %v", err)
	}
	slugs, failed = map[string]string{}, map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		m := xssImportLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		file := filepath.Base(m[2])
		if m[1] == "failed" {
			failed[file] = m[4]
		} else {
			slugs[file] = m[3]
		}
	}
	return slugs, failed
}

// xssServer is a running `folio serve` on a database the test filled,
// without samples and without a rate limit.
type xssServer struct{ *server }

func startXSSServer(t *testing.T, db string) *xssServer {
	t.Helper()
	return &xssServer{launch(t, "", "-db", db, "-token", testToken, "-samples=false", "-rate-limit", "0")}
}

// do sends a request with the API token and returns the status and body.
func (s *xssServer) do(t *testing.T, method, path string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b
}

// fetch gets a path; it is safe to call from any goroutine.
func (s *xssServer) fetch(path string) ([]byte, error) {
	res, err := http.Get(s.URL + path)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: status %d: %s", path, res.StatusCode, tail(string(b), 300))
	}
	return b, err
}

// get fetches a path and fails the test unless the status is 200.
func (s *xssServer) get(t *testing.T, path string) []byte {
	t.Helper()
	code, b := s.do(t, http.MethodGet, path, nil)
	if code != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, code, tail(string(b), 300))
	}
	return b
}

// xssGuard runs in every document and frame before the page's own
// scripts. It replaces alert, confirm, prompt, print and open with traps,
// watches writes to window.__xss and Content-Security-Policy violations,
// and reports each through the __folioXSS binding to the test. When a
// document has loaded it scans its DOM (after hovering every element) for
// what should never be there: event-handler attributes, script URLs,
// inline or foreign scripts, embedded documents, <base>, meta refresh,
// foreign style sheets (window.__folioScan(doc) scans another document,
// such as a same-origin frame's); the scan, empty or not, is reported too, so the
// test knows which documents it covered. The first %s is the JSON list of
// the origins whose scripts, style sheets and card frames are allowed, the
// second the list of inline scripts allowed (the card page's own).
const xssGuard = `(() => {
  "use strict";
  if (Object.prototype.hasOwnProperty.call(window, "__folioScan")) return;
  const bind = window.__folioXSS;
  const post = (k, d) => { try { bind(JSON.stringify({k: k, u: String(location.href), d: String(d).slice(0, 400)})); } catch (e) {} };
  const define = (name, value) => {
    try { Object.defineProperty(window, name, {value: value, writable: false, configurable: false}); }
    catch (e) { post("guard", "cannot define " + name); }
  };
  for (const [name, ret] of [["alert"], ["confirm", false], ["prompt", null], ["print"], ["open", null]]) {
    define(name, function () { post("call " + name, Array.from(arguments, String).join(", ")); return ret; });
  }
  let sentinel;
  try {
    Object.defineProperty(window, "__xss", {configurable: false,
      get: () => sentinel, set: (v) => { sentinel = v; post("set __xss", v); }});
  } catch (e) { post("guard", "cannot define __xss"); }
  document.addEventListener("securitypolicyviolation", (e) => {
    post("csp", e.effectiveDirective + " " + e.blockedURI + " " + (e.sample || ""));
  }, true);
  const origins = %s;
  const inline = %s;
  const scriptURL = (v) => /^(?:javascript|vbscript|livescript|data):/i.test(String(v).replace(/[\u0000-\u0020\u007f-\u00a0]+/g, ""));
  const urlAttr = /^(?:href|src|action|formaction|data|poster|background|xlink:href|codebase|cite|ping|lowsrc|dynsrc|longdesc|usemap|classid|archive|manifest|icon|srcset|to|from|values|by)$/;
  const originOf = (u) => { try { return new URL(u, location.href).origin; } catch (e) { return "bad URL " + u; } };
  const scan = (doc) => {
    const out = [];
    const add = (el, why) => out.push("<" + el.localName + "> " + why);
    for (const el of doc.querySelectorAll("*")) {
      const tag = el.localName;
      for (const a of Array.from(el.attributes)) {
        const n = a.name.toLowerCase();
        if (n.startsWith("on")) add(el, n + "=" + a.value);
        else if (n === "srcdoc") add(el, "srcdoc=" + a.value);
        else if (urlAttr.test(n) && scriptURL(a.value) && !(tag === "img" && n === "src" && /^\s*data:image\//i.test(a.value))) add(el, n + "=" + a.value);
        else if (n === "style" && /expression\s*\(|javascript:|behavior\s*:|-moz-binding|@import/i.test(a.value)) add(el, "style=" + a.value);
      }
      switch (tag) {
      case "script":
        if (el.type === "application/ld+json" || el.type === "application/json") {
          try { JSON.parse(el.textContent); } catch (e) { add(el, el.type + " that does not parse: " + el.textContent.slice(0, 80)); }
        } else if (!el.hasAttribute("src")) { if (!inline.includes(el.textContent)) add(el, "inline: " + el.textContent.slice(0, 80)); }
        else if (!origins.includes(originOf(el.src))) add(el, "from " + el.src);
        break;
      case "iframe":
        if (el.hasAttribute("src") && !(origins.includes(originOf(el.src)) && new URL(el.src, location.href).pathname.startsWith("/embed/"))) add(el, "src=" + el.src);
        break;
      case "frame": case "frameset": case "object": case "embed": case "applet": case "portal": case "fencedframe":
        add(el, "embedded content");
        break;
      case "base":
        if (el.hasAttribute("href")) add(el, "href=" + el.getAttribute("href"));
        break;
      case "meta":
        if (el.httpEquiv && !/^(?:content-type|x-ua-compatible)$/i.test(el.httpEquiv)) add(el, "http-equiv=" + el.httpEquiv);
        break;
      case "link":
        if (/stylesheet|import|preload|prefetch|modulepreload|prerender/i.test(el.rel) && !origins.includes(originOf(el.href))) add(el, el.rel + " " + el.href);
        break;
      case "style":
        if (el.closest("body")) add(el, "in the body: " + el.textContent.slice(0, 80));
        break;
      }
    }
    return out;
  };
  define("__folioScan", (doc) => {
    doc = doc || document;
    for (const el of doc.querySelectorAll("body *")) {
      try { el.dispatchEvent(new MouseEvent("mouseover", {bubbles: true})); } catch (e) {}
    }
    return scan(doc);
  });
  addEventListener("load", () => setTimeout(() => post("scan", JSON.stringify(window.__folioScan())), 20));
})();`

// xssEvent is what the guard reported.
type xssEvent struct {
	Kind string `json:"k"`
	URL  string `json:"u"`
	Data string `json:"d"`
}

// xssAllow is what the guard lets a document have.
type xssAllow struct {
	Origins []string // origins whose scripts, style sheets and card frames are allowed
	Inline  []string // inline scripts allowed, by their text
}

// xssTab is a browser tab with the guard installed and every way out of
// it watched: trapped calls, dialogs, CSP violations, requests to hosts
// other than 127.0.0.1, navigations to unexpected URLs and downloads.
type xssTab struct {
	t       *testing.T
	ctx     context.Context
	origins []string // origins the tab's documents may come from

	mu       sync.Mutex
	problems []string            // what ran or left, with the document it happened in
	scans    map[string][]string // document URL → findings of its last scan
	scanned  map[string]bool     // document URLs that reported a scan
	remote   map[string]int      // remote image hosts requested (allowed, blocked by the resolver)
	requests int
}

// xssBrowser starts a headless Chromium for the XSS test: chromedp's
// defaults, sandboxed frames kept in the page's process (so one session
// sees their requests and reports), and a host resolver that resolves
// nothing but 127.0.0.1, so no payload host is ever looked up, let alone
// reached.
func xssBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(append(chromedp.DefaultExecAllocatorOptions[:], sideBySide...),
		chromedp.ExecPath("/usr/bin/chromium"),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-features", "Translate,IsolateSandboxedIframes,MediaRouter,OptimizationHints"),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// newXSSTab opens a tab in a fresh browser context with the guard.
// blockWasm keeps the reader app's WebAssembly from loading, so that pages
// stay as the server prerendered them while their scripts run.
func newXSSTab(t *testing.T, bctx context.Context, allow xssAllow, blockWasm bool) *xssTab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	x := &xssTab{t: t, ctx: ctx, origins: allow.Origins, scans: map[string][]string{}, scanned: map[string]bool{}, remote: map[string]int{}}
	bindings := chromedp.Events(ctx, runtime.BindingCalled)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	navs := chromedp.Events(ctx, page.FrameNavigated)
	asked := chromedp.Events(ctx, page.FrameRequestedNavigation)
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	downloads := chromedp.BrowserEvents(ctx, browser.DownloadWillBegin)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	go func() {
		for ev, err := range bindings {
			if err != nil {
				return
			}
			var e xssEvent
			if json.Unmarshal([]byte(ev.Payload), &e) != nil {
				x.problem("unreadable report %q", ev.Payload)
				continue
			}
			if e.Kind != "scan" {
				x.problem("%s in %s: %s", e.Kind, e.URL, e.Data)
				continue
			}
			var findings []string
			json.Unmarshal([]byte(e.Data), &findings)
			e.URL, _, _ = strings.Cut(e.URL, "#")
			x.mu.Lock()
			x.scanned[e.URL] = true
			if len(findings) > 0 {
				x.scans[e.URL] = findings
			} else {
				delete(x.scans, e.URL)
			}
			x.mu.Unlock()
		}
	}()
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			x.problem("%s dialog in %s: %s", ev.Type, ev.URL, ev.Message)
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	go func() {
		for ev, err := range navs {
			if err != nil {
				return
			}
			if u := ev.Frame.URL + ev.Frame.URLFragment; !x.allowed(u) {
				x.problem("a frame navigated to %s", u)
			}
		}
	}()
	go func() {
		for ev, err := range asked {
			if err != nil {
				return
			}
			if !x.allowed(ev.URL) {
				x.problem("navigation to %s requested (%s)", ev.URL, ev.Reason)
			}
		}
	}()
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			x.request(ev)
		}
	}()
	go func() {
		for ev, err := range downloads {
			if err != nil {
				return
			}
			x.problem("a download of %s began", ev.URL)
		}
	}()
	origins, _ := json.Marshal(allow.Origins)
	inline, _ := json.Marshal(allow.Inline)
	if _, err := chromedp.Call(ctx, runtime.AddBinding, runtime.AddBindingParams{Name: "__folioXSS"}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: fmt.Sprintf(xssGuard, origins, inline)}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorDeny, BrowserContextID: chromedp.FromContext(ctx).BrowserContextID, EventsEnabled: new(true),
	}); err != nil {
		t.Fatal(err)
	}
	if blockWasm {
		if _, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{
			URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/web/app.*wasm*", Block: true}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	return x
}

func (x *xssTab) problem(format string, args ...any) {
	x.mu.Lock()
	x.problems = append(x.problems, fmt.Sprintf(format, args...))
	x.mu.Unlock()
}

// allowed reports whether a document may be at u: one of the tab's
// origins, or an empty frame.
func (x *xssTab) allowed(u string) bool {
	if u == "about:blank" || u == "" {
		return true
	}
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	return slices.Contains(x.origins, p.Scheme+"://"+p.Host)
}

// request checks a request: 127.0.0.1 is the test's own servers; the only
// hosts allowed are img.example, the remote image host some vectors keep
// on purpose, and src.example, the articles' source site, against which
// relative image URLs resolve; only for images (the resolver fails them).
func (x *xssTab) request(ev network.EventRequestWillBeSent) {
	x.mu.Lock()
	x.requests++
	x.mu.Unlock()
	u, err := url.Parse(ev.Request.URL)
	if err != nil {
		x.problem("a request to an unparsable URL %q", ev.Request.URL)
		return
	}
	switch u.Scheme {
	case "data", "blob", "about":
		if u.Scheme == "data" && ev.Type != network.ResourceTypeImage {
			x.problem("a %s request to %.80s", ev.Type, ev.Request.URL)
		}
		return
	case "http", "https", "ws", "wss":
	default:
		x.problem("a %s request to %s", ev.Type, ev.Request.URL)
		return
	}
	switch h := u.Hostname(); {
	case h == "127.0.0.1":
	case (h == "img.example" || h == "src.example") && ev.Type == network.ResourceTypeImage:
		x.mu.Lock()
		x.remote[h]++
		x.mu.Unlock()
	default:
		x.problem("a %s request left for %s (from %s)", ev.Type, ev.Request.URL, ev.DocumentURL)
	}
}

// takeProblems returns and forgets what went wrong so far: the problems
// and the non-empty scans.
func (x *xssTab) takeProblems() []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := x.problems
	for u, f := range x.scans {
		for _, s := range f {
			out = append(out, "in "+u+": "+s)
		}
	}
	x.problems, x.scans = nil, map[string][]string{}
	return out
}

// nav loads a URL and waits for its load event.
func (x *xssTab) nav(u string) {
	x.t.Helper()
	ctx, cancel := context.WithTimeout(x.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		x.t.Fatalf("load %s: %v", u, err)
	}
}

// eval evaluates an expression (awaiting a promise) in the top document.
func xssEval[T any](x *xssTab, expr string) T {
	x.t.Helper()
	ctx, cancel := context.WithTimeout(x.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		x.t.Fatalf("evaluate %.200s: %v", expr, err)
	}
	return v
}

// waitScanned waits until every URL reported its scan and returns the ones
// that did not within the timeout.
func (x *xssTab) waitScanned(urls []string, timeout time.Duration) []string {
	deadline := time.Now().Add(timeout)
	for {
		x.mu.Lock()
		var missing []string
		for _, u := range urls {
			if !x.scanned[u] {
				missing = append(missing, u)
			}
		}
		x.mu.Unlock()
		if len(missing) == 0 || time.Now().After(deadline) {
			return missing
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wasScanned reports whether the document at u reported its scan.
func (x *xssTab) wasScanned(u string) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.scanned[u]
}

// forget drops the record of scanned URLs (to load them again).
func (x *xssTab) forget() {
	x.mu.Lock()
	x.scanned = map[string]bool{}
	x.mu.Unlock()
}
