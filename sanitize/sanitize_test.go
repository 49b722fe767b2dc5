package sanitize

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"folio/article"
)

var testBase = mustParse("https://news.example/2017/07/cyber-unit/")

func mustParse(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestHTMLAllowed(t *testing.T) {
	tests := []struct {
		name string
		base *url.URL
		in   string
		want string
	}{
		{"paragraph and inline", nil,
			`<p>It&#39;s <em>Sunday</em> <strong>morning</strong>, <b>so</b> <i>you</i> <u>know</u> <s>where</s> <sub>2</sub><sup>3</sup> <mark>m</mark> <small>s</small> <abbr title="Group of Twenty">G20</abbr> <cite>c</cite> <q cite="https://q.example/">q</q> <kbd>k</kbd> <samp>s</samp> <var>v</var> <del datetime="2017-07-09">d</del> <ins>i</ins></p>`,
			`<p>It&#39;s <em>Sunday</em> <strong>morning</strong>, <b>so</b> <i>you</i> <u>know</u> <s>where</s> <sub>2</sub><sup>3</sup> <mark>m</mark> <small>s</small> <abbr title="Group of Twenty">G20</abbr> <cite>c</cite> <q cite="https://q.example/">q</q> <kbd>k</kbd> <samp>s</samp> <var>v</var> <del datetime="2017-07-09">d</del> <ins>i</ins></p>`},
		{"headings kept", nil,
			`<h1>One</h1><h2>Two</h2><h3>Three</h3><h4>Four</h4><h5>Five</h5><h6>Six</h6>`,
			`<h1>One</h1><h2>Two</h2><h3>Three</h3><h4>Four</h4><h5>Five</h5><h6>Six</h6>`},
		{"figure with caption", nil,
			`<figure><img src="https://img.example/putin.jpg" alt="Putin and Trump" width="1024" height="683px"><figcaption>“Wait, wait, I know!” <em>Image: BPA via Getty Images</em></figcaption></figure>`,
			`<figure><img src="https://img.example/putin.jpg" alt="Putin and Trump" width="1024" height="683" loading="lazy" decoding="async"><figcaption>“Wait, wait, I know!” <em>Image: BPA via Getty Images</em></figcaption></figure>`},
		{"table", nil,
			`<table><caption>Votes</caption><thead><tr><th scope="COL">Year</th><th colspan="2">Who</th></tr></thead><tbody><tr><td rowspan="2">2016</td><td>a</td><td>b</td></tr></tbody><tfoot><tr><td colspan=3>end</td></tr></tfoot></table>`,
			`<table><caption>Votes</caption><thead><tr><th scope="col">Year</th><th colspan="2">Who</th></tr></thead><tbody><tr><td rowspan="2">2016</td><td>a</td><td>b</td></tr></tbody><tfoot><tr><td colspan="3">end</td></tr></tfoot></table>`},
		{"srcset image gets lazy and async", nil,
			`<img src="https://img.example/a-1024.jpg" srcset="https://img.example/a-300.jpg 300w,https://img.example/a-1024.jpg   1024W" sizes="(max-width: 1024px) 100vw, 1024px" alt="">`,
			`<img src="https://img.example/a-1024.jpg" srcset="https://img.example/a-300.jpg 300w, https://img.example/a-1024.jpg 1024w" sizes="(max-width: 1024px) 100vw, 1024px" alt="" loading="lazy" decoding="async">`},
		{"image's own loading and decoding replaced", nil,
			`<img src="https://img.example/a.jpg" loading="eager" decoding="sync">`,
			`<img src="https://img.example/a.jpg" loading="lazy" decoding="async">`},
		{"relative URLs resolved against base", testBase,
			`<p><a href="../../08/next/">next</a> <a href="/about">about</a> <img src="img/a.jpg" srcset="img/a.jpg 1x, /img/b.jpg 2x"></p><blockquote cite="?src=q"><p>q</p></blockquote>`,
			`<p><a href="https://news.example/2017/08/next/" rel="noopener noreferrer nofollow" target="_blank">next</a> <a href="https://news.example/about" rel="noopener noreferrer nofollow" target="_blank">about</a> <img src="https://news.example/2017/07/cyber-unit/img/a.jpg" srcset="https://news.example/2017/07/cyber-unit/img/a.jpg 1x, https://news.example/img/b.jpg 2x" loading="lazy" decoding="async"></p><blockquote cite="https://news.example/2017/07/cyber-unit/?src=q"><p>q</p></blockquote>`},
		{"relative URLs kept without base", nil,
			`<a href="/about">about</a> <img src="img/a.jpg">`,
			`<a href="/about">about</a> <img src="img/a.jpg" loading="lazy" decoding="async">`},
		{"protocol-relative gets the base's scheme", mustParse("http://news.example/a/"),
			`<a href="//other.example/x">x</a>`,
			`<a href="http://other.example/x" rel="noopener noreferrer nofollow" target="_blank">x</a>`},
		{"protocol-relative gets https without base", nil,
			`<img src="//cdn.example/a.jpg">`,
			`<img src="https://cdn.example/a.jpg" loading="lazy" decoding="async">`},
		{"external link rel and target, own rel and target replaced", nil,
			`<a href="https://www.reuters.example/x" rel="opener" target="_self" title="Reuters">Reuters</a>`,
			`<a href="https://www.reuters.example/x" title="Reuters" rel="noopener noreferrer nofollow" target="_blank">Reuters</a>`},
		{"mailto link", nil,
			`<a href="mailto:tips@news.example">tips</a>`,
			`<a href="mailto:tips@news.example">tips</a>`},
		{"ids prefixed and fragment links follow, even with a base", testBase,
			`<p>Claim<sup id="fnref:1"><a href="#fn:1">1</a></sup></p><ol><li id="fn:1">Source. <a href="#fnref:1">↩</a></li></ol>`,
			`<p>Claim<sup id="user-content-fnref:1"><a href="#user-content-fn:1">1</a></sup></p><ol><li id="user-content-fn:1">Source. <a href="#user-content-fnref:1">↩</a></li></ol>`},
		{"code language class kept, others dropped", nil,
			`<pre class="wp-block-code"><code class="hljs language-go">if a &lt; b {}</code></pre>`,
			`<pre><code class="language-go">if a &lt; b {}</code></pre>`},
		{"lists", nil,
			`<ul><li>a</li></ul><ol start="3" reversed type="a"><li value="7">b</li></ol><dl><dt>t</dt><dd>d</dd></dl>`,
			`<ul><li>a</li></ul><ol start="3" reversed="" type="a"><li value="7">b</li></ol><dl><dt>t</dt><dd>d</dd></dl>`},
		{"details, time, hr, br", nil,
			`<details open><summary>More</summary><p>x<br>y</p></details><hr><time datetime="2017-07-09T14:02:00Z">9 July</time>`,
			`<details open=""><summary>More</summary><p>x<br>y</p></details><hr><time datetime="2017-07-09T14:02:00Z">9 July</time>`},
		{"picture and source", nil,
			`<picture><source srcset="https://img.example/a.webp" type="image/webp" media="(min-width: 600px)"><img src="https://img.example/a.jpg" alt="a"></picture>`,
			`<picture><source srcset="https://img.example/a.webp" type="image/webp" media="(min-width: 600px)"><img src="https://img.example/a.jpg" alt="a" loading="lazy" decoding="async"></picture>`},
		{"lang and dir", nil,
			`<p lang="ar" dir="RTL">مرحبا</p><bdo dir="ltr">x</bdo>`,
			`<p lang="ar" dir="rtl">مرحبا</p><bdo dir="ltr">x</bdo>`},
		{"unclosed elements closed, stray end tags ignored", nil,
			`</div><div><p>one <b>two`,
			`<div><p>one <b>two</b></p></div>`},
		{"misnested end tag closes what it contains", nil,
			`<p><b>bold <i>both</b> plain</i></p>`,
			`<p><b>bold <i>both</i></b> plain</p>`},
		{"implied end tags closed as a browser closes them", nil,
			`<ul><li>a<li>b</ul><table><tr><td>1<td>2<tr><th>3</table><p>one<p>two<div>three</div></p><dl><dt>t<dd>d</dl><h2>x<h3>y`,
			`<ul><li>a</li><li>b</li></ul><table><tr><td>1</td><td>2</td></tr><tr><th>3</th></tr></table><p>one</p><p>two</p><div>three</div><dl><dt>t</dt><dd>d</dd></dl><h2>x</h2><h3>y</h3>`},
		{"a link inside a link closes the first", nil,
			`<a href="https://a.example/">a <a href="https://b.example/">b</a></a>`,
			`<a href="https://a.example/" rel="noopener noreferrer nofollow" target="_blank">a </a><a href="https://b.example/" rel="noopener noreferrer nofollow" target="_blank">b</a>`},
		{"unknown wrapper removed, content kept in place", nil,
			`<center><font face="Arial"><p>x</p></font></center>`,
			`<p>x</p>`},
		{"text escaped, entities decoded", nil,
			`5 &lt; 6 &amp;&amp; "quotes" &copy; &#x1F600;`,
			`5 &lt; 6 &amp;&amp; &#34;quotes&#34; © 😀`},
		{"control characters left out of text", nil,
			"<p>a\x00b\x01c\x7fd\u0085e\r\nf</p>",
			"<p>abcde\nf</p>"},
		{"invalid UTF-8 replaced", nil,
			"<p>a\xffb</p>",
			"<p>a\uFFFDb</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rep := HTML(tt.in, tt.base)
			if string(got) != tt.want {
				t.Fatalf("HTML(%q)=\n%q, want\n%q", tt.in, got, tt.want)
			}
			checkSafe(t, tt.in, tt.base)
			// A case whose name says "dropped" or "removed" removes markup.
			removes := strings.Contains(tt.name, "dropped") || strings.Contains(tt.name, "removed")
			if (len(rep) > 0) != removes {
				t.Fatalf("report=%s, want one only when the case removes something", jsonOf(rep))
			}
		})
	}
}

func TestHTMLReport(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // the output
		rep  Report
	}{
		{"script, onerror and javascript link",
			`<p>Hi<script>alert(1)</script></p><img src="https://img.example/a.jpg" onerror="alert(2)"><a href="javascript:alert(3)">x</a>`,
			`<p>Hi</p><img src="https://img.example/a.jpg" loading="lazy" decoding="async">x`,
			Report{
				{Kind: "element", Name: "script", Count: 1, Sample: "<script>alert(1)</script>"},
				{Kind: "attribute", Name: "onerror", On: "img", Count: 1, Sample: `onerror="alert(2)"`},
				{Kind: "url", Name: "javascript:", On: "a", Count: 1, Sample: `href="javascript:alert(3)"`},
			}},
		{"counts, then names",
			`<p style="a" class="b">1</p><p style="c">2</p><iframe src="https://x.example/"></iframe><style>p{}</style><style>q{}</style><object data="x.swf"></object>`,
			`<p>1</p><p>2</p><figure class="embed"><a href="https://x.example/" rel="noopener noreferrer nofollow" target="_blank">Embedded content: x.example/</a></figure>`,
			Report{
				{Kind: "element", Name: "style", Count: 2, Sample: "<style>p{}</style>"},
				{Kind: "element", Name: "object", Count: 1, Sample: `<object data="x.swf"></object>`},
				{Kind: "attribute", Name: "style", On: "p", Count: 2, Sample: `style="a"`},
				{Kind: "attribute", Name: "class", On: "p", Count: 1, Sample: `class="b"`},
				{Kind: "embed", Name: "iframe", As: "link", Count: 1, Sample: `<iframe src="https://x.example/">`},
			}},
		{"schemes as a browser sees them",
			"<a href=\"java&#x09;script:alert(1)\">a</a><a href=\" VBScript:x\">b</a><img src=\"data:image/png;base64,AAAA\"><a href=\"http://[::1\">c</a>",
			`abc`,
			Report{
				{Kind: "url", Name: "data:", On: "img", Count: 1, Sample: `src="data:image/png;base64,AAAA"`},
				{Kind: "url", Name: "invalid", On: "a", Count: 1, Sample: `href="http://[::1"`},
				{Kind: "url", Name: "javascript:", On: "a", Count: 1, Sample: `href="java script:alert(1)"`},
				{Kind: "url", Name: "vbscript:", On: "a", Count: 1, Sample: `href=" VBScript:x"`},
			}},
		{"srcset candidates one by one",
			`<img srcset="https://img.example/a.jpg 1x, javascript:alert(1) 2x, https://img.example/b.jpg 3q">`,
			`<img srcset="https://img.example/a.jpg 1x" loading="lazy" decoding="async">`,
			Report{
				{Kind: "url", Name: "invalid", On: "img", Count: 1, Sample: "srcset=https://img.example/b.jpg 3q"},
				{Kind: "url", Name: "javascript:", On: "img", Count: 1, Sample: "srcset=javascript:alert(1)"},
			}},
		{"values that do not fit",
			`<td colspan="all" dir="sideways" lang="x">c</td><p id="` + strings.Repeat("x", 130) + `">p</p>`,
			`<td>c</td><p>p</p>`,
			Report{
				{Kind: "attribute", Name: "colspan", On: "td", Count: 1, Sample: `colspan="all"`},
				{Kind: "attribute", Name: "dir", On: "td", Count: 1, Sample: `dir="sideways"`},
				{Kind: "attribute", Name: "id", On: "p", Count: 1, Sample: clip(`id="`+strings.Repeat("x", 130)+`"`, MaxSample)},
				{Kind: "attribute", Name: "lang", On: "td", Count: 1, Sample: `lang="x"`},
			}},
		{"comments, and content inside removed elements is not counted again",
			`<!-- wp:paragraph --><svg onload="alert(1)"><script>x</script></svg><p>ok</p>`,
			`<p>ok</p>`,
			Report{
				{Kind: "element", Name: "#comment", Count: 1, Sample: "<!-- wp:paragraph -->"},
				{Kind: "element", Name: "svg", Count: 1, Sample: `<svg onload="alert(1)"><script>x</script></svg>`},
			}},
		{"link without href",
			`<p><a name="top"></a><a>plain</a><a title="t">x</a></p>`,
			`<p><span id="user-content-top"></span>plainx</p>`,
			Report{
				{Kind: "element", Name: "a", Count: 2, Sample: "<a>"},
			}},
		{"tag cut off by the end of the input",
			`<p>x</p><img src=x onerror=alert(1)//`,
			`<p>x</p>`,
			Report{{Kind: "element", Name: "img", Count: 1, Sample: "<img src=x onerror=alert(1)//"}}},
		{"policy attributes are not removals",
			`<a href="https://x.example/" rel="nofollow" target="_top">x</a><img src="https://x.example/a.jpg" loading="eager">`,
			`<a href="https://x.example/" rel="noopener noreferrer nofollow" target="_blank">x</a><img src="https://x.example/a.jpg" loading="lazy" decoding="async">`,
			nil},
		{"long sample clipped to one line",
			"<script>\n" + strings.Repeat("var x = 1;\n", 20) + "</script>",
			``,
			Report{{Kind: "element", Name: "script", Count: 1, Sample: "<script> " + strings.Repeat("var x = 1; ", 6) + "var…"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rep := HTML(tt.in, nil)
			if string(got) != tt.want {
				t.Fatalf("HTML(%q)=%q, want %q", tt.in, got, tt.want)
			}
			if !reflect.DeepEqual(rep, tt.rep) {
				t.Fatalf("report=%s, want %s", jsonOf(rep), jsonOf(tt.rep))
			}
			for _, r := range rep {
				if n := len([]rune(r.Sample)); n > MaxSample {
					t.Fatalf("sample %q is %d characters, want at most %d", r.Sample, n, MaxSample)
				}
			}
		})
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestReportJSON(t *testing.T) {
	_, rep := HTML(`<img src=x onerror=alert(1)>`, nil)
	got := jsonOf(rep)
	want := `[{"kind":"attribute","name":"onerror","on":"img","count":1,"sample":"onerror=\"alert(1)\""}]`
	if got != want {
		t.Fatalf("JSON=%s, want %s", got, want)
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Trump and Putin", "Trump and Putin"},
		{"entities decoded", "AT&amp;T&#39;s &quot;cyber&quot; unit &lt;3 &copy;", `AT&T's "cyber" unit <3 ©`},
		{"markup stripped", "<b>Bold</b> <i>move</i>", "Bold move"},
		{"blocks separate words", "<p>One</p><p>Two</p>Three<br>Four", "One Two Three Four"},
		{"inline elements do not", "cyber<em>security</em>", "cybersecurity"},
		{"script and style content dropped", "Title<script>alert(1)</script><style>p{}</style>", "Title"},
		{"whitespace collapsed and trimmed", "  a \t\n b\u00a0\u00a0c  ", "a b c"},
		{"control characters dropped", "a\x00b\x07c\x7fd\u0085e", "abcde"},
		{"not escaped for HTML", "5 < 6 & 7 > 2", "5 < 6 & 7 > 2"},
		{"invalid UTF-8 replaced", "a\xffb", "a\uFFFDb"},
		{"comments dropped", "a<!-- b -->c", "ac"},
		{"empty", " \n ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Fatalf("Text(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"blocks on lines", "<h1>Title</h1><p>One <b>two</b>\nthree.</p><ul><li>a</li><li>b</li></ul>", "Title\nOne two three.\na\nb"},
		{"cells separated", "<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>", "1 2\n3"},
		{"br ends a line", "<p>a<br>b</p>", "a\nb"},
		{"pre keeps its lines", "<pre><code>x := 1\ny := 2</code></pre>", "x := 1\ny := 2"},
		{"entities decoded", "<p>AT&amp;T &lt;3</p>", "AT&T <3"},
		{"image alt is not visible text", `<p>a <img src="x.jpg" alt="photo"> b</p>`, "a b"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainText(article.SafeHTML(tt.in)); got != tt.want {
				t.Fatalf("PlainText(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestPlainTextSample runs the sample article, as the draft package would
// give it, through HTML and PlainText.
func TestPlainTextSample(t *testing.T) {
	pages := loadPages(t)
	h, _ := HTML(pages["article-12k.html"], testBase)
	text := PlainText(h)
	if !strings.HasPrefix(text, "Trump and Putin unironically discussed forming a ‘cyber security unit’\nBy Jane Doe · July 9, 2017\n") {
		t.Fatalf("PlainText starts %q", text[:min(len(text), 200)])
	}
	for _, bad := range []string{"googletag", "widgets.js", "<", "wp:paragraph"} {
		if strings.Contains(text, bad) {
			t.Fatalf("PlainText holds %q: %q", bad, text)
		}
	}
}

// loadCorpus reads testdata/xss.txt: one vector per line; \xHH and \uHHHH
// stand for that byte or code point.
func loadCorpus(tb testing.TB) []string {
	tb.Helper()
	b, err := os.ReadFile("testdata/xss.txt")
	if err != nil {
		tb.Fatal(err)
	}
	esc := regexp.MustCompile(`\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}`)
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, esc.ReplaceAllStringFunc(line, func(m string) string {
			n, _ := strconv.ParseUint(m[2:], 16, 32)
			if m[1] == 'x' {
				return string([]byte{byte(n)})
			}
			return string(rune(n))
		}))
	}
	return out
}

func loadPages(tb testing.TB) map[string]string {
	tb.Helper()
	files, err := filepath.Glob("testdata/pages/*.html")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no pages in testdata/pages: %v", err)
	}
	pages := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		pages[filepath.Base(f)] = string(b)
	}
	return pages
}

func TestCorpus(t *testing.T) {
	corpus := loadCorpus(t)
	if len(corpus) < 150 {
		t.Fatalf("corpus has %d vectors, want at least 150", len(corpus))
	}
	for i, v := range corpus {
		t.Run(strconv.Itoa(i+1), func(t *testing.T) {
			for _, base := range []*url.URL{nil, testBase} {
				_, rep := checkSafe(t, v, base)
				if mustReport(v) && len(rep) == 0 {
					t.Fatalf("HTML(%q) reported nothing", v)
				}
			}
		})
	}
}

func TestPages(t *testing.T) {
	removed := map[string]bool{}
	for name, page := range loadPages(t) {
		t.Run(name, func(t *testing.T) {
			out, rep := checkSafe(t, page, testBase)
			if len(out) < len(page)/3 {
				t.Fatalf("HTML kept %d of %d bytes", len(out), len(page))
			}
			for _, r := range rep {
				removed[r.Name] = true
			}
		})
	}
	for _, want := range []string{"script", "iframe", "form", "noscript", "onclick", "onerror", "style", "class", "data:"} {
		if !removed[want] {
			t.Fatalf("no page reported removing %q", want)
		}
	}
}

// mustReport reports whether the vector holds, outside attribute values, a
// script tag or an on…= event handler attribute, which must be reported.
func mustReport(v string) bool {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(v))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, more := z.TagName()
			b.WriteString("<")
			if tt == html.EndTagToken {
				b.WriteString("/")
			}
			b.WriteString(string(name))
			for more {
				var k []byte
				k, _, more = z.TagAttr()
				b.WriteString(" " + string(k) + "=")
			}
			b.WriteString(">")
		default:
			b.Write(z.Raw())
		}
	}
	s := strings.ToLower(b.String())
	return strings.Contains(s, "<script") || onAttrRe.MatchString(s)
}

var onAttrRe = regexp.MustCompile(`[\s/"']on[a-z]+\s*=`)

// forbidden lists elements that must never be in the output.
var forbidden = map[string]bool{
	"script": true, "style": true, "iframe": true, "frame": true, "frameset": true, "object": true,
	"embed": true, "applet": true, "svg": true, "base": true, "meta": true, "link": true,
	"form": true, "input": true, "button": true, "textarea": true, "select": true, "template": true,
	"noscript": true, "title": true, "xmp": true, "plaintext": true, "video": true, "audio": true,
}

// urlAttrs are the attributes a browser reads as URLs.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "cite": true, "action": true, "formaction": true, "poster": true,
	"background": true, "data": true, "codebase": true, "longdesc": true, "lowsrc": true,
	"dynsrc": true, "ping": true, "manifest": true, "icon": true, "xlink:href": true,
}

var schemeTestRe = regexp.MustCompile(`^([a-z][a-z0-9+.-]*):`)

// browserScheme returns the scheme a browser would find in an attribute
// value, after removing all white space and control characters (more than
// a browser removes), or "".
func browserScheme(v string) string {
	v = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == '\u00a0' || r == '\ufeff' {
			return -1
		}
		return r
	}, v)
	m := schemeTestRe.FindStringSubmatch(strings.ToLower(v))
	if m == nil {
		return ""
	}
	return m[1]
}

// checkSafe sanitises in, checks the output's safety invariants as a
// browser would parse it, that the policy agrees with the tokenizer pass,
// and that sanitising again changes nothing and reports nothing.
func checkSafe(tb testing.TB, in string, base *url.URL) (article.SafeHTML, Report) {
	tb.Helper()
	out, rep := HTML(in, base)
	s := string(out)
	if pre, _ := clean(in, base); pre != s {
		tb.Fatalf("bluemonday changed the tokenizer pass's output for %q:\n pass: %q\npolicy: %q", in, pre, s)
	}
	if strings.Contains(strings.ToLower(s), "<script") {
		tb.Fatalf("HTML(%q)=%q holds <script", in, s)
	}
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		tb.Fatalf("parse output of %q: %v", in, err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			table := elements
			if n.Namespace == "math" {
				table = mathElements
			} else if n.Namespace != "" || forbidden[n.Data] {
				tb.Fatalf("HTML(%q)=%q has element %s %s", in, s, n.Namespace, n.Data)
			}
			if _, ok := table[n.Data]; !ok {
				tb.Fatalf("HTML(%q)=%q has element %s %s, not in the table", in, s, n.Namespace, n.Data)
			}
			for _, a := range n.Attr {
				switch {
				case a.Namespace != "" || strings.HasPrefix(a.Key, "on") || a.Key == "style":
					tb.Fatalf("HTML(%q)=%q has attribute %s", in, s, a.Key)
				case urlAttrs[a.Key]:
					checkScheme(tb, in, s, a.Key, a.Val)
				case a.Key == "srcset":
					for _, c := range article.SplitSrcset(a.Val) {
						checkScheme(tb, in, s, a.Key, c.URL)
					}
				}
			}
		}
		if n.Type == html.CommentNode {
			tb.Fatalf("HTML(%q)=%q has a comment", in, s)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	for _, m := range mathSegmentRe.FindAllString(s, -1) {
		if !mathSurvives(m) {
			tb.Fatalf("HTML(%q) kept the formula %q, which does not parse back as written", in, m)
		}
	}
	again, rep2 := HTML(s, base)
	if again != out || len(rep2) != 0 {
		tb.Fatalf("HTML not idempotent for %q:\n once: %q\ntwice: %q\nreport: %s", in, s, again, jsonOf(rep2))
	}
	for _, r := range rep {
		if r.Count < 1 || r.Name == "" || len([]rune(r.Sample)) > MaxSample || (r.Kind != KindElement && r.Kind != KindAttribute && r.Kind != KindURL && r.Kind != KindEmbed) {
			tb.Fatalf("HTML(%q) bad removal %+v", in, r)
		}
	}
	return out, rep
}

func checkScheme(tb testing.TB, in, out, key, val string) {
	tb.Helper()
	switch browserScheme(val) {
	case "", "http", "https":
	case "mailto":
		if key != "href" {
			tb.Fatalf("HTML(%q)=%q has mailto: in %s", in, out, key)
		}
	default:
		tb.Fatalf("HTML(%q)=%q has %s=%q", in, out, key, val)
	}
}

// TestAdversarial runs inputs built to make a careless sanitiser slow or
// deep: nesting beyond maxDepth, thousands of dropped elements, stray end
// tags. Each must finish (the test's timeout guards that) and stay safe.
func TestAdversarial(t *testing.T) {
	const n = 20000
	tests := []struct {
		name, in string
		check    func(t *testing.T, out string, rep Report)
	}{
		{"deep nesting", strings.Repeat("<div>", n) + "x", func(t *testing.T, out string, rep Report) {
			if got := strings.Count(out, "<div>"); got != maxDepth {
				t.Fatalf("output has %d divs, want %d", got, maxDepth)
			}
			if len(rep) != 1 || rep[0].Name != "div" || rep[0].Count != n-maxDepth {
				t.Fatalf("report=%s, want div ×%d", jsonOf(rep), n-maxDepth)
			}
		}},
		{"deep unknown nesting", strings.Repeat("<font>", n) + "x" + strings.Repeat("</font>", n), func(t *testing.T, out string, rep Report) {
			if out != "x" {
				t.Fatalf("output=%q, want %q", out, "x")
			}
		}},
		{"dropped content nesting", "<svg>" + strings.Repeat("<math>", n) + strings.Repeat("</object>", n) + "<p>x</p>", func(t *testing.T, out string, rep Report) {
			if out != "" {
				t.Fatalf("output=%q, want nothing", out)
			}
		}},
		{"stray end tags", strings.Repeat("<b>", 100) + strings.Repeat("</i></p></div>", n), func(t *testing.T, out string, rep Report) {
			if want := strings.Repeat("<b>", 100) + strings.Repeat("</b>", 100); out != want {
				t.Fatalf("output=%q, want %q", out[:min(len(out), 100)], want[:100])
			}
		}},
		{"many list items", "<ul>" + strings.Repeat("<li>x", n), func(t *testing.T, out string, rep Report) {
			if got := strings.Count(out, "</li>"); got != n {
				t.Fatalf("output closes %d items, want %d", got, n)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, rep := checkSafe(t, tt.in, nil)
			tt.check(t, string(out), rep)
		})
	}
}

// mathSegmentRe finds the formulas of the output (the cleaner never nests
// one in another).
var mathSegmentRe = regexp.MustCompile(`(?s)<math[ >].*?</math>`)

// mathSurvives reports whether s, one <math> element as the cleaner wrote
// it, parses (as a browser does) as one MathML element whose descendants
// are all MathML elements of the table and text, and renders back to s:
// the round trip the cleaner's rule (no element in a token element)
// stands for.
func mathSurvives(s string) bool {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil || len(nodes) != 1 {
		return false
	}
	n := nodes[0]
	if n.Type != html.ElementNode || n.Namespace != "math" || n.Data != "math" {
		return false
	}
	ok := true
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			if _, known := mathElements[n.Data]; n.Namespace != "math" || !known {
				ok = false
				return
			}
			for _, a := range n.Attr {
				if a.Namespace != "" {
					ok = false
				}
			}
		case html.TextNode:
		default:
			ok = false
			return
		}
		for k := n.FirstChild; k != nil && ok; k = k.NextSibling {
			walk(k)
		}
	}
	walk(n)
	if !ok {
		return false
	}
	var b strings.Builder
	if err := html.Render(&b, n); err != nil {
		return false
	}
	return b.String() == s
}
