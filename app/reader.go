package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	"folio/article"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// posKey is the localStorage item holding how far the reader got in an
// article, as a fraction of its scrollable height.
func posKey(slug string) string { return "folio:pos:" + slug }

// ArticleSlug returns the slug of an article page's path ("/a/slug"),
// or "" when the path is no article page.
func ArticleSlug(path string) string {
	s, ok := strings.CutPrefix(path, "/a/")
	if !ok || article.ValidSlug(s) != nil {
		return ""
	}
	return s
}

// reader shows one article at /a/{slug}: the prerendered text first, then,
// in the app, a reading-progress bar, display preferences, resuming at the
// last position, sharing and saving for offline reading.
type reader struct {
	app.Compo

	slug     string
	art      *article.Article
	status   loadStatus
	notFound bool
	err      string
	offline  bool

	prefs    prefs
	saved    bool
	saving   bool
	notice   string
	shareURL string
	embed    embedPanel

	resumed  string // the slug whose position was restored
	lastSave time.Time
	release  []func()
}

// OnPreRender looks the article up on the server.
func (r *reader) OnPreRender(ctx app.Context) {
	r.slug = ArticleSlug(ctx.Page().URL().Path)
	defer r.setPage(ctx)
	if r.slug == "" {
		r.notFound = true
		return
	}
	if LookupArticle == nil {
		r.status, r.err = failed, "Articles are not available."
		return
	}
	c, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	a, err := LookupArticle(c, r.slug)
	switch article.Code(err) {
	case "":
		r.art, r.status = a, ready
	case article.ENOTFOUND:
		r.notFound = true
	default:
		r.status, r.err = failed, article.Message(err)
	}
}

// OnInit adopts the article the server rendered.
func (r *reader) OnInit() {
	if !app.IsClient {
		return
	}
	r.slug = ArticleSlug(app.Window().URL().Path)
	if s := takeState("reader", r.slug); s != nil && s.Article != nil {
		r.art, r.status = s.Article, ready
		takeServerBody()
	}
}

func (r *reader) OnMount(ctx app.Context) {
	adoptServerBody()
	r.prefs = loadPrefs()
	r.release = append(r.release,
		onWindow("scroll", func(app.Value) { r.onScroll(false) }),
		onWindow("pagehide", func(app.Value) { r.onScroll(true) }),
	)
}

func (r *reader) OnDismount() {
	r.onScroll(true)
	for _, f := range r.release {
		f()
	}
	r.release = nil
}

// OnNav shows the article the URL names, fetching it unless it is the one
// already shown.
func (r *reader) OnNav(ctx app.Context) {
	spa := navigated()
	slug := ArticleSlug(ctx.Page().URL().Path)
	if slug == r.slug && r.status == ready && r.art != nil {
		r.saved = isSaved(slug)
		r.setPage(ctx)
		ctx.Defer(r.resume)
		return
	}
	r.onScroll(true)
	r.slug, r.art, r.notFound, r.err, r.notice, r.shareURL = slug, nil, false, "", "", ""
	r.saved = isSaved(slug)
	if slug == "" {
		r.notFound = true
		return
	}
	r.status = loading
	app.Window().Call("scrollTo", 0, 0)
	ctx.Async(func() {
		var a article.Article
		err := fetchJSON(ctx, "/api/articles/"+slug, &a)
		ctx.Dispatch(func(ctx app.Context) {
			if r.slug != slug {
				return
			}
			r.offline = err == errOffline
			ctx.SetState(offlineState, r.offline)
			switch article.Code(err) {
			case "":
				r.art, r.status = &a, ready
				r.setPage(ctx)
				ctx.Defer(r.resume)
				if spa {
					ctx.Defer(focusMain)
				}
			case article.ENOTFOUND:
				r.notFound = true
				r.setPage(ctx)
			default:
				r.status, r.err = failed, article.Message(err)
			}
		})
	})
}

func (r *reader) setPage(ctx app.Context) {
	p := ctx.Page()
	setCanonical(ctx, "/a/"+r.slug, "")
	switch {
	case r.notFound:
		p.SetTitle("Page not found · " + siteName())
		return
	case r.art == nil:
		return
	}
	a := r.art
	p.SetTitle(pageTitle(a.Title + " · " + siteName()))
	if !app.IsServer {
		return
	}
	desc := a.Excerpt
	if desc == "" {
		desc = a.Subtitle
	}
	p.SetDescription(attr(desc))
	if a.Image != nil && a.Image.Src != "" {
		p.SetImage(safeURL(a.Image.Src))
	}
}

// onScroll updates the progress bar and, at most every half second (or
// always when final), stores the reading position.
func (r *reader) onScroll(final bool) {
	if !app.IsClient || r.art == nil {
		return
	}
	f, ok := scrollFraction()
	if !ok {
		return
	}
	if bar := app.Window().GetElementByID("reading-progress"); bar.Truthy() {
		bar.Set("value", int(f*100+0.5))
	}
	if r.resumed != r.slug {
		return // not restored yet: do not overwrite the stored position
	}
	if now := time.Now(); final || now.Sub(r.lastSave) > 500*time.Millisecond {
		r.lastSave = now
		_ = localSet(posKey(r.slug), strconv.FormatFloat(f, 'f', 4, 64))
	}
}

// scrollFraction returns how far the window has scrolled through the
// article, from 0 (its top at the top of the window) to 1 (its end at the
// bottom of the window).
func scrollFraction() (float64, bool) {
	w := app.Window()
	el := w.Get("document").Call("querySelector", "article.reader")
	if !el.Truthy() {
		return 0, false
	}
	top := el.Call("getBoundingClientRect").Get("top").Float() + w.Get("scrollY").Float()
	span := el.Get("offsetHeight").Float() - w.Get("innerHeight").Float()
	if span <= 1 {
		return 1, true
	}
	f := (w.Get("scrollY").Float() - top) / span
	return min(max(f, 0), 1), true
}

// resume scrolls to the stored position of the article, once per article.
func (r *reader) resume(ctx app.Context) {
	if r.resumed == r.slug || r.art == nil {
		return
	}
	r.resumed = r.slug
	f, err := strconv.ParseFloat(localGet(posKey(r.slug)), 64)
	w := app.Window()
	el := w.Get("document").Call("querySelector", "article.reader")
	if err == nil && f > 0.01 && f < 0.97 && el.Truthy() {
		top := el.Call("getBoundingClientRect").Get("top").Float() + w.Get("scrollY").Float()
		span := el.Get("offsetHeight").Float() - w.Get("innerHeight").Float()
		w.Call("scrollTo", 0, int(top+f*span))
	}
	r.onScroll(false)
}

// focusMain moves the keyboard focus to the main landmark after an in-app
// navigation, as a full page load would.
func focusMain(ctx app.Context) {
	if m := app.Window().GetElementByID("main"); m.Truthy() {
		m.Call("focus", map[string]any{"preventScroll": true})
	}
}

func (r *reader) toggleSave(ctx app.Context, e app.Event) {
	if r.saving || r.art == nil {
		return
	}
	r.saving, r.notice = true, ""
	a, wasSaved := r.art, r.saved
	images := articleImages(a)
	ctx.Async(func() {
		var err error
		if wasSaved {
			err = removeSaved(a.Slug)
		} else {
			err = saveForOffline(a, images)
		}
		ctx.Dispatch(func(ctx app.Context) {
			r.saving = false
			r.saved = isSaved(a.Slug)
			switch {
			case err != nil && !wasSaved:
				r.notice = "This article could not be saved for offline reading. Try again once the app has finished loading."
			case wasSaved:
				r.notice = "Removed from your saved articles."
			default:
				r.notice = "Saved. You can read this article offline."
			}
		})
	})
}

func (r *reader) share(ctx app.Context, e app.Event) {
	if r.art == nil {
		return
	}
	u := app.Window().URL()
	u.RawQuery, u.Fragment = "", ""
	link, title := u.String(), r.art.Title
	r.notice, r.shareURL = "", ""
	ctx.Async(func() {
		msg, fallback := shareOrCopy(title, link)
		ctx.Dispatch(func(ctx app.Context) { r.notice, r.shareURL = msg, fallback })
	})
}

// shareOrCopy opens the system share sheet, or else copies the link. When
// neither works it returns the link for the reader to copy by hand.
func shareOrCopy(title, link string) (notice, fallback string) {
	nav := app.Window().Get("navigator")
	if nav.Get("share").Truthy() {
		if p, err := call(nav, "share", map[string]any{"title": title, "url": link}); err == nil {
			_, err := await(p)
			if e, ok := err.(jsError); err == nil || ok && e.name == "AbortError" {
				return "", ""
			}
		}
	}
	if copyText(link) {
		return "Link copied.", ""
	}
	return "Copy this link:", link
}

func (r *reader) setPref(set func(*prefs, string)) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		set(&r.prefs, ctx.JSSrc().Get("value").String())
		r.prefs = r.prefs.normalize()
		r.prefs.save()
		r.onScroll(false)
	}
}

func (r *reader) Render() app.UI {
	switch {
	case r.notFound:
		return shell("reader", 404, notFoundContent()...)
	case r.status == loading:
		return shell("reader", 200, app.H1().Class("page-title").Aria("busy", "true").Text("Loading the article…"))
	case r.status == failed || r.art == nil:
		return shell("reader", 500, r.failure()...)
	}
	a := r.art
	return shell("reader", 200,
		stateScript(pageState{Page: "reader", Key: a.Slug, Article: a}),
		app.Progress().ID("reading-progress").Class("reading-progress needs-js").Max(100).Value(0).Aria("label", "Reading progress"),
		r.article(a),
	)
}

func (r *reader) failure() []app.UI {
	if r.offline {
		return []app.UI{
			app.H1().Class("page-title").Text("You are offline"),
			app.P().Text("This article has not been saved for offline reading."),
			app.P().Body(app.A().Href("/saved").Text("Read your saved articles")),
		}
	}
	return []app.UI{
		app.H1().Class("page-title").Text("The article could not be loaded"),
		app.P().Text(r.err),
	}
}

// uiLang is the language of the app's own words (buttons, bylines).
const uiLang = "en"

func (r *reader) article(a *article.Article) app.UI {
	// The article carries its language and direction; the app's own words
	// inside it (byline, tools, footer) say they are English and
	// left-to-right, so that screen readers pick the right voice.
	el := app.Article().Class("reader")
	if a.Lang != "" {
		el = el.Lang(attr(a.Lang))
	}
	if a.Dir != "" {
		el = el.Dir(attr(a.Dir))
	}
	chrome := func(d app.HTMLDiv) app.HTMLDiv {
		if a.Lang != "" && a.Lang != uiLang {
			d = d.Lang(uiLang)
		}
		if a.Dir == "rtl" {
			d = d.Dir("ltr")
		}
		return d
	}
	return el.Body(
		app.Header().Class("reader-head").Body(
			kicker(a),
			app.H1().Class("reader-title").Text(a.Title),
			subtitle(a.Subtitle),
			chrome(app.Div()).Class("reader-byline-wrap").Body(byline(a)),
		),
		chrome(app.Div()).Class("reader-tools-wrap").Body(r.tools()),
		leadImage(a.Image),
		safeBody(a.HTML),
		chrome(app.Div()).Class("reader-foot-wrap").Body(readerFooter(a)),
	)
}

func kicker(a *article.Article) app.UI {
	if a.Site == "" {
		return nil
	}
	return app.P().Class("reader-site").Text(a.Site)
}

func subtitle(s string) app.UI {
	if s == "" {
		return nil
	}
	return app.P().Class("reader-subtitle").Text(s)
}

func byline(a *article.Article) app.UI {
	var parts []app.UI
	if a.Author != "" {
		parts = append(parts, app.Span().Class("reader-author").Text("By "+a.Author))
	}
	parts = append(parts, publishedElem(a.Published))
	if a.ReadingMinutes > 0 {
		parts = append(parts, app.Span().Text(minutes(a.ReadingMinutes)))
	}
	return app.P().Class("meta reader-byline").Body(joinDots(parts)...)
}

func (r *reader) tools() app.UI {
	save := app.Button().Type("button").Class("button").OnClick(r.toggleSave)
	switch {
	case r.saving:
		save = save.Aria("busy", "true").Aria("pressed", strconv.FormatBool(r.saved)).Text("Saving…")
	case r.saved:
		save = save.Aria("pressed", "true").Text("Saved for offline")
	default:
		save = save.Aria("pressed", "false").Text("Save for offline")
	}
	var fallback app.UI
	if r.shareURL != "" {
		fallback = app.Input().Class("share-url").Type("url").ReadOnly(true).Value(attr(r.shareURL)).Aria("label", "Link to this article")
	}
	return app.Div().Class("reader-tools needs-js").Body(
		app.Div().Class("tool-row").Role("group").Aria("label", "Article tools").Body(
			save,
			app.Button().ID("share").Type("button").Class("button button-quiet").OnClick(r.share).Text("Share"),
			r.display(),
			r.embedTool(),
		),
		app.P().Class("reader-notice").Aria("live", "polite").Body(app.Text(r.notice), fallback),
	)
}

func (r *reader) display() app.UI {
	p := r.prefs.normalize()
	sel := func(id, label string, cs []choice, cur string, set func(*prefs, string)) app.UI {
		return app.Div().Class("pref").Body(
			app.Label().For(id).Text(label),
			app.Select().ID(id).OnChange(r.setPref(set)).Body(
				app.Range(cs).Slice(func(i int) app.UI {
					o := app.Option().Value(cs[i].value).Text(cs[i].label)
					if cs[i].value == cur {
						o = o.Selected(true)
					}
					return o
				}),
			),
		)
	}
	return app.Details().Class("display").Body(
		app.Summary().Class("button button-quiet").Text("Display"),
		app.Div().Class("display-panel").Body(
			sel("pref-theme", "Theme", themeChoices, p.Theme, func(p *prefs, v string) { p.Theme = v }),
			sel("pref-size", "Text size", sizeChoices, p.Size, func(p *prefs, v string) { p.Size = v }),
			sel("pref-width", "Line width", widthChoices, p.Width, func(p *prefs, v string) { p.Width = v }),
		),
	)
}

// leadImageSizes is how wide the reader draws the lead image: the text
// column (site.css: .reader is --measure wide, 68ch of the reader's text,
// about 49rem, by default), less the page's padding on a phone. sizes
// cannot know the reader's own text size and width: this is the default.
const leadImageSizes = "(min-width: 52rem) 50rem, calc(100vw - 2rem)"

func leadImage(img *article.Image) app.UI {
	if img == nil {
		return nil
	}
	var caption []app.UI
	if img.Caption != "" {
		caption = append(caption, app.Span().Class("caption").Text(img.Caption))
	}
	if img.Credit != "" {
		caption = append(caption, app.Span().Class("credit").Text(img.Credit))
	}
	src := safeURL(img.Src)
	if src == "" {
		// A caption without its image (a scraper kept the text, not the
		// picture) is the article's lead quote; the credit of a picture
		// that is not there means nothing.
		if img.Caption == "" {
			return nil
		}
		return app.Blockquote().Class("lead-quote").Body(app.P().Text(img.Caption))
	}
	var figcaption app.UI
	if len(caption) > 0 {
		figcaption = app.FigCaption().Body(caption...)
	}
	el := app.Img().Class("lead-img").Src(src).Alt(attr(img.Alt)).Attr("decoding", "async").Attr("fetchpriority", "high")
	if img.HasSize() {
		// The box keeps the picture's ratio before it arrives.
		el = el.Width(img.Width).Height(img.Height)
	}
	if set := srcsetAttr(img); set != "" {
		el = el.Attr("srcset", set).Attr("sizes", leadImageSizes)
	}
	return app.Figure().Class("lead").Body(el, figcaption)
}

func readerFooter(a *article.Article) app.UI {
	var items []app.UI
	if len(a.Tags) > 0 {
		items = append(items, app.Nav().Class("reader-tags").Aria("label", "Tags").Body(
			app.Ul().Class("tags").Body(
				app.Range(a.Tags).Slice(func(i int) app.UI {
					return app.Li().Body(app.A().Class("tag-link").Href(safeURL(listQuery{tag: a.Tags[i]}.href())).Text(a.Tags[i]))
				}),
			),
		))
	}
	if u := safeURL(a.URL); u != "" && !strings.HasPrefix(u, "/") {
		site := a.Site
		if site == "" {
			site = "the original site"
		}
		items = append(items, app.P().Class("reader-source").Body(
			app.Text("Originally published by "),
			app.A().Href(u).Rel("noopener noreferrer").Text(site),
			app.Text("."),
		))
	}
	if len(items) == 0 {
		return nil
	}
	return app.Footer().Class("reader-foot").Body(items...)
}
