package app

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// side is "server" in a prerendered page and "client" once the
// WebAssembly app has rendered it; tests wait for the latter.
func side() string {
	if app.IsServer {
		return "server"
	}
	return "client"
}

// offlineState is the go-app state that tells the top bar the network is
// gone (set by fetch failures and the browser's online/offline events).
const offlineState = "folio.offline"

// shell lays out a page: a skip link, the site header, the main landmark
// holding content, and the footer. status is the HTTP status the server
// sends with the page (pages.go reads the data-status attribute of this,
// the first element of <body>).
func shell(page string, status int, content ...app.UI) app.HTMLDiv {
	return app.Div().
		Class("page").
		DataSet("page", page).
		DataSet("side", side()).
		DataSet("status", strconv.Itoa(status)).
		Body(
			app.A().Class("skip-link").Href("#main").Text("Skip to content"),
			&topBar{IPage: page},
			app.Main().ID("main").Class("main").TabIndex(-1).Body(content...),
			app.Footer().Class("site-footer").Body(
				app.P().Text("Folio: articles you can read anywhere, even offline."),
			),
		)
}

// topBar is the site header: the name, the navigation, and a status line
// that says when the app is offline or when a new version is ready.
type topBar struct {
	app.Compo

	IPage string

	offline bool
	update  bool
	release []func()
}

func (t *topBar) OnMount(ctx app.Context) {
	t.offline = !app.Window().Get("navigator").Get("onLine").Bool()
	t.update = ctx.AppUpdateAvailable()
	ctx.ObserveState(offlineState).Value(&t.offline)
	if t.offline {
		ctx.SetState(offlineState, true)
	}
	t.release = append(t.release,
		onWindow("offline", func(app.Value) {
			ctx.Dispatch(func(ctx app.Context) { ctx.SetState(offlineState, true) })
		}),
		onWindow("online", func(app.Value) {
			ctx.Dispatch(func(ctx app.Context) { ctx.SetState(offlineState, false) })
		}),
	)
}

func (t *topBar) OnDismount() {
	for _, f := range t.release {
		f()
	}
	t.release = nil
}

// OnAppUpdate is called when a new version of the app has been installed
// by the service worker.
func (t *topBar) OnAppUpdate(ctx app.Context) { t.update = true }

func (t *topBar) reload(ctx app.Context, e app.Event) { ctx.Reload() }

func (t *topBar) Render() app.UI {
	navLink := func(href, page, label string) app.UI {
		a := app.A().Href(href).Text(label)
		if t.IPage == page {
			a = a.Aria("current", "page")
		}
		return app.Li().Body(a)
	}
	var status []app.UI
	if t.offline {
		status = append(status, app.P().Class("status-offline").Body(
			app.Text("You are offline. "),
			app.A().Href("/saved").Text("Saved articles"),
			app.Text(" can still be read."),
		))
	}
	if t.update {
		status = append(status, app.P().Class("status-update").Body(
			app.Text("A new version of Folio is ready. "),
			app.Button().Type("button").Class("button").OnClick(t.reload).Text("Reload"),
		))
	}
	return app.Header().Class("site-header").Body(
		app.Div().Class("site-bar").Body(
			app.A().Class("brand").Href("/").Body(
				app.Img().Class("brand-logo").Src(Asset("icon.svg")).Alt("").Width(28).Height(28),
				app.Span().Text(siteName()),
			),
			app.Nav().Class("site-nav").Aria("label", "Main").Body(
				app.Ul().Body(
					navLink("/", "home", "Articles"),
					navLink("/saved", "saved", "Saved"),
					navLink(PreviewPath, "preview", "Preview"),
				),
			),
		),
		app.Div().Class("site-status").Aria("live", "polite").Body(status...),
	)
}
