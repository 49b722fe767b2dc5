// Package app is Folio's reader app: go-app v9 components for the home
// list, the reader, the saved articles and the 404 page, plus the article
// card that the embed reuses. The server prerenders them (the store is
// reached through the hooks in hooks.go) and the WebAssembly bundle built
// from ../wasm renders them again in the browser, where data comes from
// the JSON API through the browser's fetch.
//
// The package imports article, go-app and the standard library only.
package app

import (
	"net/url"
	"sync"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// PreviewPath is the address of the preview workbench. Its component is
// in package app/preview, built into a bundle of its own (../wasm/preview):
// the reader's bundle does not route it, and loads the page in full when
// the app links to it (notFound.OnNav).
const PreviewPath = "/preview"

// ArticlePattern matches the path of an article page.
const ArticlePattern = `^/a/[a-z0-9]+(-[a-z0-9]+)*$`

var routesOnce sync.Once

// Routes registers the app's pages with go-app. The WebAssembly entry point
// and the server both call it; later calls do nothing. Every path that is
// no page gets the 404 page (the server sends it with status 404).
func Routes() {
	routesOnce.Do(func() {
		app.Route("/", &home{})
		app.Route("/saved", &saved{})
		app.RouteWithRegexp(ArticlePattern, &reader{})
		app.RouteWithRegexp(`^/`, &notFound{}) // last: regexps are tried in order
	})
}

// IsPage reports whether path is a page of the app other than the 404
// page: the home list, the saved articles, the preview or an article (an
// article that does not exist still gets the reader's own 404).
func IsPage(path string) bool {
	return path == "/" || path == "/saved" || path == PreviewPath || ArticleSlug(path) != ""
}

// PageQuery returns, in canonical form, the part of u's query that the
// page at u.Path reads: the home list's q, tag and cursor; every other
// page reads none. The server keys its rendered pages on the path and
// this, so that other parameters cannot make it render a page again.
func PageQuery(u *url.URL) string {
	if u.Path != "/" || u.RawQuery == "" {
		return ""
	}
	return queryFromURL(u).encode()
}

// navs counts in-app navigations.
var navs int

// navigated reports whether the current navigation happens inside the app
// rather than being the page load. Every page's OnNav calls it once.
func navigated() bool {
	n := navs
	navs++
	return n > 0
}
