package preview

import (
	"golang.org/x/net/html"

	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"folio/article"
	"folio/draft"
	"folio/internal/htmltest"
	"folio/internal/wire"
	"folio/sanitize"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

var pvNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// TestPreviewPipelineMatchesImport checks that the preview's pipeline
// gives, for the sample article as plain text and no metadata, exactly
// what `folio import` stores (draft.Text, then (*Draft).Article), but for
// the date, which publishing from the preview sets to now.
func TestPreviewPipelineMatchesImport(t *testing.T) {
	data, err := os.ReadFile("../../samples/000_bf3c0d247e44f2ef.txt")
	if err != nil {
		t.Fatal(err)
	}
	d, err := draft.Text(data)
	if err != nil {
		t.Fatal(err)
	}
	imported, _, err := d.Article(pvNow)
	if err != nil {
		t.Fatal(err)
	}
	if !imported.Published.IsZero() {
		t.Fatalf("imported Published=%v, want none: the text names no date", imported.Published)
	}
	// The preview shows the article as publishing it through the API
	// stores it: dated now when the draft names no date.
	d.PublishNow = true
	want, wantReport, err := d.Article(pvNow)
	if err != nil {
		t.Fatal(err)
	}
	if imported.Published = want.Published; !reflect.DeepEqual(imported, want) {
		t.Fatalf("import and preview differ beyond the date: %+v, %+v", imported, want)
	}
	res := runPipeline(&previewDraft{Format: formatText, Body: string(data)}, pvNow)
	if res.Err != "" {
		t.Fatalf("Err=%q", res.Err)
	}
	if !reflect.DeepEqual(res.Article, want) {
		t.Fatalf("Article=%+v, want %+v", res.Article, want)
	}
	if !reflect.DeepEqual(res.Report, wantReport) {
		t.Fatalf("Report=%v, want %v", res.Report, wantReport)
	}
	if res.Found.Title != want.Title || res.Found.Caption == "" || res.Found.Credit == "" || res.Found.Tags == "" {
		t.Fatalf("Found=%+v lacks what the text gave", res.Found)
	}
}

func TestPreviewPipelineFormats(t *testing.T) {
	for _, tc := range []struct {
		name, format, body string
		meta               draftMeta
		title, err         string
		html               article.SafeHTML
		tags               []string
	}{
		{name: "html h1", format: formatHTML, body: "<h1>From <i>h1</i></h1><p>Body</p>", title: "From h1", html: "<p>Body</p>", tags: []string{}},
		{name: "html title field wins", format: formatHTML, body: "<h1>From h1</h1><p>Body</p>", meta: draftMeta{Title: "Field"}, title: "Field", html: "<p>Body</p>", tags: []string{}},
		{name: "markdown front matter", format: formatMarkdown, body: "---\ntitle: Front\ntags: [a, b]\n---\n\nSome *text*.", title: "Front", html: "<p>Some <em>text</em>.</p>\n", tags: []string{"a", "b"}},
		{name: "tags field replaces", format: formatMarkdown, body: "---\ntitle: Front\ntags: [a, b]\n---\n\nx", meta: draftMeta{Tags: " c ,, d "}, title: "Front", html: "<p>x</p>\n", tags: []string{"c", "d"}},
		{name: "plain text", format: formatText, body: "The Title\n\nBy Jane Roe\n\nFirst paragraph.", title: "The Title", html: "<p>First paragraph.</p>\n", tags: []string{}},
		{name: "empty body, title field", format: formatHTML, body: "  \n", meta: draftMeta{Title: "Only a title"}, title: "Only a title", html: "", tags: []string{}},
		{name: "no title", format: formatHTML, body: "<p>Body</p>", err: "Add a title to publish"},
		{name: "bad front matter", format: formatMarkdown, body: "---\ntitle: [\n---\nx", err: "front matter"},
		{name: "bad date", format: formatHTML, body: "<p>x</p>", meta: draftMeta{Title: "T", Published: "yesterday"}, err: "published: write the date as YYYY-MM-DD"},
		{name: "bad language", format: formatHTML, body: "<p>x</p>", meta: draftMeta{Title: "T", Lang: "not a tag"}, err: "lang"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := runPipeline(&previewDraft{Format: tc.format, Body: tc.body, Meta: tc.meta}, pvNow)
			if tc.err != "" {
				if res.Article != nil || !strings.Contains(res.Err, tc.err) {
					t.Fatalf("Err=%q Article=%v, want an error containing %q", res.Err, res.Article, tc.err)
				}
				// A draft that lacks only its title is shown all the same.
				if tc.name == "no title" && (res.Untitled == nil || res.Untitled.HTML != "<p>Body</p>" || res.Untitled.Title != untitled) {
					t.Fatalf("Untitled=%+v, want the body shown under the placeholder title", res.Untitled)
				}
				return
			}
			if res.Article == nil {
				t.Fatalf("Err=%q, want an article", res.Err)
			}
			a := res.Article
			if a.Title != tc.title || a.HTML != tc.html || !slices.Equal(a.Tags, tc.tags) {
				t.Fatalf("title=%q html=%q tags=%q, want %q %q %q", a.Title, a.HTML, a.Tags, tc.title, tc.html, tc.tags)
			}
		})
	}
}

func TestPreviewMetaFields(t *testing.T) {
	body := "Headline\n\nA caption that is repeated.\nA caption that is repeated.\nPhoto: Agency\n\nText of the article."
	res := runPipeline(&previewDraft{Format: formatText, Body: body, Meta: draftMeta{
		Subtitle: "Sub", Author: "Ann <b>Author</b>", Site: "Site", URL: "https://news.example/a/b",
		Image: "/img/lead.jpg", ImageAlt: "Alt", Credit: "Own photo", Lang: "pt_BR", Excerpt: "Short.",
		Published: "2024-03-01", Srcset: "https://cdn.example/lead-960.jpg 960w, /img/lead-480.jpg 480w",
	}}, pvNow)
	a := res.Article
	if a == nil {
		t.Fatalf("Err=%q", res.Err)
	}
	wantImg := &article.Image{Src: "https://news.example/img/lead.jpg", Alt: "Alt", Caption: "A caption that is repeated.", Credit: "Own photo",
		Srcset: []article.ImageSource{{Src: "https://news.example/img/lead-480.jpg", Width: 480}, {Src: "https://cdn.example/lead-960.jpg", Width: 960}}}
	if !reflect.DeepEqual(a.Image, wantImg) {
		t.Errorf("Image=%+v, want %+v (fields over the text, src resolved against the URL)", a.Image, wantImg)
	}
	for got, want := range map[string]string{
		a.Title: "Headline", a.Subtitle: "Sub", a.Author: "Ann Author", a.Site: "Site", a.Lang: "pt-BR",
		a.Excerpt: "Short.", a.Published.Format(time.DateOnly): "2024-03-01",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	if res.Found.Credit != "Agency" || res.Found.Title != "Headline" {
		t.Errorf("Found=%+v, want the text's own credit and title", res.Found)
	}

	// A javascript: image is removed and reported like the sanitiser's.
	res = runPipeline(&previewDraft{Format: formatHTML, Body: "<p>x</p>", Meta: draftMeta{Title: "T", Image: "javascript:alert(1)", Caption: "C"}}, pvNow)
	if res.Article == nil || res.Article.Image.Src != "" || res.Article.Image.Caption != "C" {
		t.Fatalf("Article=%+v, want the caption without the src", res.Article)
	}
	if what, _ := removalText(res.Report[0]); what != "javascript: URL in the image field" {
		t.Fatalf("report %v: %q", res.Report, what)
	}

	// Image widths: a javascript: candidate is reported the same way; a
	// value with no width candidate is an error that names it.
	res = runPipeline(&previewDraft{Format: formatHTML, Body: "<p>x</p>", Meta: draftMeta{Title: "T", Image: "https://cdn.example/a.jpg", Srcset: "javascript:alert(1) 480w, https://cdn.example/b.jpg 960w"}}, pvNow)
	if res.Article == nil || article.SrcsetString(res.Article.Image.Srcset) != "https://cdn.example/b.jpg 960w" {
		t.Fatalf("Article=%+v, Err=%q", res.Article, res.Err)
	}
	if what, _ := removalText(res.Report[0]); what != "javascript: URL in the image widths field" {
		t.Fatalf("report %v: %q", res.Report, what)
	}
	res = runPipeline(&previewDraft{Format: formatHTML, Body: "<p>x</p>", Meta: draftMeta{Title: "T", Image: "https://cdn.example/a.jpg", Srcset: "https://cdn.example/b.jpg 2x"}}, pvNow)
	if res.Article != nil || !strings.Contains(res.Err, "image widths") {
		t.Fatalf("Article=%+v, Err=%q: want an error naming the image widths", res.Article, res.Err)
	}
}

func TestRemovalText(t *testing.T) {
	_, rep := sanitize.HTML(`<script>x</script><script>y</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">a</a><a href="http://[::1">b</a><!-- c -->`+
		`<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe><p>https://vimeo.com/76979871</p><math><mtext><mi>x</mi></mtext></math>`, nil)
	var got []string
	for _, r := range rep {
		what, count := removalText(r)
		got = append(got, what+" "+count)
	}
	want := []string{"<script> ×2", "<!-- comment --> ×1", "<math> → text ×1", "onerror attribute on <img> ×1", "invalid URL on <a> ×1", "javascript: URL on <a> ×1",
		"<iframe> → youtube facade ×1", "a url alone in a paragraph → vimeo facade ×1"}
	if !slices.Equal(got, want) {
		t.Fatalf("removalText=%q, want %q", got, want)
	}
	for _, tc := range []struct {
		r    sanitize.Report
		want string
	}{
		{nil, "Nothing was removed: the draft is published as you see it."},
		{sanitize.Report{{Count: 1}}, "The sanitiser removed 1 thing that is not allowed in published articles."},
		{sanitize.Report{{Count: 2}, {Count: 3}}, "The sanitiser removed 5 things that are not allowed in published articles."},
	} {
		if got := reportSummary(tc.r); got != tc.want {
			t.Errorf("reportSummary=%q, want %q", got, tc.want)
		}
	}
}

func TestPreviewPublishBody(t *testing.T) {
	res := runPipeline(&previewDraft{Format: formatMarkdown, Body: "---\nslug: my-slug\ntitle: T\npublished: 2024-01-02\n---\n\n<p onclick=x>raw</p>"}, pvNow)
	if res.Draft == nil {
		t.Fatalf("Err=%q", res.Err)
	}
	b, err := json.Marshal(newPublishBody(res.Draft, false))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	if m["slug"] != "my-slug" || m["title"] != "T" || m["published"] != "2024-01-02T00:00:00Z" || !strings.Contains(m["html"].(string), "onclick") {
		t.Fatalf("create body %s: want the slug, title, date and the raw html (the server sanitises it)", b)
	}
	if tags, ok := m["tags"].([]any); !ok || len(tags) != 0 {
		t.Fatalf("tags=%v, want []", m["tags"])
	}
	b, _ = json.Marshal(newPublishBody(res.Draft, true))
	if strings.Contains(string(b), `"slug"`) {
		t.Fatalf("update body %s names a slug: the article keeps its own", b)
	}
	// Only fields the API knows (it rejects unknown ones).
	known := []string{"slug", "title", "subtitle", "author", "site", "url", "published", "updated", "tags", "image", "excerpt", "html", "lang", "dir"}
	for k := range m {
		if !slices.Contains(known, k) {
			t.Errorf("the body has the field %q, which the API does not know", k)
		}
	}
}

func TestDecodeDrafts(t *testing.T) {
	t1, t2 := pvNow, pvNow.Add(time.Hour)
	in, _ := json.Marshal([]*previewDraft{
		{ID: "a", Format: formatText, Body: "old", Updated: t1},
		{ID: "b", Format: "rtf", Body: "new", Updated: t2},
		{ID: "a", Format: formatHTML, Body: "duplicate"},
		{ID: "", Body: "no id"},
	})
	list := decodeDrafts(string(in))
	if len(list) != 2 || list[0].ID != "b" || list[1].ID != "a" || list[0].Format != formatHTML || list[1].Body != "old" {
		t.Fatalf("decodeDrafts=%+v", list)
	}
	for _, bad := range []string{"", "null", "{", `{"id":"x"}`, `[null]`} {
		if got := decodeDrafts(bad); len(got) != 0 {
			t.Errorf("decodeDrafts(%q)=%v, want none", bad, got)
		}
	}
	// The current draft replaces its stored copy; deleted ones go; drafts
	// other tabs stored stay.
	cur := &previewDraft{ID: "a", Body: "edited", Updated: t2.Add(time.Hour)}
	merged := mergeDrafts(list, cur, map[string]bool{"b": true})
	if len(merged) != 1 || merged[0] != cur {
		t.Fatalf("mergeDrafts=%+v, want only the current draft", merged)
	}
	other := &previewDraft{ID: "c", Updated: t1}
	merged = mergeDrafts(append(list, other), cur, nil)
	if ids := []string{merged[0].ID, merged[1].ID, merged[2].ID}; !slices.Equal(ids, []string{"a", "b", "c"}) || merged[0] != cur {
		t.Fatalf("mergeDrafts ids=%q", ids)
	}
	if got := mergeDrafts(list, nil, map[string]bool{"a": true}); len(got) != 1 || got[0].ID != "b" {
		t.Fatalf("mergeDrafts without a current draft=%+v", got)
	}

	pub, upd := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), time.Date(2024, 3, 2, 8, 0, 0, 0, time.UTC)
	d := draftFromPage(wire.Extracted{Title: "T", URL: "https://x.example/p", HTML: "<p>b</p>", Tags: []string{"a", "b"}, Published: &pub, Updated: &upd, Dir: "rtl"})
	res := runPipeline(d, pvNow)
	if d.Format != formatHTML || d.Meta.Tags != "a, b" || res.Article == nil || !res.Article.Published.Equal(pub) {
		t.Fatalf("draftFromPage=%+v, pipeline %q", d, res.Err)
	}
	// Every field /api/extract answers reaches the article (dir and
	// updated were once dropped by a second copy of the type).
	if res.Article.Dir != "rtl" || !res.Article.Updated.Equal(upd) {
		t.Fatalf("dir=%q updated=%v, want rtl and %v", res.Article.Dir, res.Article.Updated, upd)
	}
	if got := draftTitle(&previewDraft{Title: "Cached"}, nil); got != "Cached" {
		t.Errorf("draftTitle=%q, want the cached title", got)
	}
	if got := draftTitle(&previewDraft{Name: " Named ", Title: "Cached"}, nil); got != "Named" {
		t.Errorf("draftTitle=%q, want the name", got)
	}
}

// TestPreviewPrerender checks the page the server sends for /preview: the
// editor, the frames sandboxed without scripts, and nothing of a draft.
func TestPreviewPrerender(t *testing.T) {
	out := app.HTMLString(&preview{})
	els := parse(t, out)
	if n := len(els["textarea"]); n != 1 {
		t.Fatalf("%d textareas, want the editor", n)
	}
	if n := len(els["iframe"]); n != len(previewFrames) {
		t.Fatalf("%d frames, want %d", n, len(previewFrames))
	}
	for _, f := range els["iframe"] {
		for _, a := range f.Attr {
			if a.Key == "src" || a.Key == "srcdoc" || a.Key == "sandbox" && strings.Contains(a.Val, "allow-scripts") {
				t.Errorf("frame attribute %s=%q", a.Key, a.Val)
			}
		}
	}
	for _, want := range []string{`data-page="preview"`, `href="/web/preview.css"`, `id="pv-stage"`, `sandbox="` + frameSandbox + `"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}

// parse is htmltest.Elements.
func parse(t *testing.T, s string) map[string][]*html.Node { return htmltest.Elements(t, s) }
