package importer

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"folio/article"
	"folio/sanitize"
)

// corpusFloor is what the mean scores over testdata/corpus must reach;
// the measured means are in the README. A change that lowers one below
// its floor is a regression to explain, not a floor to lower.
var corpusFloor = corpusScores{Title: 0.95, Byline: 0.93, Excerpt: 0.85, Dir: 0.98, Body: 0.97}

// corpusScores are the scores of one page, or the means of all, from 0 to 1.
type corpusScores struct {
	Title, Byline, Excerpt, Dir, Body float64
}

// corpusURL is the address Readability's tests give every page.
const corpusURL = "http://fakehost/test/page.html"

// TestCorpus imports the public test pages of Mozilla's Readability
// (testdata/corpus, see its README) as `folio import` does, and scores
// the article against Readability's expected output: title, byline and
// excerpt (words in common, as F1; the excerpt over the shorter of the
// two; the title only where the page has one), direction (same or not;
// where the metadata has none, the dir of the element wrapping
// Readability's text) and body text (words in common, F1). It
// enforces floors on the means, that every page imports, and that no
// embedded video of the expected output vanishes: each of its iframes is
// a facade or a link in Folio's body. Run with -v for every page's scores.
func TestCorpus(t *testing.T) {
	dirs, err := filepath.Glob("testdata/corpus/*/source.html")
	if err != nil || len(dirs) < 30 {
		t.Fatalf("found %d corpus pages, want at least 30 (%v)", len(dirs), err)
	}
	var sum corpusScores
	bodyGood, embeds, titled := 0, 0, 0
	for _, src := range dirs {
		dir := filepath.Dir(src)
		name := filepath.Base(dir)
		s, nEmbeds, err := scorePage(dir)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		embeds += nEmbeds
		title := "  n/a"
		if s.Title >= 0 {
			title = fmt.Sprintf("%5.2f", s.Title)
			sum.Title += s.Title
			titled++
		}
		t.Logf("%-44s title %s  byline %.2f  excerpt %.2f  dir %.0f  body %.2f", name, title, s.Byline, s.Excerpt, s.Dir, s.Body)
		sum.Byline += s.Byline
		sum.Excerpt += s.Excerpt
		sum.Dir += s.Dir
		sum.Body += s.Body
		if s.Body >= 0.9 {
			bodyGood++
		}
	}
	n := float64(len(dirs))
	mean := corpusScores{sum.Title / float64(max(titled, 1)), sum.Byline / n, sum.Excerpt / n, sum.Dir / n, sum.Body / n}
	t.Logf("%d pages: title %.3f (of the %d with a title)  byline %.3f  excerpt %.3f  dir %.3f  body %.3f (body ≥ 0.9 on %d); %d embedded videos kept",
		len(dirs), mean.Title, titled, mean.Byline, mean.Excerpt, mean.Dir, mean.Body, bodyGood, embeds)
	for _, c := range []struct {
		name       string
		got, floor float64
	}{
		{"title", mean.Title, corpusFloor.Title}, {"byline", mean.Byline, corpusFloor.Byline},
		{"excerpt", mean.Excerpt, corpusFloor.Excerpt}, {"dir", mean.Dir, corpusFloor.Dir},
		{"body", mean.Body, corpusFloor.Body},
	} {
		if c.got < c.floor {
			t.Errorf("mean %s score %.3f is below its floor %.2f", c.name, c.got, c.floor)
		}
	}
}

// expectedMeta is Readability's expected-metadata.json.
type expectedMeta struct {
	Title   string `json:"title"`
	Byline  string `json:"byline"`
	Dir     string `json:"dir"`
	Excerpt string `json:"excerpt"`
}

// scorePage imports one corpus page and scores it. It also checks that
// each iframe of the expected output is in the body as a facade or a
// link, and returns how many there were.
func scorePage(dir string) (corpusScores, int, error) {
	var s corpusScores
	src, err := os.ReadFile(filepath.Join(dir, "source.html"))
	if err != nil {
		return s, 0, err
	}
	expHTML, err := os.ReadFile(filepath.Join(dir, "expected.html"))
	if err != nil {
		return s, 0, err
	}
	metaJSON, err := os.ReadFile(filepath.Join(dir, "expected-metadata.json"))
	if err != nil {
		return s, 0, err
	}
	var want expectedMeta
	if err := json.Unmarshal(metaJSON, &want); err != nil {
		return s, 0, err
	}
	d, err := HTMLPage(src, corpusURL)
	if err != nil {
		return s, 0, fmt.Errorf("import: %v", err)
	}
	a, _, err := d.Article(now)
	if err != nil {
		return s, 0, fmt.Errorf("pipeline: %v", err)
	}
	s.Title = -1 // no reference: the page names no title, Folio made one
	if want.Title != "" {
		s.Title = f1(words(a.Title), words(want.Title))
	}
	s.Byline = bylineScore(a.Author, want.Byline)
	s.Excerpt = excerptScore(a.Excerpt, want.Excerpt)
	s.Dir = 0
	if want.Dir == "" {
		want.Dir = wrapperDir(string(expHTML))
	}
	if effectiveDir(a.Dir) == effectiveDir(want.Dir) {
		s.Dir = 1
	}
	s.Body = f1(words(sanitize.PlainText(a.HTML)), words(sanitize.PlainText(article.SafeHTML(expHTML))))
	n := 0
	for _, u := range iframeSources(string(expHTML)) {
		n++
		link := u
		if e, ok := sanitize.MatchEmbed(u); ok {
			link = e.Link
		}
		if !strings.Contains(string(a.HTML), html.EscapeString(link)) {
			return s, n, fmt.Errorf("the expected output's iframe %s is neither a facade nor a link in the body", u)
		}
	}
	return s, n, nil
}

// wrapperDir returns the dir declared by the elements that wrap the whole
// text of Readability's output (as <article dir="rtl"> does when the
// metadata's dir is null), or "".
func wrapperDir(s string) string {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return ""
	}
	n := findElement(doc, atom.Body)
	if n == nil {
		return ""
	}
	for {
		var only *html.Node
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode && strings.TrimSpace(c.Data) == "" || c.Type == html.CommentNode {
				continue
			}
			if only != nil || c.Type != html.ElementNode {
				return ""
			}
			only = c
		}
		if only == nil {
			return ""
		}
		if d := attr(only, "dir"); d != "" {
			return strings.ToLower(d)
		}
		n = only
	}
}

// iframeSources returns the src of every iframe of an HTML document.
func iframeSources(s string) []string {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return nil
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "iframe" {
			if v := attr(n, "src"); v != "" {
				out = append(out, v)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func effectiveDir(d string) string {
	if d == "rtl" {
		return "rtl"
	}
	return "ltr"
}

// words returns the lower-case words (letters and digits) of s.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// f1 scores two bags of words: 2·common/(len a + len b); 1 when both are
// empty.
func f1(a, b []string) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	count := map[string]int{}
	for _, w := range b {
		count[w]++
	}
	common := 0
	for _, w := range a {
		if count[w] > 0 {
			count[w]--
			common++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

// bylineScore compares author names, without a leading "by": 1 when both
// are empty, 0 when only one is.
func bylineScore(got, want string) float64 {
	strip := func(s string) []string {
		w := words(s)
		if len(w) > 0 && w[0] == "by" {
			w = w[1:]
		}
		return w
	}
	return f1(strip(got), strip(want))
}

// excerptScore compares two excerpts over the length of the shorter: a
// derived excerpt is cut at 200 characters, Readability's is a whole
// description or paragraph.
func excerptScore(got, want string) float64 {
	g, w := words(strings.TrimSuffix(got, "…")), words(want)
	if len(g) > 0 && strings.HasSuffix(got, "…") {
		g = g[:len(g)-1] // the cut word may be partial
	}
	k := min(len(g), len(w))
	if k == 0 {
		return f1(g, w)
	}
	return f1(g[:k], w[:k])
}
