package e2e

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/mmcdole/gofeed"
	xhtml "golang.org/x/net/html"

	"folio/embedcard"
)

// embedFixture is a Folio server with two articles and a partner site on
// another port.
type embedFixture struct {
	srv  *embedServer
	host *embedHost
	// first has an image (served by the partner site, so that the card
	// loads it without any error); second has none and a long title.
	first, second map[string]any
}

func newEmbedFixture(t *testing.T) *embedFixture {
	t.Helper()
	f := &embedFixture{srv: startEmbedServer(t), host: newEmbedHost(t)}
	f.second = f.srv.create(t, embedArticle{
		Slug: "second-story", Title: "A second story whose title is long enough to need more than two lines in a narrow card, and then some more words",
		Author: "Grace Hopper", Site: "The Daily Folio", Excerpt: "The second excerpt.",
		Published: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), HTML: "<p>Second.</p>",
	})
	f.first = f.srv.create(t, embedArticle{
		Slug: "first-story", Title: "The first story", Author: "Ada Lovelace", Site: "The Daily Folio",
		Excerpt: "The first excerpt, which is readable without any script at all.", Tags: []string{"news", "science"},
		Image:     map[string]string{"src": f.host.URL + "/img/lead.png", "alt": "A lead image"},
		Published: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), HTML: "<p>First.</p>",
	})
	return f
}

func (f *embedFixture) readerURL(a map[string]any) string {
	return f.srv.URL + "/a/" + a["slug"].(string)
}

// snippet asks the Folio server's oEmbed endpoint for an article's embed
// code, as a CMS would.
func (f *embedFixture) snippet(t *testing.T, a map[string]any, params ...string) string {
	t.Helper()
	q := url.Values{"url": {f.readerURL(a)}}
	for i := 0; i+1 < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	resp, body := f.srv.get(t, "/oembed?"+q.Encode())
	if resp.StatusCode != 200 {
		t.Fatalf("oembed: status %d: %s", resp.StatusCode, body)
	}
	var o struct {
		HTML string `json:"html"`
	}
	if err := json.Unmarshal([]byte(body), &o); err != nil {
		t.Fatal(err)
	}
	return o.HTML
}

// hostPage is a partner page: the snippets inside a column of the width.
func hostPage(width int, snippets ...string) string {
	return `<!doctype html><html><head><meta charset="utf-8"><title>Partner</title>` +
		`<style>body{margin:0;font:16px serif}main{width:` + fmt.Sprint(width) + `px;margin:20px}</style></head><body><main>` +
		`<h1>Partner site</h1>` + strings.Join(snippets, "\n<p>Between the embeds.</p>\n") + `<p>After.</p></main></body></html>`
}

// embedFrame is what the host sees of one embed and what the card page
// measures of itself.
type embedFrame struct {
	Src    string  `json:"src"`
	Title  string  `json:"title"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

// hostFrames lists the embeds' iframes as the host page sees them.
func hostFrames(t *testing.T, ctx context.Context) []embedFrame {
	t.Helper()
	fr, err := chromedp.Run(ctx, chromedp.Evaluate[[]embedFrame](`[...document.querySelectorAll("iframe.folio-embed-frame")].map(f => {
		const r = f.getBoundingClientRect();
		return {src: f.src, title: f.title, width: r.width, height: r.height};
	})`))
	if err != nil {
		t.Fatal(err)
	}
	return fr
}

// cardHeight measures the card page inside the iframe whose src starts
// with prefix.
func cardHeight(ctx context.Context, prefix string) (float64, error) {
	return frameEval[float64](ctx, prefix, `document.body.getBoundingClientRect().height`)
}

// waitSettled waits until n iframes are there and each is as high as its
// card, and returns them.
func waitSettled(t *testing.T, ctx context.Context, n int) []embedFrame {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		frames := hostFrames(t, ctx)
		ok := len(frames) == n
		var why string
		for _, f := range frames {
			h, err := cardHeight(ctx, strings.SplitN(f.Src, "#", 2)[0])
			if err != nil || h == 0 || math.Abs(h-f.Height) > 2 {
				ok, why = false, fmt.Sprintf("%s: iframe %.1f px, card %.1f px, %v", f.Src, f.Height, h, err)
			}
		}
		if ok {
			return frames
		}
		if time.Now().After(deadline) {
			t.Fatalf("embeds did not settle: %d iframes, want %d; %s", len(frames), n, why)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestEmbedCards(t *testing.T) {
	t.Parallel()
	f := newEmbedFixture(t)
	ctx := embedBrowser(t)
	console := watchConsole(t, ctx)

	for _, theme := range []string{"light", "dark"} {
		for _, width := range []int{550, 340} {
			t.Run(fmt.Sprintf("%s/%d", theme, width), func(t *testing.T) {
				ctx := withTimeout(t, ctx, 30*time.Second)
				path := fmt.Sprintf("/cards-%s-%d", theme, width)
				f.host.set(path, hostPage(width,
					f.snippet(t, f.first, "theme", theme), f.snippet(t, f.second, "theme", theme)))
				if err := chromedp.Do(ctx, chromedp.Navigate(f.host.URL+path)); err != nil {
					t.Fatal(err)
				}
				frames := waitSettled(t, ctx, 2)
				for i, fr := range frames {
					a := []map[string]any{f.first, f.second}[i]
					if !strings.HasPrefix(fr.Src, f.srv.URL+"/embed/"+a["slug"].(string)+"?theme="+theme+"#secret=") {
						t.Fatalf("iframe %d src=%q", i, fr.Src)
					}
					if fr.Title != a["title"] {
						t.Fatalf("iframe title=%q, want %q", fr.Title, a["title"])
					}
					if fr.Width != float64(min(width, embedcard.DefaultWidth)) {
						t.Fatalf("iframe width=%v, want %d", fr.Width, min(width, embedcard.DefaultWidth))
					}
					// The card is as high as its content (waitSettled: the
					// iframe is the card's height), and nothing in it is cut.
					if fr.Height < embedcard.MinHeight || fr.Height > 400 {
						t.Fatalf("iframe %d height=%.1f", i, fr.Height)
					}
					clipped, err := frameEval[string](ctx, strings.SplitN(fr.Src, "#", 2)[0], `(() => {
						const c = document.querySelector(".card"), out = [];
						if (c.scrollHeight > c.clientHeight + 1) out.push("card " + c.scrollHeight + " > " + c.clientHeight);
						// No gap under the content: the last box ends at the padding.
						const cs = getComputedStyle(c), inner = c.getBoundingClientRect().bottom - parseFloat(cs.borderBottomWidth) - parseFloat(cs.paddingBottom);
						const last = Math.max(...[...c.children].map((e) => e.getBoundingClientRect().bottom));
						if (inner - last > 1) out.push("a gap of " + Math.round(inner - last) + " px under the content");
						for (const el of c.querySelectorAll(".card-meta, .card-source")) {
							if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) out.push(el.className + " cut: " + el.textContent);
							const r = el.getBoundingClientRect(), cr = c.getBoundingClientRect();
							if (r.bottom > cr.bottom - 1) out.push(el.className + " below the card");
						}
						return out.join("; ");
					})()`)
					if err != nil || clipped != "" {
						t.Fatalf("iframe %d: %s %v", i, clipped, err)
					}
					got, err := frameEval[string](ctx, strings.SplitN(fr.Src, "#", 2)[0],
						`document.documentElement.dataset.theme + " " + getComputedStyle(document.querySelector(".card")).colorScheme`)
					if err != nil || got != theme+" "+theme {
						t.Fatalf("card theme=%q, %v; want %q", got, err, theme+" "+theme)
					}
				}
				t.Logf("%s at %d px: a short title with an image %.0f px, a long one without %.0f px (typical, reserved: %d)", theme, width, frames[0].Height, frames[1].Height, embedcard.Height(width, ""))
				hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll("blockquote.folio-embed")].every(b => b.offsetHeight === 0)`))
				if err != nil || !hidden {
					t.Fatalf("fallbacks still shown: %v", err)
				}
			})
		}
	}

	t.Run("ClickOpensReader", func(t *testing.T) {
		ctx := withTimeout(t, ctx, 30*time.Second)
		f.host.set("/click", hostPage(550, f.snippet(t, f.first)))
		if err := chromedp.Do(ctx, chromedp.Navigate(f.host.URL+"/click")); err != nil {
			t.Fatal(err)
		}
		waitSettled(t, ctx, 1)
		box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.querySelector("iframe.folio-embed-frame").getBoundingClientRect(); return [r.x, r.y]; })()`))
		if err != nil {
			t.Fatal(err)
		}
		want := f.readerURL(f.first)
		opened := chromedp.WaitNewTarget(ctx, func(i *target.Info) bool { return i.Type == "page" && i.URL == want })
		// The title sits at the card's top left, inside the 16 px padding.
		if err := chromedp.Do(ctx, chromedp.MouseClickXY(box[0]+40, box[1]+28)); err != nil {
			t.Fatal(err)
		}
		select {
		case id := <-opened:
			chromedp.CallBrowser(ctx, target.CloseTarget, target.CloseTargetParams{TargetID: id})
		case <-ctx.Done():
			t.Fatalf("clicking the title opened no tab at %s", want)
		}
		if loc, _ := chromedp.Run(ctx, chromedp.Location()); loc != f.host.URL+"/click" {
			t.Fatalf("the host page navigated to %s", loc)
		}
	})

	if errs := console.errors(); len(errs) > 0 {
		t.Fatalf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

func TestEmbedForgedMessages(t *testing.T) {
	t.Parallel()
	f := newEmbedFixture(t)
	ctx := embedBrowser(t)
	ctx = withTimeout(t, ctx, 60*time.Second)
	console := watchConsole(t, ctx)
	// The attacker: a page on a third origin that posts height messages to
	// its parent, with the real secret of the embed (the worst case).
	evil := newEmbedHost(t)
	evil.set("/forge", `<!doctype html><meta charset="utf-8"><script>
const msg = {type: "folio-embed:height", secret: new URLSearchParams(location.search).get("secret"), height: 777};
let n = 0;
const iv = setInterval(() => { parent.postMessage(msg, "*"); if (++n === 5) clearInterval(iv); }, 30);
</script>`)
	f.host.set("/forged", hostPage(550, f.snippet(t, f.first), f.snippet(t, f.second)))
	if err := chromedp.Do(ctx, chromedp.Navigate(f.host.URL+"/forged")); err != nil {
		t.Fatal(err)
	}
	before := waitSettled(t, ctx, 2)

	// Count the forged messages the page receives, so that the test knows
	// they arrived; then send them from a cross-origin frame, a sandboxed
	// (opaque-origin, like the card) frame and the page itself.
	_, err := chromedp.Run(ctx, chromedp.Evaluate[int](strings.ReplaceAll(`(() => {
		window.__forged = 0;
		addEventListener("message", e => { if (e.data && e.data.height === 777) window.__forged++; });
		const secret = new URL(document.querySelector("iframe.folio-embed-frame").src).hash.slice("#secret=".length);
		for (const sandbox of [null, "allow-scripts"]) {
			const f = document.createElement("iframe");
			f.src = `+"`"+`${EVIL}/forge?secret=${secret}`+"`"+`;
			if (sandbox) f.setAttribute("sandbox", sandbox);
			document.body.appendChild(f);
		}
		for (let i = 0; i < 5; i++) window.postMessage({type: "folio-embed:height", secret, height: 777}, "*");
		return 0;
	})()`, "${EVIL}", evil.URL)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.__forged >= 15`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the forged messages did not all arrive: %v", err)
	}
	time.Sleep(200 * time.Millisecond)
	after := waitSettled(t, ctx, 2)
	for i := range before {
		if after[i].Height != before[i].Height || after[i].Height == 777 {
			t.Fatalf("iframe %d: height %.1f → %.1f after forged messages", i, before[i].Height, after[i].Height)
		}
	}
	if errs := console.errors(); len(errs) > 0 {
		t.Fatalf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// TestEmbedInIsolatedPage: a cross-origin isolated partner page (COEP
// require-corp, COOP same-origin, as pages using SharedArrayBuffer must
// be) shows the card. Such a page blocks a cross-origin document it
// embeds unless that document sends COEP itself or loads credentialless:
// the loader makes the iframe credentialless.
func TestEmbedInIsolatedPage(t *testing.T) {
	t.Parallel()
	f := newEmbedFixture(t)
	ctx := withTimeout(t, embedBrowser(t), 30*time.Second)
	f.host.set("/isolated/page", hostPage(600, f.snippet(t, f.second)))
	if err := chromedp.Do(ctx, chromedp.Navigate(f.host.URL+"/isolated/page")); err != nil {
		t.Fatal(err)
	}
	if isolated, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`crossOriginIsolated`)); err != nil || !isolated {
		t.Fatalf("the partner page is not cross-origin isolated (%v): the test proves nothing", err)
	}
	frames := waitSettled(t, ctx, 1)
	title, err := frameEval[string](ctx, strings.SplitN(frames[0].Src, "#", 2)[0], `document.querySelector("h2, h3, a").textContent`)
	if err != nil || !strings.Contains(title, "A second story") {
		t.Fatalf("the card in an isolated page shows %q (%v), want its title", title, err)
	}
}

func TestEmbedWithoutJavaScript(t *testing.T) {
	t.Parallel()
	f := newEmbedFixture(t)
	ctx := embedBrowser(t)
	ctx = withTimeout(t, ctx, 30*time.Second)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	f.host.set("/nojs", hostPage(550, f.snippet(t, f.first, "theme", "dark")))
	if err := chromedp.Do(ctx, chromedp.Navigate(f.host.URL+"/nojs")); err != nil {
		t.Fatal(err)
	}
	type fallback struct {
		Frames  int     `json:"frames"`
		Height  float64 `json:"height"`
		Text    string  `json:"text"`
		Link    string  `json:"link"`
		Href    string  `json:"href"`
		Marked  bool    `json:"marked"`
		Scripts bool    `json:"scripts"`
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[fallback](`(() => {
		const b = document.querySelector("blockquote.folio-embed"), a = b.querySelector("a");
		return {frames: document.querySelectorAll("iframe").length, height: b.getBoundingClientRect().height,
			text: b.innerText, link: a.textContent, href: a.href, marked: b.hasAttribute("data-folio"),
			scripts: !!window.FolioEmbed};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if got.Scripts || got.Marked || got.Frames != 0 {
		t.Fatalf("scripts ran with JavaScript off: %+v", got)
	}
	if got.Height < 40 || got.Link != f.first["title"] || got.Href != f.readerURL(f.first) {
		t.Fatalf("fallback=%+v; want the title linked to %s", got, f.readerURL(f.first))
	}
	for _, want := range []string{f.first["excerpt"].(string), "Ada Lovelace", "The Daily Folio"} {
		if !strings.Contains(got.Text, want) {
			t.Fatalf("fallback text %q lacks %q", got.Text, want)
		}
	}
}

func TestEmbedPrivacyMode(t *testing.T) {
	t.Parallel()
	f := newEmbedFixture(t)
	resp, loader := f.srv.get(t, "/embed.js")
	if resp.StatusCode != 200 {
		t.Fatalf("embed.js: status %d", resp.StatusCode)
	}
	f.host.set("/embed.js", loader) // the partner hosts its own copy
	snippet := f.snippet(t, f.first)
	snippet = strings.Replace(snippet, `class="folio-embed"`, `class="folio-embed" data-consent="click"`, 1)
	tests := []struct {
		name, snippet string
		allowed       []string // publisher paths requested before the click
	}{
		{"SelfHostedLoader", strings.Replace(snippet, f.srv.URL+"/embed.js", "/embed.js", 1), nil},
		{"PublisherLoader", snippet, []string{"/embed.js"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(tt.snippet, `data-consent="click"`) {
				t.Fatal("the snippet has no consent mode")
			}
			ctx := embedBrowser(t)
			ctx = withTimeout(t, ctx, 30*time.Second)
			console := watchConsole(t, ctx)
			requests := recordRequests(t, ctx)
			publisher := func() []string {
				var out []string
				for _, u := range requests() {
					if p, ok := strings.CutPrefix(u, f.srv.URL); ok {
						out = append(out, p)
					}
				}
				return out
			}
			path := "/privacy-" + tt.name
			f.host.set(path, hostPage(550, tt.snippet))
			if err := chromedp.Do(ctx,
				chromedp.Navigate(f.host.URL+path),
				chromedp.WaitVisible(chromedp.CSS("button.folio-embed-consent")),
				chromedp.Sleep(500*time.Millisecond),
			); err != nil {
				t.Fatal(err)
			}
			if got := publisher(); !slices.Equal(got, tt.allowed) {
				t.Fatalf("before the click the page asked the publisher for %q, want %q", got, tt.allowed)
			}
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("iframe").length`)); n != 0 {
				t.Fatalf("%d iframes before the click", n)
			}
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("button.folio-embed-consent"))); err != nil {
				t.Fatal(err)
			}
			waitSettled(t, ctx, 1)
			if got := publisher(); !slices.ContainsFunc(got, func(p string) bool { return strings.HasPrefix(p, "/embed/first-story") }) {
				t.Fatalf("after the click no card request: %q", got)
			}
			if errs := console.errors(); len(errs) > 0 {
				t.Fatalf("console errors:\n%s", strings.Join(errs, "\n"))
			}
		})
	}
}

func TestEmbedHostileArticle(t *testing.T) {
	t.Parallel()
	f := newEmbedFixture(t)
	// The API decodes character references in text fields, so these become
	// literal markup in the stored plain text.
	a := f.srv.create(t, embedArticle{
		Slug:      "hostile",
		Title:     `&lt;/script&gt;&lt;script&gt;alert("title")&lt;/script&gt;"' &lt;img src=x onerror=alert("title2")&gt; ]]&gt; \`,
		Author:    `&lt;b onmouseover=alert("author")&gt;Eve&lt;/b&gt;"`,
		Site:      `"&gt;&lt;svg onload=alert("site")&gt;`,
		Excerpt:   `&lt;/p&gt;&lt;iframe src=javascript:alert("excerpt")&gt; "quoted"`,
		Tags:      []string{`&lt;/script&gt;&lt;script&gt;alert("tag")&lt;/script&gt;`},
		Image:     map[string]string{"src": f.host.URL + `/img/x.png?q="><script>alert("src")</script>`, "alt": `&quot;&gt;&lt;svg onload=alert("alt")&gt;`},
		HTML:      `<p>Body<script>alert("body")</script><img src=x onerror=alert("body2")></p>`,
		Published: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
	})
	title, excerpt := a["title"].(string), a["excerpt"].(string)
	img := a["image"].(map[string]any)
	for _, s := range []string{title, excerpt, a["author"].(string), img["alt"].(string), img["src"].(string)} {
		if !strings.ContainsAny(s, `<>"`) {
			t.Fatalf("field %q lost its markup: the test would prove nothing", s)
		}
	}
	ctx := embedBrowser(t)
	ctx = withTimeout(t, ctx, 60*time.Second)
	console := watchConsole(t, ctx)

	t.Run("Card", func(t *testing.T) {
		f.host.set("/hostile", hostPage(550, f.snippet(t, a)))
		if err := chromedp.Do(ctx, chromedp.Navigate(f.host.URL+"/hostile")); err != nil {
			t.Fatal(err)
		}
		frames := waitSettled(t, ctx, 1)
		if frames[0].Title != title {
			t.Fatalf("iframe title=%q, want %q", frames[0].Title, title)
		}
		type card struct {
			Title, Author, Alt, Src string
			Scripts                 int
			Bad                     int
		}
		got, err := frameEval[card](ctx, f.srv.URL+"/embed/hostile", `({
			Title: document.querySelector(".card-link").textContent,
			Author: document.querySelector(".card-author").textContent,
			Alt: document.querySelector(".card-img").alt,
			Src: new URL(document.querySelector(".card-img").src).searchParams.get("q"),
			Scripts: document.scripts.length,
			Bad: document.querySelectorAll("iframe, svg, b, [onerror], [onload], [onmouseover]").length,
		})`)
		if err != nil {
			t.Fatal(err)
		}
		want := card{Title: title, Author: a["author"].(string), Alt: img["alt"].(string), Src: `"><script>alert("src")</script>`, Scripts: 1}
		if got != want {
			t.Fatalf("card=%+v\nwant %+v", got, want)
		}
		fallback, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("blockquote.folio-embed a").textContent`))
		if err != nil || fallback != title {
			t.Fatalf("fallback title=%q, %v; want %q", fallback, err, title)
		}
		if errs := console.errors(); len(errs) > 0 {
			t.Fatalf("console errors or dialogs:\n%s", strings.Join(errs, "\n"))
		}
	})

	t.Run("ReaderMeta", func(t *testing.T) {
		// What link unfurlers read: the server's HTML.
		resp, body := f.srv.get(t, "/a/hostile")
		if resp.StatusCode != 200 {
			t.Fatalf("reader page: status %d", resp.StatusCode)
		}
		doc, err := xhtml.Parse(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		var ld []string
		var walk func(*xhtml.Node)
		walk = func(n *xhtml.Node) {
			if n.Type == xhtml.ElementNode {
				attr := map[string]string{}
				for _, a := range n.Attr {
					attr[a.Key] = a.Val
				}
				switch {
				case n.Data == "meta" && (strings.HasPrefix(attr["property"], "og:") || strings.HasPrefix(attr["property"], "article:") || strings.HasPrefix(attr["name"], "twitter:")):
					k := attr["property"] + attr["name"]
					got[k] = append(got[k], attr["content"])
				case n.Data == "link" && attr["rel"] == "canonical":
					got["canonical"] = append(got["canonical"], attr["href"])
				case n.Data == "script" && attr["type"] == "application/ld+json" && n.FirstChild != nil:
					ld = append(ld, n.FirstChild.Data)
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		for k, want := range map[string]string{
			"og:title": title, "og:description": excerpt, "og:image": img["src"].(string), "og:image:alt": img["alt"].(string),
			"twitter:title": title, "article:tag": a["tags"].([]any)[0].(string), "canonical": f.readerURL(a),
		} {
			if v := got[k]; len(v) != 1 || v[0] != want {
				t.Fatalf("%s=%q, want [%q]", k, v, want)
			}
		}
		var headline struct {
			Headline string `json:"headline"`
		}
		if len(ld) != 1 || json.Unmarshal([]byte(ld[0]), &headline) != nil || headline.Headline != title {
			t.Fatalf("JSON-LD=%q, want one with the headline %q", ld, title)
		}
		// And in a browser, nothing of it runs.
		if err := chromedp.Do(ctx, chromedp.Navigate(f.readerURL(a)), chromedp.Sleep(time.Second)); err != nil {
			t.Fatal(err)
		}
		for _, e := range console.errors() {
			if strings.HasPrefix(e, "dialog:") || strings.Contains(e, "alert") {
				t.Fatalf("the reader page ran article text: %s", e)
			}
		}
	})

	t.Run("OEmbedAndFeeds", func(t *testing.T) {
		for _, format := range []string{"json", "xml"} {
			_, body := f.srv.get(t, "/oembed?format="+format+"&url="+url.QueryEscape(f.readerURL(a)))
			var o struct {
				Title        string `json:"title" xml:"title"`
				AuthorName   string `json:"author_name" xml:"author_name"`
				ThumbnailURL string `json:"thumbnail_url" xml:"thumbnail_url"`
				HTML         string `json:"html" xml:"html"`
			}
			var err error
			if format == "xml" {
				err = xml.Unmarshal([]byte(body), &o)
			} else {
				err = json.Unmarshal([]byte(body), &o)
			}
			if err != nil || o.Title != title || o.AuthorName != a["author"] || o.ThumbnailURL != img["src"] {
				t.Fatalf("%s: %+v, %v", format, o, err)
			}
			if strings.Count(o.HTML, "<script") != 1 || strings.Contains(o.HTML, "<img") || strings.Contains(o.HTML, "<iframe") {
				t.Fatalf("%s: snippet has markup from the text: %s", format, o.HTML)
			}
		}
		for _, p := range []string{"/feed.atom", "/feed.json"} {
			_, body := f.srv.get(t, p)
			feed, err := gofeed.NewParser().ParseString(body)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(feed.Items, func(it *gofeed.Item) bool { return strings.HasSuffix(it.Link, "/a/hostile") })
			if i < 0 || feed.Items[i].Title != title || feed.Items[i].Description != excerpt {
				t.Fatalf("%s: hostile item %d: %+v", p, i, feed.Items)
			}
			if c := feed.Items[i].Content; strings.Contains(c, "<script") || strings.Contains(c, "onerror") {
				t.Fatalf("%s: content runs script: %s", p, c)
			}
		}
	})
}

// TestEmbedAccessibility runs axe-core over the embed card page, as a
// partner's reader meets it, in both themes and both layouts, with and
// without a lead image: no serious or critical violation.
func TestEmbedAccessibility(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	tb := newTab(t)
	for _, slug := range []string{"what-folio-is-and-what-it-is-for", "trump-and-putin-unironically-discussed-forming-a-cyber-security-unit"} {
		for _, q := range []string{"theme=light", "theme=dark", "theme=dark&layout=compact", "theme=light&layout=compact"} {
			t.Run(slug[:12]+"/"+q, func(t *testing.T) {
				tb.nav(srv.URL + "/embed/" + slug + "?" + q)
				tb.waitFor(`document.querySelector(".card") !== null`)
				res := runAxe(tb, "{}")
				if len(res.Serious) > 0 {
					t.Fatalf("axe found %d serious violations:\n%s", len(res.Serious), strings.Join(res.Serious, "\n"))
				}
				t.Logf("axe: no serious violation, %d rules passed; minor: %q", res.Passes, res.Minor)
			})
		}
	}
}
