package e2e

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// facadeArticle is an article as a CMS would post it: two videos as
// iframes, a tweet as its blockquote and script, a formula, and a table of
// contents whose fragments need the same normalisation as the ids.
const facadeArticle = `<p>Two trailers, a post and a formula.</p>
<ol><li><a href="#what's-new">What's new</a></li><li><a href="#why%3F">Why?</a></li></ol>
<h2 id="what's-new">What's new</h2>
<p><iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ" title="The first trailer" allowfullscreen></iframe></p>
<iframe src="https://player.vimeo.com/video/76979871" title="The second trailer"></iframe>
<blockquote class="twitter-tweet"><p>A post about the trailers.</p>&mdash; Ada (@adapark) <a href="https://twitter.com/adapark/status/1869000000000000001">December 18, 2024</a></blockquote><script async src="https://platform.twitter.com/widgets.js"></script>
<h2 id="why?">Why?</h2>
<p>When <math><mi>a</mi><mo>≠</mo><mn>0</mn></math>, there are two solutions.</p>`

// TestReaderEmbedFacades checks the reader as a person uses it: an
// article's embeds are facades that load nothing from their providers
// (every request of the tab is recorded through the DevTools protocol)
// until a click, which puts the provider's player, sandboxed and from its
// privacy-enhanced domain, in place of the facade without leaving the
// page; offline a facade stays a link. The formula is MathML in the page,
// and the table of contents' links find their headings.
func TestReaderEmbedFacades(t *testing.T) {
	srv := startServer(t)
	body, _ := json.Marshal(map[string]any{"title": "Trailers", "slug": "trailers", "html": facadeArticle})
	srv.post(t, "/api/articles", string(body))

	tb := newTab(t)
	requests := recordRequests(t, tb.ctx)
	elsewhere := func() []string {
		var out []string
		for _, r := range requests() {
			if u, err := url.Parse(r); err == nil && (u.Scheme == "http" || u.Scheme == "https") && !strings.HasPrefix(r, srv.URL) {
				out = append(out, r)
			}
		}
		return out
	}

	tb.nav(srv.URL + "/a/trailers")
	tb.waitMounted()
	time.Sleep(time.Second) // anything the page would load by itself, it has asked for by now

	if got := elsewhere(); len(got) != 0 {
		t.Fatalf("before any click the page requested %q, want nothing from another origin", got)
	}
	facades := eval[[]string](tb, `[...document.querySelectorAll(".article-body figure.embed")].map(f => f.dataset.provider + " " + (f.dataset.embedSrc || "") + " " + f.querySelector("a").href)`)
	want := []string{
		"youtube https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ https://www.youtube.com/watch?v=dQw4w9WgXcQ",
		"vimeo https://player.vimeo.com/video/76979871?dnt=1 https://vimeo.com/76979871",
		"x https://platform.twitter.com/embed/Tweet.html?dnt=true&id=1869000000000000001 https://x.com/adapark/status/1869000000000000001",
	}
	if strings.Join(facades, "\n") != strings.Join(want, "\n") {
		t.Fatalf("facades:\n%s\nwant\n%s", strings.Join(facades, "\n"), strings.Join(want, "\n"))
	}
	if n := eval[int](tb, `document.querySelectorAll("iframe").length`); n != 0 {
		t.Fatalf("%d iframes before any click, want none", n)
	}

	// The formula is MathML, and the contents find their headings.
	if ns := eval[string](tb, `document.querySelector(".article-body math").namespaceURI`); ns != "http://www.w3.org/1998/Math/MathML" {
		t.Errorf("the formula is in namespace %q, want MathML", ns)
	}
	for _, sel := range []string{`.article-body ol li:nth-child(1) a`, `.article-body ol li:nth-child(2) a`} {
		found := eval[bool](tb, `(() => { const a = document.querySelector("`+sel+`"); const id = decodeURIComponent(a.hash.slice(1)); const h = document.getElementById(id); return h !== null && h.tagName === "H2"; })()`)
		if !found {
			t.Errorf("%s does not find its heading", sel)
		}
	}

	// A click loads the player in place.
	page := eval[string](tb, `location.href`)
	tb.do(chromedp.Click(chromedp.CSS(`.article-body figure[data-provider="youtube"] > a`)))
	tb.waitFor(`document.querySelector('.article-body figure[data-provider="youtube"] iframe') !== null`)
	frame := eval[map[string]string](tb, `(() => { const f = document.querySelector('.article-body figure[data-provider="youtube"] iframe'); return {src: f.src, sandbox: f.getAttribute("sandbox"), referrer: f.getAttribute("referrerpolicy"), allow: f.getAttribute("allow")}; })()`)
	if frame["src"] != "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" || frame["sandbox"] != "allow-scripts allow-same-origin allow-popups allow-presentation" ||
		frame["referrer"] != "strict-origin-when-cross-origin" || strings.Contains(frame["allow"], "camera") {
		t.Errorf("player frame %v", frame)
	}
	if got := eval[string](tb, `location.href`); got != page {
		t.Errorf("the click navigated to %s", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := elsewhere()
		if len(got) > 0 {
			for _, r := range got {
				if !strings.HasPrefix(r, "https://www.youtube-nocookie.com/") {
					t.Errorf("after the click the page requested %s, want only the player's origin", r)
				}
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("after the click no request went to the player's origin")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := eval[int](tb, `document.querySelectorAll('.article-body figure[data-provider="vimeo"] iframe, .article-body figure[data-provider="x"] iframe').length`); n != 0 {
		t.Errorf("%d other players loaded, want none", n)
	}

	// Offline, a facade is a link: no player is made and the click's
	// default action (following the link) is not prevented.
	call(tb, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
	tb.waitFor(`navigator.onLine === false`)
	// A capture listener on document added after folio.js's runs right
	// after it: it sees what folio.js did, then keeps the tab here.
	eval[bool](tb, `(() => { window.__followed = null; document.addEventListener("click", e => { window.__followed = !e.defaultPrevented; e.preventDefault(); e.stopPropagation(); }, {capture: true, once: true}); return true; })()`)
	tb.do(chromedp.Click(chromedp.CSS(`.article-body figure[data-provider="vimeo"] > a`)))
	tb.waitFor(`window.__followed !== null`)
	if followed := eval[bool](tb, `window.__followed`); !followed {
		t.Error("offline, the facade's click was taken over, want the link followed")
	}
	if n := eval[int](tb, `document.querySelectorAll('.article-body figure[data-provider="vimeo"] iframe').length`); n != 0 {
		t.Error("offline, a click made a player")
	}
	tb.noConsoleErrors("youtube-nocookie", "ERR_NAME_NOT_RESOLVED", "ERR_INTERNET_DISCONNECTED", "net::")
}
