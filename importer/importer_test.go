package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"folio/article"
	"folio/internal/golden"
	"folio/store"
)

var update = flag.Bool("update", false, "update golden files")

var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

// seedPath is the user's sample article, shipped in package samples.
const seedPath = "../samples/000_bf3c0d247e44f2ef.txt"

// goldenItem is one entry of a golden file: the item's source key (with
// this machine's directory replaced by "DIR") and its article.
type goldenItem struct {
	Source  string           `json:"source"`
	Article *article.Article `json:"article,omitempty"`
	Error   string           `json:"error,omitempty"`
}

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

// TestGolden runs every input in testdata, the seed and one bundled
// Markdown sample through ParseFile and the pipeline, and compares the
// results with testdata/NAME.golden.json. Use go test -update to rewrite
// them.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{"seed": seedPath, "sample_md": "../samples/002_embed-a-card.md"}
	for _, in := range inputs {
		if fi, err := os.Stat(in); strings.HasSuffix(in, ".golden.json") || err == nil && fi.IsDir() {
			continue
		}
		cases[strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))] = in
	}
	if len(cases) < 10 {
		t.Fatalf("found %d inputs, want at least 10", len(cases))
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			items, err := ParseFile(in, data)
			if err != nil {
				t.Fatalf("ParseFile(%s): %v", in, err)
			}
			dir, _ := filepath.Abs(filepath.Dir(in))
			var got []goldenItem
			for _, it := range items {
				g := goldenItem{Source: strings.Replace(it.Source, filepath.ToSlash(dir), "DIR", 1)}
				a, _, err := it.Draft.Article(now)
				if err != nil {
					g.Error = err.Error()
				} else {
					g.Article = a
				}
				got = append(got, g)
			}
			out := marshal(t, got)
			golden.Check(t, filepath.Join("testdata", name+".golden.json"), out, *update, "./importer")

		})
	}
}

// TestSeed checks the seed through the importer explicitly.
func TestSeed(t *testing.T) {
	data, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	items, err := ParseFile(seedPath, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || !strings.HasPrefix(items[0].Source, "file:/") || !strings.HasSuffix(items[0].Source, "/samples/000_bf3c0d247e44f2ef.txt") {
		t.Fatalf("items=%+v, want one with an absolute file source", items)
	}
	a, _, err := items[0].Draft.Article(now)
	if err != nil {
		t.Fatal(err)
	}
	body := string(a.HTML)
	switch {
	case a.Title != "Trump and Putin unironically discussed forming a ‘cyber security unit’":
		t.Fatalf("Title=%q", a.Title)
	case strings.Join(a.Tags, "|") != "CERT|Security News|Threats|Cybercrime|Strategic":
		t.Fatalf("Tags=%q", a.Tags)
	case a.Image == nil || a.Image.Caption != "“Wait, wait, I know! Let’s create an impenetrable Cyber Security unit!”" || a.Image.Credit != "BPA via Getty Images":
		t.Fatalf("Image=%+v", a.Image)
	case strings.Contains(body, "Wait, wait"):
		t.Fatalf("the caption is in the body too:\n%s", body)
	case strings.Count(body, "<p>") != 10:
		t.Fatalf("body has %d <p>, want 10:\n%s", strings.Count(body, "<p>"), body)
	case strings.Contains(body, "95ca") || strings.Contains(body, "%2f"):
		t.Fatalf("body keeps the residue:\n%s", body)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, data string
		want       Format
	}{
		{"a.txt", "anything", FormatText},
		{"a.MD", "# x", FormatMarkdown},
		{"a.markdown", "x", FormatMarkdown},
		{"a.htm", "<p>x</p>", FormatHTML},
		{"a.html", "<p>x</p>", FormatHTML},
		{"a.json", `{"title": "x"}`, FormatJSON},
		{"a.json", `[{"title": "x"}]`, FormatJSON},
		{"a.json", `{"version": "https://jsonfeed.org/version/1.1", "items": []}`, FormatFeed},
		{"a.xml", "<rss/>", FormatFeed},
		{"a.rss", "x", FormatFeed},
		{"a.atom", "x", FormatFeed},
		{"a.feed", "x", FormatFeed},
		{"noext", "\n  <?xml version=\"1.0\"?><rss version=\"2.0\">", FormatFeed},
		{"noext", `<feed xmlns="http://www.w3.org/2005/Atom">`, FormatFeed},
		{"noext", `<rdf:RDF xmlns:rdf="x">`, FormatFeed},
		{"noext", "<!DOCTYPE html><html>", FormatHTML},
		{"noext", "<html><body>x", FormatHTML},
		{"noext", `{"version": "https://jsonfeed.org/version/1", "items": []}`, FormatFeed},
		{"noext", `{"title": "x"}`, FormatJSON},
		{"noext", "---\ntitle: x\n---\n", FormatMarkdown},
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+tt.data, func(t *testing.T) {
			got, err := Detect(tt.name, []byte(tt.data))
			if err != nil || got != tt.want {
				t.Fatalf("Detect=%q, %v, want %q", got, err, tt.want)
			}
		})
	}
	for _, tt := range []struct{ name, data string }{{"a.png", "\x89PNG"}, {"notes", "just words"}, {"a.docx", ""}} {
		t.Run("unknown "+tt.name, func(t *testing.T) {
			_, err := Detect(tt.name, []byte(tt.data))
			if err != ErrFormatNotDetected || article.Code(err) != article.EUNSUPPORTED {
				t.Fatalf("err=%v, want ErrFormatNotDetected", err)
			}
		})
	}
}

func TestHTMLPage(t *testing.T) {
	data, err := os.ReadFile("testdata/page.html")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("metadata", func(t *testing.T) {
		d, err := HTMLPage(data, "")
		if err != nil {
			t.Fatal(err)
		}
		a, report, err := d.Article(now)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"Night trains return to Europe", "Ines Duarte", "The Rail Review", "https://rail.example/2024/night-trains", "en-GB", "ltr", "Rail|Travel", "https://rail.example/images/sleeper.jpg"}
		got := []string{a.Title, a.Author, a.Site, a.URL, a.Lang, a.Dir, strings.Join(a.Tags, "|"), a.Image.Src}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("got\n%q\nwant\n%q", got, want)
		}
		if !a.Published.Equal(time.Date(2024, 2, 10, 6, 0, 0, 0, time.UTC)) || !a.Updated.Equal(time.Date(2024, 2, 11, 8, 30, 0, 0, time.UTC)) {
			t.Fatalf("Published, Updated=%v, %v", a.Published, a.Updated)
		}
		body := string(a.HTML)
		for _, bad := range []string{"tracker", "Privacy", "onerror", "onclick", "font-family"} {
			if strings.Contains(body, bad) {
				t.Fatalf("body holds %q:\n%s", bad, body)
			}
		}
		if !strings.Contains(body, "Travellers give many reasons") || !strings.Contains(body, `href="https://rail.example/routes"`) {
			t.Fatalf("body misses the article text or its resolved link:\n%s", body)
		}
		_ = report
	})
	t.Run("dates from JSON-LD, or none", func(t *testing.T) {
		text := "<p>" + strings.Repeat("The night train left on time and arrived before dawn, as promised. ", 12) + "</p>"
		for _, tt := range []struct {
			ld                 string
			published, updated time.Time
		}{
			{`{"@type":"NewsArticle","headline":"Trains","datePublished":"2017-03-01T09:00:00Z","dateModified":"2017-03-02T10:00:00+01:00"}`,
				time.Date(2017, 3, 1, 9, 0, 0, 0, time.UTC), time.Date(2017, 3, 2, 9, 0, 0, 0, time.UTC)},
			{`{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Rail"},{"@type":"BlogPosting","dateCreated":"2017-03-01"}]}`,
				time.Date(2017, 3, 1, 0, 0, 0, 0, time.UTC), time.Time{}},
			{`{"@type":"NewsArticle","headline":"Trains"}`, time.Time{}, time.Time{}},
		} {
			page := `<html><head><title>Trains</title><script type="application/ld+json">` + tt.ld + `</script></head><body><article><h1>Trains</h1>` + text + `</article></body></html>`
			d, err := HTMLPage([]byte(page), "")
			if err != nil {
				t.Fatal(err)
			}
			if !d.Published.Equal(tt.published) || !d.Updated.Equal(tt.updated) {
				t.Errorf("%s: Published, Updated=%v, %v, want %v, %v", tt.ld, d.Published, d.Updated, tt.published, tt.updated)
			}
		}
	})
	t.Run("given URL wins", func(t *testing.T) {
		d, err := HTMLPage(data, "https://mirror.example/saved")
		if err != nil {
			t.Fatal(err)
		}
		if d.URL != "https://mirror.example/saved" {
			t.Fatalf("URL=%q", d.URL)
		}
	})
	t.Run("fragment goes to draft.HTML", func(t *testing.T) {
		d, err := HTMLPage([]byte("<h1>Frag</h1><p>x</p>"), "")
		if err != nil {
			t.Fatal(err)
		}
		if d.Title != "Frag" || d.Body != "<p>x</p>" {
			t.Fatalf("Title, Body=%q, %q", d.Title, d.Body)
		}
	})
	t.Run("declared charset is decoded", func(t *testing.T) {
		page := "<html><head><meta charset=\"iso-8859-1\"><title>Caf\xe9</title></head><body><article><h1>Caf\xe9 cr\xe8me</h1><p>" +
			strings.Repeat("Un caf\xe9 tr\xe8s bon, servi chaud au comptoir du coin. ", 20) + "</p></article></body></html>"
		d, err := HTMLPage([]byte(page), "")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(d.Body, "café très bon") {
			t.Fatalf("Body=%q, want decoded Latin-1", d.Body)
		}
	})
	t.Run("undeclared bad bytes", func(t *testing.T) {
		_, err := HTMLPage([]byte("<html><body><p>\xff</p></body></html>"), "")
		if err == nil || !strings.Contains(err.Error(), "not valid UTF-8") {
			t.Fatalf("err=%v, want not valid UTF-8", err)
		}
	})
}

func TestFeed(t *testing.T) {
	data, err := os.ReadFile("testdata/rss.xml")
	if err != nil {
		t.Fatal(err)
	}
	items, err := Feed(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 {
		t.Fatalf("%d items, want 3", len(items))
	}
	first, second, third := items[0], items[1], items[2]
	if first.Source != "feed:gazette-2024-0042" || second.Source != "feed:https://gazette.example/2024/festival" || third.Source != "feed:gazette-2024-0044" {
		t.Fatalf("sources=%q, %q, %q", first.Source, second.Source, third.Source)
	}
	if !strings.Contains(first.Draft.Body, "two early crossings on weekdays") || first.Draft.Excerpt != "The spring timetable adds two early crossings." {
		t.Fatalf("first: content must win over description: Body=%q Excerpt=%q", first.Draft.Body, first.Draft.Excerpt)
	}
	if first.Draft.Image == nil || first.Draft.Image.Src != "https://gazette.example/img/ferry.jpg" || first.Draft.Author != "Maren Olsen" {
		t.Fatalf("first: Image=%+v Author=%q", first.Draft.Image, first.Draft.Author)
	}
	if second.Draft.Image == nil || second.Draft.Image.Src != "https://gazette.example/img/festival.jpg" {
		t.Fatalf("second: Image=%+v, want the media:content image", second.Draft.Image)
	}
	if !strings.HasPrefix(third.Draft.Title, "A short update with no title") {
		t.Fatalf("third: Title=%q, want one taken from its text", third.Draft.Title)
	}
}

func TestJSONShapes(t *testing.T) {
	tests := []struct {
		name, in string
		titles   string
	}{
		{"object", `{"title": "A"}`, "A"},
		{"list", `[{"title": "A"}, {"title": "B"}]`, "A|B"},
		{"wrapped", `{"articles": [{"title": "A"}], "next": "abc"}`, "A"},
		{"null image", `{"title": "A", "image": null}`, "A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := JSON([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, d := range ds {
				titles = append(titles, d.Title)
			}
			if got := strings.Join(titles, "|"); got != tt.titles {
				t.Fatalf("titles=%q, want %q", got, tt.titles)
			}
		})
	}
}

// TestBadInput checks that bad input gets a clear EINVALID error.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name, file, data string
		want             string
	}{
		{"malformed JSON", "a.json", `{"title": "x",`, "not valid JSON at line 1, column 15"},
		{"malformed JSON on line 3", "a.json", "{\n\"title\": \"x\"\n\"html\": \"\"}", "line 3"},
		{"unknown JSON fields", "a.json", `{"title": "x", "body": "y", "tag": ["z"]}`, `unknown fields "body", "tag"`},
		{"unknown image field", "a.json", `{"title": "x", "image": {"url": "y"}}`, `unknown field "image.url"`},
		{"unknown field in a list", "a.json", `[{"title": "x"}, {"titel": "y"}]`, `article 2: unknown field "titel"`},
		{"wrong JSON type", "a.json", `{"title": "x", "tags": "y"}`, "tags must be a list of text values, not a JSON string"},
		{"bad JSON date", "a.json", `{"title": "x", "published": "May 1"}`, `published: "May 1" is not an RFC 3339 time`},
		{"empty JSON list", "a.json", `[]`, "no articles"},
		{"JSON scalar", "a.json", `"hello"`, "want an article object"},
		{"JSON invalid UTF-8", "a.json", "{\"title\": \"\xff\"}", "not valid UTF-8"},
		{"broken feed", "a.xml", `<rss version="2.0"><channel><title>x</title><item><title>y</item></channel>`, "feed: not a valid feed"},
		{"not a feed", "a.xml", `<html><body>no</body></html>`, "not an RSS, Atom or JSON Feed"},
		{"empty feed", "a.xml", `<rss version="2.0"><channel><title>x</title></channel></rss>`, "no items"},
		{"broken JSON feed", "noext", `{"version": "https://jsonfeed.org/version/1.1", "items": [`, "feed: not a valid feed"},
		{"broken JSON feed, escaped slashes", "a.json", `{"version": "https:\/\/jsonfeed.org\/version\/1", "items": {}}`, "feed: not a valid feed"},
		{"text invalid UTF-8", "a.txt", "Title\n\n\xc3\x28", "not valid UTF-8"},
		{"bad YAML", "a.md", "---\ntitle: [x\n---\n", "front matter"},
		{"empty file", "a.md", "", "input is empty"},
		{"unknown format", "a.bin", "\x00\x01", "format not recognised"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFile(tt.file, []byte(tt.data))
			if err == nil {
				t.Fatalf("no error, want one containing %q", tt.want)
			}
			if c := article.Code(err); c != article.EINVALID && c != article.EUNSUPPORTED || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error=%q (code %s), want a user error containing %q", err, article.Code(err), tt.want)
			}
		})
	}
	t.Run("missing title", func(t *testing.T) {
		items, err := ParseFile("a.html", []byte("<p>No heading here.</p>"))
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = items[0].Draft.Article(now)
		if err == nil || err.Error() != "title is required" {
			t.Fatalf("err=%v, want title is required", err)
		}
	})
}

func openStore(t *testing.T) *store.DB {
	t.Helper()
	st, err := store.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestImport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	rss, err := os.ReadFile("testdata/rss.xml")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "a.md"), "---\ntitle: Article A\n---\nText of A.\n")
	writeFile(t, filepath.Join(dir, "sub", "b.txt"), "Article B\n\nText of B.\n")
	writeFile(t, filepath.Join(dir, "sub", "feed.xml"), string(rss))
	writeFile(t, filepath.Join(dir, "bad.json"), `{"title": "x", "bogus": 1}`)
	writeFile(t, filepath.Join(dir, ".hidden.md"), "---\ntitle: Hidden\n---\n")
	writeFile(t, filepath.Join(dir, ".git", "c.md"), "---\ntitle: In a hidden dir\n---\n")
	writeFile(t, filepath.Join(dir, "picture.png"), "\x89PNG")
	notitle := filepath.Join(t.TempDir(), "notitle.html")
	writeFile(t, notitle, "<p>No title.</p>")
	unknown := filepath.Join(t.TempDir(), "notes.docx")
	writeFile(t, unknown, "PK")
	big := filepath.Join(t.TempDir(), "big.txt")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	missing := filepath.Join(dir, "missing.md")

	st := openStore(t)
	var out bytes.Buffer
	failed, err := Import(ctx, st, []string{dir, notitle, unknown, big, missing}, &out, clock)
	if err != nil {
		t.Fatal(err)
	}
	lines := out.String()
	t.Logf("output:\n%s", lines)
	for _, want := range []string{
		"imported " + filepath.Join(dir, "a.md") + " (article-a)\n",
		"imported " + filepath.Join(dir, "sub", "b.txt") + " (article-b)\n",
		"imported " + filepath.Join(dir, "sub", "feed.xml") + "#1 (ferry-timetable-changes-in-spring); sanitiser removed script\n",
		"imported " + filepath.Join(dir, "sub", "feed.xml") + "#3 (",
		"failed " + filepath.Join(dir, "bad.json") + `: json: unknown field "bogus"`,
		"failed " + notitle + ": title is required\n",
		"failed " + unknown + ": format not recognised",
		"failed " + big + ": the file is 10485761 bytes; the limit is 10 MiB\n",
		"failed " + missing + ": stat: no such file or directory\n",
		"5 imported, 0 updated, 5 failed\n",
	} {
		if !strings.Contains(lines, want) {
			t.Fatalf("output lacks %q:\n%s", want, lines)
		}
	}
	for _, bad := range []string{"hidden", "Hidden", "picture.png"} {
		if strings.Contains(lines, bad) {
			t.Fatalf("output mentions %q, which should be skipped:\n%s", bad, lines)
		}
	}
	if failed != 5 {
		t.Fatalf("failed=%d, want 5", failed)
	}
	if n, _ := st.Count(ctx); n != 5 {
		t.Fatalf("Count=%d, want 5", n)
	}
}

// TestReimport checks that importing the same sources again updates their
// articles in place, keeping their slugs, and that a different file with
// the same title gets its own article.
func TestReimport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	md := filepath.Join(dir, "story.md")
	feed := filepath.Join(dir, "feed.json")
	writeFile(t, md, "---\ntitle: The story\n---\nFirst version.\n")
	writeFile(t, feed, `{"version": "https://jsonfeed.org/version/1.1", "title": "F", "items": [{"id": "item-1", "title": "Feed item", "content_html": "<p>v1</p>"}]}`)
	st := openStore(t)

	var out bytes.Buffer
	if failed, err := Import(ctx, st, []string{dir}, &out, clock); err != nil || failed != 0 {
		t.Fatalf("first import: failed=%d err=%v\n%s", failed, err, out.String())
	}
	if !strings.Contains(out.String(), "2 imported, 0 updated, 0 failed") {
		t.Fatalf("first import output:\n%s", out.String())
	}

	writeFile(t, md, "---\ntitle: The story, revised\n---\nSecond version.\n")
	writeFile(t, feed, `{"version": "https://jsonfeed.org/version/1.1", "title": "F", "items": [{"id": "item-1", "title": "Feed item", "content_html": "<p>v2</p>"}]}`)
	out.Reset()
	if failed, err := Import(ctx, st, []string{md, feed}, &out, clock); err != nil || failed != 0 {
		t.Fatalf("re-import: failed=%d err=%v\n%s", failed, err, out.String())
	}
	for _, want := range []string{"updated " + md + " (the-story)\n", "updated " + feed + "#1 (feed-item)\n", "0 imported, 2 updated, 0 failed\n"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("re-import output lacks %q:\n%s", want, out.String())
		}
	}
	if n, _ := st.Count(ctx); n != 2 {
		t.Fatalf("Count=%d after re-import, want 2", n)
	}
	a, err := st.Get(ctx, "the-story")
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "The story, revised" || !strings.Contains(string(a.HTML), "Second version") {
		t.Fatalf("after re-import: %q %q", a.Title, a.HTML)
	}
	item, err := st.Get(ctx, "feed-item")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(item.HTML), "v2") {
		t.Fatalf("feed item HTML=%q, want v2", item.HTML)
	}

	// Another file with the same title is another source: a new article.
	other := filepath.Join(dir, "copy.md")
	writeFile(t, other, "---\ntitle: The story, revised\n---\nA copy.\n")
	out.Reset()
	if _, err := Import(ctx, st, []string{other}, &out, clock); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "imported "+other+" (the-story-revised)") {
		t.Fatalf("copy output:\n%s", out.String())
	}
}

func TestLoadSamples(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	n, err := LoadSamples(ctx, st, clock)
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Fatalf("LoadSamples=%d, want 4 (the seed and three introductions)", n)
	}
	seed, err := st.Get(ctx, "trump-and-putin-unironically-discussed-forming-a-cyber-security-unit")
	if err != nil {
		t.Fatal(err)
	}
	if seed.Image == nil || seed.Image.Credit != "BPA via Getty Images" {
		t.Fatalf("seed Image=%+v", seed.Image)
	}
	page, err := st.List(ctx, article.ListFilter{Tag: "folio"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Articles) != 3 {
		t.Fatalf("%d articles tagged folio, want 3", len(page.Articles))
	}
	for _, s := range page.Articles {
		if s.Published.After(now) || s.Published.Equal(now) {
			t.Fatalf("%s: Published=%v, want its own date", s.Slug, s.Published)
		}
	}
	if n, err := LoadSamples(ctx, st, clock); err != nil || n != 0 {
		t.Fatalf("second LoadSamples=%d, %v, want 0: the store is not empty", n, err)
	}
}

// checkItems is the fuzz invariant: every item either fails in the
// pipeline with a user error or gives a valid, safe article.
func checkItems(t *testing.T, items []Item) {
	t.Helper()
	for _, it := range items {
		if it.Draft == nil {
			t.Fatal("item without a draft")
		}
		a, _, err := it.Draft.Article(now)
		if err != nil {
			if c := article.Code(err); c != article.EINVALID {
				t.Fatalf("Article: %v (code %s), want EINVALID", err, c)
			}
			continue
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
}

func userError(t *testing.T, err error) {
	t.Helper()
	if c := article.Code(err); c != article.EINVALID && c != article.EUNSUPPORTED {
		t.Fatalf("error %v has code %s, want a user error", err, c)
	}
}

func addSeeds(f *testing.F, patterns ...string) {
	for _, p := range patterns {
		files, _ := filepath.Glob(p)
		for _, name := range files {
			if strings.HasSuffix(name, ".golden.json") {
				continue
			}
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

func FuzzFeed(f *testing.F) {
	addSeeds(f, "testdata/*.xml", "testdata/jsonfeed.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		items, err := Feed(b)
		if err != nil {
			userError(t, err)
			return
		}
		checkItems(t, items)
	})
}

func FuzzJSON(f *testing.F) {
	addSeeds(f, "testdata/*.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		drafts, err := JSON(b)
		if err != nil {
			userError(t, err)
			return
		}
		items := make([]Item, len(drafts))
		for i, d := range drafts {
			items[i] = Item{Draft: d}
		}
		checkItems(t, items)
	})
}

func FuzzHTMLPage(f *testing.F) {
	addSeeds(f, "testdata/*.html")
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := HTMLPage(b, "https://example.com/page")
		if err != nil {
			userError(t, err)
			return
		}
		checkItems(t, []Item{{Draft: d}})
	})
}

// unsafeHTML returns why sanitised HTML could run script (an element
// such as script or iframe, an event handler attribute, or a script URL),
// or "" if it cannot. (MathML is kept: package sanitize proves its
// formulas parse back as written.) It is the fuzz targets' safety invariant.
func unsafeHTML(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "object", "embed", "style", "form", "base", "meta", "link", "svg":
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

func TestWithoutSite(t *testing.T) {
	for _, tt := range []struct{ title, site, url, want string }{
		{"Monitoring distributed systems | The SRE Desk", "The SRE Desk", "", "Monitoring distributed systems"},
		{"The best films of the year - Reel Weekly", "", "https://www.reelweekly.example/x", "The best films of the year"},
		{"Reel Weekly: The best films of the year", "Reel Weekly", "", "The best films of the year"},
		{"NYT – Why the sea is rising", "", "https://www.nyt.com/2024/x", "Why the sea is rising"},
		{"Why - and how - we vote", "Reel Weekly", "", "Why - and how - we vote"},
		{"Cats - Dogs", "Dogs", "", "Cats - Dogs"}, // one word left: kept whole
		{"A title without a site", "The SRE Desk", "", "A title without a site"},
	} {
		if got := withoutSite(tt.title, tt.site, tt.url); got != tt.want {
			t.Errorf("withoutSite(%q, %q, %q)=%q, want %q", tt.title, tt.site, tt.url, got, tt.want)
		}
	}
}

func TestImageSize(t *testing.T) {
	for _, tt := range []struct {
		w, h         string
		wantW, wantH int
	}{
		{"1200", "630", 1200, 630},
		{" 800px", "600 ", 800, 600},
		{"1200", "", 0, 0},
		{"0", "630", 0, 0},
		{"-5", "630", 0, 0},
		{"100001", "1", 0, 0},
		{"100000", "1", 100000, 1},
		{"12.5", "10", 0, 0},
		{"auto", "10", 0, 0},
	} {
		if w, h := imageSize(tt.w, tt.h); w != tt.wantW || h != tt.wantH {
			t.Errorf("imageSize(%q, %q)=%d, %d, want %d, %d", tt.w, tt.h, w, h, tt.wantW, tt.wantH)
		}
	}
}

func TestPageImageSize(t *testing.T) {
	body := `<p>` + strings.Repeat("Enough words for readability to keep this paragraph as the article. ", 20) + `</p>`
	for _, tt := range []struct {
		name, head   string
		wantW, wantH int
	}{
		{"OG", `<meta property="og:image" content="https://a.example/i.jpg"><meta property="og:image:width" content="640"><meta property="og:image:height" content="480">`, 640, 480},
		// The twitter:image is the lead image: og:image:width is another's.
		{"TwitterOnly", `<meta name="twitter:image" content="https://a.example/t.jpg"><meta property="og:image:width" content="640"><meta property="og:image:height" content="480">`, 0, 0},
		{"LDOtherImage", `<meta property="og:image" content="https://a.example/i.jpg"><script type="application/ld+json">{"@type":"Article","headline":"H","image":{"@type":"ImageObject","url":"https://a.example/other.jpg","width":10,"height":10}}</script>`, 0, 0},
		{"LDString", `<meta property="og:image" content="https://a.example/i.jpg"><script type="application/ld+json">{"@type":"Article","headline":"H","image":{"url":"https://a.example/i.jpg","width":"300","height":"200"}}</script>`, 300, 200},
		{"BadOG", `<meta property="og:image" content="https://a.example/i.jpg"><meta property="og:image:width" content="wide"><meta property="og:image:height" content="480">`, 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := HTMLPage([]byte(`<!DOCTYPE html><html><head><title>A title here</title>`+tt.head+`</head><body><article>`+body+`</article></body></html>`), "https://a.example/p")
			if err != nil {
				t.Fatal(err)
			}
			if d.Image == nil || d.Image.Width != tt.wantW || d.Image.Height != tt.wantH {
				t.Fatalf("Image=%+v, want %d×%d", d.Image, tt.wantW, tt.wantH)
			}
		})
	}
}

func TestImportSized(t *testing.T) {
	// Lead images without a size in the file are measured once each; one
	// the file sizes is not; a failure leaves the size unknown and says so.
	ctx := context.Background()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.json"), `{"slug": "a", "title": "A", "html": "<p>A.</p>", "image": {"src": "https://img.example/a.png"}}`)
	writeFile(t, filepath.Join(dir, "b.json"), `{"slug": "b", "title": "B", "html": "<p>B.</p>", "image": {"src": "https://img.example/b.png", "width": 10, "height": 20}}`)
	writeFile(t, filepath.Join(dir, "c.json"), `{"slug": "c", "title": "C", "html": "<p>C.</p>", "image": {"src": "https://img.example/broken.png"}}`)
	var asked []string
	sizer := func(_ context.Context, src string) (int, int, error) {
		asked = append(asked, src)
		if strings.Contains(src, "broken") {
			return 0, 0, errors.New("not an image")
		}
		return 640, 480, nil
	}
	st := openStore(t)
	var out bytes.Buffer
	if failed, err := ImportSized(ctx, st, []string{dir}, &out, func() time.Time { return time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC) }, sizer); err != nil || failed != 0 {
		t.Fatalf("ImportSized: %d failed, %v\n%s", failed, err, &out)
	}
	if want := []string{"https://img.example/a.png", "https://img.example/broken.png"}; !reflect.DeepEqual(asked, want) {
		t.Fatalf("measured %q, want %q", asked, want)
	}
	for slug, want := range map[string][2]int{"a": {640, 480}, "b": {10, 20}, "c": {0, 0}} {
		a, err := st.Get(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		if got := [2]int{a.Image.Width, a.Image.Height}; got != want {
			t.Errorf("%s: %v, want %v", slug, got, want)
		}
	}
	if !strings.Contains(out.String(), "(c); image size not read: not an image") {
		t.Fatalf("output lacks the failure:\n%s", &out)
	}
}

func TestLeadImageSrcset(t *testing.T) {
	// The lead <img>'s other widths become the image's srcset: the same
	// picture only, resolved against the page, from the lazy-loading
	// data-srcset before a placeholder's srcset, and from a <picture>'s
	// sources that every browser shows when the <img> offers none.
	base, _ := url.Parse("https://port.example/stories/dawn/")
	const src = "https://cdn.port.example/m/harbour-dawn-1200x675.jpg"
	for _, tt := range []struct {
		name, body string
		want       string // article.SrcsetString of the result
	}{
		{"srcset", `<img src="` + src + `" srcset="/m/harbour-dawn-480x270.jpg 480w, https://cdn.port.example/m/harbour-dawn-960x540.jpg 960w">`,
			"https://port.example/m/harbour-dawn-480x270.jpg 480w, https://cdn.port.example/m/harbour-dawn-960x540.jpg 960w"},
		{"other pictures left out", `<img src="` + src + `" srcset="https://ads.example/banner-300x250.jpg 300w, https://cdn.port.example/m/harbour-dawn-960x540.jpg 960w">`,
			"https://cdn.port.example/m/harbour-dawn-960x540.jpg 960w"},
		{"density only", `<img src="` + src + `" srcset="https://cdn.port.example/m/harbour-dawn-2400x1350.jpg 2x">`, ""},
		{"lazy", `<img src="data:image/gif;base64,R0lGOD" data-src="` + src + `" srcset="data:image/gif;base64,R0lGOD 1w" data-srcset="https://cdn.port.example/m/harbour-dawn-640x360.jpg 640w">`,
			"https://cdn.port.example/m/harbour-dawn-640x360.jpg 640w"},
		{"picture", `<picture><source type="image/avif" srcset="https://cdn.port.example/m/harbour-dawn-480x270.avif 480w"><source media="(max-width: 600px)" srcset="https://cdn.port.example/m/harbour-dawn-600x600.jpg 600w"><source type="image/webp" srcset="https://cdn.port.example/m/harbour-dawn-480x270.webp 480w, https://cdn.port.example/m/harbour-dawn-960x540.webp 960w"><img src="` + src + `"></picture>`,
			"https://cdn.port.example/m/harbour-dawn-480x270.webp 480w, https://cdn.port.example/m/harbour-dawn-960x540.webp 960w"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, lead, ok := dropLeadImage(tt.body+`<p>Text after the picture.</p>`, src, base)
			if !ok {
				t.Fatalf("dropLeadImage found no lead image in %s", tt.body)
			}
			if out != `<p>Text after the picture.</p>` {
				t.Errorf("body after the lead image went: %q, want the paragraph alone (the picture and its sources gone)", out)
			}
			if got := article.SrcsetString(lead.srcset); got != tt.want {
				t.Errorf("srcset %q, want %q", got, tt.want)
			}
		})
	}
}
