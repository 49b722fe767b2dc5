package e2e

import (
	"strconv"
	"strings"
	"testing"

	"folio/embedcard"

	"github.com/chromedp/chromedp"
)

// TestReaderEmbedPanel: the reader's Embed panel shows the live card in the
// theme and layout picked, and the snippet and address to copy.
func TestReaderEmbedPanel(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	const slug = "what-folio-is-and-what-it-is-for"
	tb := newTab(t)
	tb.nav(srv.URL + "/a/" + slug)
	tb.waitMounted()

	// Closed, the panel loads nothing.
	if n := eval[int](tb, `performance.getEntriesByType("resource").filter(e => e.name.includes("/embed/")).length`); n != 0 {
		t.Fatalf("%d card requests before the panel was opened", n)
	}
	tb.do(chromedp.Click(chromedp.CSS(".embed-tool > summary")))
	tb.waitFor(`document.getElementById("embed-live") !== null && document.querySelector(".embed-tool").open`)
	if got := eval[string](tb, `document.getElementById("embed-live").getAttribute("src")`); got != srv.URL+"/embed/"+slug {
		t.Fatalf("card src %q", got)
	}
	// The live card is the real card page, loaded in the loader's sandbox.
	tb.waitFor(`performance.getEntriesByType("resource").some(e => e.name === "` + srv.URL + `/embed/` + slug + `")`)
	if got := eval[string](tb, `document.getElementById("embed-live").getAttribute("sandbox")`); strings.Contains(got, "allow-same-origin") || !strings.Contains(got, "allow-scripts") {
		t.Fatalf("sandbox %q", got)
	}

	pick := func(id, value string) {
		eval[bool](tb, `(() => { const s = document.getElementById("`+id+`"); s.value = "`+value+`"; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)
	}
	pick("embed-theme", "dark")
	pick("embed-layout", "compact")
	tb.waitFor(`document.getElementById("embed-live").getAttribute("src").includes("theme=dark")`)
	src := eval[string](tb, `document.getElementById("embed-live").getAttribute("src")`)
	if !strings.Contains(src, "layout=compact") {
		t.Fatalf("card src %q after picking the compact layout", src)
	}
	if h := eval[string](tb, `document.getElementById("embed-live").getAttribute("height")`); h != strconv.Itoa(embedcard.HeightCompact) {
		t.Fatalf("compact card height %s, want %d", h, embedcard.HeightCompact)
	}
	code := eval[string](tb, `document.getElementById("embed-code").value`)
	for _, want := range []string{`class="folio-embed"`, `theme=dark`, `data-layout="compact"`, srv.URL + `/embed.js`, srv.URL + `/a/` + slug} {
		if !strings.Contains(code, strings.ReplaceAll(want, "&", "&amp;")) {
			t.Fatalf("embed code lacks %q:\n%s", want, code)
		}
	}
	if got := eval[string](tb, `document.getElementById("embed-url").value`); got != srv.URL+"/a/"+slug {
		t.Fatalf("address %q", got)
	}
	// Copying says what happened (headless Chromium may refuse the clipboard).
	tb.do(chromedp.Click(chromedp.CSS("#embed-copy-code")))
	tb.waitFor(`/copied|Copying is not allowed/.test(document.getElementById("embed-notice").textContent)`)
	tb.noConsoleErrors()
}
