package app

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"folio/article"
	"folio/internal/htmltest"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"golang.org/x/net/html"
)

// hostile is text that breaks out of an attribute or an element if it is
// printed without escaping.
const hostile = `x" onmouseover="window.pwned=1" '><script>window.pwned=2</script><img src=x onerror="window.pwned=3">\`

func hostileSummary() article.Summary {
	return article.Summary{
		Slug:           "hostile",
		Title:          "Title " + hostile,
		Subtitle:       "Subtitle " + hostile,
		Author:         "Author " + hostile,
		Site:           "Site " + hostile,
		Published:      time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Tags:           []string{"tag " + hostile, "<b>bold</b>"},
		Image:          &article.Image{Src: `https://img.example/a.png?"onerror="window.pwned=4`, Alt: "Alt " + hostile, Caption: "Caption " + hostile, Credit: "Credit " + hostile},
		Excerpt:        "Excerpt " + hostile,
		Lang:           "en",
		ReadingMinutes: 3,
	}
}

// parse is htmltest.Elements.
func parse(t *testing.T, s string) map[string][]*html.Node { return htmltest.Elements(t, s) }

func TestCardHostile(t *testing.T) {
	s := hostileSummary()
	out := app.HTMLString(NewCard(s))
	els := parse(t, out)
	if n := len(els["script"]); n != 0 {
		t.Fatalf("%d script elements in the card:\n%s", n, out)
	}
	if n := len(els["a"]); n != 1 {
		t.Fatalf("%d links in the card, want 1:\n%s", n, out)
	}
	if href, _ := htmltest.Lookup(els["a"][0], "href"); href != "/a/hostile" {
		t.Fatalf("href=%q, want %q", href, "/a/hostile")
	}
	if got := htmltest.Text(els["a"][0]); got != s.Title {
		t.Fatalf("link text=%q, want %q", got, s.Title)
	}
	if len(els["img"]) != 1 {
		t.Fatalf("%d images, want 1:\n%s", len(els["img"]), out)
	}
	img := els["img"][0]
	if alt, _ := htmltest.Lookup(img, "alt"); alt != s.Image.Alt {
		t.Fatalf("alt=%q, want %q", alt, s.Image.Alt)
	}
	if src, _ := htmltest.Lookup(img, "src"); src != "https://img.example/a.png?%22onerror=%22window.pwned=4" {
		t.Fatalf("src=%q", src)
	}
	if l, _ := htmltest.Lookup(img, "loading"); l != "lazy" {
		t.Fatalf("loading=%q, want lazy", l)
	}
	for _, want := range []string{s.Author, s.Site, s.Excerpt, s.Tags[0], s.Tags[1], "3 min read", "2 January 2026"} {
		if !strings.Contains(htmltest.Text(els["article"][0]), want) {
			t.Errorf("card text lacks %q", want)
		}
	}
}

func TestCardEmbedOptions(t *testing.T) {
	s := hostileSummary()
	out := app.HTMLString(NewCard(s).Base("https://news.example/").Target("_blank").Level(3).Eager(true).Class(`dark" onclick="x`))
	els := parse(t, out)
	a := els["a"][0]
	if href, _ := htmltest.Lookup(a, "href"); href != "https://news.example/a/hostile" {
		t.Fatalf("href=%q", href)
	}
	if target, _ := htmltest.Lookup(a, "target"); target != "_blank" {
		t.Fatalf("target=%q", target)
	}
	if rel, _ := htmltest.Lookup(a, "rel"); rel != "noopener" {
		t.Fatalf("rel=%q, want noopener", rel)
	}
	if len(els["h3"]) != 1 {
		t.Fatalf("no h3 title:\n%s", out)
	}
	if _, lazy := htmltest.Lookup(els["img"][0], "loading"); lazy {
		t.Fatal("eager card has a lazy image")
	}
	if class, _ := htmltest.Lookup(els["article"][0], "class"); !strings.Contains(class, `dark" onclick="x`) {
		t.Fatalf("class=%q", class)
	}
}

func TestImageSrcset(t *testing.T) {
	// A card offers the article's other widths with the sizes of its box,
	// and gives as src the narrowest that fills a 640 px box; the reader's
	// lead image offers them too, with its size. Each candidate's URL is
	// made safe and escaped: what the browser reads is what was stored.
	img := &article.Image{Src: "https://img.example/full.jpg", Alt: "A harbour", Width: 1600, Height: 900, Srcset: []article.ImageSource{
		{Src: `https://img.example/a.jpg?w=320&h="onerror="x`, Width: 320},
		{Src: "https://img.example/w_800,c_fill/a.jpg", Width: 800},
		{Src: "javascript:alert(1)", Width: 900}, // never stored; dropped if it were
		{Src: "https://img.example/a.jpg?w=1200", Width: 1200},
	}}
	wantSet := `https://img.example/a.jpg?w=320&h=%22onerror=%22x 320w, https://img.example/w_800,c_fill/a.jpg 800w, ` +
		`https://img.example/a.jpg?w=1200 1200w, https://img.example/full.jpg 1600w`
	check := func(t *testing.T, out, class, src, sizes string) *html.Node {
		t.Helper()
		var el *html.Node
		for _, n := range parse(t, out)["img"] {
			if c, _ := htmltest.Lookup(n, "class"); c == class {
				el = n
			}
		}
		if el == nil {
			t.Fatalf("no img.%s in\n%s", class, out)
		}
		for name, want := range map[string]string{"src": src, "srcset": wantSet, "sizes": sizes} {
			if got, _ := htmltest.Lookup(el, name); got != want {
				t.Errorf("%s=%q, want %q", name, got, want)
			}
		}
		return el
	}
	s := article.Summary{Slug: "harbour", Title: "Harbour", Image: img}
	check(t, app.HTMLString(NewCard(s)), "card-img", "https://img.example/w_800,c_fill/a.jpg", ListImageSizes)
	check(t, app.HTMLString(NewCard(s).Sizes("114px")), "card-img", "https://img.example/w_800,c_fill/a.jpg", "114px")

	a := s.Article("<p>Body.</p>")
	lead := check(t, app.HTMLString(&reader{art: a, status: ready, slug: a.Slug}), "lead-img", "https://img.example/full.jpg", leadImageSizes)
	if w, _ := htmltest.Lookup(lead, "width"); w != "1600" {
		t.Errorf("lead image width=%q, want 1600", w)
	}
	if h, _ := htmltest.Lookup(lead, "height"); h != "900" {
		t.Errorf("lead image height=%q, want 900", h)
	}

	// Without a srcset: the src alone, no sizes.
	s.Image = &article.Image{Src: "https://img.example/full.jpg"}
	el := parse(t, app.HTMLString(NewCard(s)))["img"][0]
	for _, name := range []string{"srcset", "sizes"} {
		if v, ok := htmltest.Lookup(el, name); ok {
			t.Errorf("%s=%q on an image without candidates", name, v)
		}
	}
}

func TestReaderHostile(t *testing.T) {
	s := hostileSummary()
	a := &article.Article{
		Slug: s.Slug, Title: s.Title, Subtitle: s.Subtitle, Author: s.Author, Site: s.Site,
		URL: `https://source.example/post?"x=1`, Published: s.Published, Updated: s.Published,
		Tags: s.Tags, Image: s.Image, Excerpt: s.Excerpt, Lang: "ar", Dir: "rtl",
		HTML:           article.SafeHTML("<p>Body text.</p><p>Second paragraph.</p>"),
		ReadingMinutes: 2,
	}
	out := app.HTMLString(&reader{art: a, status: ready, slug: a.Slug})
	els := parse(t, out)
	for _, sc := range els["script"] {
		if typ, _ := htmltest.Lookup(sc, "type"); typ != "application/json" {
			t.Errorf("script of type %q in the reader", typ)
		}
	}
	if n := len(els["h1"]); n != 1 || htmltest.Text(els["h1"][0]) != a.Title {
		t.Fatalf("h1: %d elements, want one saying %q", n, a.Title)
	}
	art := els["article"][0]
	if lang, _ := htmltest.Lookup(art, "lang"); lang != "ar" {
		t.Fatalf("article lang=%q, want ar", lang)
	}
	if dir, _ := htmltest.Lookup(art, "dir"); dir != "rtl" {
		t.Fatalf("article dir=%q, want rtl", dir)
	}
	for _, d := range els["div"] {
		if c, _ := htmltest.Lookup(d, "class"); strings.HasSuffix(c, "-wrap") {
			lang, _ := htmltest.Lookup(d, "lang")
			dir, _ := htmltest.Lookup(d, "dir")
			if lang != "en" || dir != "ltr" {
				t.Errorf("the app's own words in %s are lang=%q dir=%q, want en and ltr", c, lang, dir)
			}
		}
	}
	var body *html.Node
	for _, d := range els["div"] {
		if c, _ := htmltest.Lookup(d, "class"); c == "article-body" {
			body = d
		}
	}
	if body == nil || !strings.Contains(htmltest.Text(body), "Second paragraph.") {
		t.Fatalf("the body is not in one div.article-body:\n%s", out)
	}
	if alt, _ := htmltest.Lookup(els["img"][1], "alt"); alt != a.Image.Alt {
		t.Fatalf("lead image alt=%q, want %q", alt, a.Image.Alt)
	}
	for _, want := range []string{a.Author, a.Subtitle, a.Image.Caption, a.Image.Credit} {
		if !strings.Contains(htmltest.Text(art), want) {
			t.Errorf("reader lacks %q", want)
		}
	}
	if _, ok := htmltest.Lookup(els["progress"][0], "aria-label"); !ok {
		t.Error("the progress bar has no accessible name")
	}
}

func TestReaderStateScript(t *testing.T) {
	a := &article.Article{
		Slug: "s", Title: "</script><script>window.pwned=1</script>", Published: time.Unix(0, 0).UTC(),
		HTML: article.SafeHTML(`<p>a &lt;/script&gt;</p>`),
	}
	out := app.HTMLString(&reader{art: a, status: ready, slug: a.Slug})
	const open = `<script type="application/json" id="folio-state">`
	i := strings.Index(out, open)
	if i < 0 {
		t.Fatalf("no state script:\n%s", out)
	}
	rest := out[i+len(open):]
	data := rest[:strings.Index(rest, "</script>")]
	var s pageState
	if err := json.Unmarshal([]byte(data), &s); err != nil {
		t.Fatalf("the state script ends early: %v\n%s", err, data)
	}
	if s.Page != "reader" || s.Key != "s" || s.Article == nil || s.Article.Title != a.Title || s.Article.HTML != a.HTML {
		t.Fatalf("state=%+v, want the article", s)
	}
}

func TestPageStatus(t *testing.T) {
	tests := []struct {
		name string
		ui   app.UI
		want string
	}{
		{"reader", &reader{art: &article.Article{Slug: "s", Title: "T"}, status: ready}, `data-status="200"`},
		{"reader not found", &reader{notFound: true, slug: "s"}, `data-status="404"`},
		{"reader failed", &reader{status: failed, err: "x"}, `data-status="500"`},
		{"home", &home{status: ready}, `data-status="200"`},
		{"home bad cursor", &home{status: failed, errCode: article.EINVALID}, `data-status="400"`},
		{"not found", &notFound{}, `data-status="404"`},
		{"saved", &saved{}, `data-status="200"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := app.HTMLString(tt.ui)
			if !strings.Contains(out, tt.want) {
				t.Fatalf("%s lacks %s:\n%s", tt.name, tt.want, out)
			}
			if n := strings.Count(out, "<h1"); n != 1 {
				t.Fatalf("%s has %d h1 elements, want 1", tt.name, n)
			}
		})
	}
}

// TestEmbedCodeEscaped checks the prerendered Embed panel: the snippet is
// the textarea's escaped text, not a value attribute, which go-app would
// write with backslash quoting.
func TestEmbedCodeEscaped(t *testing.T) {
	out := app.HTMLString(&reader{slug: "s", art: &article.Article{Slug: "s", Title: `Say "hi" <b>`}, status: ready})
	i := strings.Index(out, `<textarea`)
	if i < 0 {
		t.Fatal("no embed code textarea")
	}
	ta := out[i : i+strings.Index(out[i:], "</textarea>")]
	if strings.Contains(ta, "value=") || strings.Contains(ta, `\"`) {
		t.Fatalf("the textarea carries its snippet in an attribute: %s", ta)
	}
	if !strings.Contains(ta, "&lt;blockquote") || strings.Contains(ta, "<blockquote") {
		t.Fatalf("the snippet is not escaped text: %s", ta)
	}
}

// TestUndated checks that an article whose source named no date is shown
// as undated, in the card and the reader, and never as a date.
func TestUndated(t *testing.T) {
	s := article.Summary{Slug: "undated", Title: "No date", Tags: []string{}}
	a := &article.Article{Slug: s.Slug, Title: s.Title, Tags: []string{}}
	for name, out := range map[string]string{
		"card":   app.HTMLString(NewCard(s)),
		"reader": app.HTMLString(&reader{art: a, status: ready, slug: a.Slug}),
	} {
		els := parse(t, out)
		if len(els["time"]) != 0 {
			t.Errorf("%s: a <time> for an undated article:\n%s", name, out)
		}
		found := false
		for _, sp := range els["span"] {
			if v, _ := htmltest.Lookup(sp, "class"); v == "undated" && htmltest.Text(sp) == "Undated" {
				found = true
			}
		}
		if !found || strings.Contains(out, "January 0001") || strings.Contains(out, `"published"`) {
			t.Errorf("%s: no \"Undated\", or a year 1 date:\n%s", name, out)
		}
	}
}
