package app

import (
	"context"

	"folio/article"
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
)

// absolute returns the public URL of a site path.
func absolute(path string) string { return BaseURL + path }
