package app

import (
	"folio/article"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// safeBody is the only place where article HTML reaches app.Raw, which
// prints its input verbatim. It takes article.SafeHTML, which only the
// sanitiser makes, and wraps it in one element: go-app mounts only the
// first root node of a raw string in the browser (goapp.md §2.7).
func safeBody(h article.SafeHTML) app.UI {
	return app.Raw(`<div class="article-body">` + string(h) + `</div>`)
}
