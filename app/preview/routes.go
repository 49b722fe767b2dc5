package preview

import (
	"sync"

	folio "folio/app"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

var routesOnce sync.Once

// Routes registers the preview workbench at folio.PreviewPath, after the
// reader app's pages (folio.Routes): the server and the preview's bundle
// (../../wasm/preview) call it; the reader's bundle does not, so it links
// none of the draft pipeline. Later calls do nothing.
func Routes() {
	folio.Routes()
	routesOnce.Do(func() {
		app.Route(folio.PreviewPath, &preview{}) // an exact route: wins over the reader's catch-all regexp
	})
}
