package app

import (
	"strconv"

	"folio/article"
	"folio/embedcard"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// The reader's "Embed" panel: a publisher or partner picks the card's theme
// and layout, sees the live card exactly as partner sites will (the real
// /embed/{slug} page in the same sandboxed iframe the loader makes), and
// copies the snippet or the article's URL (which oEmbed consumers such as
// WordPress turn into the card by themselves).

var (
	embedThemeChoices  = []choice{{embedcard.ThemeAuto, "Automatic"}, {embedcard.ThemeLight, "Light"}, {embedcard.ThemeDark, "Dark"}}
	embedLayoutChoices = []choice{{embedcard.LayoutAuto, "Automatic"}, {embedcard.LayoutCompact, "Compact"}}
)

// embedPanel is the reader's embed state: the options picked and what the
// last copy said.
type embedPanel struct {
	open   bool // the panel is open: only then is the live card loaded
	opts   embedcard.Options
	notice string
}

// siteOrigin is the origin the browser loaded the app from; the snippet
// and card point there.
func siteOrigin() string {
	if !app.IsClient {
		return ""
	}
	return app.Window().Get("location").Get("origin").String()
}

// embedTool is the panel for a published article; the preview's reader,
// which shows a draft with no address yet, has none.
func (r *reader) embedTool() app.UI {
	if r.slug == "" || r.art == nil {
		return nil
	}
	return r.embedUI(r.art)
}

func (r *reader) embedUI(a *article.Article) app.UI {
	o := r.embed.opts
	origin := siteOrigin()
	width := embedcard.DefaultWidth
	height := embedcard.Height(width, o.Layout)
	sel := func(id, label string, cs []choice, cur string, set func(*embedcard.Options, string)) app.UI {
		if cur == "" {
			cur = cs[0].value
		}
		return app.Div().Class("pref").Body(
			app.Label().For(id).Text(label),
			app.Select().ID(id).OnChange(func(ctx app.Context, e app.Event) {
				set(&r.embed.opts, ctx.JSSrc().Get("value").String())
				r.embed.notice = ""
			}).Body(
				app.Range(cs).Slice(func(i int) app.UI {
					o := app.Option().Value(cs[i].value).Text(cs[i].label)
					if cs[i].value == cur { // never selected="false": HTML reads it as selected
						o = o.Selected(true)
					}
					return o
				}),
			),
		)
	}
	snippet := embedcard.Snippet(a.Summary(), origin, o)
	link := embedcard.ReaderURL(origin, a.Slug)
	copyButton := func(id, label, what, text string) app.UI {
		return app.Button().ID(id).Type("button").Class("button button-quiet").Text(label).OnClick(func(ctx app.Context, e app.Event) {
			ctx.Async(func() {
				msg := what + " copied."
				if !copyText(text) {
					msg = "Copying is not allowed here: select the text and copy it."
				}
				ctx.Dispatch(func(ctx app.Context) { r.embed.notice = msg })
			})
		})
	}
	// The live card exists only in the running app with the panel open:
	// the prerendered page carries no frame, and a closed panel loads
	// nothing.
	var live app.UI
	if app.IsClient && r.embed.open {
		live = app.IFrame().ID("embed-live").Class("embed-live").
			Src(safeURL(embedcard.CardURL(origin, a.Slug, o))).
			Title("Embedded card: "+attr(a.Title)).
			Attr("sandbox", "allow-scripts allow-popups allow-popups-to-escape-sandbox").
			Attr("width", strconv.Itoa(width)).Attr("height", strconv.Itoa(height))
	}
	// go-app prints a false boolean attribute as open="false", which HTML
	// reads as open: the prerendered panel stood open until the app
	// mounted and closed it, a layout shift that pushed the article below
	// the fold. Only an open panel carries the attribute.
	details := app.Details().Class("display embed-tool")
	if r.embed.open {
		details = details.Open(true)
	}
	return details.OnToggle(func(ctx app.Context, e app.Event) {
		r.embed.open = ctx.JSSrc().Get("open").Bool()
	}).Body(
		app.Summary().Class("button button-quiet").Text("Embed"),
		app.Div().Class("display-panel embed-panel").Body(
			sel("embed-theme", "Card theme", embedThemeChoices, o.Theme, func(o *embedcard.Options, v string) { o.Theme = v }),
			sel("embed-layout", "Card layout", embedLayoutChoices, o.Layout, func(o *embedcard.Options, v string) { o.Layout = v }),
			live,
			app.Label().For("embed-code").Text("Embed code"),
			// The snippet is the textarea's content, which go-app escapes as text;
			// its value attribute would be written with backslash quoting.
			app.Textarea().ID("embed-code").Class("embed-code").ReadOnly(true).Rows(6).Body(app.Text(snippet)),
			app.Label().For("embed-url").Text("Or paste the article's address into WordPress, Ghost or Discourse"),
			app.Input().ID("embed-url").Class("share-url").Type("url").ReadOnly(true).Value(attr(link)),
			app.Div().Class("tool-row").Body(
				copyButton("embed-copy-code", "Copy code", "Embed code", snippet),
				copyButton("embed-copy-url", "Copy address", "Address", link),
			),
			app.P().ID("embed-notice").Class("embed-notice").Aria("live", "polite").Text(r.embed.notice),
		),
	)
}

// copyText writes text to the clipboard and reports whether it could. It
// blocks: call it inside ctx.Async.
func copyText(text string) bool {
	cb := app.Window().Get("navigator").Get("clipboard")
	if !cb.Truthy() {
		return false
	}
	p, err := call(cb, "writeText", text)
	if err != nil {
		return false
	}
	_, err = await(p)
	return err == nil
}
