// Command wasm is the entry point of Folio's WebAssembly bundle
// (web/app.wasm): it registers the reader app's pages and starts go-app in
// the browser. It holds no server code, so none is linked into the bundle.
//
//	GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o web/app.wasm ./wasm
package main

import (
	"folio/app"

	goapp "github.com/maxence-charriere/go-app/v9/pkg/app"
)

func main() {
	app.Routes()
	goapp.RunWhenOnBrowser()
}
