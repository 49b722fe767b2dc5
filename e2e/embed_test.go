package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"folio/embed"
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
	if err := json.Unmarshal(body, &o); err != nil {
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
				want := float64(embed.Height(width, ""))
				for i, fr := range frames {
					a := []map[string]any{f.first, f.second}[i]
					if !strings.HasPrefix(fr.Src, f.srv.URL+"/embed/"+a["slug"].(string)+"?theme="+theme+"#secret=") {
						t.Fatalf("iframe %d src=%q", i, fr.Src)
					}
					if fr.Title != a["title"] {
						t.Fatalf("iframe title=%q, want %q", fr.Title, a["title"])
					}
					if fr.Width != float64(min(width, embed.DefaultWidth)) {
						t.Fatalf("iframe width=%v, want %d", fr.Width, min(width, embed.DefaultWidth))
					}
					// oEmbed's height is the real rendered height.
					if math.Abs(fr.Height-want) > 2 {
						t.Fatalf("iframe %d height=%.1f, oEmbed/embed.Height says %v", i, fr.Height, want)
					}
					got, err := frameEval[string](ctx, strings.SplitN(fr.Src, "#", 2)[0],
						`document.documentElement.dataset.theme + " " + getComputedStyle(document.querySelector(".card")).colorScheme`)
					if err != nil || got != theme+" "+theme {
						t.Fatalf("card theme=%q, %v; want %q", got, err, theme+" "+theme)
					}
				}
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
