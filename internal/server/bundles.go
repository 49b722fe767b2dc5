package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"folio/app"
	"folio/app/preview"
	"folio/internal/httpcache"
)

// Two WebAssembly bundles serve the app (issue 12): web/app.wasm, the
// reader app (home, reader, saved, 404), which every page loads, and
// web/preview.wasm, the same pages plus the preview workbench with the
// draft pipeline and the sanitiser, which only /preview loads. go-app v9
// has one wasm path per Handler, written into its /app.js; rather than a
// second Handler (a second app.js, manifest and service worker, which
// would not control the same pages), the one app.js is rewritten to pick
// the bundle from the page's path.

const (
	previewWasmPath = "/web/preview.wasm"
	readerWasmPath  = "/web/app.wasm"
)

// routeBundles registers the pages of both bundles for prerendering: the
// reader app's and the preview's.
func routeBundles() {
	app.Routes()
	preview.Routes()
}

// afterPaint replaces app.js's immediate start of the service worker and
// the WebAssembly app: both start once the page has loaded and painted
// (two animation frames after the load event: the first frame's paint is
// done when the second begins).
// The prerendered page is complete without them, and neither 1.5 MB
// download (the bundle, and the worker's precache of it) then competes
// with the page's own HTML, CSS and images for the first paint.
const afterPaint = `(document.readyState === "complete"
  ? Promise.resolve()
  : new Promise((resolve) => window.addEventListener("load", resolve, { once: true }))
)
  .then(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0)))))
  .then(() => {
    goappInitServiceWorker();
    goappInitWebAssembly();
  });
`

// appJS is go-app's /app.js with the bundle chosen by path, made once per
// pages (its content depends only on the Handler's settings).
var appJS sync.Map // *pages → []byte

// serveAppJS serves go-app's /app.js, rewritten so that the page at
// app.PreviewPath loads the preview's bundle and every other page the
// reader's, and so that the app starts after the first paint (afterPaint).
func (p *pages) serveAppJS(w http.ResponseWriter, r *http.Request) {
	v, ok := appJS.Load(p)
	if !ok {
		rec := p.prerender(r.Context(), &url.URL{Path: "/app.js"})
		if rec.status != http.StatusOK {
			p.app.ServeHTTP(w, r)
			return
		}
		js := bytes.Replace(rec.buf.Bytes(),
			[]byte(`fetchWithProgress("`+readerWasmPath+`"`),
			[]byte(`fetchWithProgress(location.pathname === "`+app.PreviewPath+`" ? "`+previewWasmPath+`" : "`+readerWasmPath+`"`), 1)
		js = bytes.Replace(js, []byte("goappInitServiceWorker();\n"), nil, 1)
		js = bytes.Replace(js, []byte("goappInitWebAssembly();\n"), []byte(afterPaint), 1)
		v, _ = appJS.LoadOrStore(p, js)
	}
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", `"`+p.version+`-js"`)
	http.ServeContent(w, r, "app.js", time.Time{}, bytes.NewReader(v.([]byte)))
}

// serveBundle serves a WebAssembly bundle of web.FS pre-compressed
// (brotli, else gzip, as the build made them), with its uncompressed size
// in X-Uncompressed-Length for go-app's progress label.
func (p *pages) serveBundle(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/web/")
	raw, ok := p.files[name]
	if !ok || len(raw.data) == 0 {
		http.NotFound(w, r)
		return
	}
	f, enc := raw, httpcache.AcceptEncoding(r.Header.Get("Accept-Encoding"))
	if enc != "" {
		if cf, ok := p.files[name+map[string]string{"br": ".br", "gzip": ".gz"}[enc]]; ok && len(cf.data) > 0 {
			f = cf
		} else {
			enc = ""
		}
	}
	h := w.Header()
	h.Set("Content-Type", "application/wasm")
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	h.Set("X-Uncompressed-Length", strconv.Itoa(len(raw.data)))
	h.Set("ETag", strings.TrimSuffix(raw.etag, `"`)+"-"+enc+`"`)
	if enc != "" {
		h.Set("Content-Encoding", enc)
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.data))
}
