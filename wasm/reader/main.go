// Command reader is the entry point of Folio's reader app bundle
// (web/app.wasm): the home list, the reader, the saved articles and the
// 404 page. It links no draft pipeline, sanitiser, Markdown or YAML code
// (make check-deps enforces it); a link to the preview loads that page in
// full, with its own bundle. It holds no server code either.
//
//	GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o web/app.wasm ./wasm/reader
package main

import (
	"folio/app"

	goapp "github.com/maxence-charriere/go-app/v9/pkg/app"
)

func main() {
	app.Routes()
	goapp.RunWhenOnBrowser()
}
