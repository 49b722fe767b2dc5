// Command preview is the entry point of the preview workbench's bundle
// (web/preview.wasm), which /preview loads: the reader app's pages plus the
// preview with the draft pipeline and the sanitiser, so that a draft is
// sanitised in the browser exactly as on publish. It holds no server code.
//
//	GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o web/preview.wasm ./wasm/preview
package main

import (
	"folio/app/preview"

	goapp "github.com/maxence-charriere/go-app/v9/pkg/app"
)

func main() {
	preview.Routes()
	goapp.RunWhenOnBrowser()
}
