package app

import (
	"context"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"folio/article"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// pageSize is the number of cards per page of the home list.
const pageSize = 12

// lookupTimeout bounds a server-side store call made while prerendering.
const lookupTimeout = 5 * time.Second

// loadStatus is where a page's data stands.
type loadStatus int

const (
	loading loadStatus = iota
	ready
	failed
)

// listQuery is what the home list shows: a search, a tag, a cursor.
type listQuery struct{ q, tag, cursor string }

func queryFromURL(u *url.URL) listQuery {
	v := u.Query()
	return listQuery{
		q:      strings.TrimSpace(v.Get("q")),
		tag:    strings.TrimSpace(v.Get("tag")),
		cursor: v.Get("cursor"),
	}
}

// encode returns the query string ("q=x&tag=y"), which is also the key of
// the prerendered state.
func (lq listQuery) encode() string {
	v := url.Values{}
	if lq.q != "" {
		v.Set("q", lq.q)
	}
	if lq.tag != "" {
		v.Set("tag", lq.tag)
	}
	if lq.cursor != "" {
		v.Set("cursor", lq.cursor)
	}
	return v.Encode()
}

func (lq listQuery) href() string {
	if s := lq.encode(); s != "" {
		return "/?" + s
	}
	return "/"
}

func (lq listQuery) filter() article.ListFilter {
	return article.ListFilter{Limit: pageSize, Query: lq.q, Tag: lq.tag, Cursor: lq.cursor}
}

func (lq listQuery) apiPath() string {
	q := lq.encode()
	if q != "" {
		q += "&"
	}
	return "/api/articles?" + q + "limit=" + strconv.Itoa(pageSize)
}

// listCache keeps the lists the home page showed in this session, by
// query, so that coming back to one (the back button, the Articles link)
// shows it at once and makes no request. It lives in the browser only.
var listCache = map[string]article.Page{}

// maxCachedLists bounds listCache.
const maxCachedLists = 20

func cacheList(key string, articles []article.Summary, next string) {
	if !app.IsClient {
		return
	}
	if len(listCache) >= maxCachedLists {
		clear(listCache)
	}
	listCache[key] = article.Page{Articles: articles, Next: next}
}

// home is the article list at "/": cards, newest first, with search, a tag
// filter and a "more" link. It is complete without JavaScript; in the app,
// searching, filtering and "more" fetch the JSON API.
type home struct {
	app.Compo

	query    listQuery
	loaded   string // the key of the query the list holds
	articles []article.Summary
	next     string
	status   loadStatus
	err      string
	errCode  string
	offline  bool

	entered bool // OnNav ran since the page was mounted

	moreBusy bool
	moreErr  string
	focusAt  int // index of the first card to focus after "more"

	release []func()
}

// OnPreRender fills the list on the server.
func (h *home) OnPreRender(ctx app.Context) {
	h.query = queryFromURL(ctx.Page().URL())
	h.setPage(ctx)
	if ListArticles == nil {
		h.status, h.err = failed, "The article list is not available."
		return
	}
	c, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	p, err := ListArticles(c, h.query.filter())
	if err != nil {
		h.status, h.err, h.errCode = failed, article.Message(err), article.Code(err)
		return
	}
	h.articles, h.next, h.status, h.loaded = p.Articles, p.Next, ready, h.query.encode()
}

// OnInit adopts the list the server rendered.
func (h *home) OnInit() {
	if !app.IsClient {
		return
	}
	lq := queryFromURL(app.Window().URL())
	if s := takeState("home", lq.encode()); s != nil && s.List != nil {
		h.query, h.articles, h.next, h.status, h.loaded = lq, s.List.Articles, s.List.Next, ready, lq.encode()
		cacheList(h.loaded, h.articles, h.next)
	}
}

func (h *home) OnMount(ctx app.Context) {
	h.release = append(h.release,
		onDocument("submit", func(e app.Value) {
			form := closest(e, "form.search")
			if form == nil {
				return
			}
			e.Call("preventDefault")
			q := jsString(form.Call("querySelector", "input[name=q]").Get("value"))
			lq := listQuery{q: strings.TrimSpace(q), tag: h.query.tag}
			ctx.Dispatch(func(ctx app.Context) { ctx.Navigate(lq.href()) })
		}),
		onDocument("click", func(e app.Value) {
			if closest(e, "a.more-link") == nil || e.Get("button").Int() != 0 || e.Get("ctrlKey").Bool() || e.Get("metaKey").Bool() {
				return
			}
			e.Call("preventDefault")
			e.Call("stopPropagation") // keep go-app's window.onclick from navigating
			ctx.Dispatch(h.more)
		}),
	)
}

func (h *home) OnDismount() {
	for _, f := range h.release {
		f()
	}
	h.release = nil
}

// OnNav loads the list the URL asks for, unless it is already there.
func (h *home) OnNav(ctx app.Context) {
	// Coming from another page, focus moves to the main landmark as on a
	// page load; a search or a tag change keeps the focus where it is.
	arrived := navigated() && !h.entered
	h.entered = true
	h.query = queryFromURL(ctx.Page().URL())
	h.setPage(ctx)
	key := h.query.encode()
	if h.loaded == key && h.status == ready {
		return
	}
	if p, ok := listCache[key]; ok {
		h.articles, h.next, h.status, h.loaded, h.err, h.moreErr = p.Articles, p.Next, ready, key, "", ""
		if arrived {
			ctx.Defer(focusMain)
		}
		return
	}
	h.status, h.err, h.moreErr = loading, "", ""
	lq := h.query
	ctx.Async(func() {
		var p article.Page
		err := fetchJSON(ctx, lq.apiPath(), &p)
		ctx.Dispatch(func(ctx app.Context) {
			if h.query != lq {
				return // a newer navigation won
			}
			h.offline = err == errOffline
			ctx.SetState(offlineState, h.offline)
			if err != nil {
				h.status, h.err = failed, article.Message(err)
				return
			}
			h.articles, h.next, h.status, h.loaded = p.Articles, p.Next, ready, lq.encode()
			cacheList(h.loaded, h.articles, h.next)
			app.Window().Call("scrollTo", 0, 0)
			if arrived {
				ctx.Defer(focusMain)
			}
		})
	})
}

// more appends the next page.
func (h *home) more(ctx app.Context) {
	if h.moreBusy || h.next == "" {
		return
	}
	h.moreBusy, h.moreErr = true, ""
	lq := listQuery{q: h.query.q, tag: h.query.tag, cursor: h.next}
	ctx.Async(func() {
		var p article.Page
		err := fetchJSON(ctx, lq.apiPath(), &p)
		ctx.Dispatch(func(ctx app.Context) {
			h.moreBusy = false
			if err != nil {
				h.moreErr = article.Message(err)
				if err == errOffline {
					h.moreErr = "You are offline."
					ctx.SetState(offlineState, true)
				}
				return
			}
			h.focusAt = len(h.articles)
			h.articles = append(h.articles[:len(h.articles):len(h.articles)], p.Articles...)
			h.next = p.Next
			cacheList(h.loaded, h.articles, h.next)
			ctx.Defer(h.focusNew)
		})
	})
}

// focusNew moves the keyboard focus to the first card "more" added.
func (h *home) focusNew(ctx app.Context) {
	links := app.Window().Get("document").Call("querySelectorAll", ".cards .card-link")
	if h.focusAt < links.Length() {
		links.Index(h.focusAt).Call("focus")
	}
}

func (h *home) title() string {
	switch {
	case h.query.q != "" && h.query.tag != "":
		return "Search: " + h.query.q + " in " + h.query.tag
	case h.query.q != "":
		return "Search: " + h.query.q
	case h.query.tag != "":
		return "Tagged " + h.query.tag
	}
	return "Articles"
}

func (h *home) setPage(ctx app.Context) {
	ctx.Page().SetTitle(pageTitle(h.title() + " · " + siteName()))
	if app.IsServer {
		ctx.Page().SetDescription(attr("Articles from Folio, readable anywhere and offline."))
		setCanonical(ctx, "/", h.query.encode())
	}
}

func (h *home) Render() app.UI {
	var content []app.UI
	content = append(content,
		app.H1().Class("page-title").Text(h.title()),
		h.searchForm(),
		h.tagNav(),
	)
	switch h.status {
	case loading:
		content = append(content, app.P().Class("notice").Aria("busy", "true").Text("Loading articles…"))
	case failed:
		content = append(content, h.failure())
	default:
		content = append(content, h.list())
	}
	var state app.UI
	if h.status == ready {
		state = stateScript(pageState{Page: "home", Key: h.loaded, List: &article.Page{Articles: h.articles, Next: h.next}})
	}
	return shell("home", httpStatus(h.status, h.errCode), append([]app.UI{state}, content...)...)
}

func (h *home) searchForm() app.UI {
	form := app.Form().Class("search").Action("/").Method("get").Role("search").Body(
		app.Label().For("q").Text("Search articles"),
		app.Div().Class("search-row").Body(
			app.Input().Type("search").ID("q").Name("q").Value(attr(h.query.q)).Attr("autocomplete", "off"),
			h.tagInput(),
			app.Button().Type("submit").Class("button").Text("Search"),
		),
	)
	return form
}

func (h *home) tagInput() app.UI {
	if h.query.tag == "" {
		return nil
	}
	return app.Input().Type("hidden").Name("tag").Value(attr(h.query.tag))
}

// tagNav offers the tags of the listed articles as filters, the most
// frequent first, and a way back to all articles.
func (h *home) tagNav() app.UI {
	count := map[string]int{}
	var tags []string
	for _, a := range h.articles {
		for _, t := range a.Tags {
			if count[t] == 0 {
				tags = append(tags, t)
			}
			count[t]++
		}
	}
	if h.query.tag != "" && count[h.query.tag] == 0 {
		tags = append(tags, h.query.tag)
	}
	sort.SliceStable(tags, func(i, j int) bool { return count[tags[i]] > count[tags[j]] })
	if len(tags) > 20 {
		tags = tags[:20]
	}
	if len(tags) == 0 && h.query.tag == "" && h.query.q == "" {
		return nil
	}
	items := []app.UI{}
	all := app.A().Href("/").Text("All articles")
	if h.query.tag == "" && h.query.q == "" {
		all = all.Aria("current", "page")
	}
	items = append(items, app.Li().Body(all))
	for _, t := range tags {
		a := app.A().Class("tag-link").Href(safeURL(listQuery{q: h.query.q, tag: t}.href())).Text(t)
		if t == h.query.tag {
			a = a.Aria("current", "page")
		}
		items = append(items, app.Li().Body(a))
	}
	return app.Nav().Class("tag-nav").Aria("label", "Topics").Body(app.Ul().Class("tags").Body(items...))
}

func (h *home) failure() app.UI {
	if h.offline {
		return app.Div().Class("notice notice-error").Body(
			app.P().Text("You are offline and the list could not be loaded."),
			app.P().Body(app.A().Href("/saved").Text("Read your saved articles")),
		)
	}
	return app.Div().Class("notice notice-error").Body(
		app.P().Text("The articles could not be loaded: " + h.err),
	)
}

func (h *home) list() app.UI {
	if len(h.articles) == 0 {
		msg := "There are no articles yet."
		if h.query.q != "" || h.query.tag != "" {
			msg = "No articles match."
		}
		return app.P().Class("notice").Text(msg)
	}
	return app.Div().Body(
		app.Ul().Class("cards").Role("list").Body(
			app.Range(h.articles).Slice(func(i int) app.UI {
				// The first card is above the fold on every screen: its image
				// loads at once; the others lazily.
				return app.Li().Body(NewCard(h.articles[i]).Eager(i == 0))
			}),
		),
		h.moreLink(),
	)
}

func (h *home) moreLink() app.UI {
	if h.next == "" {
		return nil
	}
	lq := listQuery{q: h.query.q, tag: h.query.tag, cursor: h.next}
	link := app.A().Class("more-link button").Href(safeURL(lq.href())).Text("More articles")
	if h.moreBusy {
		link = link.Aria("busy", "true").Text("Loading more…")
	}
	var errUI app.UI
	if h.moreErr != "" {
		errUI = app.P().Class("notice notice-error").Text("Could not load more: " + h.moreErr)
	}
	return app.Div().Class("more").Body(link, errUI)
}

// httpStatus is the status the server sends with a page whose data is in
// the given state.
func httpStatus(s loadStatus, code string) int {
	switch {
	case s != failed:
		return 200
	case code == article.EINVALID:
		return 400
	case code == article.ENOTFOUND:
		return 404
	}
	return 500
}
