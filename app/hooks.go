package app

import (
	"context"
	"net/url"

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
)

// siteLogo returns the address of the publication's logo, which the server
// puts in every page's head; "" on the server and when there is none.
func siteLogo() string {
	if app.IsClient {
		if el := app.Window().Get("document").Call("querySelector", `meta[name="site-logo"]`); el.Truthy() {
			return el.Call("getAttribute", "content").String()
		}
	}
	return ""
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
