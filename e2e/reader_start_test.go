package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAppStartsWhenNeeded checks when the WebAssembly app starts
// (internal/server/appstart.js): not on a prerendered article or the home
// list, however long the page stays open, but at the first use of one of
// its controls; a click that started it is not lost, nor is text typed
// before it mounted; a saved article and the saved list start it at once.
func TestAppStartsWhenNeeded(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	tb := newTab(t)
	slug := "what-folio-is-and-what-it-is-for"

	// The page has loaded, painted, and its service worker controls it
	// (registered after the first paint, as the app would have started).
	tb.nav(srv.URL + "/a/" + slug)
	tb.waitFor(`document.readyState === "complete" && window.folioApp !== undefined && navigator.serviceWorker.controller !== null`)
	if st := eval[[]bool](tb, `[window.folioApp.started, document.querySelector(".page[data-side=client]") !== null,
		performance.getEntriesByType("resource").some((e) => e.name.endsWith(".wasm"))]`); st[0] || st[1] || st[2] {
		t.Fatalf("started=%v mounted=%v bundle requested=%v on a prerendered article, want none", st[0], st[1], st[2])
	}

	// A click on Save starts the app, and the article is saved once it has
	// mounted: the click is replayed on the app's Save button.
	tb.do(chromedp.Click(chromedp.CSS(".tool-row button[aria-pressed]")))
	tb.waitFor(`document.querySelector(".page[data-side=client] .tool-row button[aria-pressed=true]") !== null`)
	if saved := eval[string](tb, `localStorage.getItem("folio:saved") || ""`); !strings.Contains(saved, slug) {
		t.Fatalf("the saved list %q lacks the article after a click on Save before the mount", saved)
	}

	// A saved article shows its saved state: the app starts at once.
	tb.nav(srv.URL + "/a/" + slug)
	tb.waitFor(`window.folioApp !== undefined && window.folioApp.started && document.querySelector(".page[data-side=client] .tool-row button[aria-pressed=true]") !== null`)

	// The saved list is made by the app: it starts at once.
	tb.nav(srv.URL + "/saved")
	tb.waitFor(`document.querySelector(".page[data-side=client][data-page=saved] .cards .card") !== null`)

	// Typing in the home page's search field starts the app; the text and
	// the focus survive the mount.
	tb.nav(srv.URL + "/")
	tb.waitFor(`document.readyState === "complete" && window.folioApp !== undefined`)
	if eval[bool](tb, `window.folioApp.started`) {
		t.Fatal("the app started on the home page before any use")
	}
	// The keys go to whatever has the focus, as a person's do: the click
	// starts the app, which may mount (and take over the field) between two
	// keys, so no node is named.
	tb.do(chromedp.Click(chromedp.CSS("#q")), chromedp.KeyEvent("embed"))
	tb.waitFor(`document.querySelector(".page[data-side=client] #q") !== null && document.activeElement && document.activeElement.id === "q" && document.activeElement.value === "embed"`)
	tb.noConsoleErrors()
}
