package app

import (
	"folio/article"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// safeBody is the only place where article HTML reaches app.Raw, which
// prints its input verbatim. It takes article.SafeHTML, which only the
// sanitiser makes, and wraps it in one element: go-app mounts only the
// first root node of a raw string in the browser (goapp.md §2.7).
func safeBody(h article.SafeHTML) app.UI {
	return app.Raw(`<div class="article-body">` + string(h) + `</div>`)
}

// The server's article body is kept across the mount. go-app v9 does not
// hydrate: on its first mount it builds the page again and puts the new
// tree in place of the prerendered one (engine.go:164-171), which would
// paint the article a second time. The reader takes the prerendered
// .article-body element before the mount (takeServerBody, from OnInit,
// while the server's DOM is still in the page) and, right after the mount
// (adoptServerBody, from OnMount, in the same task: the browser paints
// nothing in between), moves its child nodes into the .article-body that
// go-app made from the same sanitised HTML. The paragraphs the server
// painted are then the paragraphs the app shows, with their selection,
// media state and paint records. go-app keeps its own wrapper element, so
// its later updates (another article) replace a node it knows.

// serverBody is the prerendered .article-body, held between OnInit and
// OnMount of the first reader, in the browser only.
var serverBody app.Value

// takeServerBody keeps the prerendered article body, once per page load.
func takeServerBody() {
	if !app.IsClient || navs > 0 {
		return
	}
	if el := app.Window().Get("document").Call("querySelector", ".page[data-side=server] .article-body"); el.Truthy() {
		serverBody = el
	}
}

// adoptServerBody moves the kept body's nodes into the mounted one when
// both were made from the same HTML, and reports whether it did.
func adoptServerBody() bool {
	old := serverBody
	serverBody = nil
	if old == nil || !app.IsClient {
		return false
	}
	cur := app.Window().Get("document").Call("querySelector", ".page[data-side=client] .article-body")
	if !cur.Truthy() || cur.Get("innerHTML").String() != old.Get("innerHTML").String() {
		return false
	}
	cur.Set("textContent", "")
	for n := old.Get("firstChild"); n.Truthy(); n = old.Get("firstChild") {
		cur.Call("appendChild", n)
	}
	cur.Get("dataset").Set("adopted", "server")
	return true
}
