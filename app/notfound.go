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
}

// OnPreRender sets the title. The server renders one 404 page for every
// path that is no page (the page does not show the path it was asked for),
// so that unknown paths cannot make it render pages.
func (n *notFound) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle("Page not found · " + siteName())
}

// OnNav hands a link the app does not know (a feed, an embed) back to the
// browser: go-app routes every same-origin link inside the app, but only
// the server knows those paths. On the page the server itself sent, it
// just shows the 404.
func (n *notFound) OnNav(ctx app.Context) {
	navigated()
	if app.IsClient && ctx.Page().URL().String() != bootURL {
		app.Window().Get("location").Call("reload")
		return
	}
	ctx.Page().SetTitle("Page not found · " + siteName())
}

func (n *notFound) Render() app.UI {
	return shell("notfound", 404, notFoundContent()...)
}

// notFoundContent is the body of a 404 page.
func notFoundContent() []app.UI {
	return []app.UI{
		app.H1().Class("page-title").Text("Page not found"),
		app.P().Text("There is no page at this address. It may have been moved or deleted."),
		app.P().Body(app.A().Href("/").Text("See all articles")),
	}
}
