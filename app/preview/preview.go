package preview

import (
	"cmp"
	"context"
	"strconv"
	"strings"
	"time"

	folio "folio/app"
	"folio/article"
	"folio/embedcard"
	"folio/internal/wire"
	"folio/sanitize"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// previewDebounce is how long the preview waits after the last keystroke
// before it runs the pipeline again.
const previewDebounce = 180 * time.Millisecond

// requestTimeout bounds a publish or import request.
const requestTimeout = 30 * time.Second

// Tabs of the preview on narrow screens; on wide screens the editor and
// every output are shown side by side and the tab bar is hidden.
var previewTabs = []choice{
	{"edit", "Edit"}, {"card", "Card"}, {"reader", "Reader"}, {"embed", "Embed"},
	{"removed", "Removed"}, {"html", "HTML"},
}

// preview is the workbench at /preview: an editor for drafts (HTML,
// Markdown or scraped plain text, plus metadata fields) and, updated as
// the author types, the card, the reader and the embed card in the light
// and dark themes, the sanitiser's report and the published HTML. The
// pipeline, (*draft.Draft).Article with the sanitiser, runs here in the
// WebAssembly: editing sends nothing to the server. Drafts stay in the
// browser; the server is asked only to import a page and to publish.
type preview struct {
	app.Compo

	drafts []*previewDraft
	cur    *previewDraft
	ready  bool // the drafts are loaded (in the browser)

	tab   string
	res   previewResult    // of the current text
	shown *article.Article // the last article that could be shown
	// shownRev counts the articles shown; the frames copy the stage when
	// it changes.
	shownRev int
	gen      int       // debounce generation
	rev      int       // output revision, for tests and measurements
	editAt   time.Time // first edit not yet shown
	// Of the last refresh: when it started and when the edits it shows began.
	refreshAt, editedAt time.Time
	frames              frameWriter

	notice  string          // about drafts
	undo    *previewDraft   // the draft just deleted
	deleted map[string]bool // ids of drafts deleted in this tab
	storeOK bool

	pageURL    string
	extracting bool
	extractMsg string
	extractErr bool

	token      string
	publishing bool
	publishMsg string
	publishErr bool
	conflict   string // slug of the existing article a create ran into
	published  *article.Article
	release    []func()
}

func (p *preview) OnPreRender(ctx app.Context) {
	p.setPage(ctx)
}

func (p *preview) OnNav(ctx app.Context) {
	if folio.Navigated() {
		app.Window().Call("scrollTo", 0, 0)
		p.deferred(ctx, folio.FocusMain)
	}
	p.setPage(ctx)
}

func (p *preview) setPage(ctx app.Context) {
	ctx.Page().SetTitle("Preview · " + folio.PageSiteName())
	ctx.Page().SetDescription("Write or paste a draft and see the card, the reader and the embed as they will be published.")
}

func (p *preview) OnMount(ctx app.Context) {
	p.tab = "edit"
	drafts, cur := loadDrafts()
	p.drafts = drafts
	p.storeOK = true
	for _, d := range p.drafts {
		if d.ID == cur {
			p.cur = d
		}
	}
	if p.cur == nil && len(p.drafts) > 0 {
		p.cur = p.drafts[0]
	}
	if p.cur == nil {
		p.cur = newPreviewDraft(formatMarkdown)
		p.drafts = []*previewDraft{p.cur}
	}
	p.token = sessionGet(tokenKey)
	p.deleted = map[string]bool{}
	p.ready = true
	ctx.Async(func() {
		sheets := loadFrameStyles()
		p.dispatch(ctx, func(ctx app.Context) {
			p.frames.styles = sheets
			p.paint(ctx)
		})
	})
	p.refresh(ctx)
	p.deferred(ctx, p.fillInputs)
	p.release = append(p.release,
		folio.OnWindow("resize", func(app.Value) {
			p.dispatch(ctx, func(ctx app.Context) { p.refitFrames() })
		}),
		// Another tab changed the drafts: list its drafts too.
		folio.OnWindow("storage", func(e app.Value) {
			if folio.JSString(e.Get("key")) == draftsKey {
				p.dispatch(ctx, func(ctx app.Context) {
					p.drafts = mergeDrafts(decodeDrafts(folio.LocalGet(draftsKey)), p.cur, p.deleted)
				})
			}
		}),
		// The tab goes away within the debounce: keep the last keystrokes.
		folio.OnWindow("pagehide", func(app.Value) {
			if !p.editAt.IsZero() {
				p.save()
			}
		}),
	)
}

func (p *preview) OnDismount() {
	p.gen++ // cancels a pending refresh
	p.frames.release()
	for _, f := range p.release {
		f()
	}
	p.release = nil
}

// dispatch runs fn on the UI goroutine and then updates the preview. Its
// source is the preview itself, not the element that started the work:
// go-app drops a dispatch whose source is gone, and a button such as
// "Update the existing article" is gone once it has been clicked.
func (p *preview) dispatch(ctx app.Context, fn func(app.Context)) {
	ctx.Dispatcher().Dispatch(app.Dispatch{Mode: app.Update, Source: p, Function: fn})
}

// deferred runs fn after the next render, with the preview as its source.
func (p *preview) deferred(ctx app.Context, fn func(app.Context)) {
	ctx.Dispatcher().Dispatch(app.Dispatch{Mode: app.Defer, Source: p, Function: fn})
}

// refresh runs the pipeline on the current draft and saves the drafts;
// after the render, the frames get the new output.
func (p *preview) refresh(ctx app.Context) {
	now := time.Now()
	p.res = runPipeline(p.cur, now)
	if a := cmp.Or(p.res.Article, p.res.Untitled); a != nil {
		p.shown = a
		p.shownRev++
	}
	p.cur.Title = sanitize.Text(p.res.Found.Title)
	p.save()
	p.refreshAt, p.editedAt = now, p.editAt
	if p.editedAt.IsZero() {
		p.editedAt = now
	}
	p.editAt = time.Time{}
	p.deferred(ctx, p.paint)
}

// paint copies the rendered outputs into the frames, once their style
// sheets are there, and marks the output element with a new revision and
// how long the update took (for tests and measurements): data-pipeline-ms
// for parsing and sanitising, data-frames-ms for copying the markup into
// the frames, data-render-ms from the start of the pipeline to the frames
// written, data-edit-ms from the first keystroke not yet shown (so
// including the debounce).
func (p *preview) paint(ctx app.Context) {
	if p.frames.styles == nil {
		return // loadFrameStyles calls again
	}
	start := time.Now()
	p.frames.paint(p.shownRev)
	took := time.Since(start)
	p.rev++
	ms := func(d time.Duration) string { return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) }
	if out := app.Window().GetElementByID("pv-output"); out.Truthy() {
		out.Call("setAttribute", "data-pipeline-ms", ms(p.res.Took))
		out.Call("setAttribute", "data-frames-ms", ms(took))
		out.Call("setAttribute", "data-render-ms", ms(time.Since(p.refreshAt)))
		out.Call("setAttribute", "data-edit-ms", ms(time.Since(p.editedAt)))
		out.Call("setAttribute", "data-rev", strconv.Itoa(p.rev))
	}
}

// edited notes a change of the current draft and refreshes the output once
// the author pauses.
func (p *preview) edited(ctx app.Context) {
	p.cur.Updated = time.Now().UTC()
	if p.editAt.IsZero() {
		p.editAt = time.Now()
	}
	p.gen++
	gen := p.gen
	ctx.Async(func() {
		time.Sleep(previewDebounce)
		p.dispatch(ctx, func(ctx app.Context) {
			if gen == p.gen {
				p.refresh(ctx)
			}
		})
	})
}

// save stores the current draft and forgets the deleted ones. It merges
// with what is stored rather than overwriting it, so that drafts written
// in another tab survive.
func (p *preview) save() {
	if !p.ready {
		return
	}
	merged := mergeDrafts(decodeDrafts(folio.LocalGet(draftsKey)), p.cur, p.deleted)
	if err := storeDrafts(merged, p.cur.ID); err != nil {
		// Storage is full or off: keep the drafts of this page at least.
		p.storeOK = false
		p.drafts = mergeDrafts(p.drafts, p.cur, p.deleted)
		return
	}
	p.storeOK, p.drafts = true, merged
}

// fillInputs puts the current draft into the editor's inputs. They are
// not bound to the draft in Render: go-app trims values it sets, which
// would eat the space the author just typed.
func (p *preview) fillInputs(ctx app.Context) {
	setValue("pv-body", p.cur.Body)
	setValue("pv-name", p.cur.Name)
	for _, f := range metaFields {
		setValue("pv-meta-"+f.key, *f.get(&p.cur.Meta))
	}
}

func setValue(id, v string) {
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Set("value", v)
	}
}

func inputValue(ctx app.Context) string { return ctx.JSSrc().Get("value").String() }

func (p *preview) onBody(ctx app.Context, e app.Event) {
	p.cur.Body = inputValue(ctx)
	p.edited(ctx)
	ctx.PreventUpdate()
}

func (p *preview) onMeta(f metaField) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		*f.get(&p.cur.Meta) = inputValue(ctx)
		p.edited(ctx)
		ctx.PreventUpdate()
	}
}

func (p *preview) onName(ctx app.Context, e app.Event) {
	p.cur.Name = inputValue(ctx)
	p.cur.Updated = time.Now().UTC()
	p.save()
}

func (p *preview) onFormat(ctx app.Context, e app.Event) {
	p.cur.Format = inputValue(ctx)
	p.cur.Updated = time.Now().UTC()
	p.refresh(ctx)
}

func (p *preview) selectTab(tab string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		p.tab = tab
		p.deferred(ctx, func(ctx app.Context) { p.refitFrames() })
	}
}

// refitFrames resizes the frames, for a tab that has just become visible.
func (p *preview) refitFrames() {
	for _, f := range previewFrames {
		if el := app.Window().GetElementByID(f.id); el.Truthy() {
			fitFrame(el)
		}
	}
}

// open shows another draft.
func (p *preview) open(d *previewDraft, ctx app.Context) {
	p.gen++
	p.cur = d
	p.published, p.publishMsg, p.conflict = nil, "", ""
	p.cur.Updated = time.Now().UTC()
	p.refresh(ctx)
	p.deferred(ctx, p.fillInputs)
}

func (p *preview) openDraft(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		for _, d := range p.drafts {
			if d.ID == id {
				p.notice, p.undo = "", nil
				p.open(d, ctx)
				return
			}
		}
	}
}

func (p *preview) newDraft(ctx app.Context, e app.Event) {
	d := newPreviewDraft(p.cur.Format)
	p.notice, p.undo = "", nil
	p.open(d, ctx)
	p.deferred(ctx, func(ctx app.Context) {
		if el := app.Window().GetElementByID("pv-body"); el.Truthy() {
			el.Call("focus")
		}
	})
}

func (p *preview) deleteDraft(ctx app.Context, e app.Event) {
	gone := p.cur
	name := draftTitle(gone, &p.res)
	p.deleted[gone.ID] = true
	next := newPreviewDraft(gone.Format)
	for _, d := range mergeDrafts(decodeDrafts(folio.LocalGet(draftsKey)), nil, p.deleted) {
		next = d // the most recently edited of the others
		break
	}
	p.open(next, ctx)
	p.undo = gone
	p.notice = "Deleted “" + name + "”."
}

func (p *preview) undoDelete(ctx app.Context, e app.Event) {
	if p.undo == nil {
		return
	}
	d := p.undo
	p.undo, p.notice = nil, "Restored “"+draftTitle(d, nil)+"”."
	delete(p.deleted, d.ID)
	p.open(d, ctx)
}

func (p *preview) onPageURL(ctx app.Context, e app.Event) {
	p.pageURL = inputValue(ctx)
	ctx.PreventUpdate()
}

// importPage asks the server to fetch and extract the page and opens it as
// a new draft.
func (p *preview) importPage(ctx app.Context, e app.Event) {
	u := strings.TrimSpace(p.pageURL)
	if p.extracting {
		return
	}
	if u == "" {
		p.extractMsg, p.extractErr = "Enter the address of a web page.", true
		return
	}
	p.extracting, p.extractMsg, p.extractErr = true, "Fetching "+u+"…", false
	ctx.Async(func() {
		c, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		var page wire.Extracted
		err := sendJSON(c, "POST", "/api/extract", "", map[string]string{"url": u}, &page)
		p.dispatch(ctx, func(ctx app.Context) {
			p.extracting = false
			switch {
			case err == folio.ErrOffline:
				p.extractMsg, p.extractErr = "You are offline: importing a page needs the server.", true
			case err != nil:
				p.extractMsg, p.extractErr = "The page could not be imported: "+article.Message(err), true
			default:
				d := draftFromPage(page)
				p.extractMsg, p.extractErr = "Imported “"+strings.TrimSpace(page.Title)+"” as a new draft.", false
				p.open(d, ctx)
			}
		})
	})
}

func (p *preview) onToken(ctx app.Context, e app.Event) {
	p.token = strings.TrimSpace(inputValue(ctx))
	sessionSet(tokenKey, p.token)
	ctx.PreventUpdate()
}

func (p *preview) forgetToken(ctx app.Context, e app.Event) {
	p.token = ""
	sessionSet(tokenKey, "")
	setValue("pv-token", "")
}

// publish creates the article, or updates the one the draft was published
// as, through the API.
func (p *preview) publish(ctx app.Context, e app.Event) {
	p.publishAs(ctx, p.cur.Slug)
}

// updateExisting publishes over the article a create ran into.
func (p *preview) updateExisting(ctx app.Context, e app.Event) {
	p.publishAs(ctx, p.conflict)
}

func (p *preview) publishAs(ctx app.Context, slug string) {
	if p.publishing {
		return
	}
	p.gen++ // publish what the editor holds now
	p.refresh(ctx)
	switch {
	case p.res.Article == nil:
		p.publishMsg, p.publishErr = "Not published: "+p.res.Err, true
		return
	case p.token == "":
		p.publishMsg, p.publishErr = "Enter the API token to publish.", true
		return
	}
	body := newPublishBody(p.res.Draft, slug != "")
	method, path := "POST", "/api/articles"
	if slug != "" {
		method, path = "PUT", "/api/articles/"+slug
	}
	d, token := p.cur, p.token
	p.publishing, p.publishMsg, p.publishErr, p.conflict = true, "Publishing…", false, ""
	ctx.Async(func() {
		c, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		var a article.Article
		err := sendJSON(c, method, path, token, body, &a)
		p.dispatch(ctx, func(ctx app.Context) {
			p.publishing = false
			switch code := article.Code(err); {
			case err == folio.ErrOffline:
				p.publishMsg, p.publishErr = "You are offline. The draft is kept in this browser; publish it once you are back online.", true
			case code == "":
				d.Slug = a.Slug
				p.save()
				p.published = &a
				p.publishMsg, p.publishErr = "Published “"+a.Title+"”.", false
				if method == "PUT" {
					p.publishMsg = "Updated “" + a.Title + "”."
				}
			case code == article.ECONFLICT && method == "POST":
				p.conflict = p.res.Article.Slug
				p.publishMsg, p.publishErr = article.Message(err), true
			case code == article.ENOTFOUND && method == "PUT":
				d.Slug = ""
				p.save()
				p.publishMsg, p.publishErr = "The article this draft was published as is gone; publish again to create it anew.", true
			case code == article.EUNAUTH || code == article.EFORBIDDEN:
				p.publishMsg, p.publishErr = "Not published: "+article.Message(err), true
			default:
				p.publishMsg, p.publishErr = "Not published: "+article.Message(err), true
			}
		})
	})
}

func (p *preview) Render() app.UI {
	return folio.Shell("preview", 200,
		app.Link().Rel("stylesheet").Href(folio.Asset("preview.css")),
		app.H1().Class("page-title").Text("Preview"),
		app.P().Class("lede").Text("Write or paste a draft: the card, the reader and the embed update as you type, cleaned by the same sanitiser that publishing uses. Drafts stay in this browser until you publish."),
		app.P().Class("notice no-js-only").Text("The preview runs in your browser and needs JavaScript."),
		app.Div().Class("pv needs-js").DataSet("tab", p.tab).Body(
			p.tabBar(),
			p.editor(),
			p.outputs(),
			p.stage(),
		),
	)
}

func (p *preview) tabBar() app.UI {
	return app.Div().Class("pv-tabs").Role("tablist").Aria("label", "Preview sections").Body(
		app.Range(previewTabs).Slice(func(i int) app.UI {
			t := previewTabs[i]
			return app.Button().Type("button").ID("pv-tab-"+t.value).Class("pv-tab").Role("tab").
				Aria("selected", strconv.FormatBool(p.tab == t.value)).Aria("controls", "pv-panel-"+t.value).
				OnClick(p.selectTab(t.value)).Text(t.label)
		}),
	)
}

// panel returns a section that is a tab panel on narrow screens.
func (p *preview) panel(tab string, body ...app.UI) app.HTMLSection {
	class := "pv-panel"
	if p.tab == tab {
		class += " is-active"
	}
	return app.Section().ID("pv-panel-"+tab).Class(class).Role("tabpanel").Aria("labelledby", "pv-tab-"+tab).Body(body...)
}

func (p *preview) editor() app.UI {
	return p.panel("edit",
		p.draftList(),
		p.importForm(),
		app.Div().Class("pv-field").Body(
			app.Label().For("pv-name").Text("Draft name"),
			app.Input().ID("pv-name").Type("text").Attr("autocomplete", "off").Placeholder(folio.Attr(p.draftPlaceholder())).OnInput(p.onName),
		),
		p.formatSwitch(),
		app.Div().Class("pv-field").Body(
			app.Label().For("pv-body").Text("Text"),
			app.Textarea().ID("pv-body").Class("pv-body").Rows(18).Attr("spellcheck", "true").
				Placeholder(folio.Attr(bodyPlaceholder(p.format()))).OnInput(p.onBody),
		),
		p.metaForm(),
		p.publishForm(),
	)
}

func (p *preview) format() string {
	if p.cur == nil {
		return formatMarkdown
	}
	return p.cur.Format
}

func (p *preview) draftPlaceholder() string {
	if p.cur == nil {
		return "Untitled draft"
	}
	return draftTitle(&previewDraft{Meta: p.cur.Meta}, &p.res)
}

func bodyPlaceholder(format string) string {
	switch format {
	case formatHTML:
		return "<h1>Title</h1>\n<p>Paste or write HTML…</p>"
	case formatText:
		return "Title\n\nBy Author\n\nPaste text as a scraper saved it…"
	}
	return "---\ntitle: Title\ntags: [news]\n---\n\nWrite Markdown…"
}

func (p *preview) draftList() app.UI {
	var items []app.UI
	for _, d := range p.drafts {
		title := draftTitle(d, nil)
		if d == p.cur {
			title = draftTitle(d, &p.res)
		}
		b := app.Button().Type("button").Class("pv-draft").OnClick(p.openDraft(d.ID)).Text(title)
		if d == p.cur {
			b = b.Aria("current", "true")
		}
		items = append(items, app.Li().Body(b))
	}
	var undo app.UI
	if p.undo != nil {
		undo = app.Button().Type("button").Class("button button-quiet").OnClick(p.undoDelete).Text("Undo")
	}
	var storage app.UI
	if !p.storeOK && p.ready {
		storage = app.P().Class("pv-error").Text("Your drafts could not be saved: this browser's storage is full or turned off.")
	}
	return app.Div().Class("pv-drafts").Body(
		app.H2().Class("pv-h").Text("Drafts"),
		app.Ul().Class("pv-draft-list").Aria("label", "Drafts").Body(items...),
		app.Div().Class("tool-row").Body(
			app.Button().Type("button").ID("pv-new").Class("button button-quiet").OnClick(p.newDraft).Text("New draft"),
			app.Button().Type("button").ID("pv-delete").Class("button button-quiet").OnClick(p.deleteDraft).Text("Delete this draft"),
		),
		app.P().Class("reader-notice").Aria("live", "polite").Body(app.Text(p.notice), undo),
		storage,
	)
}

func (p *preview) importForm() app.UI {
	msg := app.P().ID("pv-import-msg").Class("reader-notice").Aria("live", "polite").Text(p.extractMsg)
	if p.extractErr {
		msg = msg.Class("pv-error")
	}
	btn := app.Button().Type("button").ID("pv-import").Class("button button-quiet").OnClick(p.importPage).Text("Import")
	if p.extracting {
		btn = btn.Aria("busy", "true")
	}
	return app.Details().Class("pv-import").Body(
		app.Summary().Text("Import a web page"),
		app.Div().Class("pv-field").Body(
			app.Label().For("pv-page-url").Text("Address of the page"),
			app.Div().Class("pv-row").Body(
				app.Input().ID("pv-page-url").Type("url").Placeholder("https://").Attr("autocomplete", "off").OnInput(p.onPageURL),
				btn,
			),
			app.P().Class("pv-hint").Text("The server fetches the page and extracts the article into a new draft."),
		),
		msg,
	)
}

func (p *preview) formatSwitch() app.UI {
	return app.FieldSet().Class("pv-format").Body(
		app.Legend().Text("Format"),
		app.Range(formatChoices).Slice(func(i int) app.UI {
			c := formatChoices[i]
			return app.Label().Class("pv-radio").Body(
				app.Input().Type("radio").Name("pv-format").ID("pv-format-"+c.value).Value(c.value).
					Checked(p.format() == c.value).OnChange(p.onFormat),
				app.Text(" "+c.label),
			)
		}),
	)
}

func (p *preview) metaForm() app.UI {
	return app.Details().Class("pv-meta").Open(true).Body(
		app.Summary().Text("Details"),
		app.P().Class("pv-hint").Text("Empty fields take what the text says (a front matter, a byline, the first heading), shown greyed out."),
		app.Div().Class("pv-meta-grid").Body(
			app.Range(metaFields).Slice(func(i int) app.UI {
				f := metaFields[i]
				id := "pv-meta-" + f.key
				in := app.Input().ID(id).Type(f.typ).Attr("autocomplete", "off").Placeholder(folio.Attr(*f.get(&p.res.Found))).OnInput(p.onMeta(f))
				var hint app.UI
				if f.hint != "" {
					in = in.Aria("describedby", id+"-hint")
					hint = app.Span().ID(id + "-hint").Class("pv-hint").Text(f.hint)
				}
				return app.Div().Class("pv-field").Body(app.Label().For(id).Text(f.label), in, hint)
			}),
		),
	)
}

func (p *preview) publishForm() app.UI {
	label := "Publish"
	if p.cur != nil && p.cur.Slug != "" {
		label = "Update “" + p.cur.Slug + "”"
	}
	btn := app.Button().Type("button").ID("pv-publish").Class("button").OnClick(p.publish).Text(label)
	if p.publishing {
		btn = btn.Aria("busy", "true")
	}
	msg := app.P().ID("pv-publish-msg").Class("reader-notice").Aria("live", "polite").Text(p.publishMsg)
	if p.publishErr {
		msg = msg.Class("pv-error")
	}
	var conflict app.UI
	if p.conflict != "" {
		conflict = app.Button().Type("button").ID("pv-update-existing").Class("button button-quiet").
			OnClick(p.updateExisting).Text("Update the existing article “" + p.conflict + "”")
	}
	return app.Section().Class("pv-publish").Aria("labelledby", "pv-publish-h").Body(
		app.H2().ID("pv-publish-h").Class("pv-h").Text("Publish"),
		app.Div().Class("pv-field").Body(
			app.Label().For("pv-token").Text("API token"),
			app.Div().Class("pv-row").Body(
				app.Input().ID("pv-token").Type("password").Attr("autocomplete", "off").Value(folio.Attr(p.token)).OnInput(p.onToken),
				app.Button().Type("button").Class("button button-quiet").OnClick(p.forgetToken).Text("Forget"),
			),
			app.P().Class("pv-hint").Text("Kept for this tab only (session storage)."),
		),
		app.Div().Class("tool-row").Body(btn, conflict),
		msg,
		p.publishedLinks(),
	)
}

func (p *preview) publishedLinks() app.UI {
	a := p.published
	if a == nil || !app.IsClient {
		return nil
	}
	origin := app.Window().Get("location").Get("origin").String()
	snippet := embedcard.Snippet(a.Summary(), origin, embedcard.Options{})
	return app.Div().Class("pv-links").Body(
		app.P().Body(
			app.A().ID("pv-reader-link").Href(folio.SafeURL("/a/"+a.Slug)).Text("Open the reader page"),
			app.Text(" · "),
			app.A().ID("pv-embed-link").Href(folio.SafeURL(embedcard.CardURL(origin, a.Slug, embedcard.Options{}))).Target("_blank").Rel("noopener").Text("Open the embed card"),
		),
		app.Label().For("pv-embed-code").Text("Embed code"),
		app.Textarea().ID("pv-embed-code").Class("pv-code").ReadOnly(true).Rows(5).Text(snippet),
	)
}

func (p *preview) outputs() app.UI {
	var status app.UI
	switch {
	case !p.ready:
		status = app.P().Class("notice").Aria("busy", "true").Text("Loading your drafts…")
	case p.res.Untitled != nil:
		status = app.P().Class("notice notice-error").Text("Not publishable yet: " + p.res.Err)
	case p.res.Err != "" && p.shown != nil:
		status = app.P().Class("notice notice-error").Text("Not publishable yet: " + p.res.Err + " The outputs show the last version that was.")
	case p.res.Err != "":
		status = app.P().Class("notice notice-error").Text("Not publishable yet: " + p.res.Err)
	case p.res.Article != nil:
		a := p.res.Article
		status = app.P().Class("meta pv-status").Text(strconv.Itoa(a.WordCount) + " words · " + folio.Minutes(a.ReadingMinutes) + " · published as /a/" + a.Slug)
	}
	return app.Div().ID("pv-output").Class("pv-outputs").Aria("live", "off").Body(
		app.Div().Class("pv-statusline").Aria("live", "polite").Body(status),
		p.panel("card", app.H2().Class("pv-h").Text("Card"), p.pair("card", "How the article is listed on the site.")),
		p.panel("embed", app.H2().Class("pv-h").Text("Embed"), p.pair("embed", "The card on a partner’s page.")),
		p.panel("reader", app.H2().Class("pv-h").Text("Reader"), p.pair("reader", "")),
		p.panel("removed", app.H2().ID("pv-removed-h").Class("pv-h").Text("What was removed"), p.report()),
		p.panel("html", app.H2().Class("pv-h").Text("Published HTML"), p.htmlSource()),
	)
}

// pair shows an output in the light and the dark theme.
func (p *preview) pair(kind, caption string) app.UI {
	var cap app.UI
	if caption != "" {
		cap = app.P().Class("pv-hint").Text(caption)
	}
	frame := func(theme, label string) app.UI {
		return app.Figure().Class("pv-figure pv-"+kind+" pv-on-"+theme).Body(
			app.IFrame().ID("pv-frame-"+kind+"-"+theme).Class("pv-frame").Title(label+" "+kind+" preview").
				Attr("sandbox", frameSandbox),
			app.FigCaption().Text(label),
		)
	}
	// The same elements on every render: go-app replaces an element whose
	// position changes, and a replaced frame loses its document.
	empty := app.P().Class("pv-empty").Text("Nothing to show yet.")
	if p.shown != nil { // never hidden="false": HTML reads it as hidden
		empty = empty.Hidden(true)
	}
	return app.Div().Body(cap, empty, app.Div().Class("pv-pair pv-pair-"+kind).Body(frame("light", "Light"), frame("dark", "Dark")))
}

func (p *preview) report() app.UI {
	if !p.ready {
		return nil
	}
	r := p.res.Report
	return app.Div().Class("pv-report").Body(
		app.P().ID("pv-report-summary").Text(reportSummary(r)),
		app.Ul().ID("pv-report").Class("pv-report-list").Body(
			app.Range(r).Slice(func(i int) app.UI {
				what, count := removalText(r[i])
				var sample app.UI
				if r[i].Sample != "" {
					sample = app.Code().Class("pv-sample").Text(r[i].Sample)
				}
				return app.Li().DataSet("kind", r[i].Kind).Body(
					app.Code().Class("pv-what").Text(what),
					app.Span().Class("pv-count").Text(" "+count),
					sample,
				)
			}),
		),
	)
}

func (p *preview) htmlSource() app.UI {
	a := cmp.Or(p.res.Article, p.res.Untitled)
	if a == nil {
		return app.P().Class("pv-empty").Text("Nothing to publish yet.")
	}
	return app.Pre().Class("pv-source").Body(app.Code().ID("pv-html").Text(string(a.HTML)))
}

// stage renders the outputs with the production components, hidden; the
// frames show copies of this markup (preview_frames.go).
func (p *preview) stage() app.UI {
	a := p.shown
	if a == nil {
		return app.Div().ID("pv-stage").Hidden(true)
	}
	s := a.Summary()
	origin := ""
	if app.IsClient {
		origin = app.Window().Get("location").Get("origin").String()
	}
	class := "embed"
	if s.Image != nil && s.Image.Src != "" {
		class += " has-image"
	}
	return app.Div().ID("pv-stage").Hidden(true).Body(
		app.Div().ID(stageCard).Body(
			app.Div().Class("main").Body(app.Ul().Class("cards").Role("list").Body(app.Li().Body(folio.NewCard(s)))),
		),
		app.Div().ID(stageEmbed).Body(
			folio.NewCard(s).Base(origin).Target("_blank").Eager(true).Class(class).Source(folio.PageSiteName(), ""), // no logo: editing requests nothing
		),
		app.Div().ID(stageReader).Body(
			app.Div().Class("main").Body(folio.ArticleView(a)),
		),
	)
}
