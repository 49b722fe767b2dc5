package app

import (
	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// saved lists the articles saved for offline reading at /saved. The list
// lives in the browser, so the server renders only the frame; the page is
// in the service worker's shell cache and works with no network.
type saved struct {
	app.Compo

	entries []savedEntry
	loaded  bool
	busy    string // slug being removed
	notice  string
}

func (s *saved) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle("Saved articles · " + siteName())
	ctx.Page().SetDescription("The articles you saved for reading offline.")
	setCanonical(ctx, "/saved", "")
}

func (s *saved) OnMount(ctx app.Context) {
	s.entries, s.loaded = loadSaved(), true
}

func (s *saved) OnNav(ctx app.Context) {
	if navigated() {
		app.Window().Call("scrollTo", 0, 0)
		ctx.Defer(focusMain)
	}
	ctx.Page().SetTitle("Saved articles · " + siteName())
	s.entries, s.loaded = loadSaved(), true
}

func (s *saved) remove(slug, title string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if s.busy != "" {
			return
		}
		s.busy = slug
		ctx.Async(func() {
			err := removeSaved(slug)
			ctx.Dispatch(func(ctx app.Context) {
				s.busy = ""
				s.entries = loadSaved()
				s.notice = "Removed “" + title + "”."
				if err != nil && isSaved(slug) {
					s.notice = "“" + title + "” could not be removed."
				}
			})
		})
	}
}

func (s *saved) Render() app.UI {
	content := []app.UI{
		app.H1().Class("page-title").Text("Saved articles"),
		app.P().Class("lede").Text("Articles you save are kept in this browser, so you can read them without a connection."),
		app.P().Class("reader-notice").Aria("live", "polite").Text(s.notice),
	}
	switch {
	case !s.loaded:
		content = append(content,
			app.P().Class("notice no-js-only").Text("Listing saved articles needs JavaScript."),
			app.P().Class("notice needs-js").Aria("busy", "true").Text("Loading your saved articles…"),
		)
	case len(s.entries) == 0:
		content = append(content, app.P().Class("notice").Body(
			app.Text("Nothing saved yet. Open an article and choose “Save for offline”. "),
			app.A().Href("/").Text("See all articles"),
		))
	default:
		content = append(content, app.Ul().Class("cards").Role("list").Body(
			app.Range(s.entries).Slice(func(i int) app.UI {
				e := s.entries[i]
				btn := app.Button().Type("button").Class("button button-quiet remove").
					Aria("label", attr("Remove “"+e.Title+"” from saved articles")).
					OnClick(s.remove(e.Slug, e.Title)).Text("Remove")
				if s.busy == e.Slug {
					btn = btn.Aria("busy", "true")
				}
				return app.Li().Class("saved-item").Body(NewCard(e.Summary), btn)
			}),
		))
	}
	return shell("saved", 200, content...)
}
