package app

import (
	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// bootURL is the URL the browser loaded, before any in-app navigation.
var bootURL = func() string {
	if !app.IsClient {
		return ""
	}
	return app.Window().URL().String()
}()

// notFound is the page for every path that is no page of the app. The
// server sends it with status 404.
type notFound struct {
	app.Compo
	path string
}

func (n *notFound) OnPreRender(ctx app.Context) {
	n.path = ctx.Page().URL().Path
	ctx.Page().SetTitle("Page not found · Folio")
	setCanonical(ctx, n.path, "")
}

func (n *notFound) OnInit() {
	if app.IsClient {
		n.path = app.Window().URL().Path
	}
}

// OnNav hands a link the app does not know (a feed, an embed) back to the
// browser: go-app routes every same-origin link inside the app, but only
// the server knows those paths. On the page the server itself sent, it
// just shows the 404.
func (n *notFound) OnNav(ctx app.Context) {
	navigated()
	u := ctx.Page().URL()
	n.path = u.Path
	if app.IsClient && u.String() != bootURL {
		app.Window().Get("location").Call("reload")
		return
	}
	ctx.Page().SetTitle("Page not found · Folio")
}

func (n *notFound) Render() app.UI {
	return shell("notfound", 404, notFoundContent(n.path)...)
}

// notFoundContent is the body of a 404 page.
func notFoundContent(path string) []app.UI {
	return []app.UI{
		app.H1().Class("page-title").Text("Page not found"),
		app.P().Body(
			app.Text("There is no page at "),
			app.Code().Text(path),
			app.Text(". It may have been moved or deleted."),
		),
		app.P().Body(app.A().Href("/").Text("See all articles")),
	}
}
