// Package web holds Folio's static files: the style sheet, the small
// script every page loads, the icons, robots.txt, the service worker
// template and, once built, the WebAssembly bundle (app.wasm with its
// brotli and gzip copies). They are embedded so that the server binary
// carries everything it serves.
package web

import "embed"

// FS holds every file of this directory. The build writes app.wasm,
// app.wasm.br and app.wasm.gz here before it compiles the server, so the
// bundle is embedded too; without them the pages still prerender but the
// app does not start. Go sources and templates are embedded as well and
// must not be served: see Public.
//
//go:embed *
var FS embed.FS

// Public reports whether the file name (relative to this directory) may be
// served under /web/.
func Public(name string) bool {
	switch {
	case name == "" || name[0] == '.' || name[0] == '_':
		return false
	}
	for _, ext := range []string{".css", ".js", ".svg", ".png", ".txt", ".wasm", ".wasm.br", ".wasm.gz", ".webmanifest", ".ico", ".woff2"} {
		if len(name) > len(ext) && name[len(name)-len(ext):] == ext {
			return true
		}
	}
	return false
}
