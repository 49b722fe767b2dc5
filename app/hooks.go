package app

import (
	"context"
	"net/url"
	"strings"
	"sync"

	"folio/article"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// Server hooks. The server sets them before it serves a page (pages.go);
// they stay nil in the browser, where the app reads the JSON API through
// the browser's fetch instead. They keep the store out of this package and
// out of the WebAssembly bundle.
var (
	// LookupArticle returns the article with the slug, or an ENOTFOUND error.
	LookupArticle func(ctx context.Context, slug string) (*article.Article, error)

	// ListArticles returns a page of article summaries.
	ListArticles func(ctx context.Context, f article.ListFilter) (*article.Page, error)

	// BaseURL is the absolute public base of the site ("https://example.com",
	// no trailing slash), used for canonical and Open Graph URLs.
	BaseURL string

	// SiteName is the publication's name, in page titles and the header.
	// The server sets it; in the browser siteName reads it from the page.
	SiteName = "Folio"

	// AssetPaths maps the static files the components name (icon.svg,
	// site.css, embed.css, preview.css) to the paths the server serves them
	// at: their content-hashed names. The server sets it; in the browser
	// Asset reads the same map from the page.
	AssetPaths map[string]string
)

// clientAssets is AssetPaths as the page's head names them
// (<meta name="folio-assets" content="name=path …">), read once.
var clientAssets = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	el := app.Window().Get("document").Call("querySelector", `meta[name="folio-assets"]`)
	if !el.Truthy() {
		return m
	}
	for _, kv := range strings.Fields(el.Call("getAttribute", "content").String()) {
		if name, path, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(path, "/web/") {
			m[name] = path
		}
	}
	return m
})

// Asset returns the path of a static file of web/: its content-hashed
// name where the server has said it, else /web/{name}, which always works.
func Asset(name string) string {
	m := AssetPaths
	if app.IsClient {
		m = clientAssets()
	}
	if p, ok := m[name]; ok {
		return p
	}
	return "/web/" + name
}

// siteName returns the publication's name: SiteName on the server, the
// application-name the server put in the page's head in the browser.
func siteName() string {
	if app.IsClient {
		if el := app.Window().Get("document").Call("querySelector", `meta[name="application-name"]`); el.Truthy() {
			if n := el.Call("getAttribute", "content").String(); n != "" {
				return n
			}
		}
	}
	return SiteName
}

// setCanonical points the prerendered page's og:url at the public URL of
// the path and query: go-app would build it from the request's Host
// header and print it unescaped (goapp.md §2.1, §2.6).
func setCanonical(ctx app.Context, path, rawQuery string) {
	if !app.IsServer || BaseURL == "" {
		return
	}
	u, err := url.Parse(BaseURL)
	if err != nil {
		return
	}
	u.Path, u.RawPath, u.RawQuery, u.Fragment = path, "", "", ""
	if q, err := url.ParseQuery(rawQuery); err == nil {
		u.RawQuery = q.Encode()
	}
	ctx.Page().ReplaceURL(u)
}
