package draft

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"folio/article"
	"folio/internal/golden"
)

var update = flag.Bool("update", false, "update golden files")

// now is the fixed time the golden files were made with.
var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// seedPath is the user's sample article, shipped in package samples.
const seedPath = "../samples/000_bf3c0d247e44f2ef.txt"

// parserFor picks the parser for a fixture by its extension.
func parserFor(name string) func([]byte) (*Draft, error) {
	switch filepath.Ext(name) {
	case ".txt":
		return Text
	case ".md":
		return Markdown
	case ".html":
		return HTML
	}
	return nil
}

// marshal renders an article as the golden files hold it: indented JSON
// without HTML escaping, so the files are readable.
func marshal(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden runs every fixture in testdata, and the seed article, through
// its parser and the pipeline and compares the article JSON with
// testdata/NAME.golden.json. Use go test -update to rewrite them.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{"seed": seedPath}
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden.json") || parserFor(in) == nil {
			continue
		}
		cases[strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))] = in
	}
	if len(cases) < 7 {
		t.Fatalf("found %d fixtures, want at least 7", len(cases))
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			d, err := parserFor(in)(src)
			if err != nil {
				t.Fatalf("parse %s: %v", in, err)
			}
			a, _, err := d.Article(now)
			if err != nil {
				t.Fatalf("Article(%s): %v", in, err)
			}
			got := marshal(t, a)
			golden.Check(t, filepath.Join("testdata", name+".golden.json"), got, *update, "./draft")

		})
	}
}

// TestSeed checks the user's sample article explicitly, so that a golden
// file regenerated carelessly cannot hide a regression.
func TestSeed(t *testing.T) {
	src, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Text(src)
	if err != nil {
		t.Fatal(err)
	}
	a, report, err := d.Article(now)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Trump and Putin unironically discussed forming a ‘cyber security unit’"; a.Title != want {
		t.Fatalf("Title=%q, want %q", a.Title, want)
	}
	if got, want := strings.Join(a.Tags, "|"), "CERT|Security News|Threats|Cybercrime|Strategic"; got != want {
		t.Fatalf("Tags=%q, want %q", got, want)
	}
	if a.Image == nil {
		t.Fatal("Image=nil, want the caption and credit")
	}
	if want := "“Wait, wait, I know! Let’s create an impenetrable Cyber Security unit!”"; a.Image.Caption != want {
		t.Fatalf("Image.Caption=%q, want %q", a.Image.Caption, want)
	}
	if a.Image.Credit != "BPA via Getty Images" || a.Image.Src != "" {
		t.Fatalf("Image=%+v, want credit %q and no src", a.Image, "BPA via Getty Images")
	}
	body := string(a.HTML)
	// The caption is kept once, in the image, not in the body.
	for _, s := range []string{"Wait, wait", "Image:", "Getty", "CERT", "Uncategorized"} {
		if strings.Contains(body, s) {
			t.Fatalf("body holds %q; it belongs to the header:\n%s", s, body)
		}
	}
	if n := strings.Count(body, "<p>"); n != 10 {
		t.Fatalf("body has %d <p>, want 10:\n%s", n, body)
	}
	if n := strings.Count(body, "</p>"); n != 10 {
		t.Fatalf("body has %d </p>, want 10", n)
	}
	for _, s := range []string{"95ca", "d693", "%2f", "thumb", "00001"} {
		if strings.Contains(body, s) {
			t.Fatalf("body holds residue %q:\n%s", s, body)
		}
	}
	if !strings.HasSuffix(strings.TrimSpace(body), "might not be the world’s best idea.</p>") {
		t.Fatalf("body ends %q, want the last sentence intact", body[max(0, len(body)-80):])
	}
	if !strings.HasPrefix(body, "<p>It’s Sunday morning") {
		t.Fatalf("body starts %q, want the first paragraph", body[:min(len(body), 80)])
	}
	if len(report) != 0 {
		t.Fatalf("report=%v, want nothing removed from plain text", report)
	}
	if !strings.HasPrefix(a.Excerpt, "It’s Sunday morning") {
		t.Fatalf("Excerpt=%q, want the first paragraph", a.Excerpt)
	}
}

func TestTextHeader(t *testing.T) {
	tests := []struct {
		name                    string
		in                      string
		tags                    string
		caption, credit, author string
		paras                   int
	}{
		{
			name: "photo credit after one caption line",
			in:   "Title\n\nA boat at dawn.\nPhoto: Jo Berg/Press\n\nBody one.\n\nBody two.",
			tags: "", caption: "A boat at dawn.", credit: "Jo Berg/Press", paras: 2,
		},
		{
			name: "credit alone, no category line",
			in:   "Title\n\nImage credit: NASA\n\nBody.",
			tags: "", credit: "NASA", paras: 1,
		},
		{
			name:   "photo by",
			in:     "Title\n(Photo by Ann Lee on Unsplash)\n\nBody.",
			credit: "Ann Lee on Unsplash", paras: 1,
		},
		{
			name: "explicit tags line",
			in:   "Title\nTags: go, web security, Go\n\nBody.",
			tags: "go|web security", paras: 1,
		},
		{
			name: "breadcrumb separators keep multi-word labels",
			in:   "Title\nWorld News › Europe | Climate Change\n\nBody.",
			tags: "World News|Europe|Climate Change", paras: 1,
		},
		{
			name: "brand names are not split without a shared parent",
			in:   "Title\nJavaScript WordPress\n\nBody.",
			tags: "JavaScript|WordPress", paras: 1,
		},
		{
			name: "title-case subtitle is not a category line",
			in:   "Title\nHow the City Won the Cup\n\nBody.",
			tags: "", paras: 2,
		},
		{
			name: "sentence is not a category line",
			in:   "Title\nThe council met on Monday. It voted.\n\nBody.",
			tags: "", paras: 2,
		},
		{
			name:   "byline",
			in:     "Title\nBy Jane Doe and John Roe\n\nBody.",
			author: "Jane Doe and John Roe", paras: 1,
		},
		{
			name:    "duplicate caption with straight and curly quotes",
			in:      "Title\n\"Quote\" -- it's here...\n“Quote” -- it’s here…\n\nBody.",
			caption: "“Quote” -- it’s here…", paras: 1,
		},
		{
			name:  "only a title",
			in:    "Just a title\n",
			paras: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Text([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(d.Tags, "|"); got != tt.tags {
				t.Fatalf("Tags=%q, want %q", got, tt.tags)
			}
			var caption, credit string
			if d.Image != nil {
				caption, credit = d.Image.Caption, d.Image.Credit
			}
			if caption != tt.caption || credit != tt.credit {
				t.Fatalf("caption, credit=%q, %q, want %q, %q", caption, credit, tt.caption, tt.credit)
			}
			if d.Author != tt.author {
				t.Fatalf("Author=%q, want %q", d.Author, tt.author)
			}
			if n := strings.Count(d.Body, "<p>"); n != tt.paras {
				t.Fatalf("body has %d paragraphs, want %d:\n%s", n, tt.paras, d.Body)
			}
		})
	}
}

func TestSplitLabels(t *testing.T) {
	tests := []struct{ in, want string }{
		{"CERT-LatestNews Security News ThreatsCybercrime ThreatsStrategic Uncategorized", "CERT|Security News|Threats|Cybercrime|Strategic"},
		{"Sports FootballPremierLeague FootballChampionsLeague", "Sports|Football|PremierLeague|ChampionsLeague"},
		{"Tech Tech TECH", "Tech"},
		{"Politics Analysis", "Politics Analysis"},
		{"General", ""},
		{"Wi-Fi E-Commerce", "Wi-Fi|E-Commerce"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := strings.Join(splitLabels(tt.in), "|"); got != tt.want {
				t.Fatalf("splitLabels(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestStripResidue(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Best idea. 95ca d693%2fthumb%2f00001", "Best idea."},
		{"He said so.” a1b2 c3d4%2fimages%2f0042", "He said so.”"},
		{"Done! cdn%2Fimg%2Fx.jpg", "Done!"},
		{"95ca d693%2fthumb%2f00001", ""},
		// Not residue: no URL fragment, no final punctuation before it,
		// or a whole URL, which is content.
		{"The code is 95ca.", "The code is 95ca."},
		{"It ended. 95ca", "It ended. 95ca"},
		{"Rates rose 5%2f year d693%2fthumb", "Rates rose 5%2f year d693%2fthumb"},
		{"Read it. https://example.com/a%20b", "Read it. https://example.com/a%20b"},
		{"Prices fell 20% in 2024.", "Prices fell 20% in 2024."},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := stripResidue(tt.in); got != tt.want {
				t.Fatalf("stripResidue(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTextBody(t *testing.T) {
	d, err := Text([]byte("Title\n\nWrapped line one\nline two.\n\nA <b>tag</b> & more\n\n- one\n- two\n\nTitle"))
	if err != nil {
		t.Fatal(err)
	}
	want := "<p>Wrapped line one line two.</p>\n<p>A &lt;b&gt;tag&lt;/b&gt; &amp; more</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
	if d.Body != want {
		t.Fatalf("Body=%q, want %q", d.Body, want)
	}
}

func TestMarkdown(t *testing.T) {
	t.Run("front matter title wins and a repeated heading goes", func(t *testing.T) {
		d, err := Markdown([]byte("---\ntitle: Hello\n---\n# Hello\n\nText.\n"))
		if err != nil {
			t.Fatal(err)
		}
		if d.Title != "Hello" || strings.Contains(d.Body, "<h1") {
			t.Fatalf("Title=%q Body=%q, want Hello and no h1", d.Title, d.Body)
		}
	})
	t.Run("a different heading stays", func(t *testing.T) {
		d, err := Markdown([]byte("---\ntitle: Hello\n---\n# Other\n\nText.\n"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(d.Body, "<h1>Other</h1>") {
			t.Fatalf("Body=%q, want the h1 kept", d.Body)
		}
	})
	t.Run("heading title", func(t *testing.T) {
		d, err := Markdown([]byte("# The *best* title\n\nText.\n"))
		if err != nil {
			t.Fatal(err)
		}
		if d.Title != "The <em>best</em> title" || strings.Contains(d.Body, "title") {
			t.Fatalf("Title=%q Body=%q", d.Title, d.Body)
		}
		a, _, err := d.Article(now)
		if err != nil {
			t.Fatal(err)
		}
		if a.Title != "The best title" {
			t.Fatalf("article Title=%q, want plain text", a.Title)
		}
	})
	t.Run("raw HTML reaches the sanitiser and is cleaned there", func(t *testing.T) {
		d, err := Markdown([]byte("# T\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(d.Body, "onerror") {
			t.Fatalf("Body=%q: goldmark must pass raw HTML on (html.WithUnsafe)", d.Body)
		}
		a, report, err := d.Article(now)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(a.HTML), "onerror") || strings.Contains(string(a.HTML), "javascript:") {
			t.Fatalf("HTML=%q still unsafe", a.HTML)
		}
		if len(report) == 0 {
			t.Fatal("report is empty, want the removed onerror and javascript: URL")
		}
	})
	t.Run("tags as text and image as a URL", func(t *testing.T) {
		d, err := Markdown([]byte("---\ntitle: T\ntags: go, web\nimage: https://example.com/i.png\ndate: 2024-01-02\n---\nx\n"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(d.Tags, "|") != "go|web" || d.Image == nil || d.Image.Src != "https://example.com/i.png" {
			t.Fatalf("Tags=%q Image=%+v", d.Tags, d.Image)
		}
		if want := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC); !d.Published.Equal(want) {
			t.Fatalf("Published=%v, want %v", d.Published, want)
		}
	})
}

func TestHTML(t *testing.T) {
	tests := []struct{ in, title, body string }{
		{"<h1>T</h1><p>x</p>", "T", "<p>x</p>"},
		{"<p>a</p><H1 id='x>y'>Big <b>T</b></H1 ><p>b</p>", "Big <b>T</b>", "<p>a</p><p>b</p>"},
		{"<p>no heading</p>", "", "<p>no heading</p>"},
		{"<!-- <h1>c</h1> --><script>'<h1>s</h1>'</script><h1>real", "real", "<!-- <h1>c</h1> --><script>'<h1>s</h1>'</script>"},
		{"<h10>x</h10><h1>y</h1>", "y", "<h10>x</h10>"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := HTML([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if d.Title != tt.title || d.Body != tt.body {
				t.Fatalf("Title, Body=%q, %q, want %q, %q", d.Title, d.Body, tt.title, tt.body)
			}
		})
	}
}

// TestBadInput checks that bad input gets a clear EINVALID error.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name  string
		parse func([]byte) (*Draft, error)
		in    string
		want  string // in the message
	}{
		{"text invalid UTF-8", Text, "Title\n\nbad \xff byte", "not valid UTF-8"},
		{"markdown invalid UTF-8", Markdown, "# T\n\xc3\x28", "not valid UTF-8"},
		{"html invalid UTF-8", HTML, "<h1>\xfe</h1>", "not valid UTF-8"},
		{"text empty", Text, "", "input is empty"},
		{"markdown blank", Markdown, " \n\t\n", "input is empty"},
		{"html empty", HTML, "", "input is empty"},
		{"bad YAML", Markdown, "---\ntitle: [unclosed\n---\nx", "front matter: line "},
		{"unclosed front matter", Markdown, "---\ntitle: x\n", "no closing \"---\""},
		{"title is a list", Markdown, "---\ntitle: [a, b]\n---\nx", "line 2: title: want text, not a list"},
		{"tags is a map", Markdown, "---\ntags: {a: b}\n---\nx", "tags: want a list"},
		{"bad date", Markdown, "---\npublished: last tuesday\n---\nx", "\"last tuesday\" is not a date"},
		{"bad image key", Markdown, "---\nimage: {src: x, captoin: y}\n---\nx", "unknown key \"captoin\""},
		{"front matter not a map", Markdown, "---\n- a\n---\nx", "want key: value pairs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.parse([]byte(tt.in))
			if err == nil {
				t.Fatalf("no error, want one containing %q", tt.want)
			}
			if article.Code(err) != article.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error=%q (code %s), want EINVALID containing %q", err, article.Code(err), tt.want)
			}
		})
	}
}

func TestArticle(t *testing.T) {
	base := Draft{Title: "T", Body: "<p>Body text.</p>", URL: "https://example.com/news/story"}
	tests := []struct {
		name    string
		edit    func(d *Draft)
		wantErr string // "" for success
		check   func(t *testing.T, a *article.Article)
	}{
		{name: "missing title", edit: func(d *Draft) { d.Title = "  " }, wantErr: "title is required"},
		{name: "title of markup only", edit: func(d *Draft) { d.Title = "<b></b>" }, wantErr: "title is required"},
		{name: "bad dir", edit: func(d *Draft) { d.Dir = "sideways" }, wantErr: "dir must be"},
		{name: "bad slug", edit: func(d *Draft) { d.Slug = "Not A Slug" }, wantErr: "slug"},
		{name: "bad url", edit: func(d *Draft) { d.URL = "ftp://x/y" }, wantErr: "url:"},
		{name: "invalid UTF-8 field", edit: func(d *Draft) { d.Author = "a\xffb" }, wantErr: "author is not valid UTF-8"},
		{name: "text fields lose markup", edit: func(d *Draft) { d.Title = "A <script>x</script>&amp; B"; d.Tags = []string{"<i>go</i>", " ", "Go"} },
			check: func(t *testing.T, a *article.Article) {
				if a.Title != "A & B" || strings.Join(a.Tags, "|") != "go" {
					t.Fatalf("Title=%q Tags=%q", a.Title, a.Tags)
				}
			}},
		{name: "relative image resolves against the url", edit: func(d *Draft) { d.Image = &article.Image{Src: "../img/a.png", Alt: "A"} },
			check: func(t *testing.T, a *article.Article) {
				if a.Image == nil || a.Image.Src != "https://example.com/img/a.png" {
					t.Fatalf("Image=%+v", a.Image)
				}
			}},
		{name: "dir and lang", edit: func(d *Draft) { d.Dir = " RTL "; d.Lang = "ar_EG" },
			check: func(t *testing.T, a *article.Article) {
				if a.Dir != "rtl" || a.Lang != "ar-EG" {
					t.Fatalf("Dir, Lang=%q, %q", a.Dir, a.Lang)
				}
			}},
		{name: "body links resolve against the url", edit: func(d *Draft) { d.Body = `<p><a href="/about">a</a></p>` },
			check: func(t *testing.T, a *article.Article) {
				if !strings.Contains(string(a.HTML), "https://example.com/about") {
					t.Fatalf("HTML=%q", a.HTML)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := base
			tt.edit(&d)
			a, _, err := d.Article(now)
			if tt.wantErr != "" {
				if err == nil || article.Code(err) != article.EINVALID || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err=%v, want EINVALID containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, a)
		})
	}
}

// TestArticleImageSrc documents the choice for unusable image sources: the
// source is dropped and reported like the sanitiser reports a URL it drops
// from the body; the image keeps its caption and credit, and goes when it
// has neither.
func TestArticleImageSrc(t *testing.T) {
	tests := []struct {
		name, src, url string
		caption        string
		wantSrc        string
		wantImage      bool
		wantRemoved    string // removal name, "" for none
	}{
		{name: "javascript", src: "javascript:alert(1)", wantRemoved: "javascript:"},
		{name: "javascript keeps caption", src: " JavaScript:alert(1)", caption: "C", wantImage: true, wantRemoved: "javascript:"},
		{name: "data", src: "data:image/png;base64,AAAA", wantRemoved: "data:"},
		{name: "relative without url", src: "img.png", wantRemoved: "relative"},
		{name: "relative with url", src: "img.png", url: "https://example.com/a/", wantSrc: "https://example.com/a/img.png", wantImage: true},
		{name: "https", src: "https://cdn.example/i.jpg", wantSrc: "https://cdn.example/i.jpg", wantImage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Draft{Title: "T", URL: tt.url, Image: &article.Image{Src: tt.src, Caption: tt.caption}}
			a, report, err := d.Article(now)
			if err != nil {
				t.Fatal(err)
			}
			if (a.Image != nil) != tt.wantImage {
				t.Fatalf("Image=%+v, want present=%v", a.Image, tt.wantImage)
			}
			if a.Image != nil && a.Image.Src != tt.wantSrc {
				t.Fatalf("Image.Src=%q, want %q", a.Image.Src, tt.wantSrc)
			}
			var got string
			for _, r := range report {
				if r.On == "image" {
					got = r.Name
				}
			}
			if got != tt.wantRemoved {
				t.Fatalf("report=%+v, want image removal %q", report, tt.wantRemoved)
			}
		})
	}
}

func TestArticleImageSrcset(t *testing.T) {
	// The srcset is cleaned as the src is: candidates resolved against the
	// article's URL, the ones that are not http(s) or have no usable width
	// dropped and reported, one per width, narrowest first, at most
	// article.MaxSrcset; none is kept without a src.
	d := &Draft{Title: "T", URL: "https://news.example/a/", Image: &article.Image{Src: "https://cdn.example/full.jpg", Srcset: []article.ImageSource{
		{Src: "https://cdn.example/960.jpg", Width: 960},
		{Src: "480.jpg", Width: 480},
		{Src: "javascript:alert(1)", Width: 500},
		{Src: "https://cdn.example/zero.jpg", Width: 0},
		{Src: "https://cdn.example/a b.jpg?x=1 2", Width: 600},
		{Src: "https://cdn.example/again-960.jpg", Width: 960},
		{Src: "https://cdn.example/trailing.jpg,", Width: 700},
	}}}
	a, report, err := d.Article(now)
	if err != nil {
		t.Fatal(err)
	}
	got := article.SrcsetString(a.Image.Srcset)
	if got != "https://news.example/a/480.jpg 480w, https://cdn.example/960.jpg 960w" {
		t.Fatalf("srcset %q", got)
	}
	var names []string
	for _, r := range report {
		if r.On == "image.srcset" {
			names = append(names, r.Name)
		}
	}
	if strings.Join(names, ",") != "javascript:,no width,invalid,invalid" {
		t.Fatalf("srcset removals %q (report %+v)", names, report)
	}

	many := &Draft{Title: "T", Image: &article.Image{Src: "https://cdn.example/full.jpg"}}
	for w := article.MaxSrcset + 4; w > 0; w-- {
		many.Image.Srcset = append(many.Image.Srcset, article.ImageSource{Src: fmt.Sprintf("https://cdn.example/%d.jpg", w), Width: w})
	}
	a, _, err = many.Article(now)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(a.Image.Srcset); n != article.MaxSrcset || a.Image.Srcset[0].Width != 1 {
		t.Fatalf("%d candidates from %d, the first %d wide; want the %d narrowest", n, article.MaxSrcset+4, a.Image.Srcset[0].Width, article.MaxSrcset)
	}

	gone := &Draft{Title: "T", Image: &article.Image{Src: "data:image/png;base64,AAAA", Caption: "C", Srcset: []article.ImageSource{{Src: "https://cdn.example/1.jpg", Width: 1}}}}
	if a, _, err = gone.Article(now); err != nil || len(a.Image.Srcset) != 0 {
		t.Fatalf("Article()=%+v, %v: want a caption without a srcset once the src is gone", a.Image, err)
	}

	// Markdown front matter names it in HTML's syntax.
	md, err := Markdown([]byte("---\ntitle: T\nimage:\n  src: https://cdn.example/full.jpg\n  srcset: https://cdn.example/480.jpg 480w, https://cdn.example/960.jpg 960w\n---\nText.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := article.SrcsetString(md.Image.Srcset); got != "https://cdn.example/480.jpg 480w, https://cdn.example/960.jpg 960w" {
		t.Fatalf("Markdown srcset %q", got)
	}
	if _, err := Markdown([]byte("---\ntitle: T\nimage:\n  src: https://cdn.example/full.jpg\n  srcset: https://cdn.example/2.jpg 2x\n---\nText.\n")); err == nil || !strings.Contains(err.Error(), "no width candidates") {
		t.Fatalf("Markdown with a density-only srcset: %v, want an error naming it", err)
	}
}

// checkArticle is the fuzz invariant: a parser that returns a draft either
// gets an EINVALID error from the pipeline or a valid article with safe,
// UTF-8 HTML.
func checkArticle(t *testing.T, d *Draft) {
	t.Helper()
	a, _, err := d.Article(now)
	if err != nil {
		if article.Code(err) != article.EINVALID {
			t.Fatalf("Article: %v (code %s), want EINVALID", err, article.Code(err))
		}
		return
	}
	if err := a.Validate(); err != nil {
		t.Fatalf("Article returned an article that fails Validate: %v", err)
	}
	if !utf8.ValidString(string(a.HTML)) {
		t.Fatalf("HTML is not UTF-8: %q", a.HTML)
	}
	if why := unsafeHTML(string(a.HTML)); why != "" {
		t.Fatalf("unsafe HTML (%s): %q", why, a.HTML)
	}
}

func fuzzSeeds(f *testing.F, ext string) {
	files, _ := filepath.Glob("testdata/*" + ext)
	if ext == ".txt" {
		files = append(files, seedPath)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzText(f *testing.F) {
	fuzzSeeds(f, ".txt")
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Text(b)
		if err != nil {
			if article.Code(err) != article.EINVALID {
				t.Fatalf("Text: %v, want EINVALID", err)
			}
			return
		}
		checkArticle(t, d)
	})
}

func FuzzMarkdown(f *testing.F) {
	fuzzSeeds(f, ".md")
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Markdown(b)
		if err != nil {
			if article.Code(err) != article.EINVALID {
				t.Fatalf("Markdown: %v, want EINVALID", err)
			}
			return
		}
		checkArticle(t, d)
	})
}

func FuzzHTML(f *testing.F) {
	fuzzSeeds(f, ".html")
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := HTML(b)
		if err != nil {
			if article.Code(err) != article.EINVALID {
				t.Fatalf("HTML: %v, want EINVALID", err)
			}
			return
		}
		if !strings.Contains(string(b), d.Title) {
			t.Fatalf("Title=%q is not from the input", d.Title)
		}
		checkArticle(t, d)
	})
}

// unsafeHTML returns why sanitised HTML could run script (an element
// such as script or iframe, an event handler attribute, or a script URL),
// or "" if it cannot. It is the fuzz targets' safety invariant.
func unsafeHTML(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "object", "embed", "style", "form", "base", "meta", "link", "svg", "math":
				return "element " + tok.Data
			}
			for _, a := range tok.Attr {
				v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				if strings.HasPrefix(a.Key, "on") || a.Key == "style" {
					return "attribute " + a.Key
				}
				if strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") {
					return "URL in " + a.Key
				}
			}
		}
	}
}

func TestImageSize(t *testing.T) {
	d := func(img article.Image) *Draft {
		return &Draft{Title: "Sized", Body: "<p>Text.</p>", Image: &img}
	}
	a, _, err := d(article.Image{Src: "https://img.example/a.png", Width: 640, Height: 480}).Article(now)
	if err != nil || a.Image.Width != 640 || a.Image.Height != 480 {
		t.Fatalf("sized image: %+v, %v", a.Image, err)
	}
	// The size goes with the src the pipeline removes.
	a, _, err = d(article.Image{Src: "javascript:alert(1)", Caption: "c", Width: 640, Height: 480}).Article(now)
	if err != nil || a.Image.Src != "" || a.Image.Width != 0 || a.Image.Height != 0 {
		t.Fatalf("removed src: %+v, %v", a.Image, err)
	}
	// A size given wrong (by an API client) is refused.
	if _, _, err = d(article.Image{Src: "https://img.example/a.png", Width: 640}).Article(now); article.Code(err) != article.EINVALID {
		t.Fatalf("width only: %v, want EINVALID", err)
	}
}
