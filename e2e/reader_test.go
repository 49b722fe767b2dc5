package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// sampleTitle is the title of the user's sample article, one of the
// articles the server loads into an empty database.
const sampleTitle = "Trump and Putin unironically discussed forming a ‘cyber security unit’"

// firstCard returns the href and title of the first card on the page.
func firstCard(tb *tab) (href, title string) {
	tb.t.Helper()
	v := eval[[]string](tb, `(() => { const a = document.querySelector(".cards .card-link"); return [a.getAttribute("href"), a.textContent]; })()`)
	return v[0], v[1]
}

// markWindow sets a flag on window; it survives in-app navigations and
// disappears with a full page load.
func markWindow(tb *tab) {
	tb.t.Helper()
	eval[bool](tb, `window.__folioMarker = true`)
}

func sameWindow(tb *tab) bool {
	tb.t.Helper()
	return eval[bool](tb, `window.__folioMarker === true`)
}

func TestHomePrerenderedAndMounted(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	res, page := srv.get(t, "/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("StatusCode=%v, want 200", res.StatusCode)
	}
	for _, want := range []string{sampleTitle, `data-side="server"`, `id="folio-state"`, `class="card"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the prerendered home lacks %q", want)
		}
	}

	t.Run("without JavaScript", func(t *testing.T) {
		tb := newTab(t)
		call(tb, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		tb.nav(srv.URL + "/")
		// The cards are there and nothing covers them (go-app's loader is
		// a full-screen overlay unless site.css shrinks it).
		got := eval[[]string](tb, `(() => {
			const card = document.querySelector(".card");
			const r = card.getBoundingClientRect();
			const top = document.elementFromPoint(r.left + r.width / 2, r.top + 20);
			return [String(document.querySelectorAll(".card").length), String(card.contains(top)),
				getComputedStyle(document.getElementById("app-wasm-loader")).display];
		})()`)
		if n, _ := strconv.Atoi(got[0]); n < 2 {
			t.Fatalf("%s cards without JavaScript, want the samples", got[0])
		}
		if got[1] != "true" {
			t.Fatal("something covers the first card")
		}
		if got[2] != "none" {
			t.Fatalf("the loader is shown (display %s) with JavaScript off", got[2])
		}
	})

	t.Run("mounted", func(t *testing.T) {
		tb := newTab(t)
		tb.nav(srv.URL + "/")
		if side := eval[string](tb, `document.querySelector(".page").dataset.side`); side != "server" && side != "client" {
			t.Fatalf("data-side=%q", side)
		}
		tb.waitMounted()
		n := eval[int](tb, `document.querySelectorAll(".cards .card").length`)
		if n < 2 {
			t.Fatalf("%d cards after mount, want the samples", n)
		}
		if !eval[bool](tb, `document.body.textContent.includes(`+jsString(sampleTitle)+`)`) {
			t.Fatal("the sample article is not listed after mount")
		}
		// The app adopted the prerendered list: no API request was made.
		if n := eval[int](tb, `performance.getEntriesByType("resource").filter(e => e.name.includes("/api/")).length`); n != 0 {
			t.Fatalf("%d API requests on first load, want 0", n)
		}
		viewport := eval[string](tb, `[...document.querySelectorAll("meta[name=viewport]")].map(m => m.content).join("|")`)
		if strings.Contains(viewport, "user-scalable") || strings.Contains(viewport, "|") {
			t.Fatalf("viewport %q: zoom must stay allowed", viewport)
		}
		tb.noConsoleErrors()
	})
}

func TestCardOpensReaderInApp(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	tb := newTab(t)
	tb.nav(srv.URL + "/")
	tb.waitMounted()
	href, title := firstCard(tb)
	markWindow(tb)
	tb.do(chromedp.Click(chromedp.CSS(".cards .card-link")))
	tb.waitFor(`document.querySelector(".page[data-page=reader][data-side=client] .reader-title") !== null`)
	if !sameWindow(tb) {
		t.Fatal("opening a card reloaded the page")
	}
	if got := eval[string](tb, `location.pathname`); got != href {
		t.Fatalf("location %q, want %q", got, href)
	}
	if got := eval[string](tb, `document.querySelector("h1").textContent`); got != title {
		t.Fatalf("h1 %q, want %q", got, title)
	}
	if got := eval[string](tb, `document.title`); !strings.Contains(got, title) {
		t.Fatalf("document.title %q lacks %q", got, title)
	}
	if eval[string](tb, `document.activeElement.id`) != "main" {
		t.Error("focus did not move to the main landmark")
	}

	eval[bool](tb, `history.back(), true`)
	tb.waitFor(`document.querySelector(".page[data-page=home] .cards") !== null`)
	if !sameWindow(tb) {
		t.Fatal("going back reloaded the page")
	}
	if n := eval[int](tb, `performance.getEntriesByType("resource").filter(e => e.name.includes("/api/articles?")).length`); n != 0 {
		t.Fatalf("%d list requests, want 0: the list came with the page and is kept for going back", n)
	}
	tb.noConsoleErrors()
}

func TestSearchAndTagFilter(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	tb := newTab(t)
	tb.nav(srv.URL + "/")
	tb.waitMounted()
	total := eval[int](tb, `document.querySelectorAll(".cards .card").length`)
	markWindow(tb)

	tb.do(chromedp.SendKeys(chromedp.CSS("#q"), "Putin"+kb.Enter))
	tb.waitFor(`location.search === "?q=Putin" && document.querySelector("h1").textContent === "Search: Putin" && document.querySelectorAll(".cards .card").length > 0 && !document.querySelector("[aria-busy=true]")`)
	titles := eval[[]string](tb, `[...document.querySelectorAll(".cards .card-link")].map(a => a.textContent)`)
	if len(titles) == 0 || len(titles) >= total {
		t.Fatalf("search found %d of %d articles: %q", len(titles), total, titles)
	}
	if titles[0] != sampleTitle {
		t.Fatalf("search found %q, want the sample", titles)
	}
	if got := eval[string](tb, `document.querySelector("h1").textContent`); got != "Search: Putin" {
		t.Fatalf("h1 %q", got)
	}

	tb.do(chromedp.Click(chromedp.CSS(`.tag-nav a[href="/"]`)))
	tb.waitFor(`location.search === "" && document.querySelector("h1").textContent === "Articles" && document.querySelectorAll(".cards .card").length === ` + strconv.Itoa(total))

	tag := eval[string](tb, `document.querySelector(".tag-nav .tag-link").textContent`)
	tb.do(chromedp.Click(chromedp.CSS(".tag-nav .tag-link")))
	tb.waitFor(`new URLSearchParams(location.search).get("tag") === ` + jsString(tag) + ` && document.querySelector("h1").textContent === ` + jsString("Tagged "+tag) + ` && document.querySelector(".cards") !== null && !document.querySelector("[aria-busy=true]")`)
	tags := eval[[][]string](tb, `[...document.querySelectorAll(".cards .card")].map(c => [...c.querySelectorAll(".tag")].map(t => t.textContent))`)
	if len(tags) == 0 {
		t.Fatalf("no article tagged %q:\n%s", tag, eval[string](tb, `document.querySelector("main").outerHTML`))
	}
	for i, ts := range tags {
		found := false
		for _, x := range ts {
			found = found || strings.EqualFold(x, tag)
		}
		if !found {
			t.Fatalf("card %d has tags %q, not %q", i, ts, tag)
		}
	}
	if !sameWindow(tb) {
		t.Fatal("searching or filtering reloaded the page")
	}
	tb.noConsoleErrors()
}

func TestMoreLoadsNextPage(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	for i := range 14 {
		srv.post(t, "/api/articles", fmt.Sprintf(`{"title":"Filler article %02d","html":"<p>Filler text %d.</p>","tags":["filler"]}`, i, i))
	}
	tb := newTab(t)
	tb.nav(srv.URL + "/")
	tb.waitMounted()
	before := eval[int](tb, `document.querySelectorAll(".cards .card").length`)
	markWindow(tb)
	tb.do(chromedp.Click(chromedp.CSS("a.more-link")))
	tb.waitFor(`document.querySelectorAll(".cards .card").length > ` + strconv.Itoa(before))
	if !sameWindow(tb) || eval[string](tb, `location.search`) != "" {
		t.Fatal("“More articles” left the page")
	}
	if got := eval[string](tb, `document.activeElement.className`); got != "card-link" {
		t.Errorf("focus on %q after “more”, want the first new card", got)
	}
	tb.noConsoleErrors()
}

func TestReaderTools(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	var words []string
	for i := range 1500 {
		words = append(words, "word"+strconv.Itoa(i%50))
	}
	body := strings.Repeat("<p>"+strings.Join(words[:150], " ")+"</p>", 10)
	srv.post(t, "/api/articles", `{"slug":"long-read","title":"A long read","html":`+jsString(body)+`}`)

	tb := newTab(t)
	tb.nav(srv.URL + "/a/long-read")
	tb.waitMounted()
	// The app adopted the prerendered article: no API request was made.
	if n := eval[int](tb, `performance.getEntriesByType("resource").filter(e => e.name.includes("/api/")).length`); n != 0 {
		t.Fatalf("%d API requests on first load, want 0", n)
	}
	if got := eval[string](tb, `document.querySelector(".reader-title").textContent`); got != "A long read" {
		t.Fatalf("title %q after mount", got)
	}

	// Reading progress follows the scroll.
	eval[bool](tb, `window.scrollTo(0, document.documentElement.scrollHeight / 2), true`)
	tb.waitFor(`document.getElementById("reading-progress").value > 20`)

	// Display preferences apply at once and before the next first paint.
	eval[bool](tb, `(() => { const s = document.getElementById("pref-theme"); s.value = "dark"; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)
	tb.waitFor(`document.documentElement.dataset.theme === "dark"`)
	eval[bool](tb, `(() => { const s = document.getElementById("pref-size"); s.value = "xl"; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)
	tb.waitFor(`document.documentElement.dataset.size === "xl"`)
	tb.waitFor(`getComputedStyle(document.querySelector(".reader")).fontSize === "24px"`)

	// Leave the article half read, go home in the app, and come back.
	eval[bool](tb, `window.scrollTo(0, document.documentElement.scrollHeight / 2), true`)
	time.Sleep(700 * time.Millisecond) // the position is stored at most every 500 ms
	eval[bool](tb, `window.dispatchEvent(new Event("scroll")), true`)
	tb.do(chromedp.Click(chromedp.CSS(".brand")))
	tb.waitFor(`document.querySelector(".page[data-page=home] .cards") !== null`)
	tb.do(chromedp.Click(chromedp.CSS(`.card-link[href="/a/long-read"]`)))
	tb.waitFor(`document.querySelector(".page[data-page=reader] .reader-title") !== null && window.scrollY > 200`)

	// A reload keeps the theme: folio.js applies it before the app runs.
	tb.nav(srv.URL + "/a/long-read?wasm=false")
	if got := eval[string](tb, `document.documentElement.dataset.theme + " " + getComputedStyle(document.body).backgroundColor`); got != "dark rgb(18, 19, 22)" {
		t.Fatalf("after a reload: %q, want the dark theme before the app runs", got)
	}
	tb.nav(srv.URL + "/a/long-read")
	tb.waitMounted()
	tb.waitFor(`window.scrollY > 200`)

	// Share: the system sheet, or the link copied, or shown to copy.
	tb.do(chromedp.Click(chromedp.CSS("#share")))
	tb.waitFor(`document.querySelector(".reader-notice").textContent !== ""`)
	tb.noConsoleErrors()
}

func TestSavedArticleReadableOffline(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	// An article with a picture in its body: saving keeps the picture too.
	// (The query string keeps the icon out of the app shell's cache.)
	// Another origin serves a second picture, as image hosts do.
	picture := srv.URL + "/web/icon-512.png?saved=1"
	_, icon := srv.get(t, "/web/icon-192.png")
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		io.WriteString(w, icon)
	}))
	defer elsewhere.Close()
	long := strings.Repeat("<p>Offline reading keeps the whole text of the article at hand.</p>", 8)
	srv.post(t, "/api/articles", `{"slug":"with-a-picture","title":"With a picture","html":`+
		jsString(long+`<p><img src="`+picture+`" alt="The Folio icon"></p><p><img src="`+elsewhere.URL+`/pic.png" alt="The small icon"></p>`)+`}`)
	href, title := "/a/with-a-picture", "With a picture"
	tb := newTab(t)
	tb.nav(srv.URL + "/")
	tb.waitMounted()
	other := eval[string](tb, `[...document.querySelectorAll(".cards .card-link")].map(a => a.getAttribute("href")).find(h => h !== "/a/with-a-picture")`)
	tb.nav(srv.URL + href)
	tb.waitMounted()
	tb.waitFor(`navigator.serviceWorker.controller !== null`)
	tb.do(chromedp.Click(chromedp.CSS(`.tool-row button[aria-pressed]`)))
	tb.waitFor(`document.querySelector(".tool-row button[aria-pressed]").getAttribute("aria-pressed") === "true"`)

	tb.do(chromedp.Click(chromedp.CSS(`.site-nav a[href="/saved"]`)))
	tb.waitFor(`document.querySelector(".page[data-page=saved] .cards .card-link") !== null`)

	srv.stop()
	elsewhere.Close()

	// A hard reload of the article, with the servers gone.
	tb.nav(srv.URL + href)
	if got := eval[string](tb, `document.querySelector("h1").textContent`); got != title {
		t.Fatalf("offline h1 %q, want %q (prerendered copy)", got, title)
	}
	tb.waitMounted()
	if got := eval[string](tb, `document.querySelector("h1").textContent`); got != title {
		t.Fatalf("offline h1 after mount %q, want %q", got, title)
	}
	if n := eval[int](tb, `document.querySelector(".article-body").textContent.length`); n < 200 {
		t.Fatalf("offline body has %d characters", n)
	}
	tb.waitFor(`(() => { const [a, b] = document.querySelectorAll(".article-body img"); return a && b && a.complete && b.complete && a.naturalWidth === 512 && b.naturalWidth === 192; })()`)

	tb.nav(srv.URL + "/saved")
	tb.waitMounted()
	tb.waitFor(`document.querySelector(".page[data-page=saved] .cards .card-link") !== null`)
	if got := eval[string](tb, `document.querySelector(".cards .card-link").textContent`); got != title {
		t.Fatalf("saved list shows %q, want %q", got, title)
	}
	// In the app, from the saved list to the article.
	tb.do(chromedp.Click(chromedp.CSS(".cards .card-link")))
	tb.waitFor(`document.querySelector(".page[data-page=reader] .reader-title") !== null`)

	// An article that was not saved says so, and the app shows it is offline.
	tb.nav(srv.URL + other)
	tb.waitMounted()
	tb.waitFor(`document.querySelector("h1")?.textContent === "You are offline" && document.querySelector(".status-offline") !== null`)

	// Removing works offline.
	tb.nav(srv.URL + "/saved")
	tb.waitMounted()
	tb.do(chromedp.Click(chromedp.CSS(".saved-item .remove")))
	tb.waitFor(`document.querySelector(".saved-item") === null`)
	// The one request that must fail: the unsaved article's JSON.
	tb.noConsoleErrors("net::ERR_FAILED (" + srv.URL + "/api/articles" + other[2:] + ")")
}

func TestServiceWorkerInstallsFromTheServerOnly(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	tb := newTab(t)
	var mu sync.Mutex
	var urls []string
	requests := chromedp.Events(tb.ctx, network.RequestWillBeSent)
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			mu.Lock()
			urls = append(urls, ev.Request.URL)
			mu.Unlock()
		}
	}()
	tb.nav(srv.URL + "/")
	tb.waitMounted()
	tb.waitFor(`navigator.serviceWorker.controller !== null`)
	state := eval[string](tb, `navigator.serviceWorker.getRegistration().then(r => r && r.active ? r.active.state : "none")`)
	if state != "activated" {
		t.Fatalf("service worker state %q, want activated", state)
	}
	cached := eval[[]string](tb, `caches.keys().then(keys => Promise.all(keys.map(k => caches.open(k).then(c => c.keys())))).then(all => all.flat().map(r => r.url))`)
	// The shell's static files are cached under their content-hashed names.
	q := regexp.QuoteMeta(srv.URL)
	want := map[string]bool{"^" + q + "/$": false, "^" + q + "/saved$": false, "^" + q + `/web/app\.[0-9a-f]{10}\.wasm$`: false,
		"^" + q + `/web/icon\.[0-9a-f]{10}\.svg$`: false, "^" + q + "/app\\.js$": false}
	for _, u := range cached {
		if !strings.HasPrefix(u, srv.URL+"/") {
			t.Errorf("the service worker cached %s", u)
		}
		for re := range want {
			if regexp.MustCompile(re).MatchString(u) {
				want[re] = true
			}
		}
	}
	for u, ok := range want {
		if !ok {
			t.Errorf("the shell cache lacks %s", u)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, u := range urls {
		if !strings.HasPrefix(u, srv.URL+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested %s", u)
		}
	}
	tb.noConsoleErrors()
}

func TestHostileArticleRunsNothing(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	own := srv.URL + "/web/icon-192.png"
	payload := func(where string) string {
		return `x" autofocus onfocus="window.__pwned='` + where + `'" onmouseover="window.__pwned='` + where + `'" y="\" '`
	}
	in := map[string]any{
		"slug":     "hostile",
		"title":    "Hostile " + payload("title"),
		"subtitle": "Sub " + payload("subtitle"),
		"author":   "Author " + payload("author"),
		"site":     "Site " + payload("site"),
		"excerpt":  "Excerpt " + payload("excerpt"),
		"tags":     []string{`t" autofocus onfocus="window.__pwned='tag'`, `<script>window.__pwned='tagscript'</script>`},
		"image": map[string]string{
			"src":     own + `?x=" onerror="window.__pwned='src'`,
			"alt":     "Alt " + payload("alt"),
			"caption": "Caption " + payload("caption") + `<img src=x onerror="window.__pwned='caption'">`,
			"credit":  "Credit " + payload("credit"),
		},
		"html": `<p>Before.</p>
<script>window.__pwned='script'</script>
<p onclick="window.__pwned='onclick'" onmouseover="window.__pwned='p-over'">Hover me</p>
<img src="` + own + `" onload="window.__pwned='onload'" onerror="window.__pwned='onerror'" alt="pic">
<img src=x onerror="window.__pwned='img-x'">
<svg><script>window.__pwned='svg-script'</script><animate onbegin="window.__pwned='svg'" attributeName="x" dur="1s"/></svg>
<a href="javascript:window.__pwned='js-link'">js link</a>
<iframe srcdoc="<script>parent.__pwned='srcdoc'</script>"></iframe>
<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned='mxss'"></style></mglyph></table></mtext></math>
<form action="javascript:window.__pwned='form'"><button>go</button></form>
<details open ontoggle="window.__pwned='toggle'"><summary>s</summary></details>
<input autofocus onfocus="window.__pwned='input'">
<meta http-equiv="refresh" content="0;url=javascript:window.__pwned='meta'">
<p style="background:url(javascript:window.__pwned='style')">styled</p>
<p>After.</p>`,
	}
	b, _ := json.Marshal(in)
	srv.post(t, "/api/articles", string(b))

	check := func(t *testing.T, tb *tab, where string) {
		t.Helper()
		// Hover and focus everything, as a reader would, then look.
		eval[bool](tb, `(() => {
			for (const el of document.querySelectorAll("body *")) {
				el.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
				if (el.focus) { el.focus(); }
			}
			return true;
		})()`)
		time.Sleep(300 * time.Millisecond)
		if got := eval[string](tb, `String(window.__pwned)`); got != "undefined" {
			t.Fatalf("%s: the payload at %q ran", where, got)
		}
		if got := eval[string](tb, `[...document.querySelectorAll("*")].flatMap(el => [...el.attributes].filter(a => /^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)).map(a => el.tagName + " " + a.name)).join(", ")`); got != "" {
			t.Fatalf("%s: dangerous attributes in the DOM: %s", where, got)
		}
		if got := eval[string](tb, `[...document.scripts].filter(s => s.src === "" && s.type !== "application/json" && s.type !== "application/ld+json").map(s => s.outerHTML).join("\n")`); got != "" {
			t.Fatalf("%s: inline scripts in the DOM:\n%s", where, got)
		}
		if d := tb.dialogsSeen(); len(d) > 0 {
			t.Fatalf("%s: dialogs opened: %q", where, d)
		}
		// The only error allowed is the body's <img src=x>, which the
		// sanitiser keeps as a relative URL: a 404 from this server. A CSP
		// violation would show that an inline handler reached the DOM.
		tb.noConsoleErrors("404 (Not Found) (" + srv.URL + "/a/x)")
	}

	tb := newTab(t)
	call(tb, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `for (const f of ["alert", "confirm", "prompt"]) { window[f] = () => { window.__pwned = f; }; }`,
	})
	for _, path := range []string{"/a/hostile?wasm=false", "/?wasm=false"} {
		tb.nav(srv.URL + path)
		check(t, tb, path+" (prerendered)")
	}
	for _, path := range []string{"/a/hostile", "/"} {
		tb.nav(srv.URL + path)
		tb.waitMounted()
		check(t, tb, path+" (mounted)")
	}
	// The hostile title is shown as text, whole.
	if got := eval[string](tb, `document.querySelector(".card-link[href='/a/hostile']").textContent`); !strings.Contains(got, `onfocus="window.__pwned='title'"`) {
		t.Fatalf("card title %q: the text was altered", got)
	}
	tb.do(chromedp.Click(chromedp.CSS(".card-link[href='/a/hostile']")))
	tb.waitFor(`document.querySelector(".page[data-page=reader] .reader-title") !== null`)
	check(t, tb, "/a/hostile (in-app navigation)")
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	for _, path := range []string{"/nope", "/a/no-such-article"} {
		res, page := srv.get(t, path)
		if res.StatusCode != http.StatusNotFound || !strings.Contains(page, "Page not found") {
			t.Fatalf("GET %s = %d, want 404 with the 404 page", path, res.StatusCode)
		}
	}
	tb := newTab(t)
	tb.nav(srv.URL + "/nope")
	tb.waitMounted()
	if got := eval[string](tb, `document.querySelector("h1").textContent`); got != "Page not found" {
		t.Fatalf("h1 %q", got)
	}
	// A link the app does not know is loaded by the browser from the server.
	eval[bool](tb, `(() => { const a = document.createElement("a"); a.href = "/feed.atom"; a.id = "feed"; a.textContent = "feed"; document.querySelector("main").append(a); return true; })()`)
	tb.do(chromedp.Click(chromedp.ID("feed")))
	tb.waitFor(`location.pathname === "/feed.atom" && document.contentType !== "text/html"`)
	tb.noConsoleErrors("status of 404")
}

func TestUpdateOffersReload(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	target, _ := url.Parse(srv.URL)
	var newVersion atomic.Bool
	proxy := httputil.NewSingleHostReverseProxy(target)
	direct := proxy.Director
	proxy.Director = func(r *http.Request) {
		direct(r)
		if r.URL.Path == "/app-worker.js" && newVersion.Load() {
			r.Header.Del("If-None-Match")   // the new worker must differ from the cached one
			r.Header.Del("Accept-Encoding") // and is changed below as text
		}
	}
	proxy.ModifyResponse = func(res *http.Response) error {
		if res.Request.URL.Path != "/app-worker.js" || !newVersion.Load() || res.StatusCode != http.StatusOK {
			return nil
		}
		b, err := io.ReadAll(res.Body)
		if err != nil {
			return err
		}
		b = append(b, "\n// a new deployment\n"...)
		res.Body = io.NopCloser(bytes.NewReader(b))
		res.ContentLength = int64(len(b))
		res.Header.Set("Content-Length", strconv.Itoa(len(b)))
		res.Header.Del("ETag")
		return nil
	}
	front := httptest.NewServer(proxy)
	defer front.Close()

	tb := newTab(t)
	tb.nav(front.URL + "/")
	tb.waitMounted()
	tb.waitFor(`navigator.serviceWorker.controller !== null`)
	newVersion.Store(true)
	eval[bool](tb, `navigator.serviceWorker.getRegistration().then(r => r.update()).then(() => true)`)
	tb.waitFor(`document.querySelector(".status-update button") !== null`)
	markWindow(tb)
	tb.do(chromedp.Click(chromedp.CSS(".status-update button")))
	tb.waitFor(`window.__folioMarker === undefined`)
	tb.waitMounted()
	tb.noConsoleErrors()
}

func TestAccessibility(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	tb := newTab(t)
	tb.nav(srv.URL + "/")
	tb.waitMounted()
	href, _ := firstCard(tb)
	tb.nav(srv.URL + href)
	tb.waitMounted()
	tb.do(chromedp.Click(chromedp.CSS(`.tool-row button[aria-pressed]`)))
	tb.waitFor(`document.querySelector(".tool-row button[aria-pressed=true]") !== null`)

	themes := []struct{ name, scheme, theme, bg string }{
		{"light", "light", "", "rgb(255, 255, 255)"},
		{"dark", "dark", "", "rgb(18, 19, 22)"},
		{"sepia", "light", "sepia", "rgb(245, 239, 224)"},
	}
	pages := []string{"/", href, "/saved", "/no-such-page"}
	for _, th := range themes {
		for _, p := range pages {
			if th.name == "sepia" && p != href {
				continue
			}
			t.Run(th.name+p, func(t *testing.T) {
				call(tb, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: th.scheme}},
				})
				eval[bool](tb, `localStorage.setItem("folio:prefs", `+jsString(`{"theme":"`+th.theme+`"}`)+`), true`)
				tb.nav(srv.URL + p)
				tb.waitMounted()
				if p == "/saved" {
					tb.waitFor(`document.querySelector(".cards .card") !== null`)
				}
				if p == href {
					tb.do(chromedp.Click(chromedp.CSS("details.display > summary")))
				}
				if bg := eval[string](tb, `getComputedStyle(document.body).backgroundColor`); bg != th.bg {
					t.Fatalf("background %s, want %s: the theme is not applied", bg, th.bg)
				}
				res := runAxe(tb, "{}")
				if v := append(res.Serious, res.Minor...); len(v) > 0 {
					t.Fatalf("axe found %d violations:\n%s", len(v), strings.Join(v, "\n"))
				}
				t.Logf("axe: 0 violations, %d rules passed", res.Passes)
				if p != href {
					return
				}
				if n := eval[int](tb, `document.querySelectorAll("h1").length`); n != 1 {
					t.Fatalf("%d h1 elements, want 1", n)
				}
			})
		}
	}
	tb.noConsoleErrors("status of 404")
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestHarnessSeesCSPViolations checks the check the hostile-article test
// relies on: an inline handler that reaches the DOM is blocked by the
// page's CSP and shows up as a console error.
func TestHarnessSeesCSPViolations(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	tb := newTab(t)
	tb.nav(srv.URL + "/saved")
	eval[bool](tb, `document.body.insertAdjacentHTML("beforeend", '<img src="/web/nope.png" onerror="window.__pwned = 1">'), true`)
	tb.waitFor(`document.querySelector("img[onerror]") !== null`)
	time.Sleep(500 * time.Millisecond)
	if got := eval[string](tb, `String(window.__pwned)`); got != "undefined" {
		t.Fatal("the CSP let an inline handler run")
	}
	errs := strings.Join(tb.consoleErrors(), "\n")
	if !strings.Contains(errs, "Content Security Policy") {
		t.Fatalf("no CSP violation among the console errors:\n%s", errs)
	}
}
