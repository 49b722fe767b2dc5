package e2e

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"folio/article"
	"folio/embedcard"
	"folio/internal/htmltest"
)

// TestXSS pushes every vector of the corpora (sanitize/testdata/xss.txt and
// testdata/xss-extra.txt) through every ingest path and checks every
// output: nothing may run, navigate, open a dialog, load from a payload
// host or leave anything executable in the DOM. In Chromium a guard
// installed before any page script (xssGuard) traps alert, confirm,
// prompt, print and open, watches window.__xss and CSP violations and
// scans each document; the tab watches dialogs, navigations, downloads and
// every request (the resolver knows 127.0.0.1 only). xssCheckGuard proves
// on planted script that all of this reports what it should.
//
// Ingest paths: `folio import` of an HTML fragment, a whole saved HTML page
// (fields as its metadata), Markdown with front matter, scraped plain text,
// JSON, an RSS item and an Atom entry, then POST /api/articles. Each vector
// goes into every field a path has (title, subtitle, author, site, tags,
// excerpt, image src, alt, caption and credit, the body, and for URL vectors
// the source URL); when the pipeline refuses that article (say, a title
// with no text left), the vector is tried again in the body alone.
//
// Outputs, for every article: the reader page's head (meta tags and
// JSON-LD, value by value) and DOM, and the card page's DOM, as an HTML5
// parser builds them; the oEmbed response in JSON and XML, its html to the
// exact shape; the oEmbed html in a partner page on another origin, with
// the loader running; every home page of cards in Chromium; the Atom and
// JSON feeds, page by page, parsed strictly, their HTML rendered raw in a
// partner page as a naive feed reader would. In Chromium besides: reader
// pages as prerendered, with their scripts running (the WebAssembly
// blocked), and card pages inside the loader's sandboxed frames, each
// vector on one path (the paths in turn; -xss.all loads every distinct
// page); a stratified sample (every class, every path) in the mounted app,
// by first load and by in-app navigation, reader and home cards; and every
// vector in the query and path places a page may echo (xssReflectPlaces).
func TestXSS(t *testing.T) {
	t.Parallel()
	start := time.Now()
	vectors := loadXSSVectors(t)
	if len(vectors) < 300 {
		t.Fatalf("the corpora hold %d vectors, want at least 300", len(vectors))
	}
	vectors = xssLimit(vectors)
	work := t.TempDir()
	db := filepath.Join(work, "folio.db")
	phase := time.Now()
	lap := func(name string) {
		t.Logf("%-34s %s", name, time.Since(phase).Round(time.Millisecond))
		phase = time.Now()
	}

	// Ingest: files through `folio import`, the refused ones again in the
	// body alone, then the API.
	stored, refused := xssIngestFiles(t, vectors, work, db)
	srv := startXSSServer(t, db)
	apiStored, apiRefused := xssIngestAPI(t, srv, vectors)
	stored = append(stored, apiStored...)
	refused["api"] = apiRefused
	bySlug := map[string]*xssStored{}
	for i := range stored {
		bySlug[stored[i].Slug] = &stored[i]
	}
	articles := xssListArticles(t, srv)
	if len(articles) != len(stored) {
		t.Fatalf("the API lists %d articles, want the %d stored", len(articles), len(stored))
	}
	for i := range stored {
		stored[i].Title = articles[stored[i].Slug].Title
	}
	lap(fmt.Sprintf("ingest (%d articles)", len(stored)))

	counts := map[string]map[string]int{} // output → path → articles checked
	reflected := "not run"
	var countMu sync.Mutex // the outputs are checked in parallel
	count := func(output string, s *xssStored) {
		countMu.Lock()
		defer countMu.Unlock()
		if counts[output] == nil {
			counts[output] = map[string]int{}
		}
		counts[output][s.Path]++
	}

	// Every article's reader page, card page and oEmbed response, fetched
	// and checked without a browser: what the browser then loads is each
	// distinct page once (pages equal up to the slug, the "path N" label
	// and the timestamps load the same in a browser).
	inline := xssInlineScripts(t, srv, stored[0].Slug)
	outputs := xssFetchOutputs(t, srv, stored, articles, inline)
	for _, s := range stored {
		o := outputs[s.Slug]
		for _, p := range o.problems {
			t.Errorf("%s: %s", s.describe(), p)
		}
		count("meta tags + JSON-LD", &s)
		count("reader page, parsed", &s)
		count("card page, parsed", &s)
		count("oEmbed JSON+XML, parsed", &s)
	}
	lap("outputs fetched and parsed")

	host := newEmbedHost(t)
	allow := xssAllow{Origins: []string{srv.URL, host.URL}, Inline: inline}
	browser := xssBrowser(t)

	t.Run("guard", func(t *testing.T) {
		xssCheckGuard(t, browser, allow, srv, host, stored[0].Slug)
	})

	readerPick, cardPick := xssChoose(stored, vectors, outputs, *xssAll)
	attribute := func(p string) string { return xssAttribute(p, vectors) }

	// The outputs are checked in parallel, each in tabs of its own; the
	// group returns when all of them are done.
	t.Run("outputs", func(t *testing.T) {
		// The mounted app runs first, alone: beside the tabs that block the
		// WebAssembly, it did not mount.
		t.Run("reader mounted", func(t *testing.T) {
			defer timed(t, time.Now())
			sample := xssSample(stored, vectors, 5)
			mounted := newXSSTab(t, browser, allow, false)
			xssMounted(t, mounted, srv, sample, articles, func(s *xssStored) { count("reader mounted (sample)", s) },
				func(s *xssStored) { count("home cards mounted (sample)", s) })
			t.Logf("%d articles (every class, every path) shown by the mounted app", len(sample))
		})

		t.Run("reader prerendered", func(t *testing.T) {
			t.Parallel()
			defer timed(t, time.Now())
			loaded := map[string]bool{}
			var urls []string
			for _, slug := range readerPick {
				urls = append(urls, srv.URL+"/a/"+slug)
			}
			sort.Strings(urls)
			xssFramesParallel(t, browser, allow, srv.URL+"/xss-container", urls, 25, attribute, func(u string) {
				loaded[strings.TrimPrefix(u, srv.URL+"/a/")] = true
			})
			for _, s := range stored {
				if loaded[readerPick[outputs[s.Slug].readerKey]] {
					count("reader page, Chromium", &s)
				}
			}
			t.Logf("%d reader pages loaded in frames (scripts running, WebAssembly blocked), standing for %d articles", len(urls), xssTwins(stored, outputs, readerPick))
		})

		t.Run("home cards", func(t *testing.T) {
			t.Parallel()
			defer timed(t, time.Now())
			pages, listed := xssHomePages(t, srv)
			if len(listed) != len(stored) {
				t.Errorf("the home pages list %d articles, want %d", len(listed), len(stored))
			}
			var urls []string
			for _, p := range pages {
				urls = append(urls, srv.URL+p)
			}
			loaded := 0
			xssFramesParallel(t, browser, allow, srv.URL+"/xss-container", urls, 15, attribute, func(string) { loaded++ })
			if loaded == len(urls) {
				for _, slug := range listed {
					if s := bySlug[slug]; s != nil {
						count("home cards, Chromium", s)
					}
				}
			}
			t.Logf("%d home pages of cards loaded", len(urls))
		})

		t.Run("oEmbed in a partner page", func(t *testing.T) {
			t.Parallel()
			defer timed(t, time.Now())
			partner := newXSSTab(t, browser, allow, false)
			eager := map[string]bool{}
			for _, slug := range cardPick {
				eager[slug] = true
			}
			loadedCard := map[string]bool{}
			const perPage = 200
			for i := 0; i < len(stored); i += perPage {
				batch := stored[i:min(i+perPage, len(stored))]
				var page strings.Builder
				page.WriteString("<!doctype html><html><head><meta charset=utf-8><title>Partner</title></head><body><h1>A partner's page</h1>\n")
				var cards []string
				for _, s := range batch {
					// Every snippet is parsed and run; only the chosen ones are
					// shown, so that only their lazy card frames load.
					if eager[s.Slug] {
						page.WriteString("<section>" + outputs[s.Slug].snippet + "</section>\n")
						cards = append(cards, srv.URL+"/embed/"+s.Slug)
					} else {
						page.WriteString("<section hidden>" + outputs[s.Slug].snippet + "</section>\n")
					}
				}
				page.WriteString("</body></html>\n")
				path := fmt.Sprintf("/partner-%d", i/perPage)
				host.set(path, page.String())
				partner.forget()
				partner.nav(host.URL + path)
				// The loader made a lazy iframe per card: load the chosen ones
				// now, wherever they are on the page.
				n := xssEval[int](partner, `((eager) => {
					const f = document.querySelectorAll("iframe.folio-embed-frame");
					f.forEach(e => { if (eager.includes(e.src.split("#")[0])) e.loading = "eager"; });
					return f.length;
				})(`+xssJSList(cards)+`)`)
				if n != len(batch) {
					t.Errorf("%s: the loader made %d card frames, want %d", path, n, len(batch))
				}
				missing := partner.waitScanned(append(cards, host.URL+path), 60*time.Second)
				for _, m := range missing {
					t.Errorf("%s: %s did not load", path, m)
				}
				for _, p := range partner.takeProblems() {
					t.Errorf("%s: %s", path, xssAttribute(p, vectors))
				}
				for _, s := range batch {
					if partner.wasScanned(srv.URL + "/embed/" + s.Slug) {
						loadedCard[s.Slug] = true
					}
				}
				if !slices.Contains(missing, host.URL+path) {
					for _, s := range batch {
						count("oEmbed html in a partner page", &s)
					}
				}
			}
			loadedKey := map[string]bool{}
			for slug := range loadedCard {
				loadedKey[outputs[slug].cardKey] = true
			}
			for _, s := range stored {
				if loadedKey[outputs[s.Slug].cardKey] {
					count("card page, Chromium", &s)
				}
			}
			partner.checkUnwatchedFrames()
			standing := 0
			for _, n := range counts["card page, Chromium"] {
				standing += n
			}
			t.Logf("%d snippets in %d partner pages; %d card pages loaded by the loader, standing for %d articles",
				len(stored), (len(stored)+perPage-1)/perPage, len(loadedCard), standing)
		})

		t.Run("reflected", func(t *testing.T) {
			t.Parallel()
			defer timed(t, time.Now())
			n, loaded := xssReflected(t, srv, browser, allow, vectors, stored[0].Slug, inline)
			reflected = fmt.Sprintf("%d vectors × %d query and path places, parsed: %d URLs; %d of them loaded in Chromium", len(vectors), len(xssReflectPlaces), n, loaded)
			t.Log(reflected)
		})

	})
	lap("outputs checked in Chromium")

	// The feeds last, alone: walking them deletes the articles.
	t.Run("feeds", func(t *testing.T) {
		defer timed(t, time.Now())
		reader := newXSSTab(t, browser, allow, false)
		seen := xssFeeds(t, srv, host, reader, articles)
		for _, s := range stored {
			if seen[s.Slug] == 2 {
				count("feeds (Atom+JSON)", &s)
			} else {
				t.Errorf("%s: /a/%s appeared in %d of the 2 feeds", s.describe(), s.Slug, seen[s.Slug])
			}
		}
	})
	lap("feeds")

	xssReport(t, vectors, stored, refused, counts)
	t.Logf("reflected input: %s", reflected)
	t.Logf("total %s", time.Since(start).Round(time.Millisecond))
}

// timed logs how long the (sub)test took since start.
func timed(t *testing.T, start time.Time) {
	t.Logf("took %s", time.Since(start).Round(time.Millisecond))
}

// TestXSSPreview types every vector into the preview workbench (/preview)
// in each of its formats, the body and every metadata field at once, and
// checks that nothing runs in the page or in its output frames (card,
// reader and embed, light and dark), with the guard of TestXSS. Vectors go
// in batches (a batch's body holds its vectors one after another, each of
// its fields one of them); each batch's body starts with a marker that
// must reach the frames, so a batch the pipeline refused is tried again one
// vector at a time, in the body alone.
func TestXSSPreview(t *testing.T) {
	t.Parallel()
	vectors := xssLimit(loadXSSVectors(t))
	srv := startXSSServer(t, filepath.Join(t.TempDir(), "folio.db"))
	if code, _ := srv.do(t, http.MethodGet, "/preview", nil); code != http.StatusOK {
		t.Fatalf("GET /preview: status %d, want 200: the preview must exist for its vectors to be tried", code)
	}
	browser := xssBrowser(t)
	x := newXSSTab(t, browser, xssAllow{Origins: []string{srv.URL}}, false)
	x.nav(srv.URL + "/preview")
	xssWait(x, appMounted+` && document.querySelector("#pv-output[data-rev]") !== null`)
	for _, p := range x.takeProblems() {
		t.Errorf("/preview: %s", p)
	}
	start := time.Now()
	tried := map[string]int{}
	for _, format := range []struct {
		name  string
		batch int
	}{{"html", 4}, {"markdown", 8}, {"text", 20}} {
		rev := xssEval[int](x, `+document.querySelector("#pv-output").dataset.rev`)
		xssEval[bool](x, `(document.querySelector("#pv-format-`+format.name+`").click(), true)`)
		xssWaitRev(x, rev)
		for i := 0; i < len(vectors); i += format.batch {
			batch := vectors[i:min(i+format.batch, len(vectors))]
			if xssPreviewDraft(t, x, format.name, batch, true) {
				tried[format.name] += len(batch)
				continue
			}
			for _, v := range batch { // refused: one by one, in the body alone
				if xssPreviewDraft(t, x, format.name, []xssVector{v}, false) {
					tried[format.name]++
				} else {
					t.Logf("preview %s: vector %d refused", format.name, v.ID)
				}
			}
		}
	}
	x.checkUnwatchedFrames()
	t.Logf("preview: vectors tried as HTML %d, Markdown %d, plain text %d (of %d each), in %s",
		tried["html"], tried["markdown"], tried["text"], len(vectors), time.Since(start).Round(time.Millisecond))
}

// xssPreviewFields are the preview's metadata fields a vector goes into.
var xssPreviewFields = []string{"title", "subtitle", "author", "site", "image", "image_alt", "image_srcset", "caption", "credit", "tags", "excerpt"}

// xssPreviewDraft puts a draft made of the vectors into the preview,
// waits for the output, checks the page and its frames, and reports
// whether the output shows this draft (its marker reached the frames).
func xssPreviewDraft(t *testing.T, x *xssTab, format string, batch []xssVector, fields bool) bool {
	t.Helper()
	marker := fmt.Sprintf("xssmarker%d%s", batch[0].ID, format)
	values := map[string]string{"title": "Preview " + marker}
	for k, f := range xssPreviewFields {
		switch v := batch[k%len(batch)].Payload; {
		case !fields:
		case f == "title":
			values[f] += " " + xssClip(v, 200)
		case f == "tags":
			values[f] = xssClip(v, 50)
		default:
			values[f] = v
		}
	}
	parts := []string{marker}
	if format == "html" {
		parts[0] = "<p>" + marker + "</p>"
	}
	for _, v := range batch {
		parts = append(parts, v.Payload)
	}
	values["body"] = strings.Join(parts, "\n\n")
	list, _ := json.Marshal(values)
	rev := xssEval[int](x, `+document.querySelector("#pv-output").dataset.rev`)
	xssEval[bool](x, `((values) => {
		for (const [k, v] of Object.entries(values)) {
			const el = document.getElementById(k === "body" ? "pv-body" : "pv-meta-" + k);
			el.value = v;
			el.dispatchEvent(new Event("input", {bubbles: true}));
		}
		for (const k of `+xssJSList(xssPreviewFields)+`) {
			const el = document.getElementById("pv-meta-" + k);
			if (!(k in values) && el.value !== "") { el.value = ""; el.dispatchEvent(new Event("input", {bubbles: true})); }
		}
		return true;
	})(`+string(list)+`)`)
	xssWaitRev(x, rev)
	findings := xssEval[[]string](x, `[document, ...[...document.querySelectorAll("iframe.pv-frame")].map(f => f.contentDocument)].flatMap(d => window.__folioScan(d).map(s => (d === document ? "page: " : d.defaultView.frameElement.id + ": ") + s))`)
	time.Sleep(30 * time.Millisecond) // let a handler the hover woke report
	ids := []int{}
	for _, v := range batch {
		ids = append(ids, v.ID)
	}
	for _, f := range findings {
		t.Errorf("preview %s, vectors %v: %s", format, ids, f)
	}
	for _, p := range x.takeProblems() {
		t.Errorf("preview %s, vectors %v: %s", format, ids, p)
	}
	return xssEval[bool](x, `[...document.querySelectorAll("iframe.pv-frame")].every(f => f.contentDocument.body.textContent.includes(`+xssJSList([]string{marker})+`[0]))`)
}

// xssJSList writes strings as a JavaScript array literal.
func xssJSList(ss []string) string {
	if ss == nil {
		ss = []string{}
	}
	b, _ := json.Marshal(ss)
	return string(b)
}

// xssWait polls a JavaScript expression until it is true (30 s at most).
func xssWait(x *xssTab, expr string) {
	x.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !xssEval[bool](x, expr) {
		if time.Now().After(deadline) {
			x.t.Fatalf("waiting for %s: timed out", expr)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// xssWaitRev waits until the preview's output revision passes rev.
func xssWaitRev(x *xssTab, rev int) {
	x.t.Helper()
	xssWait(x, fmt.Sprintf(`+document.querySelector("#pv-output").dataset.rev > %d`, rev))
}

// xssInlineScripts returns the inline scripts of a card page: the card's
// own height reporter, which its Content-Security-Policy allows by hash.
func xssInlineScripts(t *testing.T, srv *xssServer, slug string) []string {
	t.Helper()
	doc, err := xhtml.Parse(strings.NewReader(string(srv.get(t, "/embed/"+slug))))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode && n.DataAtom == atom.Script && htmltest.Attr(n, "src") == "" {
			out = append(out, htmltest.Text(n))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func (s *xssStored) describe() string {
	mode := "full"
	if !s.Full {
		mode = "body"
	}
	return fmt.Sprintf("%s vector %d (%s, %s:%d, %s)", s.Path, s.V.ID, s.V.Class, s.V.File, s.V.Line, mode)
}

// xssClasses lists the classes of the vectors, in order.
func xssClasses(vs []xssVector) []string {
	var out []string
	for _, v := range vs {
		if !slices.Contains(out, v.Class) {
			out = append(out, v.Class)
		}
	}
	return out
}

// xssIngestFiles writes one file per path and vector, imports them all
// with `folio import`, then the body-only files of those refused.
func xssIngestFiles(t *testing.T, vectors []xssVector, work, db string) ([]xssStored, map[string]int) {
	t.Helper()
	type file struct {
		path string
		v    xssVector
	}
	write := func(dir string, full bool, which func(path string, v xssVector) bool) map[string]file {
		files := map[string]file{}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, p := range xssPaths {
			for _, v := range vectors {
				if !which(p.Name, v) {
					continue
				}
				name := fmt.Sprintf("%s-%d%s", p.Name, v.ID, p.Ext)
				if err := os.WriteFile(filepath.Join(dir, name), p.Make(xssFieldsFor(p.Name, v, full)), 0o644); err != nil {
					t.Fatal(err)
				}
				files[name] = file{p.Name, v}
			}
		}
		return files
	}
	var stored []xssStored
	refused := map[string]int{}
	full := write(filepath.Join(work, "full"), true, func(string, xssVector) bool { return true })
	slugs, failed := xssImport(t, db, filepath.Join(work, "full"))
	for name, f := range full {
		if slug, ok := slugs[name]; ok {
			stored = append(stored, xssStored{Path: f.path, V: f.v, Full: true, Slug: slug})
		} else if _, ok := failed[name]; !ok {
			t.Fatalf("folio import said nothing about %s", name)
		}
	}
	retry := write(filepath.Join(work, "body"), false, func(path string, v xssVector) bool {
		_, ok := failed[fmt.Sprintf("%s-%d%s", path, v.ID, xssExt(path))]
		return ok
	})
	slugs, failed = xssImport(t, db, filepath.Join(work, "body"))
	for name, f := range retry {
		if slug, ok := slugs[name]; ok {
			stored = append(stored, xssStored{Path: f.path, V: f.v, Full: false, Slug: slug})
		} else if why, ok := failed[name]; ok {
			refused[f.path]++
			t.Logf("%s vector %d refused: %s", f.path, f.v.ID, why)
		} else {
			t.Fatalf("folio import said nothing about %s", name)
		}
	}
	sort.Slice(stored, func(i, j int) bool {
		if stored[i].Path != stored[j].Path {
			return stored[i].Path < stored[j].Path
		}
		return stored[i].V.ID < stored[j].V.ID
	})
	return stored, refused
}

func xssExt(path string) string {
	for _, p := range xssPaths {
		if p.Name == path {
			return p.Ext
		}
	}
	return ""
}

// xssIngestAPI creates one article per vector through POST /api/articles,
// and the body-only article when the API refuses the full one with a 4xx.
func xssIngestAPI(t *testing.T, srv *xssServer, vectors []xssVector) ([]xssStored, int) {
	t.Helper()
	var stored []xssStored
	refused := 0
	for _, v := range vectors {
		for _, full := range []bool{true, false} {
			code, body := srv.do(t, http.MethodPost, "/api/articles", xssArticleJSON(xssFieldsFor("api", v, full)))
			if code == http.StatusCreated {
				var a struct{ Slug string }
				if err := json.Unmarshal(body, &a); err != nil {
					t.Fatal(err)
				}
				stored = append(stored, xssStored{Path: "api", V: v, Full: full, Slug: a.Slug})
				break
			}
			if code >= 500 || code < 400 {
				t.Errorf("api vector %d: POST /api/articles answered %d: %s", v.ID, code, body)
				break
			}
			if !full {
				refused++
				t.Logf("api vector %d refused: %s", v.ID, body)
			}
		}
	}
	return stored, refused
}

// xssArticle is the API's article JSON, as the checks compare it.
type xssArticle struct {
	Slug     string   `json:"slug"`
	Title    string   `json:"title"`
	Subtitle string   `json:"subtitle"`
	Author   string   `json:"author"`
	Site     string   `json:"site"`
	URL      string   `json:"url"`
	Excerpt  string   `json:"excerpt"`
	Tags     []string `json:"tags"`
	Image    *struct {
		Src     string `json:"src"`
		Alt     string `json:"alt"`
		Caption string `json:"caption"`
		Credit  string `json:"credit"`
	} `json:"image"`
	HTML string `json:"html"`
}

// xssListArticles reads every article's summary through the list API.
func xssListArticles(t *testing.T, srv *xssServer) map[string]*xssArticle {
	t.Helper()
	out := map[string]*xssArticle{}
	cursor := ""
	for {
		path := "/api/articles?limit=100"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		var list struct {
			Articles []*xssArticle
			Next     string
		}
		if err := json.Unmarshal(srv.get(t, path), &list); err != nil {
			t.Fatal(err)
		}
		for _, a := range list.Articles {
			out[a.Slug] = a
		}
		if list.Next == "" || len(list.Articles) == 0 {
			return out
		}
		cursor = list.Next
	}
}

// xssOutput is what the fetch phase learnt of one article.
type xssOutput struct {
	readerKey, cardKey string // the pages' contents up to slug, label and time
	snippet            string // the oEmbed html
	problems           []string
}

// xssFetchOutputs fetches, for every article, the reader page, the card
// page and the oEmbed response (JSON and XML), with a few requests in
// flight, and checks them: the head's meta tags and JSON-LD value by value,
// both pages' DOM as an HTML5 parser builds it, the oEmbed html's exact
// shape.
func xssFetchOutputs(t *testing.T, srv *xssServer, stored []xssStored, articles map[string]*xssArticle, inline []string) map[string]*xssOutput {
	t.Helper()
	out := make([]*xssOutput, len(stored))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range jobs {
				out[i] = xssFetchOutput(srv, stored[i], articles[stored[i].Slug], inline)
			}
		})
	}
	for i := range stored {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	m := map[string]*xssOutput{}
	for i, o := range out {
		m[stored[i].Slug] = o
	}
	return m
}

func xssFetchOutput(srv *xssServer, s xssStored, a *xssArticle, inline []string) *xssOutput {
	o := &xssOutput{}
	fail := func(format string, args ...any) { o.problems = append(o.problems, fmt.Sprintf(format, args...)) }
	page, err := xssFetchDoc(srv, "/a/"+s.Slug)
	if err != nil {
		fail("%v", err)
		return o
	}
	for _, p := range xssCheckHead(page, a, srv.URL) {
		fail("/a/%s head: %s", s.Slug, p)
	}
	for _, p := range xssScanPage(page, xssAppInline(), xssAppScripts()) {
		fail("/a/%s: %s", s.Slug, p)
	}
	o.readerKey = xssNormalize(page, s.Slug)
	card, err := xssFetchDoc(srv, "/embed/"+s.Slug)
	if err != nil {
		fail("%v", err)
		return o
	}
	for _, p := range xssScanPage(card, inline, nil) {
		fail("/embed/%s: %s", s.Slug, p)
	}
	o.cardKey = xssNormalize(card, s.Slug)
	o.snippet, err = xssCheckOEmbed(srv, s, a)
	if err != nil {
		fail("%v", err)
	}
	return o
}

// xssFetchDoc fetches a page and parses it as a browser would.
func xssFetchDoc(srv *xssServer, path string) (*xhtml.Node, error) {
	b, err := srv.fetch(path)
	if err != nil {
		return nil, err
	}
	return xhtml.Parse(bytes.NewReader(b))
}

// xssLabel, xssTime and xssSource match what differs between two articles
// made from one vector on two paths, or between two body-only articles
// whose bodies came out the same: the "path N" label of the title, the
// time they were stored, and the path and number in their source URL.
var (
	xssLabel  = regexp.MustCompile(`\b(?:html|page|md|txt|json|rss|atom|api) [0-9]+(?: body)?`)
	xssTime   = regexp.MustCompile(`[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?Z`)
	xssSource = regexp.MustCompile(`src\.example/(?:html|page|md|txt|json|rss|atom|api)/(?:[0-9]+\b)?`)
)

// xssNormalize returns a key for a page: pages with equal keys build the
// same DOM but for the order of attributes (go-app writes them in map
// order), the slug, the label, the time and the source URL's path, all of
// them letters, digits and punctuation that no parser treats specially,
// so a browser does the same with both.
func xssNormalize(doc *xhtml.Node, slug string) string {
	var sortAttrs func(*xhtml.Node)
	sortAttrs = func(n *xhtml.Node) {
		slices.SortFunc(n.Attr, func(a, b xhtml.Attribute) int { return strings.Compare(a.Namespace+":"+a.Key, b.Namespace+":"+b.Key) })
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			sortAttrs(c)
		}
	}
	sortAttrs(doc)
	var b strings.Builder
	xhtml.Render(&b, doc)
	s := strings.ReplaceAll(b.String(), slug, "SLUG")
	s = xssLabel.ReplaceAllString(s, "LABEL")
	s = xssTime.ReplaceAllString(s, "TIME")
	s = xssSource.ReplaceAllString(s, "src.example/P/")
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// xssAppScripts are the script files an app page may load: go-app's two
// and folio.js under its content-hashed name.
func xssAppScripts() []string {
	b, err := os.ReadFile(filepath.Join(repoRoot, "web", "folio.js"))
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(b)
	return []string{"/wasm_exec.js", "/app.js", "/web/folio." + hex.EncodeToString(sum[:5]) + ".js"}
}

// xssAppInline are the inline scripts an app page may hold: web/theme.js.
func xssAppInline() []string {
	b, err := os.ReadFile(filepath.Join(repoRoot, "web", "theme.js"))
	if err != nil {
		panic(err)
	}
	return []string{string(b)}
}

// xssScanPage parses a page as a browser does and lists what should never
// be in it, with the rules of the guard's in-browser scan: event-handler
// attributes, srcdoc, script URLs, scripts other than the allowed inline
// ones and files, embedded documents, <base>, meta refresh, foreign
// styles; JSON data islands must parse.
func xssScanPage(doc *xhtml.Node, inline, files []string) []string {
	var out []string
	inBody := false
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if a.Namespace != "" {
					key = a.Namespace + ":" + key
				}
				switch {
				case strings.HasPrefix(key, "on"), key == "srcdoc":
					out = append(out, fmt.Sprintf("<%s %s=%q>", n.Data, key, a.Val))
				case xssURLAttrs[key] && xssScriptURL(a.Val) && !(n.Data == "img" && key == "src" && strings.HasPrefix(strings.TrimSpace(strings.ToLower(a.Val)), "data:image/")):
					out = append(out, fmt.Sprintf("<%s %s=%q>", n.Data, key, a.Val))
				case key == "style" && xssBadStyle.MatchString(a.Val):
					out = append(out, fmt.Sprintf("<%s style=%q>", n.Data, a.Val))
				}
			}
			switch n.Data {
			case "script":
				typ := strings.ToLower(htmltest.Attr(n, "type"))
				src := htmltest.Attr(n, "src")
				switch {
				case typ == "application/ld+json" || typ == "application/json":
					var v any
					if err := json.Unmarshal([]byte(htmltest.Text(n)), &v); err != nil {
						out = append(out, fmt.Sprintf("a %s script that does not parse: %v", typ, err))
					}
				case src == "" && !slices.Contains(inline, htmltest.Text(n)):
					out = append(out, "inline script: "+tail(htmltest.Text(n), 100))
				case src != "" && !slices.Contains(files, src):
					out = append(out, "script from "+src)
				}
			case "iframe", "frame", "frameset", "object", "embed", "applet", "portal", "fencedframe":
				out = append(out, "element "+xssRender(n))
			case "base":
				if htmltest.Attr(n, "href") != "" {
					out = append(out, "element "+xssRender(n))
				}
			case "meta":
				if h := htmltest.Attr(n, "http-equiv"); h != "" && !strings.EqualFold(h, "content-type") {
					out = append(out, "element "+xssRender(n))
				}
			case "link":
				if href := htmltest.Attr(n, "href"); strings.Contains(href, "//") && !strings.HasPrefix(href, "http://127.0.0.1") && regexp.MustCompile(`(?i)stylesheet|import|preload|prefetch|prerender`).MatchString(htmltest.Attr(n, "rel")) {
					out = append(out, "element "+xssRender(n))
				}
			case "style":
				if inBody {
					out = append(out, "style element in the body")
				}
			case "body":
				inBody = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// xssURLAttrs are the attributes whose value a browser may load or follow.
var xssURLAttrs = map[string]bool{}

func init() {
	for _, k := range strings.Fields("href src action formaction data poster background codebase cite ping lowsrc dynsrc longdesc usemap classid archive manifest icon srcset to from values by xlink:href") {
		xssURLAttrs[k] = true
	}
}

var xssBadStyle = regexp.MustCompile(`(?i)expression\s*\(|javascript:|behavior\s*:|-moz-binding|@import`)

// xssScriptURL reports whether a URL runs script or holds a document when
// followed, after the blanks and controls a browser ignores are removed.
func xssScriptURL(v string) bool {
	v = strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' || r >= 0x7f && r <= 0xa0 {
			return -1
		}
		return r
	}, v))
	for _, p := range []string{"javascript:", "vbscript:", "livescript:", "data:"} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

// xssFrames loads every URL as an iframe of a page of the server (its own
// origin, so the app pages' frame-ancestors 'self' allows it), perBatch at
// a time, waits for each document's scan and reports what went wrong.
func xssFrames(t *testing.T, x *xssTab, container string, urls []string, perBatch int, attribute func(string) string, done func(u string)) {
	t.Helper()
	x.nav(container)
	for i := 0; i < len(urls); i += perBatch {
		batch := urls[i:min(i+perBatch, len(urls))]
		list, _ := json.Marshal(batch)
		xssEval[bool](x, `((urls) => {
			document.querySelectorAll("iframe.xss-frame").forEach(f => f.remove());
			for (const u of urls) {
				const f = document.createElement("iframe");
				f.className = "xss-frame";
				f.width = 400; f.height = 300;
				f.src = u;
				document.body.append(f);
			}
			return true;
		})(`+string(list)+`)`)
		missing := x.waitScanned(batch, 60*time.Second)
		for _, u := range missing {
			t.Errorf("%s did not load in a frame within 60 s", u)
		}
		for _, p := range x.takeProblems() {
			t.Errorf("%s", attribute(p))
		}
		if done != nil {
			for _, u := range batch {
				if !slices.Contains(missing, u) {
					done(u)
				}
			}
		}
	}
	xssEval[bool](x, `(document.querySelectorAll("iframe.xss-frame").forEach(f => f.remove()), true)`)
}

// xssLimitN cuts the corpus short, for a quick run while working on the
// test itself.
var xssLimitN = flag.Int("xss.limit", 0, "TestXSS, TestXSSPreview: try only the first N vectors (a quick run while working on the tests)")

// xssClass keeps the vectors whose class (the corpus comment above them)
// matches, for a run over one part of the corpus.
var xssClass = flag.String("xss.class", "", "TestXSS, TestXSSPreview: try only the vectors whose class matches this regular expression (e.g. 'facades|MathML|Anchors')")

func xssLimit(vs []xssVector) []xssVector {
	if *xssClass != "" {
		re := regexp.MustCompile(*xssClass)
		var kept []xssVector
		for _, v := range vs {
			if re.MatchString(v.Class) {
				kept = append(kept, v)
			}
		}
		vs = kept
	}
	if *xssLimitN > 0 && *xssLimitN < len(vs) {
		return vs[:*xssLimitN]
	}
	return vs
}

// xssAll makes the test load every distinct reader and card page in
// Chromium rather than one path per vector.
var xssAll = flag.Bool("xss.all", false, "TestXSS: load every distinct reader and card page in Chromium, not one ingest path per vector")

// xssChoose returns the reader and card pages Chromium loads, as page key
// → slug. By default each vector's articles are loaded once, on the ingest
// paths in turn (vector n on path n mod 8, or the next path that stored
// it), so that every vector, every class and every path is loaded in the
// browser while the whole matrix is parsed; with -xss.all, every distinct
// page is loaded.
func xssChoose(stored []xssStored, vectors []xssVector, outputs map[string]*xssOutput, all bool) (readers, cards map[string]string) {
	readers, cards = map[string]string{}, map[string]string{}
	pick := func(s *xssStored) {
		o := outputs[s.Slug]
		if _, ok := readers[o.readerKey]; !ok {
			readers[o.readerKey] = s.Slug
		}
		if _, ok := cards[o.cardKey]; !ok {
			cards[o.cardKey] = s.Slug
		}
	}
	if all {
		for i := range stored {
			pick(&stored[i])
		}
		return readers, cards
	}
	byKey := map[string]*xssStored{}
	for i := range stored {
		byKey[fmt.Sprintf("%s/%d", stored[i].Path, stored[i].V.ID)] = &stored[i]
	}
	paths := xssPathNames()
	for i, v := range vectors {
		for k := range paths {
			if s := byKey[fmt.Sprintf("%s/%d", paths[(i+k)%len(paths)], v.ID)]; s != nil {
				pick(s)
				break
			}
		}
	}
	return readers, cards
}

// xssTwins counts the articles whose reader page is one of the chosen
// (their own or an identical one).
func xssTwins(stored []xssStored, outputs map[string]*xssOutput, chosen map[string]string) int {
	n := 0
	for _, s := range stored {
		if _, ok := chosen[outputs[s.Slug].readerKey]; ok {
			n++
		}
	}
	return n
}

// xssPathNames lists the ingest paths: the file formats, then the API.
func xssPathNames() []string {
	var out []string
	for _, p := range xssPaths {
		out = append(out, p.Name)
	}
	return append(out, "api")
}

// xssFramesParallel loads the URLs in frames (see xssFrames) in two tabs
// at once, each in a browser context of its own and so in a renderer
// process of its own.
func xssFramesParallel(t *testing.T, browser context.Context, allow xssAllow, container string, urls []string, perBatch int, attribute func(string) string, done func(u string)) {
	t.Helper()
	var mu sync.Mutex
	const tabs = 2
	t.Run("frames", func(t *testing.T) { // returns when both tabs are done
		for k := range tabs {
			part := urls[k*len(urls)/tabs : (k+1)*len(urls)/tabs]
			t.Run(fmt.Sprintf("tab %d", k+1), func(t *testing.T) {
				t.Parallel()
				x := newXSSTab(t, browser, allow, true)
				xssFrames(t, x, container, part, perBatch, attribute, func(u string) {
					mu.Lock()
					done(u)
					mu.Unlock()
				})
				x.checkUnwatchedFrames()
			})
		}
	})
}

// xssReflectPlaces are the places of a request that a page may echo:
// the home list's search, tag and cursor, a reader page's query, the card
// page's options, and the path of a page that does not exist. %s is the
// vector, escaped for its place; SLUG is an article's slug.
var xssReflectPlaces = []string{"/?q=%s", "/?tag=%s", "/?cursor=%s", "/a/SLUG?q=%s", "/embed/SLUG?theme=%s&layout=%s&accent=%s", "/nope/%s"}

// xssReflected requests every vector in every place of xssReflectPlaces
// and checks the page as parsed; every fourth vector's page (the places in
// turn) is loaded in Chromium too. It returns how many URLs it parsed and
// how many it loaded.
func xssReflected(t *testing.T, srv *xssServer, browser context.Context, allow xssAllow, vectors []xssVector, slug string, inline []string) (int, int) {
	t.Helper()
	type job struct {
		u    string
		v    xssVector
		card bool
	}
	var jobs []job
	var chosen []string
	for i, v := range vectors {
		for k, place := range xssReflectPlaces {
			esc := url.QueryEscape(v.Payload)
			if strings.HasPrefix(place, "/nope/") {
				esc = url.PathEscape(v.Payload)
			}
			u := strings.ReplaceAll(strings.ReplaceAll(place, "SLUG", slug), "%s", esc)
			jobs = append(jobs, job{u, v, strings.HasPrefix(place, "/embed/")})
			if i%4 == 0 && k == (i/4)%len(xssReflectPlaces) {
				chosen = append(chosen, srv.URL+u)
			}
		}
	}
	problems := make([][]string, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range next {
				j := jobs[i]
				res, err := http.Get(srv.URL + j.u)
				if err != nil {
					problems[i] = []string{err.Error()}
					continue
				}
				doc, err := xhtml.Parse(res.Body)
				res.Body.Close()
				switch {
				case err != nil:
					problems[i] = []string{err.Error()}
				case res.StatusCode >= 500:
					problems[i] = []string{fmt.Sprintf("status %d", res.StatusCode)}
				case j.card:
					problems[i] = xssScanPage(doc, inline, nil)
				default:
					problems[i] = xssScanPage(doc, xssAppInline(), xssAppScripts())
				}
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, ps := range problems {
		for _, p := range ps {
			t.Errorf("GET %s (vector %d, %s:%d): %s", jobs[i].u, jobs[i].v.ID, jobs[i].v.File, jobs[i].v.Line, p)
		}
	}
	loaded := 0
	t.Run("Chromium", func(t *testing.T) {
		x := newXSSTab(t, browser, allow, true)
		xssFrames(t, x, srv.URL+"/xss-container", chosen, 20, func(p string) string { return xssAttribute(p, vectors) }, func(string) { loaded++ })
		x.checkUnwatchedFrames()
	})
	return len(jobs), loaded
}

// xssHomePages returns the home page addresses that together list every
// article (following the list's cursors, as the "more" link does), and the
// slugs they list.
func xssHomePages(t *testing.T, srv *xssServer) (pages, slugs []string) {
	t.Helper()
	cursor := ""
	for {
		path := "/api/articles?limit=12"
		page := "/"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
			page = "/?cursor=" + url.QueryEscape(cursor)
		}
		var list struct {
			Articles []struct{ Slug string }
			Next     string
		}
		if err := json.Unmarshal(srv.get(t, path), &list); err != nil {
			t.Fatal(err)
		}
		pages = append(pages, page)
		for _, a := range list.Articles {
			slugs = append(slugs, a.Slug)
		}
		if list.Next == "" || len(list.Articles) == 0 {
			return pages, slugs
		}
		cursor = list.Next
	}
}

// xssCheckOEmbed fetches the article's oEmbed response in JSON and XML,
// checks both, and returns the html a partner would paste.
func xssCheckOEmbed(srv *xssServer, s xssStored, a *xssArticle) (string, error) {
	reader := srv.URL + "/a/" + s.Slug
	q := "/oembed?url=" + url.QueryEscape(reader)
	var js struct {
		Type, Title, HTML string
		AuthorName        string `json:"author_name"`
	}
	b, err := srv.fetch(q)
	if err != nil {
		return "", err
	}
	if err := json.Unmarshal(b, &js); err != nil {
		return "", fmt.Errorf("oEmbed JSON: %v", err)
	}
	var x struct {
		XMLName    xml.Name `xml:"oembed"`
		Title      string   `xml:"title"`
		AuthorName string   `xml:"author_name"`
		HTML       string   `xml:"html"`
	}
	if b, err = srv.fetch(q + "&format=xml"); err != nil {
		return "", err
	}
	d := xml.NewDecoder(strings.NewReader(string(b)))
	d.Strict = true
	if err := d.Decode(&x); err != nil {
		return "", fmt.Errorf("oEmbed XML: %v", err)
	}
	var problems []string
	if js.Type != "rich" || js.Title != a.Title || x.Title != a.Title || js.AuthorName != a.Author || x.AuthorName != a.Author || x.HTML != js.HTML {
		problems = append(problems, fmt.Sprintf("oEmbed title %q / %q, author %q / %q (JSON / XML), want %q, %q; equal html: %v",
			js.Title, x.Title, js.AuthorName, x.AuthorName, a.Title, a.Author, x.HTML == js.HTML))
	}
	for _, p := range xssCheckSnippet(js.HTML, a, srv.URL) {
		problems = append(problems, "oEmbed html: "+p+"\n"+js.HTML)
	}
	if len(problems) > 0 {
		return js.HTML, errors.New(strings.Join(problems, "; "))
	}
	return js.HTML, nil
}

// xssCheckSnippet checks the oEmbed html: exactly the blockquote the design
// promises (a link to the reader page with the title as its text, the
// excerpt, the byline) and the loader script, with nothing else.
func xssCheckSnippet(snippet string, a *xssArticle, base string) []string {
	var out []string
	nodes, err := xhtml.ParseFragment(strings.NewReader(snippet), &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return []string{err.Error()}
	}
	reader := base + "/a/" + a.Slug
	var texts []string
	scripts := 0
	for _, n := range nodes {
		switch {
		case n.Type == xhtml.ElementNode && n.DataAtom == atom.Blockquote:
			for _, at := range n.Attr {
				switch at.Key {
				case "class", "data-src", "cite", "lang", "dir", "data-layout", "data-width", "data-consent":
				default:
					out = append(out, "blockquote has the attribute "+at.Key)
				}
			}
			if got := htmltest.Attr(n, "data-src"); got != base+"/embed/"+a.Slug {
				out = append(out, "data-src "+got)
			}
			if got := htmltest.Attr(n, "cite"); got != reader {
				out = append(out, "cite "+got)
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type != xhtml.ElementNode || c.DataAtom != atom.P || len(c.Attr) != 0 {
					out = append(out, fmt.Sprintf("blockquote holds %q", xssRender(c)))
					continue
				}
				texts = append(texts, htmltest.Text(c))
				for d := c.FirstChild; d != nil; d = d.NextSibling {
					if d.Type == xhtml.TextNode {
						continue
					}
					if d.Type != xhtml.ElementNode || d.DataAtom != atom.A || len(d.Attr) != 1 || d.Attr[0].Key != "href" || d.Attr[0].Val != reader ||
						d.FirstChild != nil && (d.FirstChild.Type != xhtml.TextNode || d.FirstChild.NextSibling != nil) {
						out = append(out, fmt.Sprintf("a paragraph holds %q", xssRender(d)))
					}
				}
			}
		case n.Type == xhtml.ElementNode && n.DataAtom == atom.Script:
			scripts++
			if len(n.Attr) != 2 || htmltest.Attr(n, "src") != base+"/embed.js" || n.FirstChild != nil {
				out = append(out, "script "+xssRender(n))
			}
		default:
			out = append(out, fmt.Sprintf("top-level %q", xssRender(n)))
		}
	}
	if scripts != 1 {
		out = append(out, fmt.Sprintf("%d scripts, want the loader only", scripts))
	}
	if len(texts) == 0 || texts[0] != a.Title {
		out = append(out, fmt.Sprintf("the first paragraph is %q, want the title %q", texts, a.Title))
	}
	if a.Excerpt != "" && (len(texts) < 2 || texts[1] != a.Excerpt) {
		out = append(out, fmt.Sprintf("the paragraphs are %q, want the excerpt %q second", texts, a.Excerpt))
	}
	return out
}

func xssRender(n *xhtml.Node) string {
	var b strings.Builder
	xhtml.Render(&b, n)
	return tail(b.String(), 200)
}

// xssAttrValue is what a value looks like once go-app's attribute helper
// has written it and the browser has read it back: control characters
// dropped, tab, CR and LF as spaces.
func xssAttrValue(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r < 0x20 || r >= 0x7f && r < 0xa0:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// xssPageTitle is the <title> the reader page should have: the title with
// '"' and '\' as look-alikes and non-printing runes as spaces (app's
// pageTitle), then " · Folio".
func xssPageTitle(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteRune('”')
		case r == '\\':
			b.WriteRune('∖')
		case r == utf8.RuneError:
			b.WriteRune('\uFFFD')
		case strconv.IsPrint(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return b.String() + " · Folio"
}

// xssCheckHead checks a reader page's head: only the elements and
// attributes a head of Folio has, every meta tag's value and the JSON-LD's
// values equal to the article's (a value that broke out of its attribute or
// script would be cut short), one JSON-LD script that parses.
func xssCheckHead(doc *xhtml.Node, a *xssArticle, base string) []string {
	var head *xhtml.Node
	var find func(*xhtml.Node)
	find = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode && n.DataAtom == atom.Head && head == nil {
			head = n
		}
		for c := n.FirstChild; c != nil && head == nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if head == nil {
		return []string{"no head"}
	}
	desc := a.Excerpt
	if desc == "" {
		desc = a.Subtitle
	}
	var out []string
	want := map[string]string{
		"og:title": a.Title, "twitter:title": a.Title, "og:description": desc, "twitter:description": desc,
		"og:site_name": cmp.Or(a.Site, "Folio"), "og:url": base + "/a/" + a.Slug,
	}
	attrs := map[atom.Atom][]string{
		atom.Meta:   {"charset", "name", "property", "content"},
		atom.Link:   {"rel", "href", "type", "title", "as", "sizes"},
		atom.Script: {"src", "defer", "type"},
		atom.Title:  nil,
	}
	var tags []string
	var ld []string
	titles := 0
	for n := head.FirstChild; n != nil; n = n.NextSibling {
		if n.Type == xhtml.TextNode && strings.TrimSpace(n.Data) == "" || n.Type == xhtml.CommentNode {
			continue
		}
		allowed, ok := attrs[n.DataAtom]
		if n.Type != xhtml.ElementNode || !ok {
			out = append(out, fmt.Sprintf("unexpected %q", xssRender(n)))
			continue
		}
		for _, at := range n.Attr {
			if !slices.Contains(allowed, at.Key) || at.Namespace != "" {
				out = append(out, fmt.Sprintf("<%s> has the attribute %q: %q", n.Data, at.Key, xssRender(n)))
			}
		}
		switch n.DataAtom {
		case atom.Title:
			titles++
			if got, w := htmltest.Text(n), xssPageTitle(a.Title); got != w {
				out = append(out, fmt.Sprintf("<title> %q, want %q", got, w))
			}
		case atom.Meta:
			key := htmltest.Attr(n, "property") + htmltest.Attr(n, "name")
			val := htmltest.Attr(n, "content")
			switch {
			case key == "description":
				if val != xssAttrValue(desc) {
					out = append(out, fmt.Sprintf("meta description %q, want %q", val, desc))
				}
			case key == "author":
				if val != "" && val != a.Author {
					out = append(out, fmt.Sprintf("meta author %q, want %q", val, a.Author))
				}
			case key == "article:tag":
				tags = append(tags, val)
			case want[key] != "" && val != want[key]:
				out = append(out, fmt.Sprintf("meta %s %q, want %q", key, val, want[key]))
			}
		case atom.Script:
			switch src := htmltest.Attr(n, "src"); {
			case htmltest.Attr(n, "type") == "application/ld+json":
				ld = append(ld, htmltest.Text(n))
			case slices.Contains(xssAppScripts(), src):
			case src == "" && slices.Contains(xssAppInline(), htmltest.Text(n)):
			default:
				out = append(out, "script "+xssRender(n))
			}
		}
	}
	if titles != 1 {
		out = append(out, fmt.Sprintf("%d <title> elements", titles))
	}
	if !slices.Equal(tags, a.Tags) && !(len(tags) == 0 && len(a.Tags) == 0) {
		out = append(out, fmt.Sprintf("article:tag %q, want %q", tags, a.Tags))
	}
	if len(ld) != 1 {
		return append(out, fmt.Sprintf("%d JSON-LD scripts, want 1", len(ld)))
	}
	var j struct {
		Type        string `json:"@type"`
		Headline    string `json:"headline"`
		Description string `json:"description"`
		Author      []struct{ Name string }
		Publisher   struct{ Name string }
		Source      struct{ Name string } `json:"sourceOrganization"`
		Keywords    []string              `json:"keywords"`
		IsBasedOn   string                `json:"isBasedOn"`
	}
	if err := json.Unmarshal([]byte(ld[0]), &j); err != nil {
		return append(out, fmt.Sprintf("JSON-LD does not parse: %v: %s", err, ld[0]))
	}
	if strings.Contains(ld[0], "<") {
		out = append(out, "JSON-LD holds a raw '<'")
	}
	author := ""
	if len(j.Author) > 0 {
		author = j.Author[0].Name
	}
	// The publisher is the site (the servers run with the default name);
	// an article's own site is its source organisation, and an article
	// without an author is the publisher's.
	const site = "Folio"
	wantAuthor, wantSource := a.Author, a.Site
	if wantAuthor == "" {
		wantAuthor = site
	}
	if wantSource == site {
		wantSource = ""
	}
	if j.Type != "NewsArticle" || j.Headline != a.Title || j.Description != desc || author != wantAuthor ||
		j.Publisher.Name != site || j.Source.Name != wantSource || j.IsBasedOn != a.URL || !(slices.Equal(j.Keywords, a.Tags) || len(j.Keywords)+len(a.Tags) == 0) {
		out = append(out, fmt.Sprintf("JSON-LD values differ from the article's: %s", ld[0]))
	}
	return out
}

// xssSample picks, for every class, up to perClass vectors spread over the
// class, each on the next ingest path in turn, and returns their articles.
func xssSample(stored []xssStored, vectors []xssVector, perClass int) []*xssStored {
	byKey := map[string]*xssStored{}
	for i := range stored {
		byKey[fmt.Sprintf("%s/%d", stored[i].Path, stored[i].V.ID)] = &stored[i]
	}
	paths := xssPathNames()
	var out []*xssStored
	turn := 0
	for _, class := range xssClasses(vectors) {
		var in []xssVector
		for _, v := range vectors {
			if v.Class == class {
				in = append(in, v)
			}
		}
		n := min(perClass, len(in))
		for k := range n {
			v := in[k*len(in)/n]
			for try := range paths {
				if s := byKey[fmt.Sprintf("%s/%d", paths[(turn+try)%len(paths)], v.ID)]; s != nil {
					out = append(out, s)
					break
				}
			}
			turn++
		}
	}
	return out
}

// xssMounted checks the sample in the running app: a first load of the
// first article (prerendered page, then mounted), then every article by
// in-app navigation, the way a reader moves from card to article, then
// each article's card in the app's home list filtered by its first tag.
func xssMounted(t *testing.T, x *xssTab, srv *xssServer, sample []*xssStored, articles map[string]*xssArticle, done, cards func(*xssStored)) {
	t.Helper()
	if len(sample) == 0 {
		t.Fatal("empty sample")
	}
	check := func(where string, s *xssStored) {
		findings := xssEval[[]string](x, `window.__folioScan()`)
		time.Sleep(50 * time.Millisecond) // let a handler the hover woke report
		for _, f := range findings {
			t.Errorf("%s: %s: %s", where, s.describe(), f)
		}
		for _, p := range x.takeProblems() {
			t.Errorf("%s: %s: %s", where, s.describe(), p)
		}
	}
	waitReader := func(s *xssStored) bool {
		title, _ := json.Marshal(articles[s.Slug].Title)
		path, _ := json.Marshal("/a/" + s.Slug)
		// The app starts on a reader's first use of a control
		// (appstart.js): start it as that would.
		expr := `(window.folioApp && window.folioApp.start(), location.pathname === ` + string(path) + `) && document.querySelector(".page[data-side=client][data-page=reader] .reader-title")?.textContent === ` + string(title)
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			if xssEval[bool](x, expr) {
				return true
			}
			time.Sleep(25 * time.Millisecond)
		}
		t.Errorf("%s: the app did not show /a/%s within 30 s", s.describe(), s.Slug)
		return false
	}
	first := sample[0]
	x.nav(srv.URL + "/a/" + first.Slug)
	if waitReader(first) {
		check("first load, mounted", first)
		done(first)
	}
	follow := func(href string) {
		xssEval[bool](x, `((href) => {
			const a = document.createElement("a");
			a.href = href; a.textContent = "next";
			document.body.append(a);
			a.click();
			a.remove();
			return true;
		})(`+xssJSList([]string{href})+`[0])`)
	}
	for _, s := range sample[1:] {
		follow("/a/" + s.Slug)
		if waitReader(s) {
			check("in-app navigation", s)
			done(s)
		}
	}
	// The home list in the app, filtered by each article's tag, shows its
	// card as the app renders it.
	for _, s := range sample {
		a := articles[s.Slug]
		if len(a.Tags) == 0 {
			continue
		}
		path := "/?tag=" + url.QueryEscape(a.Tags[0])
		follow(path)
		// Wait for the list of this tag, then look for the card (a tag that
		// many articles share may list it on a later page).
		want := xssJSList([]string{path, "/a/" + s.Slug})
		deadline := time.Now().Add(30 * time.Second)
		for !xssEval[bool](x, `((w) => location.pathname + location.search === w[0] && document.querySelector(".page[data-side=client][data-page=home] .cards, .page[data-side=client][data-page=home] .notice:not([aria-busy])") !== null)(`+want+`)`) {
			if time.Now().After(deadline) {
				t.Errorf("%s: the app did not show %s within 30 s", s.describe(), path)
				break
			}
			time.Sleep(25 * time.Millisecond)
		}
		shown := xssEval[bool](x, `((w) => [...document.querySelectorAll(".card-link")].some(a => a.getAttribute("href") === w[1]))(`+want+`)`)
		check("home by tag, in the app", s)
		if shown {
			cards(s)
		}
	}
}

// xssFeeds reads the feeds page by page: it checks the newest articles in
// /feed.atom and /feed.json, renders their HTML raw in a partner page,
// opens both feeds as documents (every fourth page), then deletes those articles through the
// API so that the next ones come up, until the feeds are empty. It returns
// how many of the two feeds listed each slug.
func xssFeeds(t *testing.T, srv *xssServer, host *embedHost, x *xssTab, articles map[string]*xssArticle) map[string]int {
	t.Helper()
	seen := map[string]int{}
	for round := 0; ; round++ {
		atomFeed, jsonFeed := srv.get(t, "/feed.atom"), srv.get(t, "/feed.json")
		entries, problems := xssCheckFeeds(atomFeed, jsonFeed, srv.URL, articles)
		for _, p := range problems {
			t.Errorf("feeds, page %d: %s", round, p)
		}
		if len(entries) == 0 {
			return seen
		}
		var page strings.Builder
		page.WriteString("<!doctype html><html><head><meta charset=utf-8><title>Feed reader</title></head><body>\n")
		slugs := map[string]bool{}
		for _, e := range entries {
			seen[e.slug]++
			slugs[e.slug] = true
			page.WriteString(`<article><h2>` + html.EscapeString(e.title) + "</h2>\n" + e.html + "\n<p>" + html.EscapeString(e.summary) + "</p></article>\n")
		}
		page.WriteString("</body></html>\n")
		path := fmt.Sprintf("/feed-reader-%d", round)
		host.set(path, page.String())
		x.forget()
		docs := []string{host.URL + path}
		if round%4 == 0 { // the feeds themselves, as documents, now and then
			docs = append(docs, srv.URL+"/feed.atom", srv.URL+"/feed.json")
		}
		for _, d := range docs {
			x.nav(d)
			if missing := x.waitScanned([]string{d}, 30*time.Second); len(missing) > 0 {
				t.Errorf("feeds, page %d: no scan of %s", round, d)
			}
		}
		for _, p := range x.takeProblems() {
			t.Errorf("feeds, page %d: %s", round, p)
		}
		for slug := range slugs {
			if code, body := srv.do(t, http.MethodDelete, "/api/articles/"+slug, nil); code/100 != 2 {
				t.Fatalf("DELETE /api/articles/%s: %d %s", slug, code, body)
			}
		}
	}
}

// xssFeedEntry is one article as a feed shows it.
type xssFeedEntry struct {
	slug, title, html, summary string
}

// xssCheckFeeds parses both feeds strictly and checks each entry: text
// where the feed says text, HTML with nothing executable, values equal to
// the article's.
func xssCheckFeeds(atomFeed, jsonFeed []byte, base string, articles map[string]*xssArticle) ([]xssFeedEntry, []string) {
	var out []string
	var entries []xssFeedEntry
	type text struct {
		Type string `xml:"type,attr"`
		Body string `xml:",chardata"`
	}
	var af struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   text   `xml:"title"`
			Summary text   `xml:"summary"`
			Content text   `xml:"content"`
			Authors []struct {
				Name string `xml:"name"`
			} `xml:"author"`
			Categories []struct {
				Term string `xml:"term,attr"`
			} `xml:"category"`
			Links []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	d := xml.NewDecoder(strings.NewReader(string(atomFeed)))
	d.Strict = true
	if err := d.Decode(&af); err != nil {
		return nil, []string{"Atom feed: " + err.Error()}
	}
	slugOf := func(id string) (string, *xssArticle) {
		slug := strings.TrimPrefix(id, base+"/a/")
		return slug, articles[slug]
	}
	for _, e := range af.Entries {
		slug, a := slugOf(e.ID)
		if a == nil {
			out = append(out, "Atom entry with an unknown id "+e.ID)
			continue
		}
		if e.Title.Type != "text" || e.Title.Body != a.Title {
			out = append(out, fmt.Sprintf("Atom %s: title (%s) %q, want text %q", slug, e.Title.Type, e.Title.Body, a.Title))
		}
		if a.Excerpt != "" && (e.Summary.Type != "text" || e.Summary.Body != a.Excerpt) {
			out = append(out, fmt.Sprintf("Atom %s: summary (%s) %q, want text %q", slug, e.Summary.Type, e.Summary.Body, a.Excerpt))
		}
		if e.Content.Type != "html" {
			out = append(out, fmt.Sprintf("Atom %s: content type %q", slug, e.Content.Type))
		}
		for _, p := range xssCheckBody(e.Content.Body) {
			out = append(out, fmt.Sprintf("Atom %s: content: %s", slug, p))
		}
		for _, l := range e.Links {
			if u, err := url.Parse(l.Href); err != nil || u.Scheme != "http" && u.Scheme != "https" {
				out = append(out, fmt.Sprintf("Atom %s: link rel=%s href %q", slug, l.Rel, l.Href))
			}
		}
		entries = append(entries, xssFeedEntry{slug, e.Title.Body, e.Content.Body, e.Summary.Body})
	}
	var jf struct {
		Items []struct {
			ID, URL, Title, Summary, Image string
			ExternalURL                    string `json:"external_url"`
			ContentHTML                    string `json:"content_html"`
			Tags                           []string
		}
	}
	if err := json.Unmarshal(jsonFeed, &jf); err != nil {
		return entries, append(out, "JSON feed: "+err.Error())
	}
	if len(jf.Items) != len(af.Entries) {
		out = append(out, fmt.Sprintf("the JSON feed has %d items, the Atom feed %d entries", len(jf.Items), len(af.Entries)))
	}
	for _, it := range jf.Items {
		slug, a := slugOf(it.ID)
		if a == nil {
			out = append(out, "JSON feed item with an unknown id "+it.ID)
			continue
		}
		if it.Title != a.Title || it.Summary != a.Excerpt || !slices.Equal(it.Tags, a.Tags) && len(it.Tags)+len(a.Tags) > 0 {
			out = append(out, fmt.Sprintf("JSON feed %s: title %q, summary %q, tags %q differ from the article's", slug, it.Title, it.Summary, it.Tags))
		}
		for _, u := range []string{it.URL, it.ExternalURL, it.Image} {
			if p, err := url.Parse(u); u != "" && (err != nil || p.Scheme != "http" && p.Scheme != "https") {
				out = append(out, fmt.Sprintf("JSON feed %s: URL %q", slug, u))
			}
		}
		for _, p := range xssCheckBody(it.ContentHTML) {
			out = append(out, fmt.Sprintf("JSON feed %s: content_html: %s", slug, p))
		}
		entries = append(entries, xssFeedEntry{slug, it.Title, it.ContentHTML, it.Summary})
	}
	return entries, out
}

// xssForbidden are elements that never belong in an article body.
var xssForbidden = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Iframe: true, atom.Frame: true, atom.Frameset: true, atom.Object: true,
	atom.Embed: true, atom.Applet: true, atom.Base: true, atom.Meta: true, atom.Link: true, atom.Form: true,
	atom.Input: true, atom.Button: true, atom.Textarea: true, atom.Select: true, atom.Svg: true, atom.Math: true,
	atom.Template: true, atom.Noscript: true, atom.Xmp: true, atom.Plaintext: true, atom.Noembed: true,
	atom.Noframes: true, atom.Dialog: true,
}

// xssCheckBody parses body HTML as a browser would in a page's body and
// lists anything executable or out of place in it.
// xssMathML are the MathML presentation elements a body may hold, in the
// MathML namespace only (a feed reader parses them as a browser does).
var xssMathML = map[string]bool{}

func init() {
	for _, e := range strings.Fields("math mi mn mo ms mtext mspace mrow mfrac msqrt mroot mstyle merror mpadded mphantom msub msup msubsup munder mover munderover mmultiscripts mprescripts none mtable mtr mtd menclose semantics annotation") {
		xssMathML[e] = true
	}
}

func xssCheckBody(body string) []string {
	nodes, err := xhtml.ParseFragment(strings.NewReader(body), &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			mathML := n.Namespace == "math" && xssMathML[n.Data]
			if (xssForbidden[n.DataAtom] || n.Namespace != "") && !mathML {
				out = append(out, fmt.Sprintf("element %q", xssRender(n)))
			}
			for _, a := range n.Attr {
				v := strings.Map(func(r rune) rune {
					if r <= ' ' || r >= 0x7f && r <= 0xa0 {
						return -1
					}
					return r
				}, strings.ToLower(a.Val))
				switch {
				case strings.HasPrefix(strings.ToLower(a.Key), "on"), a.Key == "style", a.Key == "srcdoc", a.Namespace != "":
					out = append(out, fmt.Sprintf("attribute %s=%q on <%s>", a.Key, a.Val, n.Data))
				case strings.HasPrefix(v, "javascript:"), strings.HasPrefix(v, "vbscript:"), strings.HasPrefix(v, "data:"):
					out = append(out, fmt.Sprintf("URL %s=%q on <%s>", a.Key, a.Val, n.Data))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return out
}

// xssAttribute adds to a problem that names a trapped alert the vector
// that made it.
func xssAttribute(p string, vectors []xssVector) string {
	i := strings.Index(p, "call alert in ")
	if i < 0 {
		return p
	}
	for _, f := range strings.FieldsFunc(p[i:], func(r rune) bool { return r < '0' || r > '9' }) {
		if n, err := strconv.Atoi(f); err == nil && n > xssMark && n-xssMark <= len(vectors) {
			v := vectors[n-xssMark-1]
			return fmt.Sprintf("%s [vector %d, %s:%d: %q]", p, v.ID, v.File, v.Line, v.Raw)
		}
	}
	return p
}

// checkUnwatchedFrames fails the test if a frame ran in a process of its
// own, where this tab's session would not have seen it.
func (x *xssTab) checkUnwatchedFrames() {
	x.t.Helper()
	if ts, err := iframeTargets(x.ctx); err != nil {
		x.t.Errorf("list targets: %v", err)
	} else if len(ts) > 0 {
		x.t.Errorf("%d frames ran out of process, unwatched", len(ts))
	}
}

// xssReport logs how many vectors each path tried, stored and refused, and
// how many articles of each path each output showed.
func xssReport(t *testing.T, vectors []xssVector, stored []xssStored, refused map[string]int, counts map[string]map[string]int) {
	paths := xssPathNames()
	full, body := map[string]int{}, map[string]int{}
	for _, s := range stored {
		if s.Full {
			full[s.Path]++
		} else {
			body[s.Path]++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-26s", "")
	for _, p := range paths {
		fmt.Fprintf(&b, "%7s", p)
	}
	row := func(name string, f func(p string) int) {
		fmt.Fprintf(&b, "\n%-26s", name)
		total := 0
		for _, p := range paths {
			fmt.Fprintf(&b, "%7d", f(p))
			total += f(p)
		}
		fmt.Fprintf(&b, "%8d", total)
	}
	row("vectors tried", func(string) int { return len(vectors) })
	row("stored, every field", func(p string) int { return full[p] })
	row("stored, body only", func(p string) int { return body[p] })
	row("refused", func(p string) int { return refused[p] })
	var outputs []string
	for o := range counts {
		outputs = append(outputs, o)
	}
	sort.Strings(outputs)
	for _, o := range outputs {
		row(o, func(p string) int { return counts[o][p] })
	}
	t.Log(b.String())
}

// xssCheckGuard proves that the guard sees what the test relies on it to
// see, so that a clean run means something: a partner page with planted
// script (a handler, an inline script, a javascript: link, an image from a
// payload host, a srcdoc frame), a handler slipped into a reader page
// after it loaded (its Content-Security-Policy blocks it, the guard reports
// the violation), and a meta refresh to a payload host.
func xssCheckGuard(t *testing.T, browser context.Context, allow xssAllow, srv *xssServer, host *embedHost, slug string) {
	x := newXSSTab(t, browser, allow, true)
	expect := func(where string, wants ...string) {
		t.Helper()
		time.Sleep(300 * time.Millisecond)
		got := strings.Join(x.takeProblems(), "\n")
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s: the guard did not report %q; it reported:\n%s", where, w, got)
			}
		}
	}
	planted := host.URL + "/planted"
	host.set("/planted", `<!doctype html><html><head><title>Planted</title></head><body>
<img src="/img/a.png" onload="alert(900000)">
<img src="/img/b.png" onload="confirm(1); prompt(2); print(); window.open('/x')">
<script>window.__xss = "inline";</script>
<a href="javascript:alert(1)">link</a>
<img src="https://evil.example/planted.png">
<iframe srcdoc="<p>a document"></iframe>
</body></html>`)
	x.nav(planted)
	if missing := x.waitScanned([]string{planted}, 10*time.Second); len(missing) > 0 {
		t.Errorf("no scan of %s", planted)
	}
	expect("planted page", "call alert in "+planted+": 900000", "call confirm in "+planted+": 1", "call prompt in "+planted+": 2",
		"call print in "+planted, "call open in "+planted+": /x", "set __xss in "+planted+": inline",
		`href=javascript:alert(1)`, "request left for https://evil.example/planted.png", "<iframe> srcdoc=")

	x.nav(srv.URL + "/a/" + slug)
	xssEval[bool](x, `(document.body.insertAdjacentHTML("beforeend", '<img src="/web/icon.svg" onload="alert(900000)">'), true)`)
	expect("reader page", "csp in "+srv.URL+"/a/"+slug+": script-src-attr")

	host.set("/planted-refresh", `<!doctype html><meta http-equiv="refresh" content="0;url=https://evil.example/away"><p>Going away.`)
	x.nav(host.URL + "/planted-refresh")
	time.Sleep(time.Second)
	expect("meta refresh", "navigation to https://evil.example/away requested", "request left for https://evil.example/away")
}

// TestXSSCheckers makes sure the parsed-page checks of TestXSS fail on
// planted markup (and pass clean markup), so that their passing there
// means something.
func TestXSSCheckers(t *testing.T) {
	t.Parallel()
	parse := func(s string) *xhtml.Node {
		doc, err := xhtml.Parse(strings.NewReader(s))
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	page := func(head, body string) *xhtml.Node {
		return parse(`<!doctype html><html><head><script src="/app.js"></script>` + head + `</head><body><p>Text.</p>` + body + `</body></html>`)
	}
	t.Run("page", func(t *testing.T) {
		if got := xssScanPage(page(`<script type="application/ld+json">{"a": 1}</script>`, `<img src="data:image/png;base64,AA" alt="">`), nil, []string{"/app.js"}); len(got) > 0 {
			t.Fatalf("a clean page: %q", got)
		}
		for _, bad := range []string{
			`<p onclick="x()">p</p>`, `<a href=" java&#x09;script:x()">a</a>`, `<script>x()</script>`,
			`<script src="https://evil.example/x.js"></script>`, `<iframe src="/x"></iframe>`, `<base href="//evil.example/">`,
			`<meta http-equiv="refresh" content="0;url=/x">`, `<svg><script>x()</script></svg>`, `<style>p{}</style>`,
			`<p style="background:url(javascript:x())">p</p>`, `<object data="/x"></object>`, `<form action="javascript:x()"></form>`,
			`<img src="data:text/html,x">`, `<iframe srcdoc="x"></iframe>`, `<svg><a xlink:href="javascript:x()">a</a></svg>`,
			`<script type="application/json">{</script>`,
		} {
			if got := xssScanPage(page("", bad), nil, []string{"/app.js"}); len(got) == 0 {
				t.Errorf("%s: no finding", bad)
			}
		}
	})
	t.Run("body", func(t *testing.T) {
		if got := xssCheckBody(`<p>A <a href="https://ok.example/">link</a> and <img src="/a.png" alt="x"></p>`); len(got) > 0 {
			t.Fatalf("a clean body: %q", got)
		}
		if got := xssCheckBody(`<p><math><mi>x</mi><mo>=</mo><mn>2</mn></math></p>`); len(got) > 0 {
			t.Fatalf("a body with a formula: %q", got)
		}
		for _, bad := range []string{`<img src=x onerror=y()>`, `<svg></svg>`, `<math><mglyph></mglyph></math>`, `<math><annotation-xml encoding="text/html"><p>x</p></annotation-xml></math>`,
			`<math><mtext><style>p{}</style></mtext></math>`, `<a href="javascript:x()">a</a>`, `<p style="color:red">p</p>`, `<template><p>t</p></template>`} {
			if got := xssCheckBody(bad); len(got) == 0 {
				t.Errorf("%s: no finding", bad)
			}
		}
	})
	t.Run("head", func(t *testing.T) {
		a := &xssArticle{Slug: "s", Title: `T "q" <b>`, Tags: []string{"x"}}
		ld := `<script type="application/ld+json">{"@type":"NewsArticle","headline":"T \"q\" \u003cb\u003e","keywords":["x"],"author":[{"name":"Folio"}],"publisher":{"name":"Folio"}}</script>`
		head := func(extra string) *xhtml.Node {
			return parse(`<html><head><title>T ”q” &lt;b&gt; · Folio</title><meta property="og:title" content="T &#34;q&#34; &lt;b&gt;"><meta property="article:tag" content="x">` + extra + `</head><body></body></html>`)
		}
		if got := xssCheckHead(head(ld), a, "http://h"); len(got) > 0 {
			t.Fatalf("a clean head: %q", got)
		}
		for _, bad := range []string{
			ld + `<meta property="og:description" content="" autofocus onfocus="x()">`,
			ld + `<meta property="twitter:title" content="T ">`,
			strings.Replace(ld, `\u003cb\u003e`, `<b>`, 1),
			ld + ld,
			`<script type="application/ld+json">{"@type":"NewsArticle","headline":"T "}</script><script>x()</script>`,
			ld + `<style>p{}</style>`,
			ld + `<meta property="article:tag" content="y">`,
		} {
			if got := xssCheckHead(head(bad), a, "http://h"); len(got) == 0 {
				t.Errorf("%s: no finding", bad)
			}
		}
	})
	t.Run("snippet", func(t *testing.T) {
		a := &xssArticle{Slug: "s", Title: `T "q"`, Excerpt: "E <x>"}
		good := embedcard.Snippet(article.Summary{Slug: a.Slug, Title: a.Title, Excerpt: a.Excerpt}, "http://h", embedcard.Options{})
		if got := xssCheckSnippet(good, a, "http://h"); len(got) > 0 {
			t.Fatalf("a clean snippet: %q\n%s", got, good)
		}
		for _, bad := range []string{
			good + `<script>x()</script>`,
			strings.Replace(good, `<p>E`, `<p onclick="x()">E`, 1),
			strings.Replace(good, `</a>`, `<img src=x></a>`, 1),
			strings.Replace(good, `http://h/embed.js`, `https://evil.example/x.js`, 1),
			strings.Replace(good, `T &#34;q&#34;`, `T`, 1),
		} {
			if bad == good {
				t.Fatalf("a replacement did not apply to %s", good)
			}
			if got := xssCheckSnippet(bad, a, "http://h"); len(got) == 0 {
				t.Errorf("%s: no finding", bad)
			}
		}
	})
}
